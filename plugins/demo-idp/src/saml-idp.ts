/**
 * The SAML 2.0 IdP's messages, framework-free: reading an AuthnRequest or LogoutRequest (Redirect
 * or POST binding), minting a signed Response around a signed assertion (the `saml` package, as
 * Auth0's IdP does), and signed LogoutRequests / LogoutResponses on the Redirect binding.
 *
 * Requests from Roster are read, not verified: this IdP trusts whoever asks, like a test IdP does,
 * and only ever answers on Roster's own origin (routes.ts checks every URL it posts or redirects to).
 */
import { createSign, randomUUID } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DOMParser, type Element } from '@xmldom/xmldom';
import saml from 'saml';
import { SignedXml } from 'xml-crypto';
import { certBody, type DemoIdpKeys } from './keys.js';
import type { DemoPerson, Misbehaviour } from './people.js';
import { WRONG_AUDIENCE } from './people.js';

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

export class SamlMessageError extends Error {
  override name = 'SamlMessageError';
}

export interface ReceivedMessage {
  kind: 'AuthnRequest' | 'LogoutRequest' | 'LogoutResponse';
  id: string;
  issuer: string;
  /** AuthnRequest: where the Response goes (may be absent: then the SP's metadata says). */
  acsUrl: string | null;
  /** LogoutRequest: whose session ends. */
  nameId: string | null;
  inResponseTo: string | null;
}

/** Decodes `SAMLRequest` / `SAMLResponse` (DEFLATE on the Redirect binding, plain base64 on POST). */
export function readMessage(encoded: unknown, binding: 'redirect' | 'post'): ReceivedMessage {
  if (typeof encoded !== 'string' || encoded === '') throw new SamlMessageError('the SAML message is missing');
  let xml: string;
  try {
    const bytes = Buffer.from(encoded, 'base64');
    xml = (binding === 'redirect' ? inflateRawSync(bytes, { maxOutputLength: 256 * 1024 }) : bytes).toString('utf8');
  } catch {
    throw new SamlMessageError('the SAML message is not valid base64 / DEFLATE');
  }
  if (/<!DOCTYPE/i.test(xml)) throw new SamlMessageError('DTDs are not accepted');
  let root: Element | null;
  try {
    root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
  } catch {
    throw new SamlMessageError('the SAML message is not XML');
  }
  const kind = root?.localName;
  if (!root || root.namespaceURI !== PROTOCOL || (kind !== 'AuthnRequest' && kind !== 'LogoutRequest' && kind !== 'LogoutResponse'))
    throw new SamlMessageError('expected an AuthnRequest, LogoutRequest or LogoutResponse');
  const text = (ns: string, name: string): string | null => root.getElementsByTagNameNS(ns, name)[0]?.textContent?.trim() ?? null;
  return {
    kind,
    id: root.getAttribute('ID') ?? '',
    issuer: text(ASSERTION, 'Issuer') ?? '',
    acsUrl: root.getAttribute('AssertionConsumerServiceURL'),
    nameId: text(ASSERTION, 'NameID'),
    inResponseTo: root.getAttribute('InResponseTo'),
  };
}

export interface ResponseInput {
  keys: DemoIdpKeys;
  issuer: string;
  acsUrl: string;
  audience: string;
  /** Absent for an IdP-initiated (unsolicited) response. */
  inResponseTo?: string;
  person: DemoPerson;
  misbehaviour: Misbehaviour;
  sessionIndex: string;
}

