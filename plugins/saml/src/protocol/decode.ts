import { MAX_RESPONSE_BYTES } from './constants.js';
import { refuse } from './types.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes the HTTP-POST `SAMLResponse` field. Line breaks are tolerated (some IdPs wrap base64);
 * anything else that is not base64 is refused rather than silently skipped as Buffer.from would.
 * The POST binding never deflates, so compressed payloads fail here as malformed XML later.
 */
export function decodePostedMessage(field: string): string {
  if (typeof field !== 'string' || field.length === 0) refuse('xml', 'SAMLResponse is missing');
  if (field.length > Math.ceil((MAX_RESPONSE_BYTES * 4) / 3) + 4096) refuse('xml', 'SAMLResponse is too large');
  const compact = field.replace(/[\r\n\t ]+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) refuse('xml', 'SAMLResponse is not valid base64');
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > MAX_RESPONSE_BYTES) refuse('xml', 'SAMLResponse is too large');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse('xml', 'SAMLResponse is not UTF-8 text');
  }
}
