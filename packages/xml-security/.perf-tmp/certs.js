import { X509Certificate, createPublicKey } from 'node:crypto';
import { XmlSecurityError } from './errors.js';
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
/**
 * Accepts a PEM certificate, a PEM public key, or the bare base64 DER found in SAML metadata and
 * admin forms (with or without line breaks), and returns PEM text.
 */
export function toPem(certOrKey) {
    const text = certOrKey.trim();
    const block = PEM_BLOCK.exec(text);
    if (block)
        return `-----BEGIN ${block[1]}-----\n${wrap(block[2] ?? '')}\n-----END ${block[1]}-----\n`;
    const body = text.replace(/\s+/g, '');
    if (body === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
        throw new XmlSecurityError('CERTIFICATE_INVALID', 'certificate is neither PEM nor base64 DER');
    }
    return `-----BEGIN CERTIFICATE-----\n${wrap(body)}\n-----END CERTIFICATE-----\n`;
}
function wrap(base64) {
    return (base64.replace(/\s+/g, '').match(/.{1,64}/g) ?? []).join('\n');
}
/** Public key of a trusted certificate or key, as a KeyObject (validates the input too). */
export function publicKeyOf(certOrKey) {
    const pem = toPem(certOrKey);
    try {
        if (pem.includes('BEGIN CERTIFICATE'))
            return new X509Certificate(pem).publicKey;
        return createPublicKey(pem);
    }
    catch (error) {
        throw new XmlSecurityError('CERTIFICATE_INVALID', 'certificate or public key cannot be read', { cause: error });
    }
}
/** What admins need to see about an IdP certificate (expiry warnings, rollover overlap). */
export function certificateInfo(pem) {
    let cert;
    try {
        cert = new X509Certificate(toPem(pem));
    }
    catch (error) {
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
