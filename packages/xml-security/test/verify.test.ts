import { describe, expect, it } from 'vitest';
import { certificateInfo, parseXmlSafely, strictText, verifyElementSignature, XmlSecurityError, type VerifyOptions } from '../src/index.js';
import { ENVELOPED, EXC_C14N, RSA_SHA1, SHA1, fixture, keyPair, sign } from './helpers.js';

const signer = { privateKey: fixture('test-key.pem'), publicKey: fixture('test-cert.pem') };
const trusted: VerifyOptions = { trustedCerts: [signer.publicKey], allowSha1: false };
const doc = (id = '_a1', body = '<u>alice@example.com</u>') => `<root xmlns="urn:test"><item ID="${id}">${body}</item></root>`;

function verifyItem(xml: string, options: VerifyOptions = trusted) {
  const parsed = parseXmlSafely(xml);
  const item = parsed.getElementsByTagNameNS('urn:test', 'item').item(0);
  if (!item) throw new Error('no item');
  return verifyElementSignature(parsed, item, options);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof XmlSecurityError) return error.code;
    throw error;
  }
  return 'NO_ERROR';
}

describe('verifyElementSignature', () => {
  it("leaves the caller's DOM as it was (the signature is detached only while canonicalising)", () => {
    const parsed = parseXmlSafely(sign(doc(), { privateKey: signer.privateKey, target: 'item' }));
    const before = parsed.toString();
    const item = parsed.getElementsByTagNameNS('urn:test', 'item').item(0)!;
    verifyElementSignature(parsed, item, trusted);
    expect(parsed.toString()).toBe(before);
    // And a second verification of the same DOM still finds its signature.
    expect(verifyElementSignature(parsed, item, trusted).referenceId).toBe('_a1');
  });

  it('accepts an RSA-SHA256 signature by a trusted certificate and returns only the signed bytes', () => {
    const result = verifyItem(sign(doc(), { privateKey: signer.privateKey, target: 'item' }));
    expect(result.referenceId).toBe('_a1');
    expect(result.signedElement.localName).toBe('item');
    expect(result.signedXml).not.toContain('Signature');
    expect(result.signatureAlgorithm).toContain('rsa-sha256');
  });

  it('accepts a trusted bare public key and any of several certificates (rollover)', () => {
    const xml = sign(doc(), { privateKey: signer.privateKey, target: 'item' });
    const other = keyPair();
    expect(verifyItem(xml, { trustedCerts: [other.publicKey, signer.publicKey], allowSha1: false }).referenceId).toBe('_a1');
  });

  it('accepts bare base64 DER as the trusted certificate', () => {
    const bare = signer.publicKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const xml = sign(doc(), { privateKey: signer.privateKey, target: 'item' });
    expect(verifyItem(xml, { trustedCerts: [bare], allowSha1: false }).referenceId).toBe('_a1');
  });

  it('refuses content changed after signing', () => {
    const xml = sign(doc(), { privateKey: signer.privateKey, target: 'item' }).replace('alice@', 'mallory@');
    expect(codeOf(() => verifyItem(xml))).toBe('SIGNATURE_INVALID');
  });

  it('refuses a signature by a self-signed clone of the certificate (same subject) published in KeyInfo', () => {
    const clone = { privateKey: fixture('clone-key.pem'), cert: fixture('clone-cert.pem') };
    expect(certificateInfo(clone.cert).subject).toBe(certificateInfo(signer.publicKey).subject);
    const xml = sign(doc(), { privateKey: clone.privateKey, publicCert: clone.cert, target: 'item' });
    expect(xml).toContain('KeyInfo');
    expect(codeOf(() => verifyItem(xml))).toBe('SIGNATURE_NO_TRUSTED_CERT');
  });

  it('refuses a missing signature and an empty trust list', () => {
    expect(codeOf(() => verifyItem(doc()))).toBe('SIGNATURE_MISSING');
    const xml = sign(doc(), { privateKey: signer.privateKey, target: 'item' });
    expect(codeOf(() => verifyItem(xml, { trustedCerts: [], allowSha1: false }))).toBe('SIGNATURE_NO_TRUSTED_CERT');
  });

  it('refuses SHA-1 unless the caller allows it', () => {
    const xml = sign(doc(), { privateKey: signer.privateKey, target: 'item', signatureAlgorithm: RSA_SHA1, digestAlgorithm: SHA1 });
    expect(codeOf(() => verifyItem(xml))).toBe('SIGNATURE_ALGORITHM_FORBIDDEN');
    expect(verifyItem(xml, { ...trusted, allowSha1: true }).signatureAlgorithm).toBe(RSA_SHA1);
  });

  it('refuses a SHA-1 digest under a SHA-256 signature', () => {
    const xml = sign(doc(), { privateKey: signer.privateKey, target: 'item', digestAlgorithm: SHA1 });
    expect(codeOf(() => verifyItem(xml))).toBe('SIGNATURE_ALGORITHM_FORBIDDEN');
  });

  it('refuses a signature whose reference points at another element', () => {
    const xml = sign('<root xmlns="urn:test"><item ID="_a1"><other ID="_o">x</other></item></root>', {
      privateKey: signer.privateKey,
      target: 'other',
    });
    // Move the signature from <other> up to <item>: it still verifies cryptographically, but covers <other> only.
    const moved = xml.replace(/<other ID="_o">(<Signature[\s\S]*<\/Signature>)/, '$1<other ID="_o">');
    expect(moved).not.toBe(xml);
    expect(codeOf(() => verifyItem(moved))).toBe('SIGNATURE_REFERENCE_MISMATCH');
  });

  it('refuses a document where two elements carry the signed id (wrapping)', () => {
    const xml = sign(doc(), { privateKey: signer.privateKey, target: 'item' }).replace('</root>', '<x ID="_a1"/></root>');
    expect(codeOf(() => verifyItem(xml))).toBe('SIGNATURE_DUPLICATE_ID');
  });

  it('refuses transforms outside enveloped-signature + exc-c14n', () => {
    const xml = sign(doc(), { privateKey: signer.privateKey, target: 'item', transforms: [ENVELOPED, EXC_C14N, EXC_C14N] });
    expect(codeOf(() => verifyItem(xml))).toBe('SIGNATURE_TRANSFORM_FORBIDDEN');
  });

  it('refuses two signatures on one element', () => {
    const once = sign(doc(), { privateKey: signer.privateKey, target: 'item' });
    const signature = /<Signature[\s\S]*<\/Signature>/.exec(once)?.[0] ?? '';
    const twice = once.replace(signature, signature + signature);
    expect(codeOf(() => verifyItem(twice))).toBe('SIGNATURE_MULTIPLE');
  });

  it('removes comments from the signed copy so text cannot be truncated at a comment', () => {
    const xml = sign(doc('_a1', '<u>alice@example.com.evil.com</u>'), { privateKey: signer.privateKey, target: 'item' });
    const injected = xml.replace('alice@example.com.evil.com', 'alice@example.com<!-- x -->.evil.com');
    const result = verifyItem(injected);
    const u = result.signedDocument.getElementsByTagNameNS('urn:test', 'u').item(0);
    expect(u && strictText(u)).toBe('alice@example.com.evil.com');
  });

  it('refuses a genuine signature carrying a ds:Object or any other unexpected child', () => {
    const signed = sign(doc(), { privateKey: signer.privateKey, target: 'item' });
    expect(verifyItem(signed).referenceId).toBe('_a1');
    // The identity would stay genuine (ds:Object is outside what was signed), but no message
    // with unsigned payload parked inside a signature is accepted.
    const withObject = signed.replace('</Signature>', '<Object><u xmlns="urn:test">mallory@evil.example</u></Object></Signature>');
    expect(withObject).toContain('<Object>');
    expect(codeOf(() => verifyItem(withObject))).toBe('SIGNATURE_UNEXPECTED_CONTENT');
    const foreign = signed.replace('</Signature>', '<x:evil xmlns:x="urn:evil"/></Signature>');
    expect(codeOf(() => verifyItem(foreign))).toBe('SIGNATURE_UNEXPECTED_CONTENT');
    const unknownDs = signed.replace('</Signature>', '<Manifest/></Signature>');
    expect(codeOf(() => verifyItem(unknownDs))).toBe('SIGNATURE_UNEXPECTED_CONTENT');
    const text = signed.replace('</Signature>', 'mallory</Signature>');
    expect(codeOf(() => verifyItem(text))).toBe('SIGNATURE_UNEXPECTED_CONTENT');
    // Whitespace and a KeyInfo (never read) stay fine.
    expect(verifyItem(signed.replace('</Signature>', '\n  </Signature>')).referenceId).toBe('_a1');
    const withKeyInfo = sign(doc(), { privateKey: signer.privateKey, target: 'item', publicCert: signer.publicKey });
    expect(withKeyInfo).toContain('KeyInfo');
    expect(verifyItem(withKeyInfo).referenceId).toBe('_a1');
  });

  it('refuses a digest smuggled in a comment inside DigestValue (CVE-2025-29775 shape)', () => {
    const signed = sign(doc(), { privateKey: signer.privateKey, target: 'item' });
    const tampered = signed.replace('alice@', 'mallory@');
    // Digest of the tampered content, as a vulnerable reader taking the first child node would see it.
    const forged = sign(doc().replace('alice@', 'mallory@'), { privateKey: signer.privateKey, target: 'item' });
    const forgedDigest = /<DigestValue>([^<]+)</.exec(forged)?.[1] ?? '';
    const attack = tampered.replace('<DigestValue>', `<DigestValue><!--${forgedDigest}-->`);
    expect(codeOf(() => verifyItem(attack))).toBe('SIGNATURE_INVALID');
    expect(verifyItem(signed.replace('<DigestValue>', '<DigestValue><!-- harmless -->')).referenceId).toBe('_a1');
  });

  it('honours an InclusiveNamespaces prefix list (QName values using ancestor prefixes)', () => {
    const xml =
      '<root xmlns="urn:test" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><item ID="_a1"><v xsi:type="xs:string">x</v></item></root>';
    const signed = sign(xml, { privateKey: signer.privateKey, target: 'item', inclusiveNamespaces: ['xs'] });
    expect(signed).toContain('PrefixList="xs"');
    const result = verifyItem(signed);
    expect(result.signedXml).toContain('xmlns:xs="http://www.w3.org/2001/XMLSchema"');
  });

  it("does not modify the caller's document", () => {
    const xml = sign(doc(), { privateKey: signer.privateKey, target: 'item' });
    const parsed = parseXmlSafely(xml);
    const item = parsed.getElementsByTagNameNS('urn:test', 'item').item(0);
    if (!item) throw new Error('no item');
    verifyElementSignature(parsed, item, trusted);
    expect(item.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature').length).toBe(1);
  });

  it('verifies an IdP response signed at both levels with RSA-SHA1 only when SHA-1 is allowed explicitly', () => {
    // The shape real IdPs still send (node-saml's corpus is full of them): a signed assertion
    // inside a signed Response, both RSA-SHA1, each signature enveloped in its element.
    const response = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" Destination="https://sp.example.com/acs"><saml:Issuer>https://idp.example.com</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><saml:Issuer>https://idp.example.com</saml:Issuer><saml:Subject><saml:NameID>alice@example.com</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>`;
    const sha1 = { privateKey: signer.privateKey, publicCert: signer.publicKey, signatureAlgorithm: RSA_SHA1, digestAlgorithm: SHA1 };
    const xml = sign(sign(response, { ...sha1, target: 'Assertion' }), { ...sha1, target: 'Response' });
    const parsed = parseXmlSafely(xml);
    const root = parsed.documentElement;
    if (!root) throw new Error('no root');
    expect(codeOf(() => verifyElementSignature(parsed, root, { trustedCerts: [signer.publicKey], allowSha1: false }))).toBe(
      'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
    const verified = verifyElementSignature(parsed, root, { trustedCerts: [signer.publicKey], allowSha1: true });
    expect(verified.signedElement.localName).toBe('Response');
    expect(verified.referenceId).toBe('_r1');
    // The inner signature covers the assertion on its own.
    const assertion = parsed.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion').item(0)!;
    expect(verifyElementSignature(parsed, assertion, { trustedCerts: [signer.publicKey], allowSha1: true }).referenceId).toBe('_a1');
    // And a certificate the SP does not trust is refused even though KeyInfo carries one.
    expect(codeOf(() => verifyElementSignature(parsed, root, { trustedCerts: [keyPair().publicKey], allowSha1: true }))).not.toBe(
      'NO_ERROR',
    );
  });
});

describe('certificateInfo', () => {
  it('reports fingerprint, validity and subject', () => {
    const info = certificateInfo(signer.publicKey);
    expect(info.subject).toContain('Roster Test IdP');
    expect(info.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(info.notAfter.getTime()).toBeGreaterThan(info.notBefore.getTime());
  });

  it('throws CERTIFICATE_INVALID on garbage', () => {
    expect(codeOf(() => certificateInfo('not a certificate!'))).toBe('CERTIFICATE_INVALID');
  });
});
