import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey, createSign, createVerify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateInfo, verifyElementSignature, parseXmlSafely } from '@roster/xml-security';
import { generateSpKeyPair, selfSignedCertificate } from '../src/sp-certificate.js';
import { SP } from './support/idp.js';
import { SignedXml } from 'xml-crypto';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('self-signed SP certificate (dependency-free DER builder)', () => {
  it('is a well-formed X.509 v3 certificate that node:crypto parses, self-verifies and matches its key', async () => {
    const { privateKeyPem, certificatePem } = await generateSpKeyPair({ commonName: 'roster.test/saml/abc' });
    const cert = new X509Certificate(certificatePem);
    const key = createPrivateKey(privateKeyPem);
    expect(cert.checkPrivateKey(key)).toBe(true);
    expect(cert.verify(createPublicKey(key))).toBe(true);
    expect(cert.subject).toBe('O=Roster\nCN=roster.test/saml/abc');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(false);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const years = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / (365.25 * 24 * 3600 * 1000);
    expect(Math.round(years)).toBe(10);
    expect(BigInt(`0x${cert.serialNumber}`) > 0n).toBe(true);
  });

  it('encodes validity exactly (UTCTime before 2050, GeneralizedTime after) and long names', () => {
    const notBefore = new Date('2026-01-02T03:04:05Z');
    const notAfter = new Date('2061-06-07T08:09:10Z');
    const pem = selfSignedCertificate(SP.key, { commonName: 'x'.repeat(200), organization: 'Ünïcode Org', notBefore, notAfter });
    const info = certificateInfo(pem);
    expect(info.notBefore.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(info.notAfter.toISOString()).toBe('2061-06-07T08:09:10.000Z');
    expect(info.subject).toContain('Ünïcode Org');
    expect(info.subject).toContain(`CN=${'x'.repeat(64)}`);
    expect(() => selfSignedCertificate(SP.key, { commonName: 'a', notBefore: notAfter, notAfter: notBefore })).toThrow();
  });

  it.skipIf(!hasOpenssl)('is read by OpenSSL with the intended extensions (skipped where no openssl binary exists)', async () => {
    const { privateKeyPem, certificatePem } = await generateSpKeyPair({ commonName: 'openssl-check' });
    const dir = mkdtempSync(join(tmpdir(), 'roster-cert-'));
    writeFileSync(join(dir, 'cert.pem'), certificatePem);
    writeFileSync(join(dir, 'key.pem'), privateKeyPem);
    const text = execFileSync('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toContain('sha256WithRSAEncryption');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    // Self-signed: OpenSSL verifies it against itself.
    const verify = spawnSync(
      'openssl',
      ['verify', '-CAfile', join(dir, 'cert.pem'), '-partial_chain', '-check_ss_sig', join(dir, 'cert.pem')],
      { encoding: 'utf8' },
    );
    expect(verify.stdout).toContain('OK');
    const asn1 = execFileSync('openssl', ['asn1parse', '-in', join(dir, 'cert.pem')], { encoding: 'utf8' });
    expect(asn1).not.toContain('error');
  });

  it('works as the key of XML signatures verified against the certificate alone', async () => {
    const { privateKeyPem, certificatePem } = await generateSpKeyPair({ commonName: 'xmldsig' });
    const signer = new SignedXml({
      privateKey: privateKeyPem,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    signer.addReference({
      xpath: '/*',
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    });
    signer.computeSignature('<a ID="_x"><b>hi</b></a>');
    const doc = parseXmlSafely(signer.getSignedXml());
    expect(verifyElementSignature(doc, doc.documentElement!, { trustedCerts: [certificatePem], allowSha1: false }).referenceId).toBe('_x');
    const sig = createSign('sha256').update('data').sign(privateKeyPem);
    expect(createVerify('sha256').update('data').verify(new X509Certificate(certificatePem).publicKey, sig)).toBe(true);
  });
});
