/**
 * Discovery (RFC 7644 §4): /ServiceProviderConfig, /Schemas and /ResourceTypes, each also by
 * id. Everything is rendered from the same definitions the server parses and validates with,
 * so the documents describe exactly what is supported.
 */
import { type AttributeDef, type ResourceDef, type SchemaDef, ALL_SCHEMAS, GROUP_RESOURCE, USER_RESOURCE } from './schema-defs.js';
import type { JsonObject } from './json.js';
import { listResponse, type ListResponse } from './list.js';

export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export const RESOURCES: readonly ResourceDef[] = [USER_RESOURCE, GROUP_RESOURCE];

export interface DiscoveryOptions {
  /** The team's SCIM base URL without a trailing slash, e.g. `https://roster.example/scim/v2/acme`. */
  baseUrl: string;
  /** @default 1000 */
  bulkMaxOperations?: number;
  /** Bytes. @default 1048576 */
  bulkMaxPayloadSize?: number;
  /** The most resources one list or search returns. @default 200 */
  filterMaxResults?: number;
  /** Where the admin guide lives; shown to IdP admins by some consoles. */
  documentationUri?: string;
}

export const DISCOVERY_DEFAULTS = { bulkMaxOperations: 1000, bulkMaxPayloadSize: 1_048_576, filterMaxResults: 200 } as const;

export function serviceProviderConfig(o: DiscoveryOptions): JsonObject {
  const doc: JsonObject = {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: {
      supported: true,
      maxOperations: o.bulkMaxOperations ?? DISCOVERY_DEFAULTS.bulkMaxOperations,
      maxPayloadSize: o.bulkMaxPayloadSize ?? DISCOVERY_DEFAULTS.bulkMaxPayloadSize,
    },
    filter: { supported: true, maxResults: o.filterMaxResults ?? DISCOVERY_DEFAULTS.filterMaxResults },
    // Members sign in through the team's sign-in methods; passwords are never provisioned.
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'A SCIM token created by a team admin in Roster, sent as "Authorization: Bearer <token>".',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${o.baseUrl}/ServiceProviderConfig` },
  };
  if (o.documentationUri) doc.documentationUri = o.documentationUri;
  return doc;
}

function renderAttribute(a: AttributeDef): JsonObject {
  const out: JsonObject = {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
  };
  if (a.canonicalValues) out.canonicalValues = a.canonicalValues;
  if (a.referenceTypes) out.referenceTypes = a.referenceTypes;
  if (a.subAttributes) out.subAttributes = a.subAttributes.map(renderAttribute);
  return out;
}

function renderSchema(s: SchemaDef, baseUrl: string): JsonObject {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes.map(renderAttribute),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` },
  };
}

function renderResourceType(r: ResourceDef, baseUrl: string): JsonObject {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: r.name,
    name: r.name,
    endpoint: r.endpoint,
    description: r.description,
    schema: r.schema.id,
    schemaExtensions: r.extensions.map((e) => ({ schema: e.schema.id, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${r.name}` },
  };
}

export function schemasList(o: DiscoveryOptions): ListResponse {
  const all = ALL_SCHEMAS.map((s) => renderSchema(s, o.baseUrl));
  return listResponse(all, { totalResults: all.length, startIndex: 1 });
}

/** A schema by id (URNs compare case-insensitively); undefined → 404. */
export function schemaById(id: string, o: DiscoveryOptions): JsonObject | undefined {
  const s = ALL_SCHEMAS.find((x) => x.id.toLowerCase() === id.toLowerCase());
  return s && renderSchema(s, o.baseUrl);
}

export function resourceTypesList(o: DiscoveryOptions): ListResponse {
  const all = RESOURCES.map((r) => renderResourceType(r, o.baseUrl));
  return listResponse(all, { totalResults: all.length, startIndex: 1 });
}

export function resourceTypeById(id: string, o: DiscoveryOptions): JsonObject | undefined {
  const r = RESOURCES.find((x) => x.name.toLowerCase() === id.toLowerCase());
  return r && renderResourceType(r, o.baseUrl);
}
