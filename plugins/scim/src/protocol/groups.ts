/** SCIM Group ⇄ Roster team group. Members are users only (nested groups are not supported). */
import { coerceAttribute } from './coerce.js';
import { checkSchemas, identifierString, requireObject } from './body.js';
import { ScimError } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import { renderMeta } from './meta.js';
import { findByName } from './path.js';
import { GROUP_RESOURCE, GROUP_SCHEMA_ID } from './schema-defs.js';

export interface MemberRef {
  value: string;
  display?: string;
}

export interface ParsedGroup {
  displayName: string;
  externalId: string | null;
  /** Absent from the body → undefined; on PUT the caller decides (RFC 7644 §3.5.1 means "no members"). */
  members?: MemberRef[];
}

const MEMBERS = findByName(GROUP_RESOURCE.schema.attributes, 'members')!;

export function parseGroup(body: unknown): ParsedGroup {
  const obj = requireObject(body, 'Group');
  checkSchemas(obj, GROUP_RESOURCE);
  let displayName: string | null = null;
  let externalId: string | null = null;
  let members: MemberRef[] | undefined;
  for (const [key, raw] of Object.entries(obj)) {
    const lower = key.toLowerCase();
    if (lower === 'displayname') displayName = identifierString(raw, 'displayName');
    else if (lower === 'externalid') externalId = identifierString(raw, 'externalId');
    else if (lower === 'members') {
      const list = coerceAttribute(MEMBERS, raw, 'members', { kind: 'resource' });
      members = [];
      for (const m of Array.isArray(list) ? list : []) {
        const value = isObject(m) && typeof m.value === 'string' ? m.value.trim() : '';
        if (value === '') throw new ScimError('SCIM_ERR_VALUE_INVALID', 'every member needs a "value" with the member\'s id');
        if (members.some((x) => x.value === value)) continue;
        const ref: MemberRef = { value };
        if (isObject(m) && typeof m.display === 'string') ref.display = m.display;
        members.push(ref);
      }
    }
  }
  if (!displayName || displayName.trim() === '') throw new ScimError('SCIM_ERR_VALUE_INVALID', 'displayName is required');
  const parsed: ParsedGroup = { displayName: displayName.trim(), externalId };
  if (members !== undefined) parsed.members = members;
  return parsed;
}

export interface GroupRecord {
  id: string;
  displayName: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** Omit to render without `members` (e.g. `excludedAttributes=members`, saving the query). */
  members?: ReadonlyArray<{ id: string; display?: string | null }>;
}

export function renderGroup(rec: GroupRecord, o: { baseUrl: string }): JsonObject {
  const out: JsonObject = { schemas: [GROUP_SCHEMA_ID], id: rec.id };
  if (rec.externalId !== null) out.externalId = rec.externalId;
  out.displayName = rec.displayName;
  if (rec.members) {
    out.members = rec.members.map((m) => {
      const member: JsonObject = { value: m.id, $ref: `${o.baseUrl}/Users/${m.id}`, type: 'User' };
      if (m.display) member.display = m.display;
      return member;
    });
  }
  out.meta = renderMeta('Group', rec, o.baseUrl);
  return out;
}
