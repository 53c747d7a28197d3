import { describe, expect, it } from 'vitest';
import { validateWsFedResponse, type WsFedResult, type WsFedStep } from '../src/protocol/index.js';
import { FABRIKAM, TEAM_A, TEAM_B, connection, mintAssertion, mintWresult, wrapRstr } from './support/issuer.js';
import { KEYS, certBody } from './support/keys.js';
import { MemoryReplayCache } from './support/replay.js';
import { assertionOf, byLocalName, edit, first, importInto, replaceText } from './support/tamper.js';

const VERSIONS = ['1.1', '2.0'] as const;
const deps = () => ({ replay: new MemoryReplayCache() });

function expectRefused(result: WsFedResult, step: WsFedStep, code?: string): void {
  if (result.ok) throw new Error(`accepted an attack as ${result.identity.nameId}`);
  expect(result.step).toBe(step);
  if (code !== undefined) expect(result.code).toBe(code);
  expect(result.reason.length).toBeGreaterThan(10);
}

/** An attacker-chosen assertion for Mallory, with its own (useless) signature removed. */
function evilAssertion(version: '1.1' | '2.0', id?: string): string {
  return edit(
    mintAssertion({
      version,
      keys: KEYS.attackerClone,
      nameId: 'mallory@contoso.test',
      attributes: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': 'mallory@contoso.test' },
    }),
    (doc) => {
      const root = doc.documentElement!;
      for (const sig of byLocalName(root, 'Signature')) sig.parentNode!.removeChild(sig);
      if (id !== undefined) root.setAttribute(version === '1.1' ? 'AssertionID' : 'ID', id);
    },
  );
}

function genuineId(version: '1.1' | '2.0', wresult: string): string {
  let id = '';
  edit(wresult, (doc) => {
    id = assertionOf(doc).getAttribute(version === '1.1' ? 'AssertionID' : 'ID') ?? '';
  });
  return id;
}

describe('attacks on the signature', () => {
  for (const version of VERSIONS) {
    it(`SAML ${version}: a stripped signature is refused`, async () => {
      const wresult = edit(mintWresult({ version }), (doc) => {
        const sig = first(assertionOf(doc), 'Signature');
        sig.parentNode!.removeChild(sig);
      });
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_MISSING');
    });

    it(`SAML ${version}: a claim changed after signing is refused`, async () => {
      const wresult = edit(mintWresult({ version }), (doc) => replaceText(assertionOf(doc), 'alice@contoso.test', 'mallory@contoso.test'));
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_INVALID');
    });

    it(`SAML ${version}: a token re-signed by a cloned self-signed certificate (same subject) is refused`, async () => {
      const wresult = mintWresult({ version, keys: KEYS.attackerClone, nameId: 'mallory@contoso.test' });
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_NO_TRUSTED_CERT');
    });

    it(`SAML ${version}: KeyInfo naming the genuine certificate does not make an attacker's signature valid`, async () => {
      const wresult = edit(mintWresult({ version, keys: KEYS.attackerClone }), (doc) => {
        first(assertionOf(doc), 'X509Certificate').textContent = certBody(KEYS.idp.cert);
      });
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_NO_TRUSTED_CERT');
    });

    it(`SAML ${version}: the signature moved from the assertion to the RSTR is refused`, async () => {
      const wresult = edit(mintWresult({ version }), (doc) => {
        const sig = first(assertionOf(doc), 'Signature');
        sig.parentNode!.removeChild(sig);
        first(doc, 'RequestSecurityTokenResponse').appendChild(sig);
      });
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_MISSING');
    });
  }
});

