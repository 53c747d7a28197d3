import { RosterError } from '@roster/plugin-sdk';
import { MetadataError } from './protocol/index.js';

/**
 * The SAML plugin's error catalogue. Codes are stable (clients and support match on them); they
 * reach GraphQL clients as `extensions.code` and HTTP clients as `{ error }`.
 */
export const SamlErrorCodes = {
  SAML_CONNECTION_NOT_FOUND: { status: 404, message: 'No such SAML connection.' },
  SAML_CONNECTION_DISABLED: { status: 403, message: 'This SAML connection is disabled.' },
  SAML_INVALID_INPUT: { status: 400, message: 'The SAML connection settings are not valid.' },
  SAML_CERTIFICATE_INVALID: { status: 400, message: 'An IdP signing certificate cannot be read or is not RSA.' },
  SAML_METADATA_INVALID: { status: 400, message: 'The IdP metadata is not usable SAML 2.0 metadata.' },
  SAML_METADATA_FETCH_FAILED: { status: 502, message: 'The IdP metadata could not be downloaded.' },
  SAML_METADATA_ENTITY_CHANGED: { status: 409, message: 'The refreshed metadata names another IdP entity id.' },
  SAML_NO_METADATA_URL: { status: 409, message: 'The connection has no metadata URL to refresh from.' },
  SAML_BAD_REQUEST: { status: 400, message: 'The SAML request is malformed.' },
  SAML_SIGNIN_REFUSED: {
    status: 403,
    message: "The SAML sign-in was refused. Team admins can read why in the connection's sign-in attempts.",
  },
  SAML_LOGOUT_REFUSED: { status: 403, message: 'The SAML logout request was refused.' },
} as const;

export type SamlErrorCode = keyof typeof SamlErrorCodes;

export function samlError(code: SamlErrorCode, message?: string, details?: Record<string, unknown>): RosterError {
  const known = SamlErrorCodes[code];
  return new RosterError(code, message ?? known.message, details ?? {}, known.status);
}

/** Maps the protocol core's metadata errors onto the catalogue; anything else is left alone. */
export function fromMetadataError(error: unknown): unknown {
  if (error instanceof MetadataError) return samlError('SAML_METADATA_INVALID', error.message);
  return error;
}
