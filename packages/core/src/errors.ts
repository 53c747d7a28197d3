/**
 * The core's error catalogue. Every error a client can cause carries a stable `code`
 * (surfaced as GraphQL `extensions.code`) and an HTTP-ish `status`. Errors are detected by a
 * brand, not `instanceof`, so that two copies of this package (or a plugin's bundle) still
 * agree on what is a domain error.
 */
export const ERROR_BRAND = Symbol.for('roster.error');

export const ErrorCodes = {
  UNAUTHENTICATED: { status: 401, message: 'Sign in first.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  BAD_USER_INPUT: { status: 400, message: 'The input is not valid.' },
  INVALID_TEXT: { status: 400, message: 'Text must be valid Unicode without NUL characters.' },
  USER_IN_OTHER_TEAM: { status: 409, message: 'This person already belongs to another team.' },
  ALREADY_MEMBER: { status: 409, message: 'This person is already a member of the team.' },
  CONFLICT: { status: 409, message: 'The change conflicts with the current state.' },
  MEMBER_INACTIVE: { status: 409, message: 'The member is inactive: reactivate them before changing roles, credit limit or groups.' },
  LAST_OWNER: { status: 409, message: 'A team keeps at least one active owner.' },
  SIGN_IN_METHOD_NOT_ALLOWED: { status: 403, message: 'The team does not allow this sign-in method.' },
  SSO_REQUIRED: { status: 403, message: 'The team requires single sign-on.' },
  SIGN_IN_METHOD_UNKNOWN: { status: 400, message: 'No such sign-in method is enabled on this server.' },
  SIGN_IN_METHOD_INVALID: { status: 500, message: 'A sign-in method declaration is not valid.' },
  SIGN_IN_METHOD_DUPLICATE: { status: 500, message: 'Two declarations use the same sign-in method id.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Email or password is not correct.' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed sign-ins; try again later.' },
  NOT_A_SESSION: { status: 400, message: 'Only a session ends at /auth/logout; API and SCIM tokens are revoked by a team admin.' },
  CROSS_SITE_REQUEST: { status: 403, message: 'Cross-site request refused: it does not come from an allowed origin.' },
  DOMAIN_TAKEN: { status: 409, message: 'The domain is verified by another team.' },
  // Who an asserted identity may become (docs/security.md): every channel, one rule.
  PLATFORM_ADMIN_RESERVED: { status: 409, message: 'This address belongs to a platform operator account; it never joins a team.' },
  IDENTITY_LINKED_ELSEWHERE: { status: 409, message: 'The member is already linked to another subject of this connection.' },
  EMAIL_NOT_VERIFIED: { status: 403, message: 'The identity provider does not vouch for this email address.' },
  DOMAIN_OF_ANOTHER_TEAM: { status: 409, message: 'The email domain is verified by another team.' },
  DOMAIN_NOT_VERIFIED: { status: 409, message: 'The DNS TXT record was not found.' },
  PLUGIN_DUPLICATE: { status: 500, message: 'Two plugins have the same name.' },
  PLUGIN_MISSING_DEPENDENCY: { status: 500, message: 'A plugin depends on a plugin that is not enabled.' },
  PLUGIN_INVALID_OPTIONS: { status: 500, message: 'A plugin was given invalid options.' },
  CONFIG_INVALID: { status: 500, message: 'The configuration is not valid.' },
  // Self-serve setup links (#16): the link itself, and what it may reach.
  SETUP_LINK_INVALID: { status: 401, message: 'This setup link does not exist. Check that it was copied whole, or ask for a new one.' },
  SETUP_LINK_EXPIRED: { status: 401, message: 'This setup link has expired. Ask the person who sent it for a new one.' },
  SETUP_LINK_REVOKED: { status: 401, message: 'This setup link was revoked. Ask the person who sent it for a new one.' },
  SETUP_LINK_OUT_OF_SCOPE: { status: 403, message: 'A setup link reaches only its team’s SSO and SCIM configuration.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The database is not answering; try again shortly.' },
  // Webhooks (docs/webhooks.md).
  WEBHOOK_URL_REFUSED: { status: 400, message: 'This webhook URL is refused by the outbound policy.' },
  WEBHOOK_EVENT_TYPES_INVALID: { status: 400, message: 'The webhook event types are not valid.' },
  WEBHOOK_ENDPOINT_LIMIT: { status: 409, message: 'This team has as many webhook endpoints as it may.' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class RosterError extends Error {
  readonly [ERROR_BRAND] = true;
  readonly status: number;
  constructor(
    readonly code: ErrorCode | (string & {}),
    message?: string,
    readonly details: Record<string, unknown> = {},
    status?: number,
  ) {
    const known = (ErrorCodes as Record<string, { status: number; message: string }>)[code];
    super(message ?? known?.message ?? code);
    this.name = 'RosterError';
    this.status = status ?? known?.status ?? 400;
  }
}

export function isRosterError(e: unknown): e is RosterError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[ERROR_BRAND] === true;
}

export function fail(code: ErrorCode, message?: string, details?: Record<string, unknown>): never {
  throw new RosterError(code, message, details);
}

/** PostgreSQL unique violation (23505), with the constraint name, from the pg driver or MikroORM. */
export function uniqueViolation(e: unknown): string | undefined {
  const err = e as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  if (err?.code === '23505') return err.constraint ?? 'unique';
  if (err?.cause?.code === '23505') return err.cause.constraint ?? 'unique';
  const name = (e as { name?: string })?.name;
  if (name === 'UniqueConstraintViolationException') {
    const m = /constraint "([^"]+)"/.exec(String((e as Error).message));
    return m?.[1] ?? 'unique';
  }
  return undefined;
}

/** Messages of the pg driver and knex when the database does not answer in time or at all. */
const UNAVAILABLE_MESSAGES = [
  'Query read timeout',
  'Connection terminated due to connection timeout',
  'Connection terminated unexpectedly',
  'timeout expired',
  'Knex: Timeout acquiring a connection',
  'Client has encountered a connection error and is not queryable',
];
/** Node socket errors of a database that is down or unreachable. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/** PostgreSQL foreign key violation (23503), with the constraint name, from the pg driver or MikroORM. */
export function foreignKeyViolation(e: unknown): string | undefined {
  const err = e as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } } | null;
  if (err?.code === '23503') return err.constraint ?? 'foreign key';
  if (err?.cause?.code === '23503') return err.cause.constraint ?? 'foreign key';
  return undefined;
}

/**
 * Whether `e` (from the pg driver, knex or MikroORM, which wraps them in `cause`) says the
 * database is unreachable, hung or refusing work for now: a client should retry later (503),
 * nothing it sent is wrong. PostgreSQL codes: 57014 statement timeout (or cancel), 57P01–57P03
 * shutdown or starting up, class 08 connection exceptions, 53300 too many connections.
 */
export function databaseUnavailable(e: unknown): boolean {
  for (
    let err = e as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown } | undefined, hops = 0;
    err && typeof err === 'object' && hops < 5;
    err = err.cause as typeof err, hops++
  ) {
    const code = typeof err.code === 'string' ? err.code : '';
    if (code === '57014' || code.startsWith('57P') || code.startsWith('08') || code === '53300' || UNAVAILABLE_SOCKET_CODES.has(code))
      return true;
    if (err.name === 'KnexTimeoutError') return true;
    const message = typeof err.message === 'string' ? err.message : '';
    if (UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
  }
  return false;
}
