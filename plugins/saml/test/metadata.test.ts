import { describe, expect, it } from 'vitest';
import { certificateInfo, parseXmlSafely } from '@roster/xml-security';
import { buildSpMetadata, IDP_PRESETS, MetadataError, parseIdpMetadata, preferredSsoService } from '../src/protocol/index.js';
import { IDP, NEXT, SP } from './support/idp.js';
import { connectionA } from './support/scenario.js';

const body = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

function idpMetadata(entityId: string, extra = ''): string {
  return `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
${body(IDP.cert)
  .match(/.{1,64}/g)
  ?.join('\n')}
    </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body(NEXT.cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body(SP.cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.test/sso/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.test/sso/redirect"/>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.test/slo"/>
    ${extra}
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

describe('parseIdpMetadata (R18: IdP side imported from metadata)', () => {
  it('reads entity id, SSO/SLO endpoints and every signing certificate (rollover)', () => {
    const metadata = parseIdpMetadata(idpMetadata('http://www.okta.com/exk1'));
    expect(metadata.entityId).toBe('http://www.okta.com/exk1');
    expect(metadata.wantAuthnRequestsSigned).toBe(true);
    expect(metadata.signingCerts).toHaveLength(2); // the encryption-only key is not a signing key
    expect(certificateInfo(metadata.signingCerts[0] ?? '').fingerprintSha256).toBe(certificateInfo(IDP.cert).fingerprintSha256);
    expect(metadata.ssoServices).toHaveLength(2);
    expect(metadata.sloServices[0]?.location).toBe('https://idp.test/slo');
    expect(metadata.nameIdFormats).toEqual(['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress']);
    expect(preferredSsoService(metadata)).toEqual({ binding: 'redirect', location: 'https://idp.test/sso/redirect' });
  });

  it('picks one IdP from an aggregate by entity id', () => {
    const strip = (xml: string) =>
      xml.replace(' xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"', '');
    const aggregate = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">${strip(idpMetadata('urn:a'))}${strip(idpMetadata('urn:b'))}</md:EntitiesDescriptor>`;
    expect(() => parseIdpMetadata(aggregate)).toThrow(MetadataError);
    expect(parseIdpMetadata(aggregate, { entityId: 'urn:b' }).entityId).toBe('urn:b');
  });

  it('refuses DTDs, non-metadata XML and metadata without a signing certificate', () => {
    expect(() => parseIdpMetadata(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${idpMetadata('urn:a')}`)).toThrow(/DOCTYPE/);
    expect(() => parseIdpMetadata('<html/>')).toThrow(MetadataError);
    const noCert = idpMetadata('urn:a').replace(/<md:KeyDescriptor[\s\S]*?<\/md:KeyDescriptor>/g, '');
    expect(() => parseIdpMetadata(noCert)).toThrow(/signing certificate/);
  });
});

describe('buildSpMetadata (R18: SP side shown to the admin)', () => {
  it('publishes entity id, ACS (HTTP-POST) and the SP certificate for signing and encryption', () => {
    const config = connectionA({ signAuthnRequests: true });
    const xml = buildSpMetadata(config, { sloUrl: 'https://roster.test/saml/conn-a/slo' });
    const root = parseXmlSafely(xml).documentElement;
    expect(root?.getAttribute('entityID')).toBe(config.spEntityId);
    expect(xml).toContain(`Location="${config.acsUrl}"`);
    expect(xml).toContain('AuthnRequestsSigned="true"');
    expect(xml.split(body(SP.cert))).toHaveLength(3);
    expect(xml).toContain('use="encryption"');
  });

  it('escapes values', () => {
    expect(buildSpMetadata(connectionA({ spEntityId: 'urn:x"<y>' }))).toContain('entityID="urn:x&quot;&lt;y&gt;"');
  });
});

describe('IdP presets', () => {
  it('cover Okta, Entra ID, Auth0, Duo, OneLogin, Google Workspace, ADFS, JumpCloud and Ping', () => {
    for (const id of ['okta', 'entra', 'auth0', 'duo', 'onelogin', 'google', 'adfs', 'jumpcloud', 'ping'] as const) {
      const preset = IDP_PRESETS[id];
      expect(preset.email.length, id).toBeGreaterThan(0);
      expect(preset.givenName.length, id).toBeGreaterThan(0);
      expect(preset.familyName.length, id).toBeGreaterThan(0);
      expect(preset.groups.length, id).toBeGreaterThan(0);
    }
  });
});
