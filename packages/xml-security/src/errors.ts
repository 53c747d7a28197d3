/**
 * Stable error codes: callers (SAML, WS-Fed) map them to sign-in trace steps, so the codes are
 * part of the API and must not be renamed.
 */
export type XmlSecurityErrorCode =
  | 'XML_DTD_FORBIDDEN'
  | 'XML_PI_FORBIDDEN'
  | 'XML_MALFORMED'
  | 'XML_MULTIPLE_ROOTS'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_MULTIPLE'
  | 'SIGNATURE_MALFORMED'
  | 'SIGNATURE_UNEXPECTED_CONTENT'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_ALGORITHM_FORBIDDEN'
  | 'SIGNATURE_TRANSFORM_FORBIDDEN'
  | 'SIGNATURE_REFERENCE_MISMATCH'
  | 'SIGNATURE_DUPLICATE_ID'
  | 'SIGNATURE_NO_TRUSTED_CERT'
  | 'CERTIFICATE_INVALID';

export class XmlSecurityError extends Error {
  readonly code: XmlSecurityErrorCode;

  constructor(code: XmlSecurityErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XmlSecurityError';
    this.code = code;
  }
}

export function isXmlSecurityError(error: unknown): error is XmlSecurityError {
  return error instanceof XmlSecurityError;
}
