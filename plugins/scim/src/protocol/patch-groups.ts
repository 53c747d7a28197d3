/**
 * Group PATCH → explicit membership changes. Memberships are rows, changed one by one in the
 * order the IdP sent them (Okta's remove-then-add in one request), never by rewriting a
 * members array — that is what keeps concurrent PATCHes of one group from losing members.
 */
import { checkIdentifierLength } from './body.js';
import { ScimError } from './errors.js';
import type { Filter } from './filter.js';
import { isObject, type JsonValue } from './json.js';
import type { PatchOperation } from './patch.js';

export type MemberChangeKind = 'addMembers' | 'removeMembers' | 'replaceMembers' | 'removeAllMembers';

export type GroupChange =
  | {
      kind: MemberChangeKind;
      /** Member (User) ids; empty for removeAllMembers. */
      ids: string[];
      /** `display` values the client sent, by id; Microsoft's tests expect them back on GET. */
      displays?: Record<string, string>;
    }
  | { kind: 'rename'; displayName: string }
  | { kind: 'externalId'; externalId: string | null };

function members(value: JsonValue | undefined, where: string): { ids: string[]; displays?: Record<string, string> } {
  const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  const displays: Record<string, string> = {};
  for (const m of list) {
    const id = isObject(m) ? m.value : undefined;
    if (typeof id !== 'string' || id.trim() === '')
      throw new ScimError('SCIM_ERR_VALUE_INVALID', `${where}: every member needs a "value" with the member's id`);
    if (!ids.includes(id.trim())) ids.push(id.trim());
    if (isObject(m) && typeof m.display === 'string') displays[id.trim()] = m.display;
  }
  return Object.keys(displays).length > 0 ? { ids, displays } : { ids };
}

/** `value eq "a"` or `value eq "a" or value eq "b"` → ids; anything else cannot name members. */
function idsOf(f: Filter): string[] | undefined {
  if (f.type === 'compare' && f.op === 'eq' && f.path.attr === 'value' && typeof f.value === 'string') return [f.value];
  if (f.type === 'or') {
    const l = idsOf(f.left);
    const r = idsOf(f.right);
    return l && r ? [...l, ...r] : undefined;
  }
  return undefined;
}

function unsupported(op: PatchOperation, why: string): never {
  throw new ScimError('SCIM_ERR_PATH_INVALID', `Group PATCH "${op.op}" of ${op.target.attr}: ${why}`);
}

function memberChange(op: PatchOperation): GroupChange {
  const { filter, sub } = op.target;
  if (sub) unsupported(op, 'member sub-attributes cannot be changed; add or remove the member instead');
  if (filter) {
    if (op.op !== 'remove') unsupported(op, 'a value filter is only supported to remove members');
    const ids = idsOf(filter);
    if (!ids) unsupported(op, 'only members[value eq "id"] (optionally joined with "or") selects members');
    return { kind: 'removeMembers', ids };
  }
  if (op.op === 'remove') {
    if (op.value === undefined) return { kind: 'removeAllMembers', ids: [] };
    return { kind: 'removeMembers', ...members(op.value, 'remove members') };
  }
  return { kind: op.op === 'add' ? 'addMembers' : 'replaceMembers', ...members(op.value, `${op.op} members`) };
}

/** Canonical Group operations (from `normalisePatch(body, GROUP_RESOURCE)`) → changes, in order. */
export function toGroupChanges(ops: readonly PatchOperation[]): GroupChange[] {
  return ops.map((op): GroupChange => {
    if (op.target.extension) unsupported(op, 'groups have no extension attributes');
    switch (op.target.attr) {
      case 'members':
        return memberChange(op);
      case 'displayName': {
        if (op.op === 'remove' || typeof op.value !== 'string' || op.value.trim() === '') {
          throw new ScimError('SCIM_ERR_VALUE_INVALID', 'displayName is required and must be a non-empty string');
        }
        if (op.target.filter || op.target.sub) unsupported(op, 'displayName is a simple attribute');
        checkIdentifierLength(op.value, 'displayName');
        return { kind: 'rename', displayName: op.value };
      }
      case 'externalId': {
        if (op.op === 'remove' || op.value === null) return { kind: 'externalId', externalId: null };
        if (typeof op.value !== 'string') throw new ScimError('SCIM_ERR_VALUE_INVALID', 'externalId must be a string');
        checkIdentifierLength(op.value, 'externalId');
        return { kind: 'externalId', externalId: op.value };
      }
      default:
        return unsupported(op, 'not an attribute a group PATCH can change');
    }
  });
}
