import { SignedXml } from 'xml-crypto';
import { CLAIM } from '../../src/protocol/index.js';
import { CONTOSO } from './issuer.js';
import { KEYS, certBody, type KeyPair } from './keys.js';

const KEY_INFO = (pem: string) =>
  `<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${certBody(pem)}</X509Certificate></X509Data></KeyInfo>`;
const EPR = (address: string) =>
  `<wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>${address}</wsa:Address></wsa:EndpointReference>`;

export interface MetadataOptions {
  entityId?: string;
  passiveEndpoint?: string;
  signingCerts?: string[];
  /** Prefix bound to the WS-Fed namespace (ADFS uses `fed`; any prefix is legal). */
  fedPrefix?: string;
  validUntil?: Date;
}

/**
 * A FederationMetadata.xml shaped like the one ADFS serves at /FederationMetadata/2007-06/: an
 * ApplicationServiceType role (with an *encryption* key), the SecurityTokenServiceType role with the
 * token-signing certificates, and SAML SP/IdP roles that a WS-Fed import must ignore.
 */
export function adfsMetadata(options: MetadataOptions = {}): string {
  const fed = options.fedPrefix ?? 'fed';
  const entityId = options.entityId ?? CONTOSO.issuer;
  const passive = options.passiveEndpoint ?? CONTOSO.signInUrl;
  const signing = options.signingCerts ?? [KEYS.idp.cert, KEYS.rollover.cert];
  const roleAttrs = `protocolSupportEnumeration="http://docs.oasis-open.org/ws-sx/ws-trust/200512 http://schemas.xmlsoap.org/ws/2005/02/trust http://docs.oasis-open.org/wsfed/federation/200706" ServiceDisplayName="Contoso Test ADFS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:${fed}="http://docs.oasis-open.org/wsfed/federation/200706"`;
  const claimTypes = [CLAIM.email, CLAIM.upn, CLAIM.givenName, CLAIM.surname, CLAIM.groups]
    .map(
      (uri) =>
        `<auth:ClaimType Uri="${uri}" Optional="true" xmlns:auth="http://docs.oasis-open.org/wsfed/authorization/200706"><auth:DisplayName>${uri.split('/').pop()}</auth:DisplayName></auth:ClaimType>`,
    )
    .join('');
  return [
    `<EntityDescriptor ID="_a1b2c3d4-0000-4000-8000-000000000001" entityID="${entityId}"`,
    options.validUntil ? ` validUntil="${options.validUntil.toISOString()}"` : '',
    ` xmlns="urn:oasis:names:tc:SAML:2.0:metadata">`,
    `<RoleDescriptor xsi:type="${fed}:ApplicationServiceType" ${roleAttrs}>`,
    `<KeyDescriptor use="encryption">${KEY_INFO(KEYS.otherIdp.cert)}</KeyDescriptor>`,
    `<${fed}:TargetScopes>${EPR('https://adfs.contoso.test/adfs/services/trust/2005/issuedtokenmixedasymmetricbasic256')}</${fed}:TargetScopes>`,
    `<${fed}:ApplicationServiceEndpoint>${EPR('https://adfs.contoso.test/adfs/services/trust/2005/issuedtokenmixedasymmetricbasic256')}</${fed}:ApplicationServiceEndpoint>`,
    `<${fed}:PassiveRequestorEndpoint>${EPR('https://adfs.contoso.test/adfs/ls/rp-side/')}</${fed}:PassiveRequestorEndpoint>`,
    `</RoleDescriptor>`,
    `<RoleDescriptor xsi:type="${fed}:SecurityTokenServiceType" ${roleAttrs}>`,
    ...signing.map((pem) => `<KeyDescriptor use="signing">${KEY_INFO(pem)}</KeyDescriptor>`),
    `<${fed}:TokenTypesOffered><${fed}:TokenType Uri="urn:oasis:names:tc:SAML:2.0:assertion"/><${fed}:TokenType Uri="urn:oasis:names:tc:SAML:1.0:assertion"/></${fed}:TokenTypesOffered>`,
    `<${fed}:ClaimTypesOffered>${claimTypes}</${fed}:ClaimTypesOffered>`,
    `<${fed}:SecurityTokenServiceEndpoint>${EPR('https://adfs.contoso.test/adfs/services/trust/2005/certificatemixed')}</${fed}:SecurityTokenServiceEndpoint>`,
    `<${fed}:PassiveRequestorEndpoint>${EPR(passive)}</${fed}:PassiveRequestorEndpoint>`,
    `</RoleDescriptor>`,
    `<SPSSODescriptor WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    `<KeyDescriptor use="encryption">${KEY_INFO(KEYS.otherIdp.cert)}</KeyDescriptor>`,
    `<AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://adfs.contoso.test/adfs/ls/" index="0" isDefault="true"/>`,
    `</SPSSODescriptor>`,
    `<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    `<KeyDescriptor use="signing">${KEY_INFO(KEYS.attackerClone.cert)}</KeyDescriptor>`,
    `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://adfs.contoso.test/adfs/ls/"/>`,
    `</IDPSSODescriptor>`,
    `</EntityDescriptor>`,
  ].join('');
}

/** Signs metadata the way ADFS does (enveloped, exc-c14n, RSA-SHA256, signature first). */
export function signMetadata(xml: string, keys: KeyPair = KEYS.idp): string {
  const signer = new SignedXml({
    privateKey: keys.key,
    publicCert: keys.cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    getKeyInfoContent: () => `<X509Data><X509Certificate>${certBody(keys.cert)}</X509Certificate></X509Data>`,
  });
  signer.addReference({
    xpath: "/*[local-name(.)='EntityDescriptor']",
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: "/*[local-name(.)='EntityDescriptor']/*[1]", action: 'before' },
  });
  return signer.getSignedXml();
}
