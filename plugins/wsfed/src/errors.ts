import { RosterError } from '@roster/plugin-sdk';
import { WsFedMetadataError, type MetadataErrorCode } from './protocol/index.js';

/**
 * The WS-Fed plugin's error catalogue. Codes are stable (clients and support match on them); they
 * reach GraphQL clients as `extensions.code` and HTTP clients as `{ error }`.
 */
export const WsFedErrorCodes = {
  WSFED_CONNECTION_NOT_FOUND: { status: 404, message: 'No such WS-Federation connection.' },
  WSFED_CONNECTION_DISABLED: { status: 403, message: 'This WS-Federation connection is disabled.' },
  WSFED_INVALID_INPUT: { status: 400, message: 'The WS-Federation connection settings are not valid.' },
  WSFED_CERTIFICATE_INVALID: { status: 400, message: 'A signing certificate cannot be read.' },
  WSFED_REALM_TAKEN: { status: 409, message: 'Another connection already uses this realm.' },
  WSFED_METADATA_INVALID: { status: 400, message: 'The federation metadata is not valid WS-Federation metadata.' },
  WSFED_METADATA_SIGNATURE: { status: 400, message: 'The federation metadata is not signed by a certificate the connection trusts.' },
  WSFED_METADATA_EXPIRED: { status: 400, message: 'The federation metadata has expired.' },
  WSFED_METADATA_FETCH_FAILED: { status: 502, message: 'The federation metadata could not be downloaded.' },
  WSFED_METADATA_ISSUER_CHANGED: { status: 409, message: 'The refreshed metadata names another IdP entityID.' },
  WSFED_NO_METADATA_URL: { status: 409, message: 'The connection has no metadata URL to refresh from.' },
  WSFED_SIGNIN_REFUSED: { status: 403, message: 'The WS-Federation sign-in was refused.' },
} as const;

export type WsFedErrorCode = keyof typeof WsFedErrorCodes;

export function wsfedError(code: WsFedErrorCode, message?: string, details?: Record<string, unknown>): RosterError {
  const known = WsFedErrorCodes[code];
  return new RosterError(code, message ?? known.message, details ?? {}, known.status);
}

const METADATA_CODES: Record<MetadataErrorCode, WsFedErrorCode> = {
  METADATA_XML: 'WSFED_METADATA_INVALID',
  METADATA_NOT_WSFED: 'WSFED_METADATA_INVALID',
  METADATA_INVALID: 'WSFED_METADATA_INVALID',
  METADATA_SIGNATURE: 'WSFED_METADATA_SIGNATURE',
  METADATA_EXPIRED: 'WSFED_METADATA_EXPIRED',
};

/** Maps the protocol core's metadata errors onto the catalogue; anything else is left alone. */
export function fromMetadataError(error: unknown, fallback: WsFedErrorCode = 'WSFED_METADATA_INVALID'): unknown {
  if (error instanceof WsFedMetadataError) return wsfedError(METADATA_CODES[error.code] ?? fallback, error.message);
  return error;
}
