/**
 * PATCH normaliser (RFC 7644 §3.5.2). Every dialect — Okta's pathless `replace` of
 * `{"active": false}` and `{id, displayName}`, Entra's `"op": "Replace"`, `"False"`, bare
 * string member ids and `name.givenName` keys inside a pathless value, value-filter paths,
 * schema-URN-prefixed paths — becomes one canonical list: every operation has a lower-case
 * `op`, a resolved target in canonical attribute case, and a value of the declared type.
 * What cannot be applied fails here with the RFC's scimType, before anything is changed;
 * nothing is dropped without an error.
 */
import { coerceAttribute, coerceElement, toBoolean } from './coerce.js';
import { ScimError, isScimError } from './errors.js';
import { parseFilter, type Filter } from './filter.js';
import { findKey, getCI, isObject, type JsonValue } from './json.js';
import { findByName, findExtension, formatAttrPath, parseAttrPath, resolveAttr, type AttrPath } from './path.js';
import type { AttributeDef, ResourceDef } from './schema-defs.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Far above what an IdP sends in one request; bounds the work one body can cause. */
export const MAX_PATCH_OPERATIONS = 1000;

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchTarget {
  /** The canonical extension schema id, for extension attributes (it is their key in the resource JSON). */
  extension?: string;
  /** Canonical attribute name: `emails`, `name`, `active`. */
  attr: string;
  /** Value-selection filter (`emails[type eq "work"]`); its paths are sub-attributes of one element. */
  filter?: Filter;
  /** Canonical sub-attribute name: `givenName` in `name.givenName`, `value` in `emails[…].value`. */
  sub?: string;
}

export interface PatchOperation {
  op: PatchOpName;
  target: PatchTarget;
  /** Present (never null) for add and replace, coerced to the target's type; for remove only when values were listed. */
  value?: JsonValue;
}

export interface NormaliseOptions {
  /** The id of the resource being patched: an `id` inside a pathless value must equal it (Okta resends it). */
  resourceId?: string;
}

function pathError(detail: string): never {
  throw new ScimError('SCIM_ERR_PATH_INVALID', detail);
}

/** Index of the `]` closing the bracket at `open`, skipping quoted strings. */
function closingBracket(text: string, open: number): number {
  let inString = false;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ']') return i;
  }
  return -1;
}

/** Parses `attr`, `attr.sub`, `urn:…:attr`, `attr[filter]`, `attr[filter].sub` (RFC 7644 §3.5.2 PATH). */
export function parsePatchPath(text: string): { path: AttrPath; filter?: Filter } {
  const trimmed = text.trim();
  const open = trimmed.indexOf('[');
  if (open < 0) {
    const path = parseAttrPath(trimmed);
    if (!path) pathError(`"${text}" is not a valid attribute path`);
    return { path };
  }
  const close = closingBracket(trimmed, open);
  if (close < 0) pathError(`"${text}" has an unclosed "["`);
  const base = parseAttrPath(trimmed.slice(0, open));
  if (!base || base.sub !== undefined) pathError(`"${text}": a value filter must follow an attribute name`);
  const rest = trimmed.slice(close + 1);
  if (rest !== '') {
    const sub = /^\.([A-Za-z$_][\w$-]*)$/.exec(rest);
    if (!sub) pathError(`"${text}": only ".subAttribute" may follow "]"`);
    base.sub = sub[1];
  }
  let filter: Filter;
  try {
    filter = parseFilter(trimmed.slice(open + 1, close));
  } catch (e) {
    // A string breaking the text rule stays invalidValue, as it is everywhere else.
    if (isScimError(e) && e.code !== 'SCIM_ERR_TEXT_INVALID') pathError(`"${text}": ${e.message}`);
    throw e;
  }
  return { path: base, filter };
}

/**
 * Checks that a value filter only names sub-attributes of the attribute it selects from, and
 * returns it with canonical names and typed values, so `emails[Type eq "work"]` creates
 * `{type: "work"}` and `[primary eq "True"]` compares a boolean.
 */