/** A signed `<samlp:Response>` holding a signed assertion, base64 as the POST binding carries it. */
export function buildResponse(input: ResponseInput): string {
  const { keys, person } = input;
  const assertion = saml.Saml20.create({
    key: keys.privateKeyPem,
    cert: keys.certificatePem,
    issuer: input.issuer,
    // Expired: valid for ten minutes, ten minutes ago (the `saml` package counts from now).
    lifetimeInSeconds: input.misbehaviour === 'expired' ? -600 : 300,
    audiences: input.misbehaviour === 'wrong-audience' ? WRONG_AUDIENCE : input.audience,
    recipient: input.acsUrl,
    ...(input.inResponseTo ? { inResponseTo: input.inResponseTo } : {}),
    sessionIndex: input.sessionIndex,
    nameIdentifier: person.email,
    nameIdentifierFormat: EMAIL_FORMAT,
    attributes: {
      email: person.email,
      firstName: person.givenName,
      lastName: person.familyName,
      ...(person.groups.length ? { groups: person.groups } : {}),
    },
  });
  const id = `_${randomUUID()}`;
  const now = new Date().toISOString();
  const inResponseTo = input.inResponseTo ? ` InResponseTo="${escapeXml(input.inResponseTo)}"` : '';
  const response =
    `<samlp:Response xmlns:samlp="${PROTOCOL}" xmlns:saml="${ASSERTION}" ID="${id}" Version="2.0" IssueInstant="${now}"` +
    ` Destination="${escapeXml(input.acsUrl)}"${inResponseTo}>` +
    `<saml:Issuer>${escapeXml(input.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `${assertion.replace(/^<\?xml[^>]*>/, '')}</samlp:Response>`;
  return Buffer.from(signEnveloped(response, keys, 'Response'), 'utf8').toString('base64');
}

/** An enveloped signature on the root element, placed after its Issuer (SAML core 5.4.1). */
function signEnveloped(xml: string, keys: DemoIdpKeys, root: string): string {
  const signer = new SignedXml({
    privateKey: keys.privateKeyPem,
    publicCert: keys.certificatePem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    getKeyInfoContent: () => `<X509Data><X509Certificate>${certBody(keys.certificatePem)}</X509Certificate></X509Data>`,
  });
  signer.addReference({
    xpath: `/*[local-name(.)='${root}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  signer.computeSignature(xml, { location: { reference: `/*[local-name(.)='${root}']/*[local-name(.)='Issuer']`, action: 'after' } });
  return signer.getSignedXml();
}

/** A LogoutRequest (IdP-initiated single logout) as a signed Redirect-binding URL. */
export function logoutRequestUrl(input: {
  keys: DemoIdpKeys;
  issuer: string;
  destination: string;
  nameId: string;
  sessionIndex?: string;
}): string {
  const xml =
    `<samlp:LogoutRequest xmlns:samlp="${PROTOCOL}" xmlns:saml="${ASSERTION}" ID="_${randomUUID()}" Version="2.0"` +
    ` IssueInstant="${new Date().toISOString()}" Destination="${escapeXml(input.destination)}">` +
    `<saml:Issuer>${escapeXml(input.issuer)}</saml:Issuer>` +
    `<saml:NameID Format="${EMAIL_FORMAT}">${escapeXml(input.nameId)}</saml:NameID>` +
    (input.sessionIndex ? `<samlp:SessionIndex>${escapeXml(input.sessionIndex)}</samlp:SessionIndex>` : '') +
    `</samlp:LogoutRequest>`;
  return redirectUrl(input.destination, 'SAMLRequest', xml, input.keys);
}

/** The LogoutResponse to an SP-initiated LogoutRequest, as a signed Redirect-binding URL. */
export function logoutResponseUrl(input: {
  keys: DemoIdpKeys;
  issuer: string;
  destination: string;
  inResponseTo: string;
  relayState?: string;
}): string {
  const xml =
    `<samlp:LogoutResponse xmlns:samlp="${PROTOCOL}" xmlns:saml="${ASSERTION}" ID="_${randomUUID()}" Version="2.0"` +
    ` IssueInstant="${new Date().toISOString()}" Destination="${escapeXml(input.destination)}" InResponseTo="${escapeXml(input.inResponseTo)}">` +
    `<saml:Issuer>${escapeXml(input.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>`;
  return redirectUrl(input.destination, 'SAMLResponse', xml, input.keys, input.relayState);
}

/** SAML bindings 3.4.4.1: the signature covers the query string, not the XML. */
function redirectUrl(destination: string, param: string, xml: string, keys: DemoIdpKeys, relayState?: string): string {
  let query = `${param}=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`;
  if (relayState) query += `&RelayState=${encodeURIComponent(relayState)}`;
  query += `&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
  query += `&Signature=${encodeURIComponent(createSign('RSA-SHA256').update(query).sign(keys.privateKeyPem, 'base64'))}`;
  return `${destination}${destination.includes('?') ? '&' : '?'}${query}`;
}

/** The IdP's metadata: entity id, SSO and SLO on both bindings, the signing certificate. */
export function idpMetadata(input: { entityId: string; ssoUrl: string; sloUrl: string; certificatePem: string }): string {
  const e = escapeXml;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${e(input.entityId)}">` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${PROTOCOL}">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` +
    `${certBody(input.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${e(input.sloUrl)}"/>` +
    `<md:NameIDFormat>${EMAIL_FORMAT}</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${e(input.ssoUrl)}"/>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${e(input.ssoUrl)}"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>\n`
  );
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
