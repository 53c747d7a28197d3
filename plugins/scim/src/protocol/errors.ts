/**
 * The SCIM plugin's error catalogue. Every error a SCIM client can cause has a stable code,
 * an HTTP status and (where RFC 7644 §3.12 defines one) a `scimType`, and is rendered as the
 * RFC error body. Handlers throw `ScimError`; the HTTP adapter turns anything thrown into a
 * response with `toScimResponse`, so an unexpected bug becomes a masked 500, never a stack.
 */
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12, table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

interface CatalogueEntry {
  readonly status: number;
  readonly scimType?: ScimType;
  readonly message: string;
}

export const ScimErrorCodes = {
  SCIM_ERR_FILTER_INVALID: { status: 400, scimType: 'invalidFilter', message: 'The filter is not valid.' },
  SCIM_ERR_FILTER_TOO_COMPLEX: { status: 400, scimType: 'invalidFilter', message: 'The filter is too long or too deeply nested.' },
  SCIM_ERR_TOO_MANY_RESULTS: { status: 400, scimType: 'tooMany', message: 'The request would return more results than the server allows.' },
  SCIM_ERR_PATH_INVALID: {
    status: 400,
    scimType: 'invalidPath',
    message: 'The path attribute is not valid or names an unsupported attribute.',
  },
  SCIM_ERR_NO_TARGET: { status: 400, scimType: 'noTarget', message: 'The path did not select anything to change.' },
  SCIM_ERR_VALUE_INVALID: { status: 400, scimType: 'invalidValue', message: 'A value is missing or not compatible with the attribute.' },
  SCIM_ERR_TEXT_INVALID: { status: 400, scimType: 'invalidValue', message: 'Text must be valid Unicode without NUL characters.' },
  SCIM_ERR_SCHEMA_UNKNOWN: { status: 400, scimType: 'invalidValue', message: 'The request names a schema this endpoint does not support.' },
  SCIM_ERR_SYNTAX_INVALID: { status: 400, scimType: 'invalidSyntax', message: 'The request body is not a valid SCIM message.' },
  SCIM_ERR_JSON_INVALID: { status: 400, scimType: 'invalidSyntax', message: 'The request body is not valid JSON.' },
  SCIM_ERR_PATCH_OP_INVALID: { status: 400, scimType: 'invalidSyntax', message: 'A PATCH operation is not add, replace or remove.' },
  SCIM_ERR_MUTABILITY: { status: 400, scimType: 'mutability', message: 'The attribute is read-only or immutable.' },
  SCIM_ERR_VERSION_INVALID: { status: 400, scimType: 'invalidVers', message: 'The ETag given is not a version of this resource.' },
  SCIM_ERR_SENSITIVE: { status: 403, scimType: 'sensitive', message: 'The request puts sensitive data in the URL.' },
  SCIM_ERR_UNAUTHORIZED: { status: 401, message: 'A valid bearer token for this team is required.' },
  SCIM_ERR_FORBIDDEN: { status: 403, message: 'The token may not do this.' },
  SCIM_ERR_NOT_FOUND: { status: 404, message: 'The resource does not exist.' },
  SCIM_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'The endpoint does not support this method.' },
  SCIM_ERR_UNIQUENESS: { status: 409, scimType: 'uniqueness', message: 'A resource with this unique attribute already exists.' },
  SCIM_ERR_USER_IN_OTHER_TEAM: {
    status: 409,
    scimType: 'uniqueness',
    message: 'This person already belongs to another team; a person is a member of one team only.',
  },
  SCIM_ERR_CONFLICT: { status: 409, message: 'The change conflicts with the current state of the resource.' },
  SCIM_ERR_PRECONDITION_FAILED: { status: 412, message: 'The resource changed since the version given in If-Match.' },
  SCIM_ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than the server accepts.' },
  SCIM_ERR_BULK_TOO_MANY_OPERATIONS: { status: 413, message: 'The bulk request has more operations than maxOperations.' },
  SCIM_ERR_MEDIA_TYPE: { status: 415, message: 'Send application/scim+json or application/json.' },
  SCIM_ERR_INTERNAL: { status: 500, message: 'The server could not complete the request.' },
  SCIM_ERR_NOT_IMPLEMENTED: { status: 501, message: 'The server does not support this operation.' },
  SCIM_ERR_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable; retry later.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ScimErrorCode = keyof typeof ScimErrorCodes;

