import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { XmlSecurityError } from './errors.js';

export interface CertificateInfo {
  fingerprintSha256: string;
  notBefore: Date;
  notAfter: Date;
  subject: string;
  issuer: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * Accepts a PEM certificate, a PEM public key, or the bare base64 DER found in SAML metadata and
 * admin forms (with or without line breaks), and returns PEM text.
 */
export function toPem(certOrKey: string): string {
  const text = certOrKey.trim();
  const block = PEM_BLOCK.exec(text);
  if (block) return `-----BEGIN ${block[1]}-----\n${wrap(block[2] ?? '')}\n-----END ${block[1]}-----\n`;
  const body = text.replace(/\s+/g, '');
  if (body === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    throw new XmlSecurityError('CERTIFICATE_INVALID', 'certificate is neither PEM nor base64 DER');
  }
  return `-----BEGIN CERTIFICATE-----\n${wrap(body)}\n-----END CERTIFICATE-----\n`;
}

function wrap(base64: string): string {
  return (base64.replace(/\s+/g, '').match(/.{1,64}/g) ?? []).join('\n');
}

/** Public key of a trusted certificate or key, as a KeyObject (validates the input too). */
export function publicKeyOf(certOrKey: string): KeyObject {
  const pem = toPem(certOrKey);
  try {
    if (pem.includes('BEGIN CERTIFICATE')) return new X509Certificate(pem).publicKey;
    return createPublicKey(pem);
  } catch (error) {
    throw new XmlSecurityError('CERTIFICATE_INVALID', 'certificate or public key cannot be read', { cause: error });
  }
}

const keyCache = new Map<string, { pem: string; object: KeyObject }>();
const KEY_CACHE_LIMIT = 1000;

/**
 * Parsed trusted key, cached by its configured text: parsing a certificate costs more than
 * verifying an RSA signature, and the same few certificates verify every sign-in.
 */
export function trustedKey(certOrKey: string): { pem: string; object: KeyObject } {
  const cached = keyCache.get(certOrKey);
  if (cached) return cached;
  const pem = toPem(certOrKey);
  const entry = { pem, object: publicKeyOf(pem) };
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  keyCache.set(certOrKey, entry);
  return entry;
}

/** What admins need to see about an IdP certificate (expiry warnings, rollover overlap). */
export function certificateInfo(pem: string): CertificateInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(toPem(pem));
  } catch (error) {
    throw new XmlSecurityError('CERTIFICATE_INVALID', 'certificate cannot be read', { cause: error });
  }
  return {
    fingerprintSha256: cert.fingerprint256,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    subject: cert.subject,
    issuer: cert.issuer,
  };
}
