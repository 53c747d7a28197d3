import { describe, expect, it } from 'vitest';
import { validateSamlResponse, type SamlConnectionConfig, type SamlValidationStep } from '../src/protocol/index.js';
import { CLONE, IDP, assertionXml, field, responseXml, signAssertion, signResponse, type ResponseSpec } from './support/idp.js';
import { NOW, connectionA, connectionB, depsFor, specFor } from './support/scenario.js';
import { stripSignatures, xsw, type XswVariant } from './support/xsw.js';
import type { MemoryDeps } from './support/deps.js';

const VICTIM = 'ceo@victim.example';

async function expectRefused(
  xml: string,
  step: SamlValidationStep,
  config: SamlConnectionConfig = connectionA(),
  deps: MemoryDeps = depsFor(config),
) {
  const result = await validateSamlResponse({ samlResponse: field(xml) }, config, deps);
  expect(result, JSON.stringify(result)).toMatchObject({ ok: false, step });
  if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
  if (process.env.SAML_CORPUS_TRACE && !result.ok) console.info(`${step}\t${result.reason}`);
  return result;
}

const assertionSigned = (spec: ResponseSpec = specFor(connectionA())) => signAssertion(responseXml(spec));
const responseSigned = (spec: ResponseSpec = specFor(connectionA())) => signResponse(responseXml(spec));

