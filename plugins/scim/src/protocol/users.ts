/**
 * SCIM User ⇄ Roster member. A body is read leniently where IdPs are sloppy (key case,
 * `"active": "True"`, client `meta`, unknown attributes on PUT are ignored) and strictly
 * where it matters (`userName` required, types checked). The parsed shape matches the core's
 * `ProvisionInput` / `UpdateInput`: name and email parts go to columns, the rest of the
 * profile is kept as canonical SCIM JSON in the membership's `attributes`.
 */
import { coerceAttribute } from './coerce.js';
import { checkIdentifierLength, checkSchemas, identifierString, optionalString, requireObject } from './body.js';
import { ScimError } from './errors.js';
import { findKey, isObject, type JsonObject, type JsonValue } from './json.js';
import { renderMeta } from './meta.js';
import { findByName, findExtension } from './path.js';
import { ENTERPRISE_USER_SCHEMA_ID, LICENSE_USER_SCHEMA_ID, USER_RESOURCE, USER_SCHEMA_ID } from './schema-defs.js';

export interface ParsedUser {
  userName: string;
  /** Absent from the body → undefined: the caller keeps the current state (and creates active). */
  active?: boolean;
  externalId: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  /** The primary email's value, else the first one's. */
  email: string | null;
  /** Everything else in canonical SCIM form: `name` (without given/family), `emails`, `title`, extensions… */
  attributes: JsonObject;
}

/** Attributes held in columns or computed by the server, so never copied into `attributes`. */
const COLUMN_ATTRS = ['username', 'active', 'externalid', 'displayname', 'id', 'meta', 'schemas', 'groups'];

function primaryEmail(emails: JsonValue | undefined): string | null {
  if (!Array.isArray(emails)) return null;
  const objs = emails.filter(isObject);
  const chosen = objs.find((e) => e.primary === true && typeof e.value === 'string') ?? objs.find((e) => typeof e.value === 'string');
  return chosen ? (chosen.value as string) : null;
}

/**
 * Parses a POST or PUT body. Read-only attributes (`id`, `meta`, `groups`, the license
 * extension) and attributes Roster does not know are ignored, as RFC 7643 §2.2 allows; a
 * wrong type or a missing `userName` is a 400 invalidValue. `active` absent or null on create
 * means active; on a PUT (`replace`) absent keeps the current state and null is refused.
 */
export function parseUser(body: unknown, opts: { replace?: boolean } = {}): ParsedUser {
  const obj = requireObject(body, 'User');
  checkSchemas(obj, USER_RESOURCE);
  const attributes: JsonObject = {};
  let userName: string | undefined;
  let active: boolean | undefined;
  let externalId: string | null = null;
  let displayName: string | null = null;
  for (const [key, raw] of Object.entries(obj)) {
    const lower = key.toLowerCase();
    if (lower === 'username') userName = identifierString(raw, 'userName') ?? undefined;
    else if (lower === 'externalid') externalId = identifierString(raw, 'externalId');
    else if (lower === 'displayname') displayName = optionalString(raw, 'displayName');
    else if (lower === 'active') {
      const value = coerceAttribute(findByName(USER_RESOURCE.schema.attributes, 'active')!, raw, 'active', { kind: 'resource' }) as
        boolean | null;
      // On create, null is the default (active); on PUT it would ask to unassign what Roster always stores (#12.11).
      if (value === null && opts.replace)
        throw new ScimError(
          'SCIM_ERR_VALUE_INVALID',
          '"active" cannot be set to null: Roster always stores it; send true or false, or leave it out to keep the current state',
        );
      active = value ?? undefined;
    } else if (COLUMN_ATTRS.includes(lower)) continue;
    else if (lower.startsWith('urn:')) {
      const ext = findExtension(USER_RESOURCE, key);
      if (!ext || ext.id === LICENSE_USER_SCHEMA_ID || raw === null) continue;
      if (!isObject(raw)) throw new ScimError('SCIM_ERR_VALUE_INVALID', `"${key}" must be an object`);
      const values: JsonObject = {};
      for (const [k, v] of Object.entries(raw)) {
        const def = findByName(ext.attributes, k);
        if (!def || def.mutability === 'readOnly') continue;
        const coerced = coerceAttribute(def, v, `${ext.id}:${def.name}`, { kind: 'resource' });
        if (coerced !== null) values[def.name] = coerced;
      }
      if (Object.keys(values).length > 0) attributes[ext.id] = values;
    } else {
      const def = findByName(USER_RESOURCE.schema.attributes, key);
      if (!def || def.mutability === 'readOnly') continue;
      const coerced = coerceAttribute(def, raw, def.name, { kind: 'resource' });
      if (coerced !== null && !(Array.isArray(coerced) && coerced.length === 0)) attributes[def.name] = coerced;
    }
  }
  if (!userName || userName.trim() === '') throw new ScimError('SCIM_ERR_VALUE_INVALID', 'userName is required');
  const name = isObject(attributes.name) ? attributes.name : {};
  const givenName = typeof name.givenName === 'string' ? name.givenName : null;
  const familyName = typeof name.familyName === 'string' ? name.familyName : null;
  delete name.givenName;
  delete name.familyName;
  if (Object.keys(name).length === 0) delete attributes.name;
  const email = primaryEmail(attributes.emails);
  checkIdentifierLength(email, 'The primary email');
  const parsed: ParsedUser = { userName: userName.trim(), externalId, displayName, givenName, familyName, email, attributes };
  if (active !== undefined) parsed.active = active;
  return parsed;
}

