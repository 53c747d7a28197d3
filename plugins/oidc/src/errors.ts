/**
 * The OIDC plugin's error catalogue. Each code reaches GraphQL clients as `extensions.code` and
 * HTTP clients as `{ error }`, through the core's RosterError (detected by brand, so the core's
 * error handler and Apollo's formatter keep the code and status).
 */
import { RosterError } from '@roster/plugin-sdk';

export const OidcErrorCodes = {
  OIDC_DISCOVERY_FAILED: { status: 422, message: "The identity provider's discovery document could not be fetched or is not valid." },
  OIDC_CONFIGURATION_INVALID: { status: 400, message: 'The OpenID Connect connection settings are not valid.' },
  OIDC_CONNECTION_NOT_FOUND: { status: 404, message: 'No such OpenID Connect connection.' },
  OIDC_CONNECTION_DISABLED: { status: 403, message: 'This sign-in connection is disabled.' },
  OIDC_CONNECTION_LIMIT: { status: 409, message: 'The team has reached the maximum number of OpenID Connect connections.' },
  OIDC_GOOGLE_NOT_CONFIGURED: { status: 404, message: 'Google sign-in is not configured on this server.' },
  OIDC_PROVIDER_UNAVAILABLE: {
    status: 502,
    message: 'The identity provider cannot be reached or is misconfigured; try again later or tell your admin.',
  },
  OIDC_SIGNIN_REFUSED: { status: 403, message: 'The sign-in was refused.' },
  OIDC_EMAIL_INVALID: { status: 400, message: 'Enter an email address.' },
} as const;

export type OidcErrorCode = keyof typeof OidcErrorCodes;

export function oidcError(code: OidcErrorCode, message?: string, details: Record<string, unknown> = {}): RosterError {
  const known = OidcErrorCodes[code];
  return new RosterError(code, message ?? known.message, details, known.status);
}

export function failOidc(code: OidcErrorCode, message?: string, details?: Record<string, unknown>): never {
  throw oidcError(code, message, details);
}
