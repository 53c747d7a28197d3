import saml from 'saml';
import { describe, expect, it } from 'vitest';
import { MAX_WRESULT_BYTES, validateWsFedResponse, type WsFedResult, type WsFedStep } from '../src/protocol/index.js';
import { ALICE, CONTOSO, TEAM_A, connection, mintWresult, signAssertion, wrapRstr } from './support/issuer.js';
import { MemoryReplayCache } from './support/replay.js';
import { edit, first } from './support/tamper.js';

const deps = () => ({ replay: new MemoryReplayCache() });

function expectRefused(result: WsFedResult, step: WsFedStep, code?: string, reason?: RegExp): void {
  if (result.ok) throw new Error(`accepted as ${result.identity.nameId}`);
  expect(result.step).toBe(step);
  if (code !== undefined) expect(result.code).toBe(code);
  if (reason !== undefined) expect(result.reason).toMatch(reason);
}

/** An unsigned assertion from the test issuer, for hand-made shapes signed with `signAssertion`. */
function unsigned(version: '1.1' | '2.0', nameId = 'alice@contoso.test'): string {
  const options = { issuer: CONTOSO.issuer, audiences: TEAM_A.realm, lifetimeInSeconds: 600, nameIdentifier: nameId, attributes: ALICE };
  return version === '1.1' ? saml.Saml11.createUnsignedAssertion(options) : saml.Saml20.createUnsignedAssertion(options);
}

describe('XML safety: no DTD, no entities', () => {
  it('refuses entity expansion (billion laughs) before parsing', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>`;
    const wresult = lol + mintWresult().replace('alice@contoso.test', '&lol3;');
    expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'xml', 'XML_DTD_FORBIDDEN');
  });

  it('refuses an external entity (XXE)', async () => {
    const wresult = `<!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + mintWresult().replace('Alice', '&xxe;');
    expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'xml', 'XML_DTD_FORBIDDEN');
  });

  it('refuses a bare DOCTYPE in front of a genuine token', async () => {
    const wresult = '<!DOCTYPE RequestSecurityTokenResponse>' + mintWresult();
    expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'xml', 'XML_DTD_FORBIDDEN');
  });

  it('refuses processing instructions inside the response', async () => {
    const wresult = mintWresult().replace('<t:RequestedSecurityToken>', '<?evil stuff?><t:RequestedSecurityToken>');
    expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'xml');
  });

  it('refuses malformed XML and oversized responses', async () => {
    expectRefused(await validateWsFedResponse('<t:RequestSecurityTokenResponse', connection(), deps()), 'xml');
    expectRefused(await validateWsFedResponse('', connection(), deps()), 'xml');
    const huge = mintWresult().replace(
      '</t:RequestSecurityTokenResponse>',
      `<x>${'a'.repeat(MAX_WRESULT_BYTES)}</x></t:RequestSecurityTokenResponse>`,
    );
    expectRefused(await validateWsFedResponse(huge, connection(), deps()), 'xml');
  });
});

describe('RSTR structure', () => {
  it('refuses a bare assertion that is not wrapped in an RSTR', async () => {
    const bare = edit(mintWresult(), (doc) => {
      const assertion = first(doc, 'Assertion');
      doc.replaceChild(assertion, doc.documentElement!);
    });
    expectRefused(await validateWsFedResponse(bare, connection(), deps()), 'token');
  });

  it('refuses an encrypted assertion with a hint for the IdP admin', async () => {
    const enc =
      '<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>';
    const result = await validateWsFedResponse(wrapRstr(enc, '2.0'), connection(), deps());
    expectRefused(result, 'token');
    expect(!result.ok && result.reason).toMatch(/token encryption/);
  });

  it('refuses an RSTR without RequestedSecurityToken or with an empty one', async () => {
    const none = '<t:RequestSecurityTokenResponse xmlns:t="http://schemas.xmlsoap.org/ws/2005/02/trust"/>';
    expectRefused(await validateWsFedResponse(none, connection(), deps()), 'token');
    expectRefused(await validateWsFedResponse(wrapRstr('', '1.1'), connection(), deps()), 'token');
  });

  it('refuses a TokenType that contradicts the assertion', async () => {
    const wresult = mintWresult({ version: '1.1', tokenType: 'urn:oasis:names:tc:SAML:2.0:assertion' });
    expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'token');
  });

  it('refuses an RSTR with two Lifetime elements', async () => {
    const wresult = mintWresult().replace(/(<t:Lifetime>.*?<\/t:Lifetime>)/, '$1$1');
    expectRefused(await validateWsFedResponse(wresult, connection(), deps()), 'token');
  });
});