function canonicalFilter(f: Filter, def: AttributeDef, text: string): Filter {
  switch (f.type) {
    case 'and':
    case 'or':
      return { type: f.type, left: canonicalFilter(f.left, def, text), right: canonicalFilter(f.right, def, text) };
    case 'not':
      return { type: 'not', filter: canonicalFilter(f.filter, def, text) };
    case 'valuePath':
      return pathError(`"${text}": value filters cannot be nested`);
    case 'compare':
    case 'present': {
      const sub = f.path.uri === undefined && f.path.sub === undefined ? findByName(def.subAttributes, f.path.attr) : undefined;
      if (!sub) return pathError(`"${text}": "${formatAttrPath(f.path)}" is not a sub-attribute of ${def.name}`);
      if (f.type === 'present') return { type: 'present', path: { attr: sub.name } };
      let value = f.value;
      if (sub.type === 'boolean' && typeof value === 'string') value = toBoolean(value) ?? value;
      if (sub.type === 'string' && value !== null && typeof value !== 'string') value = f.raw ?? String(value);
      const out: Filter = { type: 'compare', path: { attr: sub.name }, op: f.op, value };
      if (f.raw !== undefined) out.raw = f.raw;
      return out;
    }
  }
}

function resolveTarget(resource: ResourceDef, text: string): { target: PatchTarget; def: AttributeDef; sub?: AttributeDef } {
  const { path, filter } = parsePatchPath(text);
  const resolved = resolveAttr(resource, path);
  if (!resolved) pathError(`"${text}" is not an attribute of ${resource.name}`);
  const target: PatchTarget = { attr: resolved.def.name };
  if (resolved.extension) target.extension = resolved.extension;
  if (resolved.sub) target.sub = resolved.sub.name;
  if (filter) {
    if (resolved.def.type !== 'complex') pathError(`"${text}": ${resolved.def.name} has no sub-attributes to filter on`);
    target.filter = canonicalFilter(filter, resolved.def, text);
  }
  const out: { target: PatchTarget; def: AttributeDef; sub?: AttributeDef } = { target, def: resolved.def };
  if (resolved.sub) out.sub = resolved.sub;
  return out;
}

function checkMutability(op: PatchOpName, def: AttributeDef, sub: AttributeDef | undefined, text: string): void {
  const leaf = sub ?? def;
  if (def.mutability === 'readOnly' || leaf.mutability === 'readOnly') {
    throw new ScimError('SCIM_ERR_MUTABILITY', `"${text}" is read-only and cannot be changed`);
  }
  if (leaf.mutability === 'immutable' && sub && op !== 'add') {
    throw new ScimError('SCIM_ERR_MUTABILITY', `"${text}" is immutable once set`);
  }
  if (op === 'remove' && !sub && def.required) {
    throw new ScimError('SCIM_ERR_VALUE_INVALID', `"${text}" is required and cannot be removed`);
  }
  if (op === 'remove' && !sub && def.alwaysAssigned) refuseUnassign(def, text);
}

/**
 * RFC 7644 §3.5.2.2 makes a removed attribute unassigned; `active` cannot be (a member is
 * active or not), and guessing a default would reactivate a deactivated member. So the
 * request is refused, never answered 204 with nothing changed (#12.11).
 */
function refuseUnassign(def: AttributeDef, text: string): never {
  const values = def.type === 'boolean' ? 'true or false' : 'a value';
  throw new ScimError('SCIM_ERR_VALUE_INVALID', `"${text}" cannot be removed or set to null: Roster always stores it; send ${values}`);
}

function coerceFor(target: PatchTarget, def: AttributeDef, sub: AttributeDef | undefined, value: unknown, where: string): JsonValue {
  const mode = { kind: 'patch' as const };
  if (sub) return coerceAttribute(sub, value, where, mode);
  if (target.filter) {
    // The value for `emails[type eq "work"]` is (the new content of) one element.
    const one = Array.isArray(value) && value.length === 1 ? value[0] : value;
    return coerceElement(def, one, where, mode);
  }
  return coerceAttribute(def, value, where, mode);
}

function operation(op: PatchOpName, text: string, value: unknown, resource: ResourceDef, hasValue: boolean): PatchOperation {
  const { target, def, sub } = resolveTarget(resource, text);
  checkMutability(op, def, sub, text);
  const out: PatchOperation = { op, target };
  if (op === 'remove') {
    // Listing the values to remove only makes sense for a multi-valued attribute (Entra's members removal).
    if (hasValue && value !== null && def.multiValued && !sub && !target.filter)
      out.value = coerceAttribute(def, value, text, { kind: 'patch' });
    return out;
  }
  if (!hasValue) throw new ScimError('SCIM_ERR_VALUE_INVALID', `"${op}" of "${text}" needs a value`);
  if (value === null && def.required && !sub) throw new ScimError('SCIM_ERR_VALUE_INVALID', `"${text}" is required and cannot be null`);
  const coerced = coerceFor(target, def, sub, value, text);
  // Null is "unassigned" (RFC 7643 §2.5): saying so as a remove keeps nulls out of the canonical list.
  if (coerced === null) {
    if (def.alwaysAssigned && !sub) refuseUnassign(def, text);
    return { op: 'remove', target };
  }
  out.value = coerced;
  return out;
}

