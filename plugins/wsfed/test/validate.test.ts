import { describe, expect, it } from 'vitest';
import { CLAIM, validateWsFedResponse, type WsFedResult } from '../src/protocol/index.js';
import { ALICE, CONTOSO, TEAM_A, connection, mintWresult } from './support/issuer.js';
import { KEYS } from './support/keys.js';
import { MemoryReplayCache } from './support/replay.js';

const deps = () => ({ replay: new MemoryReplayCache() });

function expectOk(result: WsFedResult) {
  if (!result.ok) throw new Error(`expected success, got ${result.step}: ${result.reason}`);
  return result.identity;
}

describe('validateWsFedResponse: happy paths', () => {
  for (const version of ['1.1', '2.0'] as const) {
    for (const trust of ['2005', '1.3'] as const) {
      it(`accepts a SAML ${version} assertion in a WS-Trust ${trust} RSTR from the configured IdP`, async () => {
        const identity = expectOk(await validateWsFedResponse(mintWresult({ version, trust }), connection(), deps()));
        expect(identity).toMatchObject({
          nameId: 'alice@contoso.test',
          nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
          email: 'alice@contoso.test',
          givenName: 'Alice',
          familyName: 'Liddell',
          upn: 'alice@corp.contoso.test',
          issuer: CONTOSO.issuer,
          samlVersion: version,
        });
        expect(identity.groups.sort()).toEqual(['Managers', 'RosterAdmins', 'Sales']);
        expect(identity.attributes[CLAIM.email]).toEqual(['alice@contoso.test']);
        expect(identity.assertionId).toMatch(/^_/);
        expect(identity.expiresAt.getTime()).toBeGreaterThan(Date.now());
      });
    }
  }

  it('R18: accepts tokens signed by any of several configured certificates (rollover overlap)', async () => {
    const conn = connection({ signingCertificates: [KEYS.idp.cert, KEYS.rollover.cert] });
    const replay = deps();
    expectOk(await validateWsFedResponse(mintWresult({ keys: KEYS.idp }), conn, replay));
    expectOk(await validateWsFedResponse(mintWresult({ keys: KEYS.rollover, version: '2.0' }), conn, replay));
  });

  it('accepts certificates configured as bare base64 DER (as pasted from metadata)', async () => {
    const bare = KEYS.idp.cert.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    expectOk(await validateWsFedResponse(mintWresult(), connection({ signingCertificates: [bare] }), deps()));
  });

  it('accepts RSA-SHA1 only on a connection that explicitly allows it', async () => {
    const wresult = mintWresult({ sha1: true });
    const refused = await validateWsFedResponse(wresult, connection(), deps());
    expect(refused).toMatchObject({ ok: false, step: 'signature', code: 'SIGNATURE_ALGORITHM_FORBIDDEN' });
    expectOk(await validateWsFedResponse(wresult, connection({ allowSha1: true }), deps()));
  });

  it('tolerates clock skew at both ends of the validity window', async () => {
    const wresult = mintWresult({ lifetimeSeconds: 600, lifetime: null });
    const early = new Date(Date.now() - 60_000);
    expectOk(await validateWsFedResponse(wresult, connection(), { ...deps(), now: () => early }));
    const late = new Date(Date.now() + 600_000 + 60_000);
    expectOk(await validateWsFedResponse(wresult, connection(), { ...deps(), now: () => late }));
  });

  it('clips the expiry to the RSTR Lifetime when it is shorter than the assertion', async () => {
    const created = new Date();
    const expires = new Date(created.getTime() + 120_000);
    const identity = expectOk(await validateWsFedResponse(mintWresult({ lifetime: { created, expires } }), connection(), deps()));
    expect(identity.expiresAt.toISOString()).toBe(expires.toISOString());
  });

  it('maps Entra ID claims with the entra preset (object id, tenant id, UPN from name)', async () => {
    const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const issuer = `https://sts.windows.net/${tenantId}/`;
    const wresult = mintWresult({
      version: '2.0',
      issuer,
      nameId: 'mX9k2Qe7Ff3Qe9S2lX0Z2a9c',
      attributes: {
        [CLAIM.name]: 'bob@contoso.onmicrosoft.com',
        [CLAIM.email]: 'bob@contoso.test',
        [CLAIM.givenName]: 'Bob',
        [CLAIM.surname]: 'Builder',
        [CLAIM.entraDisplayName]: 'Bob Builder',
        [CLAIM.entraObjectId]: '1b7c3f2a-8d1e-4c55-9a0b-2f6e7d8c9a10',
        [CLAIM.entraTenantId]: tenantId,
        [CLAIM.groups]: ['5e1a0c39-0d4c-4a1f-9b5e-0f7d4c2b1a00'],
      },
    });
    const conn = connection({ idpIssuer: issuer, claimMapping: 'entra' });
    const identity = expectOk(await validateWsFedResponse(wresult, conn, deps()));
    expect(identity).toMatchObject({
      nameId: 'mX9k2Qe7Ff3Qe9S2lX0Z2a9c',
      email: 'bob@contoso.test',
      upn: 'bob@contoso.onmicrosoft.com',
      displayName: 'Bob Builder',
      objectId: '1b7c3f2a-8d1e-4c55-9a0b-2f6e7d8c9a10',
      tenantId,
      groups: ['5e1a0c39-0d4c-4a1f-9b5e-0f7d4c2b1a00'],
    });
  });

  it('applies claim mapping overrides on top of a preset (email taken from the UPN)', async () => {
    const attributes: Record<string, string | string[]> = { ...ALICE };
    delete attributes[CLAIM.email];
    const conn = connection({ claimMapping: { preset: 'adfs', email: [CLAIM.email, CLAIM.upn] } });
    const identity = expectOk(await validateWsFedResponse(mintWresult({ attributes }), conn, deps()));
    expect(identity.email).toBe('alice@corp.contoso.test');
  });

  it('accepts a response without the optional RSTR Lifetime and AppliesTo', async () => {
    expectOk(await validateWsFedResponse(mintWresult({ lifetime: null, appliesTo: null }), connection(), deps()));
  });

  it('accepts a SAML 2.0 bearer confirmation whose Recipient is the reply URL', async () => {
    expectOk(await validateWsFedResponse(mintWresult({ version: '2.0', recipient: TEAM_A.replyUrl }), connection(), deps()));
  });
});
