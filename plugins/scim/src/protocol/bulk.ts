/**
 * Bulk (RFC 7644 §3.7): request validation, `bulkId:` reference resolution and execution
 * order, framework-free. The handler passes a function that performs one operation against
 * the normal endpoints; this module decides the order, substitutes the ids created earlier in
 * the request, stops after `failOnErrors` failures and builds the BulkResponse.
 */
import { ScimError, toScimError } from './errors.js';
import { getCI, isObject, type JsonObject, type JsonValue } from './json.js';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BulkOperation {
  method: BulkMethod;
  /** `Users` or `Groups`. */
  resource: 'Users' | 'Groups';
  /** The resource id for PUT / PATCH / DELETE; may be `bulkId:x` until resolved. */
  id?: string;
  bulkId?: string;
  /** An ETag the operation must match (If-Match). */
  version?: string;
  data?: JsonValue;
  /** As sent, for the response. */
  path: string;
}

export interface BulkRequest {
  /** Stop after this many errors; undefined runs every operation. */
  failOnErrors?: number;
  operations: BulkOperation[];
}

const PATH = /^\/(Users|Groups)(?:\/([^/?#]+))?\/?$/i;
const REF = /^bulkId:(.+)$/;

/** Rejects a body over `maxPayloadSize` before it is parsed (413). */
export function checkBulkSize(bytes: number, maxPayloadSize: number): void {
  if (bytes > maxPayloadSize)
    throw new ScimError('SCIM_ERR_PAYLOAD_TOO_LARGE', `The bulk request is ${bytes} bytes; the limit is ${maxPayloadSize}.`);
}

export function parseBulkRequest(body: unknown, limits: { maxOperations: number }): BulkRequest {
  if (!isObject(body)) throw new ScimError('SCIM_ERR_SYNTAX_INVALID', 'A bulk body must be a JSON object');
  const schemas = getCI(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())) {
    throw new ScimError('SCIM_ERR_SYNTAX_INVALID', `A bulk body's "schemas" must contain "${BULK_REQUEST_SCHEMA}"`);
  }
  const ops = getCI(body, 'Operations');
  if (!Array.isArray(ops)) throw new ScimError('SCIM_ERR_SYNTAX_INVALID', 'A bulk body needs an "Operations" array');
  if (ops.length > limits.maxOperations) {
    throw new ScimError(
      'SCIM_ERR_BULK_TOO_MANY_OPERATIONS',
      `The bulk request has ${ops.length} operations; the limit is ${limits.maxOperations}.`,
    );
  }
  const failRaw = getCI(body, 'failOnErrors');
  if (failRaw !== undefined && (typeof failRaw !== 'number' || !Number.isInteger(failRaw) || failRaw < 1)) {
    throw new ScimError('SCIM_ERR_VALUE_INVALID', '"failOnErrors" must be a positive integer');
  }
  const seen = new Set<string>();
  const operations = ops.map((raw, i): BulkOperation => {
    const where = `Operations[${i}]`;
    if (!isObject(raw)) throw new ScimError('SCIM_ERR_SYNTAX_INVALID', `${where} is not an object`);
    const method = String(getCI(raw, 'method') ?? '').toUpperCase();
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH' && method !== 'DELETE') {
      throw new ScimError('SCIM_ERR_SYNTAX_INVALID', `${where}.method must be POST, PUT, PATCH or DELETE`);
    }
    const path = getCI(raw, 'path');
    const m = typeof path === 'string' ? PATH.exec(path) : null;
    if (!m || typeof path !== 'string')
      throw new ScimError('SCIM_ERR_PATH_INVALID', `${where}.path must be /Users or /Groups, with an id except for POST`);
    let id: string | undefined;
    try {
      id = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    } catch {
      throw new ScimError('SCIM_ERR_PATH_INVALID', `${where}.path has a malformed escape`);
    }
    if ((method === 'POST') !== (id === undefined))
      throw new ScimError('SCIM_ERR_PATH_INVALID', `${where}: ${method} ${method === 'POST' ? 'takes no id' : 'needs an id'} in its path`);
    const op: BulkOperation = { method, resource: m[1]!.toLowerCase() === 'users' ? 'Users' : 'Groups', path };
    if (id !== undefined) op.id = id;
    const bulkId = getCI(raw, 'bulkId');
    if (bulkId !== undefined) {
      if (typeof bulkId !== 'string' || bulkId === '')
        throw new ScimError('SCIM_ERR_VALUE_INVALID', `${where}.bulkId must be a non-empty string`);
      if (seen.has(bulkId)) throw new ScimError('SCIM_ERR_VALUE_INVALID', `bulkId "${bulkId}" is used twice`);
      seen.add(bulkId);
      op.bulkId = bulkId;
    }
    if (method === 'POST' && op.bulkId === undefined) throw new ScimError('SCIM_ERR_VALUE_INVALID', `${where}: POST needs a bulkId`);
    const version = getCI(raw, 'version');
    if (typeof version === 'string') op.version = version;
    const data = getCI(raw, 'data');
    if (method !== 'DELETE' && data === undefined) throw new ScimError('SCIM_ERR_VALUE_INVALID', `${where}: ${method} needs "data"`);
    if (data !== undefined) op.data = data;
    return op;
  });
  const req: BulkRequest = { operations };
  if (typeof failRaw === 'number') req.failOnErrors = failRaw;
  return req;
}

/** Every `bulkId:x` an operation refers to, in its path id or anywhere in its data. */
export function bulkReferences(op: BulkOperation): string[] {
  const refs = new Set<string>();
  const visit = (v: JsonValue | undefined): void => {
    if (typeof v === 'string') {
      const m = REF.exec(v);
      if (m) refs.add(m[1]!);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) Object.values(v).forEach(visit);
  };
  if (op.id !== undefined) visit(op.id);
  visit(op.data);
  return [...refs];
}

function substitute(v: JsonValue, ids: Map<string, string>): JsonValue {
  if (typeof v === 'string') {
    const m = REF.exec(v);
    return m && ids.has(m[1]!) ? ids.get(m[1]!)! : v;
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, ids));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, ids)]));
  return v;
}