/** A pathless add/replace: each key of the value object is a path (Entra even sends `name.givenName` keys). */
function expandPathless(op: PatchOpName, value: unknown, resource: ResourceDef, opts: NormaliseOptions): PatchOperation[] {
  if (!isObject(value)) throw new ScimError('SCIM_ERR_VALUE_INVALID', `"${op}" without a path needs an object of attributes as its value`);
  const out: PatchOperation[] = [];
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas' || lower === 'meta') continue; // envelope, not a change
    if (lower === 'id') {
      // Okta resends the group's id with every rename; it may only name the resource itself.
      if (opts.resourceId !== undefined && String(v) !== opts.resourceId)
        throw new ScimError('SCIM_ERR_MUTABILITY', '"id" is read-only and cannot be changed');
      continue;
    }
    const extension = findExtension(resource, key) ?? (lower === resource.schema.id.toLowerCase() ? resource.schema : undefined);
    if (extension) {
      if (!isObject(v)) throw new ScimError('SCIM_ERR_VALUE_INVALID', `"${key}" must be an object of attributes`);
      const prefix = extension === resource.schema ? '' : `${extension.id}:`;
      for (const [subKey, subValue] of Object.entries(v)) out.push(operation(op, prefix + subKey, subValue, resource, true));
      continue;
    }
    out.push(operation(op, key, v, resource, true));
  }
  if (out.length === 0) throw new ScimError('SCIM_ERR_NO_TARGET', `"${op}" without a path changes nothing`);
  return out;
}

/**
 * Validates a PATCH body and returns its canonical operations in order. Throws a SCIM error
 * (invalidSyntax / invalidPath / invalidFilter / invalidValue / mutability / noTarget) for
 * anything that could not be applied as written.
 */
export function normalisePatch(body: unknown, resource: ResourceDef, opts: NormaliseOptions = {}): PatchOperation[] {
  if (!isObject(body)) throw new ScimError('SCIM_ERR_SYNTAX_INVALID', 'A PATCH body must be a JSON object with "schemas" and "Operations"');
  const schemas = getCI(body, 'schemas');
  if (
    schemas !== undefined &&
    (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase()))
  ) {
    throw new ScimError('SCIM_ERR_SYNTAX_INVALID', `A PATCH body's "schemas" must contain "${PATCH_OP_SCHEMA}"`);
  }
  const ops = getCI(body, 'Operations');
  if (!Array.isArray(ops) || ops.length === 0)
    throw new ScimError('SCIM_ERR_SYNTAX_INVALID', 'A PATCH body needs a non-empty "Operations" array');
  if (ops.length > MAX_PATCH_OPERATIONS)
    throw new ScimError('SCIM_ERR_SYNTAX_INVALID', `A PATCH body may hold at most ${MAX_PATCH_OPERATIONS} operations`);
  const out: PatchOperation[] = [];
  ops.forEach((raw, i) => {
    if (!isObject(raw)) throw new ScimError('SCIM_ERR_SYNTAX_INVALID', `Operations[${i}] is not an object`);
    const opRaw = getCI(raw, 'op');
    const op = typeof opRaw === 'string' ? opRaw.trim().toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw new ScimError(
        'SCIM_ERR_PATCH_OP_INVALID',
        `Operations[${i}].op must be "add", "replace" or "remove", not ${JSON.stringify(opRaw ?? null)}`,
      );
    }
    const pathRaw = getCI(raw, 'path');
    const valueKey = findKey(raw, 'value');
    const value = valueKey === undefined ? undefined : raw[valueKey];
    if (pathRaw !== undefined && pathRaw !== null && typeof pathRaw !== 'string')
      throw new ScimError('SCIM_ERR_PATH_INVALID', `Operations[${i}].path must be a string`);
    const path = typeof pathRaw === 'string' && pathRaw.trim() !== '' ? pathRaw : undefined;
    if (path === undefined) {
      if (op === 'remove') throw new ScimError('SCIM_ERR_NO_TARGET', `Operations[${i}]: "remove" needs a path`);
      out.push(...expandPathless(op, value, resource, opts));
    } else {
      out.push(operation(op, path, value, resource, valueKey !== undefined));
    }
  });
  return out;
}

export { applyPatchToResource, filterTemplate } from './patch-apply.js';
export { toGroupChanges, type GroupChange, type MemberChangeKind } from './patch-groups.js';
