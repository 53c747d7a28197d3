import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLAIM,
  connectionSettingsFromMetadata,
  describeCertificate,
  fetchFederationMetadata,
  importFederationMetadata,
  validateWsFedResponse,
  WsFedMetadataError,
} from '../src/protocol/index.js';
import { CONTOSO, connection, mintWresult } from './support/issuer.js';
import { KEYS } from './support/keys.js';
import { adfsMetadata, signMetadata } from './support/metadata.js';
import { MemoryReplayCache } from './support/replay.js';

function expectMetadataError(run: () => unknown, code: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WsFedMetadataError);
    expect((error as WsFedMetadataError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('importFederationMetadata (ADFS / Entra FederationMetadata.xml)', () => {
  it('R18: reads entityID, the STS passive endpoint and every signing certificate of an ADFS document', () => {
    const metadata = importFederationMetadata(signMetadata(adfsMetadata()));
    expect(metadata.entityId).toBe(CONTOSO.issuer);
    expect(metadata.passiveRequestorEndpoint).toBe(CONTOSO.signInUrl);
    // Encryption keys and the SAML IDPSSODescriptor key are not WS-Fed token-signing keys.
    expect(metadata.signingCertificates.map((c) => c.subject)).toEqual([
      'CN=ADFS Signing - adfs.contoso.test',
      'CN=ADFS Signing - adfs.contoso.test (rollover)',
    ]);
    expect(metadata.signingCertificates[0]).toMatchObject({ expired: false, pem: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(metadata.signingCertificates[0]!.daysUntilExpiry).toBeGreaterThan(365);
    expect(metadata.claimTypesOffered).toContain(CLAIM.email);
    expect(metadata.signatureVerified).toBe(false);
  });

  it('imported settings validate tokens from either certificate', async () => {
    const settings = connectionSettingsFromMetadata(importFederationMetadata(adfsMetadata()));
    const conn = connection(settings);
    const replay = new MemoryReplayCache();
    expect((await validateWsFedResponse(mintWresult({ keys: KEYS.idp }), conn, { replay })).ok).toBe(true);
    expect((await validateWsFedResponse(mintWresult({ keys: KEYS.rollover }), conn, { replay })).ok).toBe(true);
  });

  it('resolves the xsi:type prefix instead of trusting the literal "fed:" (Entra-style prefixes)', () => {
    const tenant = 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/';
    const metadata = importFederationMetadata(
      adfsMetadata({
        fedPrefix: 'ns1',
        entityId: tenant,
        passiveEndpoint: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/wsfed',
      }),
    );
    expect(metadata.entityId).toBe(tenant);
    expect(metadata.passiveRequestorEndpoint).toMatch(/\/wsfed$/);
  });

  it('refuses a role whose "fed" prefix is bound to another namespace', () => {
    const spoofed = adfsMetadata().replaceAll('xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706"', 'xmlns:fed="urn:evil"');
    expectMetadataError(() => importFederationMetadata(spoofed), 'METADATA_NOT_WSFED');
  });

  it('verifies the metadata signature on refresh against the certificates already trusted', () => {
    const signed = signMetadata(adfsMetadata());
    expect(importFederationMetadata(signed, { trustedCerts: [KEYS.idp.cert] }).signatureVerified).toBe(true);
    expectMetadataError(() => importFederationMetadata(signed, { trustedCerts: [KEYS.otherIdp.cert] }), 'METADATA_SIGNATURE');
    expectMetadataError(() => importFederationMetadata(adfsMetadata(), { trustedCerts: [KEYS.idp.cert] }), 'METADATA_SIGNATURE');
  });

  it('refuses refreshed metadata whose certificates were swapped after signing', () => {
    const tampered = signMetadata(adfsMetadata()).replace(
      /(<RoleDescriptor xsi:type="fed:SecurityTokenServiceType"[^>]*><KeyDescriptor use="signing"><KeyInfo[^>]*><X509Data><X509Certificate>)[^<]+/,
      `$1${KEYS.attackerClone.cert.replace(/-----[^-]+-----|\s/g, '')}`,
    );
    expectMetadataError(() => importFederationMetadata(tampered, { trustedCerts: [KEYS.idp.cert] }), 'METADATA_SIGNATURE');
  });

  it('refuses SAML-only metadata, DTDs, expired documents and plain-http endpoints', () => {
    const samlOnly = adfsMetadata().replace(/<RoleDescriptor[\s\S]*<\/RoleDescriptor>/, '');
    expectMetadataError(() => importFederationMetadata(samlOnly), 'METADATA_NOT_WSFED');
    expectMetadataError(
      () => importFederationMetadata(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${adfsMetadata()}`),
      'METADATA_XML',
    );
    expectMetadataError(() => importFederationMetadata(adfsMetadata({ validUntil: new Date(Date.now() - 1000) })), 'METADATA_EXPIRED');
    const http = adfsMetadata({ passiveEndpoint: 'http://adfs.contoso.test/adfs/ls/' });
    expectMetadataError(() => importFederationMetadata(http), 'METADATA_INVALID');
    expect(importFederationMetadata(http, { allowInsecureEndpoint: true }).passiveRequestorEndpoint).toMatch(/^http:/);
  });

  it('describeCertificate reports expiry relative to now (shown to admins)', () => {
    const info = describeCertificate(KEYS.idp.cert, new Date('2050-01-01T00:00:00Z'));
    expect(info.expired).toBe(true);
    expect(info.daysUntilExpiry).toBeLessThan(0);
    expect(info.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expectMetadataError(() => describeCertificate('not a certificate'), 'METADATA_INVALID');
  });
});

describe('fetchFederationMetadata', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/FederationMetadata/2007-06/FederationMetadata.xml') {
        res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(adfsMetadata());
      } else if (req.url === '/huge') {
        res.writeHead(200).end('x'.repeat(4096));
      } else if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads metadata over HTTP(S) and imports it', async () => {
    const xml = await fetchFederationMetadata(`${base}/FederationMetadata/2007-06/FederationMetadata.xml`, {
      allowHttp: true,
      allowPrivateAddresses: true,
    });
    expect(importFederationMetadata(xml).entityId).toBe(CONTOSO.issuer);
  });

  it('refuses plain http by default, redirects, errors and oversized bodies', async () => {
    await expect(fetchFederationMetadata(`${base}/FederationMetadata/2007-06/FederationMetadata.xml`)).rejects.toThrow(/https/);
    // #12.9: loopback is refused unless allowed; a redirect is re-checked (169.254.169.254 is never connected to).
    await expect(fetchFederationMetadata(`${base}/FederationMetadata/2007-06/FederationMetadata.xml`, { allowHttp: true })).rejects.toThrow(
      /private or loopback/,
    );
    await expect(fetchFederationMetadata(`${base}/redirect`, { allowHttp: true, allowAddresses: ['127.0.0.1'] })).rejects.toThrow(
      /169\.254\.169\.254 is a private or loopback address/,
    );
    await expect(fetchFederationMetadata(`${base}/missing`, { allowHttp: true, allowPrivateAddresses: true })).rejects.toThrow(/404/);
    await expect(fetchFederationMetadata(`${base}/huge`, { allowHttp: true, allowPrivateAddresses: true, maxBytes: 1024 })).rejects.toThrow(
      /larger/,
    );
  });
});
