import { describe, expect, it } from 'vitest';
import { validateSamlResponse, type SamlConnectionConfig } from '../src/protocol/index.js';
import { CLONE, IDP, NEXT, SP, encryptAssertion, field, responseXml, signAssertion, signResponse } from './support/idp.js';
import { NOW, connectionA, depsFor, specFor } from './support/scenario.js';

async function validate(xml: string, config: SamlConnectionConfig = connectionA()) {
  return validateSamlResponse({ samlResponse: field(xml) }, config, depsFor(config));
}

describe('validateSamlResponse: accepted sign-ins', () => {
  it('returns the identity read from the verified assertion (R18)', async () => {
    const config = connectionA();
    const spec = specFor(config);
    const result = await validate(signAssertion(responseXml(spec)), config);
    expect(result).toEqual({
      ok: true,
      identity: {
        nameId: 'ada@example.com',
        nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        sessionIndex: spec.sessionIndex,
        email: 'ada@example.com',
        givenName: 'Ada',
        familyName: 'Lovelace',
        groups: ['Engineering', 'Admins'],
        attributes: spec.attributes,
        assertionId: spec.assertionId,
        issuer: config.idpEntityId,
        inResponseTo: '_req1',
      },
    });
  });

  it('accepts response-only signing unless the connection wants signed assertions', async () => {
    const xml = signResponse(responseXml(specFor(connectionA())));
    expect((await validate(xml)).ok).toBe(true);
    expect(await validate(xml, connectionA({ wantAssertionsSigned: true }))).toMatchObject({ ok: false, step: 'signature' });
  });

  it('accepts a doubly signed response and refuses an assertion-only one when responses must be signed', async () => {
    const both = await validate(
      signResponse(signAssertion(responseXml(specFor(connectionA())))),
      connectionA({ wantResponseSigned: true }),
    );
    expect(both.ok).toBe(true);
    const assertionOnly = await validate(signAssertion(responseXml(specFor(connectionA()))), connectionA({ wantResponseSigned: true }));
    expect(assertionOnly).toMatchObject({ ok: false, step: 'signature' });
  });

  it('R18: certificates overlap during rollover (old and new both trusted)', async () => {
    const config = connectionA({ idpCerts: [IDP.cert, NEXT.cert] });
    expect((await validate(signAssertion(responseXml(specFor(config)), NEXT), config)).ok).toBe(true);
    expect((await validate(signAssertion(responseXml(specFor(config)), IDP), config)).ok).toBe(true);
    expect(await validate(signAssertion(responseXml(specFor(config)), CLONE), config)).toMatchObject({ ok: false, step: 'signature' });
  });

  it('accepts a Response without Issuer (optional on Responses) but never an assertion without one', async () => {
    const config = connectionA();
    expect((await validate(signAssertion(responseXml(specFor(config, { responseIssuer: null }))), config)).ok).toBe(true);
  });

  it('tolerates clock skew as configured', async () => {
    const spec = specFor(connectionA(), { notOnOrAfter: new Date(NOW.getTime() - 60_000), notBefore: new Date(NOW.getTime() - 120_000) });
    const xml = signAssertion(responseXml(spec));
    expect((await validate(xml)).ok).toBe(true); // 60 s late, default skew 180 s
    expect(await validate(xml, connectionA({ clockSkewSeconds: 30 }))).toMatchObject({ ok: false, step: 'time' });
  });

  it('maps Entra ID claim names through the preset', async () => {
    const config = connectionA({ attributeMapping: { preset: 'entra' } });
    const claims = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
    const spec = specFor(config, {
      nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      nameId: 'n8h2Xf0',
      attributes: {
        [`${claims}/emailaddress`]: ['grace@contoso.com'],
        [`${claims}/givenname`]: ['Grace'],
        [`${claims}/surname`]: ['Hopper'],
        'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': ['0b1c', '9f2e'],
      },
    });
    const result = await validate(signAssertion(responseXml(spec)), config);
    expect(result).toMatchObject({
      ok: true,
      identity: { nameId: 'n8h2Xf0', email: 'grace@contoso.com', givenName: 'Grace', familyName: 'Hopper', groups: ['0b1c', '9f2e'] },
    });
  });

  it('custom mapping overrides the preset; email falls back to an email-shaped NameID', async () => {
    const config = connectionA({ attributeMapping: { preset: 'okta', givenName: 'given', groups: ['roles', 'teams'] } });
    const spec = specFor(config, { attributes: { given: ['Lin'], roles: ['a'], teams: ['b', 'a'] } });
    const result = await validate(signAssertion(responseXml(spec)), config);
    expect(result).toMatchObject({
      ok: true,
      identity: { email: 'ada@example.com', givenName: 'Lin', familyName: null, groups: ['a', 'b'] },
    });
  });
});

describe('validateSamlResponse: encrypted assertions', () => {
  for (const cipher of ['aes256-gcm', 'aes128-cbc'] as const) {
    it(`decrypts an assertion (${cipher}, RSA-OAEP) with the connection's SP key`, async () => {
      const config = connectionA();
      const xml = encryptAssertion(signAssertion(responseXml(specFor(config))), SP.cert, cipher);
      expect(xml).toContain('EncryptedAssertion');
      expect(xml).not.toContain('ada@example.com');
      expect(await validate(xml, config)).toMatchObject({ ok: true, identity: { nameId: 'ada@example.com' } });
    });
  }

  it('accepts an unsigned encrypted assertion inside a signed response', async () => {
    const config = connectionA();
    const xml = signResponse(encryptAssertion(responseXml(specFor(config)), SP.cert));
    expect((await validate(xml, config)).ok).toBe(true);
  });

  it('refuses an encrypted unsigned assertion in an unsigned response', async () => {
    const xml = encryptAssertion(responseXml(specFor(connectionA())), SP.cert);
    expect(await validate(xml)).toMatchObject({ ok: false, step: 'signature' });
  });

  it('refuses when the key is wrong or missing', async () => {
    const xml = encryptAssertion(signAssertion(responseXml(specFor(connectionA()))), IDP.cert);
    expect(await validate(xml)).toMatchObject({ ok: false, step: 'decryption' });
    expect(await validate(xml, connectionA({ spPrivateKey: undefined }))).toMatchObject({ ok: false, step: 'decryption' });
  });
});

describe('validateSamlResponse: other refusals', () => {
  it('reports the IdP status when it refused the sign-in', async () => {
    const spec = specFor(connectionA(), { status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' });
    const result = await validate(signResponse(responseXml(spec)));
    expect(result).toMatchObject({ ok: false, step: 'status' });
    if (!result.ok) expect(result.reason).toContain('Responder');
  });

  it('refuses a connection without certificates at "config"', async () => {
    expect(await validate(signAssertion(responseXml(specFor(connectionA()))), connectionA({ idpCerts: [] }))).toMatchObject({
      ok: false,
      step: 'config',
    });
  });

  it('refuses duplicate attribute names (ambiguous identity)', async () => {
    const xml = signAssertion(
      responseXml(specFor(connectionA())).replace(
        '<saml:AttributeStatement>',
        '<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>x@evil.example</saml:AttributeValue></saml:Attribute>',
      ),
    );
    expect(await validate(xml)).toMatchObject({ ok: false, step: 'attributes' });
  });

  it('refuses a bearer confirmation whose InResponseTo differs from the Response', async () => {
    const xml = signAssertion(responseXml(specFor(connectionA()))).replace(/(<samlp:Response[^>]*InResponseTo=")_req1/, '$1_other');
    expect(await validate(xml)).toMatchObject({ ok: false, step: 'in_response_to' });
  });
});
