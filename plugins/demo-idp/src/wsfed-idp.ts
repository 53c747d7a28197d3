/**
 * The WS-Federation IdP's token, framework-free: a signed SAML 1.1 (ADFS's default) or SAML 2.0
 * assertion from the `saml` package, wrapped in a WS-Trust RequestSecurityTokenResponse as ADFS
 * posts it in `wresult`.
 */
import saml from 'saml';
import type { DemoIdpKeys } from './keys.js';
import { WRONG_AUDIENCE, type DemoPerson, type Misbehaviour } from './people.js';
import { EMAIL_FORMAT, escapeXml } from './saml-idp.js';

const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

export type TokenVersion = '1.1' | '2.0';

export function wresult(input: {
  keys: DemoIdpKeys;
  issuer: string;
  realm: string;
  person: DemoPerson;
  misbehaviour: Misbehaviour;
  version: TokenVersion;
}): string {
  const { person } = input;
  const audience = input.misbehaviour === 'wrong-audience' ? WRONG_AUDIENCE : input.realm;
  const lifetime = input.misbehaviour === 'expired' ? -600 : 300;
  const options = {
    key: input.keys.privateKeyPem,
    cert: input.keys.certificatePem,
    issuer: input.issuer,
    audiences: audience,
    lifetimeInSeconds: lifetime,
    nameIdentifier: person.email,
    nameIdentifierFormat: EMAIL_FORMAT,
    attributes: {
      [`${CLAIMS}/emailaddress`]: person.email,
      [`${CLAIMS}/givenname`]: person.givenName,
      [`${CLAIMS}/surname`]: person.familyName,
      [`${CLAIMS}/upn`]: person.email,
      ...(person.groups.length ? { 'http://schemas.xmlsoap.org/claims/Group': person.groups } : {}),
    },
  };
  const assertion = (input.version === '1.1' ? saml.Saml11.create(options) : saml.Saml20.create(options)).replace(/^<\?xml[^>]*>/, '');
  const now = Date.now();
  const created = new Date(now).toISOString();
  const expires = new Date(now + lifetime * 1000).toISOString();
  const tokenType = input.version === '1.1' ? 'urn:oasis:names:tc:SAML:1.0:assertion' : 'urn:oasis:names:tc:SAML:2.0:assertion';
  const ns = 'http://schemas.xmlsoap.org/ws/2005/02/trust';
  return (
    `<t:RequestSecurityTokenResponse xmlns:t="${ns}">` +
    `<t:Lifetime><wsu:Created xmlns:wsu="${WSU}">${created}</wsu:Created><wsu:Expires xmlns:wsu="${WSU}">${expires}</wsu:Expires></t:Lifetime>` +
    `<wsp:AppliesTo xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing">` +
    `<wsa:Address>${escapeXml(audience)}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>` +
    `<t:RequestedSecurityToken>${assertion}</t:RequestedSecurityToken>` +
    `<t:TokenType>${tokenType}</t:TokenType><t:RequestType>${ns}/Issue</t:RequestType>` +
    `<t:KeyType>http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey</t:KeyType>` +
    `</t:RequestSecurityTokenResponse>`
  );
}
