/**
 * The framework-free request and response of the SCIM endpoints, and the small readers every
 * endpoint shares: query parameters, headers, the JSON body, preconditions.
 */
import { describeInvalidText, findInvalidText } from '@roster/plugin-sdk';
import { ScimError, etag, etagMatches, parseJsonBody, type ScimResponse } from '../protocol/index.js';

export type { ScimResponse } from '../protocol/index.js';

/** One HTTP request as the handler sees it; any framework adapter builds this. */
export interface ScimRequest {
  method: string;
  /** The path below the SCIM prefix, starting with the team slug or id: `/acme/Users/2819c223`. */
  path: string;
  /** Decoded query parameters; a repeated parameter is an array. */
  query: Readonly<Record<string, string | string[] | undefined>>;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body text; undefined or '' when none was sent. */
  body?: string | undefined;
  /** The server's id of this request, recorded in audit events when the IdP sent none. */
  requestId?: string | undefined;
}

export const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/scim+json; charset=utf-8' });

export function header(req: Pick<ScimRequest, 'headers'>, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** A query parameter by name, case-insensitively (IdPs send `startindex`, `Filter`…); repeated → 400. */
export function queryParam(query: ScimRequest['query'], name: string): string | undefined {
  let v = query[name];
  if (v === undefined) {
    const lower = name.toLowerCase();
    for (const k of Object.keys(query)) {
      if (k.toLowerCase() === lower) {
        v = query[k];
        break;
      }
    }
  }
  if (Array.isArray(v)) throw new ScimError('SCIM_ERR_VALUE_INVALID', `The query parameter "${name}" is given more than once`);
  return v;
}

const JSON_TYPES = /^application\/(scim\+)?json\s*(;|$)/i;

/**
 * The body as JSON. The content type must be SCIM's or plain JSON (a missing one is read as
 * JSON: some clients omit it); malformed JSON is a 400 invalidSyntax, never a 500.
 */
export function readJsonBody(req: ScimRequest, maxBytes: number): unknown {
  const text = req.body ?? '';
  const type = header(req, 'content-type');
  if (type !== undefined && type.trim() !== '' && !JSON_TYPES.test(type.trim())) {
    throw new ScimError('SCIM_ERR_MEDIA_TYPE', `The request body must be application/scim+json or application/json, not "${type}".`);
  }
  if (text.trim() === '') throw new ScimError('SCIM_ERR_SYNTAX_INVALID', 'The request needs a JSON body.');
  if (text.length > maxBytes && Buffer.byteLength(text) > maxBytes) {
    throw new ScimError('SCIM_ERR_PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`);
  }
  // A "__proto__" key must stay data: it is dropped, so no later merge can reach a prototype.
  const parsed = text.includes('__proto__') ? parseWithoutProto(text) : parseJsonBody(text);
  if (!parsed.ok) throw new ScimError('SCIM_ERR_JSON_INVALID', parsed.detail);
  // The one text check of every SCIM body (POST, PUT, PATCH, Bulk, .search): JSON escapes can
  // carry a NUL or a lone surrogate that no later layer may see (PostgreSQL would answer 500).
  checkText(parsed.value, '');
  return parsed.value;
}

/** The core's text rule (no NUL, no unpaired surrogate) as a SCIM 400 invalidValue naming the path. */
export function checkText(value: unknown, root: string): void {
  const found = findInvalidText(value, root);
  if (found) throw new ScimError('SCIM_ERR_TEXT_INVALID', describeInvalidText(found));
}

function parseWithoutProto(text: string): { ok: true; value: unknown } | { ok: false; detail: string } {
  try {
    return { ok: true, value: JSON.parse(text, (k, v: unknown) => (k === '__proto__' ? undefined : v)) as unknown };
  } catch (e) {
    return { ok: false, detail: `The request body is not valid JSON: ${(e as Error).message}` };
  }
}

/** RFC 7644 §3.14: If-Match on a write; a tag that does not name the current version → 412. */
export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '') return;
  if (!etagMatches(ifMatch, version)) {
    throw new ScimError('SCIM_ERR_PRECONDITION_FAILED', `The resource is at version W/"${version}", not ${ifMatch}.`);
  }
}

/**
 * RFC 7644 §3.14: a GET of one resource. `If-None-Match` naming the current version → 304 with
 * no body (`render` is not called); else 200 with the ETag and Location.
 */
export function conditionalGet(req: ScimRequest, version: number, location: string, render: () => unknown): ScimResponse {
  const tag = etag(version);
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, version)) return { status: 304, headers: { etag: tag } };
  return json(200, render(), { etag: tag, location });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/** The IdP's request id (Entra `client-request-id`, else `x-request-id`), when it is a sane token. */
export function idpRequestId(req: ScimRequest): string | undefined {
  for (const name of ['client-request-id', 'x-request-id']) {
    const v = header(req, name);
    if (v !== undefined && /^[\x21-\x7e]{1,128}$/.test(v)) return v;
  }
  return undefined;
}

export function noContent(headers: Record<string, string> = {}): ScimResponse {
  return { status: 204, headers };
}

export function json(status: number, body: unknown, extra: Record<string, string> = {}): ScimResponse {
  return { status, headers: { ...JSON_HEADERS, ...extra }, body };
}
