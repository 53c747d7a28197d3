/**
 * Turns client JSON into values of the declared attribute type, in canonical key case.
 * This is where the dialects' loose typing is absorbed: `"active": "False"` (Entra),
 * `"Primary": true` (Microsoft's tests), a bare string for a complex attribute
 * (`manager: "id"`, Entra) or a single object for a multi-valued one.
 */
import { ScimError } from './errors.js';
import { isObject, type JsonObject, type JsonValue } from './json.js';
import { findByName } from './path.js';
import type { AttributeDef } from './schema-defs.js';

export interface CoerceMode {
  /**
   * `resource`: a full body (POST/PUT) — unknown and read-only attributes are ignored, as
   * RFC 7643 §2.2 and Microsoft's tests expect. `patch`: an operation value — an unknown
   * sub-attribute is an error, because ignoring it would drop part of the change.
   */
  kind: 'resource' | 'patch';
}

function bad(where: string, what: string): never {
  throw new ScimError('SCIM_ERR_VALUE_INVALID', `${where}: ${what}`);
}

export function toBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return undefined;
}

function scalar(def: AttributeDef, v: unknown, where: string): JsonValue {
  if (v === null) return null;
  switch (def.type) {
    case 'boolean': {
      const b = toBoolean(v);
      return b === undefined ? bad(where, `expected a boolean, got ${JSON.stringify(v)}`) : b;
    }
    case 'integer':
    case 'decimal': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n) || (def.type === 'integer' && !Number.isInteger(n)))
        bad(where, `expected ${def.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`);
      return n;
    }
    case 'dateTime': {
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) bad(where, `expected a dateTime, got ${JSON.stringify(v)}`);
      return v;
    }
    default: {
      // string, reference, binary: numbers and booleans are accepted as their text (employeeNumber: 42).
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      return bad(where, `expected a string, got ${Array.isArray(v) ? 'an array' : 'an object'}`);
    }
  }
}

function complexValue(def: AttributeDef, v: unknown, where: string, mode: CoerceMode): JsonValue {
  if (v === null) return null;
  if (!isObject(v)) {
    // `"manager": "123"` means the value sub-attribute.
    if (findByName(def.subAttributes, 'value') && (typeof v === 'string' || typeof v === 'number')) return { value: String(v) };
    return bad(where, `expected an object, got ${JSON.stringify(v)}`);
  }
  const out: JsonObject = {};
  for (const [key, raw] of Object.entries(v)) {
    let sub = findByName(def.subAttributes, key);
    // Microsoft's tests send members as {displayName, value}; `display` is the attribute they mean.
    if (!sub && key.toLowerCase() === 'displayname') sub = findByName(def.subAttributes, 'display');
    if (!sub) {
      if (mode.kind === 'patch') throw new ScimError('SCIM_ERR_PATH_INVALID', `${where}: "${key}" is not a sub-attribute of ${def.name}`);
      continue;
    }
    if (sub.mutability === 'readOnly' || raw === undefined) continue;
    out[sub.name] = scalar(sub, raw, `${where}.${sub.name}`);
  }
  return out;
}

/** Coerces a single (non-array) value of the attribute: one element when the attribute is multi-valued. */
export function coerceElement(def: AttributeDef, v: unknown, where: string, mode: CoerceMode): JsonValue {
  return def.type === 'complex' ? complexValue(def, v, where, mode) : scalar(def, v, where);
}

/** Coerces a whole attribute value; a multi-valued attribute given one value gets a one-element array. */
export function coerceAttribute(def: AttributeDef, v: unknown, where: string, mode: CoerceMode): JsonValue {
  if (v === null) return null;
  if (!def.multiValued) {
    if (Array.isArray(v)) {
      // Some clients wrap a single value in an array; more than one value cannot be meant.
      if (v.length === 1) return coerceElement(def, v[0], where, mode);
      return bad(where, `${def.name} is single-valued, got an array of ${v.length}`);
    }
    return coerceElement(def, v, where, mode);
  }
  const items = Array.isArray(v) ? v : [v];
  const values = items.map((item, i) => coerceElement(def, item, `${where}[${i}]`, mode));
  // A null or empty element carries no value (`"emails": [null]`); keeping it would store noise.
  return normalisePrimary(values.filter((x) => x !== null && !(isObject(x) && Object.keys(x).length === 0)));
}

/** RFC 7643 §2.4: at most one value is primary; the first one marked wins. */
export function normalisePrimary(items: JsonValue[]): JsonValue[] {
  let seen = false;
  for (const item of items) {
    if (!isObject(item) || item.primary !== true) continue;
    if (seen) item.primary = false;
    seen = true;
  }
  return items;
}