describe('signature-wrapping variants', () => {
  for (const version of VERSIONS) {
    it(`SAML ${version}: evil assertion in place, genuine one nested inside it`, async () => {
      const wresult = edit(mintWresult({ version }), (doc) => {
        const genuine = assertionOf(doc);
        const evil = importInto(doc, evilAssertion(version));
        genuine.parentNode!.replaceChild(evil, genuine);
        evil.appendChild(genuine);
      });
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_MISSING');
    });

    it(`SAML ${version}: evil assertion carrying the genuine signature (its own id)`, async () => {
      const wresult = edit(mintWresult({ version }), (doc) => {
        const genuine = assertionOf(doc);
        const evil = importInto(doc, evilAssertion(version));
        evil.appendChild(first(genuine, 'Signature'));
        genuine.parentNode!.replaceChild(evil, genuine);
      });
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_REFERENCE_MISMATCH');
    });

    it(`SAML ${version}: evil assertion with the genuine id and signature, genuine hidden elsewhere in the RSTR`, async () => {
      const original = mintWresult({ version });
      const wresult = edit(original, (doc) => {
        const genuine = assertionOf(doc);
        const evil = importInto(doc, evilAssertion(version, genuineId(version, original)));
        evil.appendChild(first(genuine, 'Signature').cloneNode(true));
        genuine.parentNode!.replaceChild(evil, genuine);
        const hideout = doc.createElementNS('urn:evil', 'evil:Extensions');
        hideout.appendChild(genuine);
        first(doc, 'RequestSecurityTokenResponse').appendChild(hideout);
      });
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_DUPLICATE_ID');
    });

    it(`SAML ${version}: evil assertion with the genuine id and signature, genuine removed`, async () => {
      const original = mintWresult({ version });
      const wresult = edit(original, (doc) => {
        const genuine = assertionOf(doc);
        const evil = importInto(doc, evilAssertion(version, genuineId(version, original)));
        evil.appendChild(first(genuine, 'Signature'));
        genuine.parentNode!.replaceChild(evil, genuine);
      });
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_INVALID');
    });

    for (const order of ['evil first', 'genuine first'] as const) {
      it(`SAML ${version}: two assertions in RequestedSecurityToken (${order})`, async () => {
        const wresult = edit(mintWresult({ version }), (doc) => {
          const genuine = assertionOf(doc);
          const evil = importInto(doc, evilAssertion(version));
          if (order === 'evil first') genuine.parentNode!.insertBefore(evil, genuine);
          else genuine.parentNode!.appendChild(evil);
        });
        expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'token');
      });
    }

    it(`SAML ${version}: evil statement injected inside the signed assertion`, async () => {
      const wresult = edit(mintWresult({ version }), (doc) => {
        const genuine = assertionOf(doc);
        const evilStatement = first(importInto(doc, evilAssertion(version)), 'AttributeStatement');
        genuine.appendChild(evilStatement);
      });
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_INVALID');
    });

    it(`SAML ${version}: evil assertion hidden in a ds:Object of the genuine signature is never read`, async () => {
      const wresult = edit(mintWresult({ version }), (doc) => {
        const signature = first(assertionOf(doc), 'Signature');
        const object = doc.createElementNS('http://www.w3.org/2000/09/xmldsig#', 'Object');
        object.appendChild(importInto(doc, evilAssertion(version)));
        signature.appendChild(object);
      });
      const result = await validateWsFedResponse(wresult, connection(), deps());
      // The enveloped-signature transform drops the whole Signature (Object included) from the
      // digest, so the genuine token may still verify; what matters is that Mallory is never read.
      if (result.ok) expect(result.identity.nameId).toBe('alice@contoso.test');
      else expect(result.step).toBe('signature');
      expect(JSON.stringify(result)).not.toContain('mallory');
    });
  }

  it('WS-Trust 1.3: a collection with a second, forged response is refused', async () => {
    const wresult = edit(mintWresult({ version: '2.0', trust: '1.3' }), (doc) => {
      const collection = doc.documentElement!;
      const forged = importInto(doc, wrapRstr(evilAssertion('2.0'), '2.0', { trust: '1.3' }));
      collection.insertBefore(first(forged, 'RequestSecurityTokenResponse'), collection.firstChild);
    });
    expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'token');
  });

  it('XML comment injection cannot truncate a signed value (VU#475445)', async () => {
    const signedName = 'admin@contoso.test.evil.test';
    const wresult = edit(mintWresult({ version: '2.0', nameId: signedName }), (doc) => {
      const nameId = first(assertionOf(doc), 'NameID');
      nameId.textContent = 'admin@contoso.test';
      nameId.appendChild(doc.createComment(''));
      nameId.appendChild(doc.createTextNode('.evil.test'));
    });
    const result = await validateWsFedResponse(wresult, connection(), deps());
    if (result.ok) expect(result.identity.nameId).toBe(signedName);
    else expect(result.step).toBe('signature');
  });
});

