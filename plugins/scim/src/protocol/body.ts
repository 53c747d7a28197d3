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
  if (unknown.length > 0) throw new ScimError('SCIM_ERR_SCHEMA_UNKNOWN', `${resource.name} does not support the schema(s) ${unknown.join(', ')}`);
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