/**
 * The membership's `attributes` after a SCIM write: the SCIM-owned keys come from the request
 * (PUT replaces them all), keys other channels stored there (not SCIM attribute names) stay.
 */
export function mergeStoredAttributes(stored: Record<string, unknown>, fromScim: JsonObject): Record<string, unknown> {
  const owned = new Set([
    ...USER_RESOURCE.schema.attributes.map((a) => a.name.toLowerCase()),
    ...USER_RESOURCE.extensions.map((e) => e.schema.id.toLowerCase()),
  ]);
  const kept = Object.fromEntries(Object.entries(stored).filter(([k]) => !owned.has(k.toLowerCase())));
  return { ...kept, ...fromScim };
}

/** What the handler loads to render a user; the fields mirror the core's Membership and User. */
export interface UserRecord {
  id: string;
  userName: string;
  active: boolean;
  externalId: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  attributes: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  groups?: ReadonlyArray<{ id: string; displayName: string }>;
  licenses?: ReadonlyArray<{ key: string; name: string; state: 'GRANTED' | 'PENDING_SEAT'; grantedAt: Date | null }>;
}

/** Keeps the stored emails, but the email column wins if an admin changed it elsewhere. */
function renderEmails(stored: unknown, email: string | null): JsonValue[] | undefined {
  const list = Array.isArray(stored) ? (stored.filter(isObject) as JsonObject[]) : [];
  if (email && !list.some((e) => typeof e.value === 'string' && e.value.toLowerCase() === email.toLowerCase())) {
    return [{ value: email, type: 'work', primary: true }, ...list.map((e) => ({ ...e, primary: false }))];
  }
  return list.length > 0 ? list : undefined;
}

export function renderUser(rec: UserRecord, o: { baseUrl: string }): JsonObject {
  const attrs = rec.attributes as JsonObject;
  const out: JsonObject = { schemas: [USER_SCHEMA_ID], id: rec.id };
  if (rec.externalId !== null) out.externalId = rec.externalId;
  out.userName = rec.userName;
  const storedName = isObject(attrs.name) ? attrs.name : {};
  const name: JsonObject = { ...storedName };
  if (rec.givenName !== null) name.givenName = rec.givenName;
  if (rec.familyName !== null) name.familyName = rec.familyName;
  if (Object.keys(name).length > 0) out.name = name;
  if (rec.displayName !== null) out.displayName = rec.displayName;
  for (const def of USER_RESOURCE.schema.attributes) {
    const key = findKey(attrs, def.name);
    if (def.name === 'name' || key === undefined || COLUMN_ATTRS.includes(def.name.toLowerCase()) || def.name === 'emails') continue;
    out[def.name] = attrs[key]!;
  }
  out.active = rec.active;
  const emails = renderEmails(attrs.emails, rec.email);
  if (emails) out.emails = emails;
  if (rec.groups && rec.groups.length > 0) {
    out.groups = rec.groups.map((g) => ({ value: g.id, $ref: `${o.baseUrl}/Groups/${g.id}`, display: g.displayName, type: 'direct' }));
  }
  const enterprise = attrs[ENTERPRISE_USER_SCHEMA_ID];
  if (isObject(enterprise) && Object.keys(enterprise).length > 0) {
    out[ENTERPRISE_USER_SCHEMA_ID] = enterprise;
    (out.schemas as string[]).push(ENTERPRISE_USER_SCHEMA_ID);
  }
  if (rec.licenses && rec.licenses.length > 0) {
    out[LICENSE_USER_SCHEMA_ID] = {
      licenses: rec.licenses.map((l) => {
        const lic: JsonObject = { value: l.key, display: l.name, state: l.state };
        if (l.grantedAt) lic.grantedAt = l.grantedAt.toISOString();
        return lic;
      }),
    };
    (out.schemas as string[]).push(LICENSE_USER_SCHEMA_ID);
  }
  out.meta = renderMeta('User', rec, o.baseUrl);
  return out;
}
