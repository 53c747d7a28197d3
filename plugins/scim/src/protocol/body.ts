/** Checks shared by User and Group bodies: the envelope and the `schemas` list. */
import { ScimError } from './errors.js';
import { getCI, isObject, type JsonObject } from './json.js';
import { resourceSchemaIds } from './path.js';
import type { ResourceDef } from './schema-defs.js';

export function requireObject(body: unknown, what: string): JsonObject {
  if (!isObject(body)) throw new ScimError('SCIM_ERR_SYNTAX_INVALID', `A ${what} body must be a JSON object`);
  return body;
}

/**
 * `schemas` may be omitted (we know the endpoint), but when given it must name the core
 * schema and nothing this resource does not support — a Group body sent to /Users fails here.
 */
export function checkSchemas(body: JsonObject, resource: ResourceDef): void {
  const schemas = getCI(body, 'schemas');
  if (schemas === undefined) return;
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw new ScimError('SCIM_ERR_SYNTAX_INVALID', '"schemas" must be an array of schema URNs');
  }
  const known = resourceSchemaIds(resource).map((s) => s.toLowerCase());
  const unknown = (schemas as string[]).filter((s) => !known.includes(s.toLowerCase()));
  if (unknown.length > 0)
    throw new ScimError('SCIM_ERR_SCHEMA_UNKNOWN', `${resource.name} does not support the schema(s) ${unknown.join(', ')}`);
  if (!(schemas as string[]).some((s) => s.toLowerCase() === resource.schema.id.toLowerCase())) {
    throw new ScimError('SCIM_ERR_SCHEMA_UNKNOWN', `"schemas" must contain ${resource.schema.id}`);
  }
}

export function optionalString(v: unknown, where: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ScimError('SCIM_ERR_VALUE_INVALID', `${where} must be a string`);
}

/**
 * The longest userName, externalId, primary email and group displayName Roster stores. These
 * columns are indexed, and a PostgreSQL btree entry holds about 2.7 kB: a longer value that does
 * not compress would fail in the database (a 500). 512 characters is 2 kB at 4 bytes a character,
 * far above what Okta (100) or Entra (113 for a UPN, 256 for a group name) send.
 */
export const MAX_IDENTIFIER_LENGTH = 512;

export function checkIdentifierLength(v: string | null, where: string): void {
  if (v !== null && v.length > MAX_IDENTIFIER_LENGTH) {
    throw new ScimError('SCIM_ERR_VALUE_INVALID', `${where} is longer than ${MAX_IDENTIFIER_LENGTH} characters`);
  }
}

/** `optionalString` for an indexed column (see MAX_IDENTIFIER_LENGTH). */
export function identifierString(v: unknown, where: string): string | null {
  const s = optionalString(v, where);
  checkIdentifierLength(s, where);
  return s;
}
