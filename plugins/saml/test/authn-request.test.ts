import { createVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseXmlSafely, verifyElementSignature } from '@roster/xml-security';
import { buildAuthnRequest, postFormHtml } from '../src/protocol/index.js';
import { SP } from './support/idp.js';
import { NOW, connectionA } from './support/scenario.js';

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';

describe('buildAuthnRequest', () => {
  it('HTTP-Redirect: deflated request carrying our entity id, ACS URL and a fresh id', () => {
    const config = connectionA({ idpSsoUrl: 'https://idp.test/sso?tenant=42' });
    const request = buildAuthnRequest(config, { now: NOW, relayState: 'r1' });
    const url = new URL(request.redirectUrl ?? '');
    expect(url.origin + url.pathname).toBe('https://idp.test/sso');
    expect(url.searchParams.get('tenant')).toBe('42');
    expect(url.searchParams.get('RelayState')).toBe('r1');
    expect(url.searchParams.get('Signature')).toBeNull();
    const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
    const root = parseXmlSafely(xml).documentElement;
    expect(root?.localName).toBe('AuthnRequest');
    expect(root?.namespaceURI).toBe(SAMLP);
    expect(root?.getAttribute('ID')).toBe(request.id);
    expect(request.id).toMatch(/^_[0-9a-f]{40}$/);
    expect(root?.getAttribute('AssertionConsumerServiceURL')).toBe(config.acsUrl);
    expect(root?.getAttribute('Destination')).toBe(config.idpSsoUrl);
    expect(root?.getAttribute('IssueInstant')).toBe(NOW.toISOString());
    expect(xml).toContain(`<saml:Issuer>${config.spEntityId}</saml:Issuer>`);
    expect(buildAuthnRequest(config, { now: NOW }).id).not.toBe(request.id);
  });

  it('HTTP-Redirect: signs the query string with RSA-SHA256 when the IdP wants signed requests', () => {
    const config = connectionA({ signAuthnRequests: true });
    const url = buildAuthnRequest(config, { now: NOW, relayState: 'a b&c' }).redirectUrl ?? '';
    const query = url.slice(url.indexOf('?') + 1);
    const signed = query.slice(0, query.indexOf('&Signature='));
    const signature = decodeURIComponent(query.slice(query.indexOf('&Signature=') + '&Signature='.length));
    expect(new URL(url).searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(createVerify('RSA-SHA256').update(signed).verify(SP.cert, signature, 'base64')).toBe(true);
  });

  it('HTTP-POST: enveloped XML signature that our own verifier accepts with the SP certificate', () => {
    const config = connectionA({ signAuthnRequests: true, idpSsoBinding: 'post' });
    const request = buildAuthnRequest(config, { now: NOW, relayState: 'rs', forceAuthn: true });
    expect(request.form?.action).toBe(config.idpSsoUrl);
    expect(request.form?.fields.RelayState).toBe('rs');
    const xml = Buffer.from(request.form?.fields.SAMLRequest ?? '', 'base64').toString('utf8');
    const doc = parseXmlSafely(xml);
    const verified = verifyElementSignature(doc, doc.documentElement!, { trustedCerts: [SP.cert], allowSha1: false });
    expect(verified.signedElement.getAttribute('ForceAuthn')).toBe('true');
    // Schema order: Issuer, then Signature.
    expect(xml.indexOf('</saml:Issuer><ds:Signature')).toBeGreaterThan(0);
  });

  it('refuses to sign without an SP key', () => {
    expect(() => buildAuthnRequest(connectionA({ signAuthnRequests: true, spPrivateKey: undefined }), { now: NOW })).toThrow(/private key/);
  });

  it('postFormHtml escapes every value', () => {
    const html = postFormHtml({ action: 'https://idp.test/sso?a=1&b="2"', fields: { RelayState: '"><script>x</script>' } }, 'n0nce');
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
    expect(html).toContain('nonce="n0nce"');
  });
});