/** The RFC 7644 §3.12 error body. `status` is a string, as the RFC's examples and Okta's tests want. */
export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

const SCIM_ERROR_BRAND = Symbol.for('roster.scim.error');

export class ScimError extends Error {
  readonly [SCIM_ERROR_BRAND] = true;
  readonly status: number;
  readonly scimType?: ScimType;
  constructor(
    readonly code: ScimErrorCode,
    detail?: string,
  ) {
    const entry: CatalogueEntry = ScimErrorCodes[code];
    super(detail ?? entry.message);
    this.name = 'ScimError';
    this.status = entry.status;
    if (entry.scimType) this.scimType = entry.scimType;
  }

  toBody(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [SCIM_ERROR_SCHEMA], status: String(this.status), detail: this.message };
    if (this.scimType) body.scimType = this.scimType;
    return body;
  }
}

/** Brand check rather than `instanceof`, so two copies of this module still agree. */
export function isScimError(e: unknown): e is ScimError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[SCIM_ERROR_BRAND] === true;
}

export function scimFail(code: ScimErrorCode, detail?: string): never {
  throw new ScimError(code, detail);
}

/** The core's domain errors carry this brand (see @roster/core errors.ts); checked without importing it. */
const ROSTER_ERROR_BRAND = Symbol.for('roster.error');

/** Core error code → SCIM code. Anything not listed keeps its status and becomes a generic error. */
const FROM_CORE: Record<string, ScimErrorCode> = {
  USER_IN_OTHER_TEAM: 'SCIM_ERR_USER_IN_OTHER_TEAM',
  // Who an asserted identity may become (docs/security.md): the userName / email is not this
  // team's to take, like a person of another team (R2): 409 uniqueness, with the core's detail.
  PLATFORM_ADMIN_RESERVED: 'SCIM_ERR_UNIQUENESS',
  DOMAIN_OF_ANOTHER_TEAM: 'SCIM_ERR_UNIQUENESS',
  ALREADY_MEMBER: 'SCIM_ERR_UNIQUENESS',
  NOT_FOUND: 'SCIM_ERR_NOT_FOUND',
  BAD_USER_INPUT: 'SCIM_ERR_VALUE_INVALID',
  CONFLICT: 'SCIM_ERR_CONFLICT',
  LAST_OWNER: 'SCIM_ERR_CONFLICT',
  UNAUTHENTICATED: 'SCIM_ERR_UNAUTHORIZED',
  FORBIDDEN: 'SCIM_ERR_FORBIDDEN',
};

/**
 * Any thrown value → a SCIM error. Coded errors (ours or the core's) keep their message, as
 * it was written for the client; anything else is a bug and is masked as a 500 so that no
 * internal detail (SQL, stack) reaches the IdP.
 */
export function toScimError(e: unknown): ScimError {
  if (isScimError(e)) return e;
  if (typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[ROSTER_ERROR_BRAND] === true) {
    const coreError = e as { code?: unknown; message?: unknown; status?: unknown };
    const mapped = typeof coreError.code === 'string' ? FROM_CORE[coreError.code] : undefined;
    const message = typeof coreError.message === 'string' ? coreError.message : undefined;
    if (mapped) return new ScimError(mapped, message);
    const status = typeof coreError.status === 'number' ? coreError.status : 400;
    if (status < 500)
      return new ScimError(
        status === 409
          ? 'SCIM_ERR_CONFLICT'
          : status === 404
            ? 'SCIM_ERR_NOT_FOUND'
            : status === 403
              ? 'SCIM_ERR_FORBIDDEN'
              : 'SCIM_ERR_VALUE_INVALID',
        message,
      );
  }
  return new ScimError('SCIM_ERR_INTERNAL');
}

export interface ScimResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export function toScimResponse(e: unknown): ScimResponse {
  const err = toScimError(e);
  return { status: err.status, headers: { 'content-type': SCIM_CONTENT_TYPE }, body: err.toBody() };
}
