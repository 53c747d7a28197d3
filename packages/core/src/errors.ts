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
  USER_IN_OTHER_TEAM: { status: 409, message: 'This person already belongs to another team.' },
  ALREADY_MEMBER: { status: 409, message: 'This person is already a member of the team.' },
  CONFLICT: { status: 409, message: 'The change conflicts with the current state.' },
  MEMBER_INACTIVE: { status: 409, message: 'The member is inactive: reactivate them before changing roles, credit limit or groups.' },
  LAST_OWNER: { status: 409, message: 'A team keeps at least one active owner.' },
  SIGN_IN_METHOD_NOT_ALLOWED: { status: 403, message: 'The team does not allow this sign-in method.' },
  SSO_REQUIRED: { status: 403, message: 'The team requires single sign-on.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Email or password is not correct.' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed sign-ins; try again later.' },
  NOT_A_SESSION: { status: 400, message: 'Only a session ends at /auth/logout; API and SCIM tokens are revoked by a team admin.' },
  CROSS_SITE_REQUEST: { status: 403, message: 'Cross-site request refused: it does not come from an allowed origin.' },
  DOMAIN_TAKEN: { status: 409, message: 'The domain is verified by another team.' },
  DOMAIN_NOT_VERIFIED: { status: 409, message: 'The DNS TXT record was not found.' },
  PLUGIN_DUPLICATE: { status: 500, message: 'Two plugins have the same name.' },
  PLUGIN_MISSING_DEPENDENCY: { status: 500, message: 'A plugin depends on a plugin that is not enabled.' },
  PLUGIN_INVALID_OPTIONS: { status: 500, message: 'A plugin was given invalid options.' },
  CONFIG_INVALID: { status: 500, message: 'The configuration is not valid.' },
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