describe('replay, lifetime and audience', () => {
  it('each assertion is accepted once, also when the second post reaches another node', async () => {
    const replay = new MemoryReplayCache(); // the shared (PostgreSQL) cache in production
    const wresult = mintWresult();
    expect((await validateWsFedResponse(wresult, connection(), { replay })).ok).toBe(true);
    expectRefused(await validateWsFedResponse(wresult, { ...connection() }, { replay }), 'replay');
  });

  it('a replayed assertion re-wrapped in a fresh RSTR is still refused', async () => {
    const replay = new MemoryReplayCache();
    const assertion = mintAssertion({ version: '2.0' });
    expect((await validateWsFedResponse(wrapRstr(assertion, '2.0'), connection(), { replay })).ok).toBe(true);
    expectRefused(await validateWsFedResponse(wrapRstr(assertion, '2.0', { trust: '2005' }), connection(), { replay }), 'replay');
  });

  it('fails closed when the replay cache is unavailable', async () => {
    const replay = { claim: async () => Promise.reject(new Error('connection refused')) };
    expectRefused(await validateWsFedResponse(mintWresult(), connection(), { replay }), 'replay');
  });

  for (const version of VERSIONS) {
    it(`SAML ${version}: an expired assertion is refused`, async () => {
      const later = new Date(Date.now() + 2 * 3600_000);
      expectRefused(
        await validateWsFedResponse(mintWresult({ version, lifetime: null }), connection(), { ...deps(), now: () => later }),
        'time',
      );
    });

    it(`SAML ${version}: an assertion used before NotBefore (beyond the skew) is refused`, async () => {
      const earlier = new Date(Date.now() - 10 * 60_000);
      expectRefused(await validateWsFedResponse(mintWresult({ version }), connection(), { ...deps(), now: () => earlier }), 'time');
    });
  }

  it('an expired RSTR Lifetime refuses the response even though the assertion is still valid', async () => {
    const created = new Date(Date.now() - 3600_000);
    const wresult = mintWresult({ lifetime: { created, expires: new Date(created.getTime() + 600_000) } });
    expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'time');
  });

  it('an assertion without NotOnOrAfter is refused', async () => {
    expectRefused(await validateWsFedResponse(mintWresult({ lifetimeSeconds: null, lifetime: null }), connection(), deps()), 'time');
  });

  it('a huge configured clock skew is capped at 10 minutes', async () => {
    const later = new Date(Date.now() + 3600_000 + 15 * 60_000);
    const conn = connection({ clockSkewSeconds: 86_400 });
    expectRefused(await validateWsFedResponse(mintWresult({ lifetime: null }), conn, { ...deps(), now: () => later }), 'time');
  });

  for (const version of VERSIONS) {
    it(`SAML ${version}: an assertion for another audience is refused`, async () => {
      const wresult = mintWresult({ version, audiences: 'urn:some-other-app', appliesTo: null });
      expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'audience');
    });

    it(`SAML ${version}: an assertion without audience restriction is refused`, async () => {
      expectRefused(await validateWsFedResponse(mintWresult({ version, audiences: null }), connection(), deps()), 'audience');
    });
  }

  it('an RSTR AppliesTo naming another realm is refused', async () => {
    expectRefused(await validateWsFedResponse(mintWresult({ appliesTo: TEAM_B.realm }), connection(), deps()), 'audience');
  });

  it('a SAML 2.0 bearer Recipient naming another application is refused', async () => {
    const wresult = mintWresult({ version: '2.0', recipient: 'https://evil.test/acs' });
    expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'audience');
  });
});

describe("cross-team: a token for another team's connection", () => {
  const teamB = () => connection({ id: 'conn-b', teamId: 'team-b', realm: TEAM_B.realm, replyUrl: TEAM_B.replyUrl });

  it('R1: a team A token posted to team B (same IdP, same certificate) is refused on the audience', async () => {
    expectRefused(await validateWsFedResponse(mintWresult(), teamB(), deps()), 'audience');
  });

  it("R1: a token from team B's IdP for team A's realm is refused on the signature", async () => {
    const wresult = mintWresult({ keys: KEYS.otherIdp, issuer: FABRIKAM.issuer });
    expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'signature', 'SIGNATURE_NO_TRUSTED_CERT');
  });

  it("R1: a token naming team B's IdP as issuer is refused even when signed with a certificate team A trusts", async () => {
    const conn = connection({ signingCertificates: [KEYS.idp.cert, KEYS.otherIdp.cert] });
    const wresult = mintWresult({ keys: KEYS.otherIdp, issuer: FABRIKAM.issuer });
    expectRefused(await validateWsFedResponse(wresult, conn, deps()), 'issuer');
  });

  it('R19: a refusal after the signature check names the assertion for the audit trail', async () => {
    const result = await validateWsFedResponse(mintWresult(), teamB(), deps());
    expect(result).toMatchObject({ ok: false, step: 'audience', issuer: 'http://adfs.contoso.test/adfs/services/trust' });
    expect(!result.ok && result.assertionId).toMatch(/^_/);
  });

  it('the cross-team token is still usable by its own team afterwards (refusals do not burn it)', async () => {
    const replay = new MemoryReplayCache();
    const wresult = mintWresult({ appliesTo: TEAM_A.realm });
    expectRefused(await validateWsFedResponse(wresult, teamB(), { replay }), 'audience');
    expect((await validateWsFedResponse(wresult, connection(), { replay })).ok).toBe(true);
  });
});