export interface BulkResult {
  status: number;
  /** The created or changed resource's id (recorded for `bulkId:` references). */
  id?: string;
  location?: string;
  version?: string;
}

export interface BulkResponse {
  schemas: [typeof BULK_RESPONSE_SCHEMA];
  Operations: JsonObject[];
}

/**
 * Runs the operations in request order, except that an operation waits until the POSTs it
 * references have run (RFC 7644 §3.7.2). An operation whose reference cannot be resolved —
 * undefined, failed, or circular — answers 409 without running. Errors thrown by `exec` are
 * rendered as SCIM errors; after `failOnErrors` errors the rest is not attempted.
 */
export async function runBulk(req: BulkRequest, exec: (op: BulkOperation) => Promise<BulkResult>): Promise<BulkResponse> {
  const defined = new Set(req.operations.flatMap((o) => (o.bulkId ? [o.bulkId] : [])));
  const ids = new Map<string, string>();
  const failed = new Set<string>();
  const results = new Map<number, JsonObject>();
  const pending = req.operations.map((op, index) => ({ op, index, refs: bulkReferences(op) }));
  let errors = 0;

  const record = (p: (typeof pending)[number], result: JsonObject, ok: boolean): void => {
    results.set(p.index, result);
    if (!ok) {
      errors++;
      if (p.op.bulkId) failed.add(p.op.bulkId);
    }
  };
  const failWith = (p: (typeof pending)[number], e: unknown): void => {
    const err = toScimError(e);
    record(
      p,
      {
        method: p.op.method,
        ...(p.op.bulkId ? { bulkId: p.op.bulkId } : {}),
        status: String(err.status),
        response: err.toBody() as unknown as JsonObject,
      },
      false,
    );
  };

  while (pending.length > 0 && (req.failOnErrors === undefined || errors < req.failOnErrors)) {
    // The first operation whose references are all resolved or hopeless runs next.
    const i = pending.findIndex((p) => p.refs.every((r) => ids.has(r) || failed.has(r) || !defined.has(r)));
    const p = pending.splice(i < 0 ? 0 : i, 1)[0]!;
    const missing = p.refs.find((r) => !ids.has(r));
    if (missing !== undefined) {
      const why = !defined.has(missing)
        ? 'is not defined in this request'
        : failed.has(missing)
          ? 'failed'
          : 'is part of a circular reference';
      failWith(p, new ScimError('SCIM_ERR_CONFLICT', `bulkId:${missing} ${why}`));
      continue;
    }
    const op: BulkOperation = { ...p.op };
    if (op.id !== undefined) op.id = substitute(op.id, ids) as string;
    if (op.data !== undefined) op.data = substitute(op.data, ids);
    try {
      const r = await exec(op);
      if (op.bulkId && r.id !== undefined) ids.set(op.bulkId, r.id);
      const out: JsonObject = { method: op.method, status: String(r.status) };
      if (op.bulkId) out.bulkId = op.bulkId;
      if (r.location) out.location = r.location;
      if (r.version) out.version = r.version;
      record(p, out, r.status < 400);
    } catch (e) {
      failWith(p, e);
    }
  }
  return { schemas: [BULK_RESPONSE_SCHEMA], Operations: [...results.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r) };
}