describe('generated attacks from our own test IdP key (R18, R19: every refusal carries a step and reason)', () => {
  it('baselines: the untouched response- and assertion-signed messages are accepted', async () => {
    for (const xml of [assertionSigned(), responseSigned()]) {
      const config = connectionA();
      const result = await validateSamlResponse({ samlResponse: field(xml) }, config, depsFor(config));
      expect(result).toMatchObject({ ok: true, identity: { nameId: 'ada@example.com' } });
    }
  });

  const expectedStep: Record<XswVariant, SamlValidationStep> = {
    1: 'signature',
    2: 'signature',
    3: 'assertion',
    4: 'assertion',
    5: 'assertion',
    6: 'assertion',
    7: 'assertion',
    8: 'assertion',
  };
  for (const variant of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
    it(`XSW${variant}: signature wrapping is refused at "${expectedStep[variant]}"`, async () => {
      const signed = variant <= 2 ? responseSigned() : assertionSigned();
      const attack = xsw(variant, signed, VICTIM);
      expect(attack).toContain(VICTIM);
      await expectRefused(attack, expectedStep[variant]);
    });
  }

  it('signature stripping: an unsigned response is refused', async () => {
    await expectRefused(stripSignatures(assertionSigned()), 'signature');
    await expectRefused(stripSignatures(responseSigned()), 'signature');
  });

  it('re-signed by a self-signed clone of the IdP certificate (same subject, cert in KeyInfo) is refused', async () => {
    const spec = specFor(connectionA(), { nameId: VICTIM });
    await expectRefused(signAssertion(responseXml(spec), CLONE), 'signature');
    await expectRefused(signResponse(responseXml(spec), CLONE), 'signature');
  });

  it('tampering after signing is refused', async () => {
    await expectRefused(assertionSigned().replace('ada@example.com</saml:NameID>', `${VICTIM}</saml:NameID>`), 'signature');
  });

  it('a replayed IdP-initiated assertion is refused the second time', async () => {
    const config = connectionA({ allowIdpInitiated: true });
    const deps = depsFor(config);
    const xml = assertionSigned(specFor(config, { inResponseTo: null }));
    expect((await validateSamlResponse({ samlResponse: field(xml) }, config, deps)).ok).toBe(true);
    await expectRefused(xml, 'replay', config, deps);
  });

  it('a replayed solicited response is refused (its request id is single-use)', async () => {
    const config = connectionA();
    const deps = depsFor(config);
    const xml = assertionSigned();
    expect((await validateSamlResponse({ samlResponse: field(xml) }, config, deps)).ok).toBe(true);
    await expectRefused(xml, 'in_response_to', config, deps);
  });

  it('the same assertion id is refused even inside a freshly signed response (replay cache keys on the assertion)', async () => {
    const config = connectionA({ allowIdpInitiated: true });
    const deps = depsFor(config);
    const spec = specFor(config, { inResponseTo: null });
    expect((await validateSamlResponse({ samlResponse: field(assertionSigned(spec)) }, config, deps)).ok).toBe(true);
    await expectRefused(responseSigned({ ...spec, responseId: '_another' }), 'replay', config, deps);
  });

  it('comment injection in NameID (VU#475445) is refused, not truncated', async () => {
    const signed = assertionSigned(specFor(connectionA(), { nameId: `${VICTIM}.attacker.example` }));
    const injected = signed.replace(`${VICTIM}.attacker.example`, `${VICTIM}<!---->.attacker.example`);
    await expectRefused(injected, 'subject');
  });

  it('CDATA injection in NameID is refused', async () => {
    const signed = assertionSigned(specFor(connectionA(), { nameId: VICTIM }));
    await expectRefused(signed.replace(`${VICTIM}</saml:NameID>`, `${VICTIM}<![CDATA[x]]></saml:NameID>`), 'subject');
  });

  it('an entity-expansion DTD in front of a valid response is refused before parsing', async () => {
    const dtd =
      '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>';
    await expectRefused(dtd + assertionSigned(), 'xml');
    await expectRefused(assertionSigned().replace('ada@example.com</saml:NameID>', '&c;</saml:NameID>'), 'xml');
  });

  it('wrong audience, destination, recipient and issuer are each refused at their own step', async () => {
    const config = connectionA();
    await expectRefused(assertionSigned(specFor(config, { audience: 'https://other-sp.example/metadata' })), 'audience');
    await expectRefused(assertionSigned(specFor(config, { audience: null })), 'audience');
    await expectRefused(assertionSigned(specFor(config, { destination: 'https://evil.example/acs' })), 'destination');
    await expectRefused(assertionSigned(specFor(config, { recipient: 'https://evil.example/acs' })), 'recipient');
    await expectRefused(assertionSigned(specFor(config, { issuer: 'https://evil-idp.example' })), 'issuer');
    await expectRefused(assertionSigned(specFor(config, { responseIssuer: 'https://evil-idp.example' })), 'issuer');
  });

  it('expired and not-yet-valid assertions are refused at "time"; small skew is tolerated', async () => {
    const config = connectionA();
    const late = new Date(NOW.getTime() - 10 * 60_000);
    await expectRefused(assertionSigned(specFor(config, { notBefore: new Date(late.getTime() - 60_000), notOnOrAfter: late })), 'time');
    await expectRefused(assertionSigned(specFor(config, { notBefore: new Date(NOW.getTime() + 10 * 60_000) })), 'time');
    const withinSkew = specFor(config, { notBefore: new Date(NOW.getTime() + 60_000) });
    expect((await validateSamlResponse({ samlResponse: field(assertionSigned(withinSkew)) }, config, depsFor(config))).ok).toBe(true);
  });

  it("R1: a response for team A's connection posted to team B's ACS is refused (same IdP, same certificate)", async () => {
    const a = connectionA();
    const b = connectionB();
    await expectRefused(assertionSigned(specFor(a)), 'destination', b, depsFor(b));
    // Without a Destination the signed Recipient still names A's ACS.
    await expectRefused(assertionSigned(specFor(a, { destination: null })), 'recipient', b, depsFor(b));
    // Addressed to B but answering a request that A started: the request store says whose it is.
    await expectRefused(assertionSigned(specFor(b)), 'in_response_to', b, depsFor(a));
  });

  it('Advice smuggling: an assertion in a Response-level <Advice> or Extensions is refused', async () => {
    const evil = assertionXml(specFor(connectionA(), { nameId: VICTIM }));
    const signed = assertionSigned();
    await expectRefused(signed.replace('</samlp:Response>', `<saml:Advice>${evil}</saml:Advice></samlp:Response>`), 'assertion');
    await expectRefused(signed.replace('<samlp:Status>', `<samlp:Extensions>${evil}</samlp:Extensions><samlp:Status>`), 'assertion');
  });

  it("an assertion inside the verified assertion's <Advice> is never read as the identity", async () => {
    const config = connectionA();
    const inner = assertionXml(specFor(config, { nameId: VICTIM, attributes: { email: [VICTIM] } }));
    const xml = signAssertion(responseXml(specFor(config, { advice: inner })));
    const result = await validateSamlResponse({ samlResponse: field(xml) }, config, depsFor(config));
    expect(result).toMatchObject({ ok: true, identity: { nameId: 'ada@example.com', email: 'ada@example.com' } });
  });

  it('two assertions are refused even when both are validly signed', async () => {
    const config = connectionA();
    const first = signAssertion(responseXml(specFor(config)));
    const second = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(signAssertion(responseXml(specFor(config, { nameId: VICTIM }))))?.[0];
    await expectRefused(first.replace('</samlp:Response>', `${second}</samlp:Response>`), 'assertion');
  });

  it('RSA-SHA1 is refused unless the connection allows it', async () => {
    const config = connectionA();
    const xml = signAssertion(responseXml(specFor(config)), { ...IDP, algorithm: 'sha1' });
    await expectRefused(xml, 'signature', config);
    const allowed = connectionA({ allowSha1: true });
    expect((await validateSamlResponse({ samlResponse: field(xml) }, allowed, depsFor(allowed))).ok).toBe(true);
  });

  it('unsolicited responses are refused unless IdP-initiated sign-in is on; unknown request ids always', async () => {
    const config = connectionA();
    await expectRefused(assertionSigned(specFor(config, { inResponseTo: null })), 'in_response_to');
    await expectRefused(assertionSigned(specFor(config, { inResponseTo: '_never_issued' })), 'in_response_to');
    const open = connectionA({ allowIdpInitiated: true });
    await expectRefused(assertionSigned(specFor(open, { inResponseTo: '_never_issued' })), 'in_response_to', open);
  });

  it('an unsolicited signed assertion cannot borrow a pending request id through the unsigned Response', async () => {
    const config = connectionA();
    const unsolicited = assertionSigned(specFor(config, { inResponseTo: null }));
    const borrowed = unsolicited.replace('<samlp:Response ', '<samlp:Response InResponseTo="_req1" ');
    await expectRefused(borrowed, 'in_response_to', config);
  });

  it('a refused response does not consume the pending request (side effects come last)', async () => {
    const config = connectionA();
    const deps = depsFor(config);
    await expectRefused(assertionSigned(specFor(config, { audience: 'https://other.example' })), 'audience', config, deps);
    expect(deps.pending.has('_req1')).toBe(true);
    expect(deps.claims.size).toBe(0);
  });

  it('garbage input is refused at "xml" without throwing', async () => {
    const config = connectionA();
    for (const samlResponse of ['', '!!!not base64!!!', field('<html/>'), field('not xml at all'), field('<a/><b/>')]) {
      const result = await validateSamlResponse({ samlResponse }, config, depsFor(config));
      expect(result).toMatchObject({ ok: false, step: 'xml' });
    }
  });
});