describe('connection configuration', () => {
  it('refuses every token when the connection has no or an unreadable signing certificate', async () => {
    expectRefused(await validateWsFedResponse(mintWresult(), connection({ signingCertificates: [] }), deps()), 'signature');
    const broken = connection({ signingCertificates: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'] });
    expectRefused(await validateWsFedResponse(mintWresult(), broken, deps()), 'signature', 'CERTIFICATE_INVALID');
  });
});

describe('subject', () => {
  it('refuses a SAML 1.1 assertion whose statements name different subjects', async () => {
    const xml = unsigned('1.1').replace(/(<saml:AuthenticationStatement[\s\S]*?<saml:NameIdentifier[^>]*>)[^<]*/, '$1mallory@contoso.test');
    expectRefused(
      await validateWsFedResponse(wrapRstr(signAssertion(xml, { version: '1.1' }), '1.1'), connection(), deps()),
      'subject',
      undefined,
      /disagree/,
    );
  });

  it('refuses a holder-of-key assertion (passive sign-in needs a bearer token)', async () => {
    const xml = unsigned('2.0').replace('urn:oasis:names:tc:SAML:2.0:cm:bearer', 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key');
    expectRefused(
      await validateWsFedResponse(wrapRstr(signAssertion(xml, { version: '2.0' }), '2.0'), connection(), deps()),
      'subject',
      undefined,
      /bearer/,
    );
  });

  it('falls back to the UPN when ADFS sends no NameIdentifier', async () => {
    const xml = unsigned('1.1').replace(/<saml:NameIdentifier[^>]*>alice@contoso.test<\/saml:NameIdentifier>/g, '');
    const result = await validateWsFedResponse(wrapRstr(signAssertion(xml, { version: '1.1' }), '1.1'), connection(), deps());
    expect(result).toMatchObject({ ok: true, identity: { nameId: 'alice@corp.contoso.test' } });
  });

  it('refuses an assertion that names nobody', async () => {
    const xml = saml.Saml20.createUnsignedAssertion({
      issuer: CONTOSO.issuer,
      audiences: TEAM_A.realm,
      lifetimeInSeconds: 600,
      attributes: { 'urn:x': 'y' },
    });
    expectRefused(
      await validateWsFedResponse(wrapRstr(signAssertion(xml, { version: '2.0' }), '2.0'), connection(), deps()),
      'subject',
      undefined,
      /names no subject/,
    );
  });

  it('refuses an assertion without issuer', async () => {
    const xml = unsigned('1.1').replace(/ Issuer="[^"]*"/, '');
    expectRefused(await validateWsFedResponse(wrapRstr(signAssertion(xml, { version: '1.1' }), '1.1'), connection(), deps()), 'issuer');
  });

  it('a claim type named __proto__ stays an ordinary attribute', async () => {
    const xml = saml.Saml20.createUnsignedAssertion({
      issuer: CONTOSO.issuer,
      audiences: TEAM_A.realm,
      lifetimeInSeconds: 600,
      nameIdentifier: 'alice@contoso.test',
      // JSON.parse makes "__proto__" an own key, as a hostile claim type would be.
      attributes: JSON.parse('{"__proto__":"polluted"}') as Record<string, string>,
    });
    expect(xml).toContain('Name="__proto__"');
    const result = await validateWsFedResponse(wrapRstr(signAssertion(xml, { version: '2.0' }), '2.0'), connection(), deps());
    if (!result.ok) throw new Error(result.reason);
    expect(Object.getOwnPropertyDescriptor(result.identity.attributes, '__proto__')?.value).toEqual(['polluted']);
    expect(Object.getPrototypeOf(result.identity.attributes)).toBe(Object.prototype);
  });
});
