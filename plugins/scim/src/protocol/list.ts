/** ListResponse (RFC 7644 §3.4.2) and the paging parameters that shape it. */
import { ScimError } from './errors.js';
import type { JsonObject } from './json.js';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export interface ListResponse {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: JsonObject[];
}

export function listResponse(resources: JsonObject[], page: { totalResults: number; startIndex: number }): ListResponse {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: page.totalResults,
    startIndex: page.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

export interface Paging {
  /** 1-based, as SCIM counts. */
  startIndex: number;
  count: number;
}

function integer(name: string, raw: string | number | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n)) throw new ScimError('SCIM_ERR_VALUE_INVALID', `${name} must be an integer, not ${JSON.stringify(raw)}`);
  return n;
}

/**
 * RFC 7644 §3.4.2.4: startIndex below 1 means 1, a negative count means 0, and the server
 * may cap count (we cap at `maxResults` rather than refusing, as Okta pages with count=100).
 */
export function parsePaging(query: { startIndex?: string | number; count?: string | number }, maxResults: number): Paging {
  const start = integer('startIndex', query.startIndex) ?? 1;
  const count = integer('count', query.count) ?? maxResults;
  return { startIndex: Math.max(1, start), count: Math.min(Math.max(0, count), maxResults) };
}

/** The query of a list request, from URL parameters or a POST /.search body. */
export interface ListQuery {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  attributes?: string;
  excludedAttributes?: string;
  startIndex?: string | number;
  count?: string | number;
}

/**
 * POST /.search (RFC 7644 §3.4.3): the same parameters as a GET, in a SearchRequest body;
 * `attributes` may be a list there. Keys are case-insensitive like everything else in SCIM.
 */
export function parseSearchRequest(body: unknown): ListQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ScimError('SCIM_ERR_SYNTAX_INVALID', 'A search body must be a JSON object');
  const obj = body as Record<string, unknown>;
  const get = (name: string): unknown => obj[Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name];
  const schemas = get('schemas');
  if (
    schemas !== undefined &&
    (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase()))
  ) {
    throw new ScimError('SCIM_ERR_SYNTAX_INVALID', `A search body's "schemas" must contain "${SEARCH_REQUEST_SCHEMA}"`);
  }
  const q: ListQuery = {};
  for (const key of ['filter', 'sortBy', 'sortOrder'] as const) {
    const v = get(key);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new ScimError('SCIM_ERR_VALUE_INVALID', `"${key}" must be a string`);
    q[key] = v;
  }
  for (const key of ['attributes', 'excludedAttributes'] as const) {
    const v = get(key);
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') q[key] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) q[key] = v.join(',');
    else throw new ScimError('SCIM_ERR_VALUE_INVALID', `"${key}" must be a string or a list of strings`);
  }
  for (const key of ['startIndex', 'count'] as const) {
    const v = get(key);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' && typeof v !== 'string') throw new ScimError('SCIM_ERR_VALUE_INVALID', `"${key}" must be an integer`);
    q[key] = v;
  }
  return q;
}
