import { createServer, type Server } from 'node:http';
import { createSign, createVerify, X509Certificate } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { IDP, assertionXml, responseXml, signAssertion, signResponse, encryptAssertion, type ResponseSpec, type SignWith } from './idp.js';

/** The in-process test IdP: its entity id, endpoints, metadata, and responses signed with our test keys. */
export const IDP_ENTITY = 'https://idp.test/saml/metadata';
export const IDP_SSO = 'https://idp.test/saml/sso';
export const IDP_SLO = 'https://idp.test/saml/slo';

const body = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

export function idpMetadata(
  options: {
    certs?: string[];
    entityId?: string;
    sso?: string;
    slo?: string | null;
    postOnly?: boolean;
    wantAuthnRequestsSigned?: boolean;
  } = {},
): string {
  const certs = options.certs ?? [IDP.cert];
  const keys = certs
    .map(
      (c) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body(c)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join('');
  const sso = options.sso ?? IDP_SSO;
  const slo = options.slo === undefined ? IDP_SLO : options.slo;
  return [
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${options.entityId ?? IDP_ENTITY}">`,
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="${options.wantAuthnRequestsSigned === true}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    keys,
    slo ? `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${slo}"/>` : '',
    '<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>',
    options.postOnly ? '' : `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${sso}"/>`,
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${sso}"/>`,
    '</md:IDPSSODescriptor></md:EntityDescriptor>',
  ].join('');
}

export interface SpSide {
  entityId: string;
  acsUrl: string;
}

let counter = 0;

/** A response exactly right for the SP, timed against the real clock. */
export function spec(sp: SpSide, overrides: Partial<ResponseSpec> = {}): ResponseSpec {
  counter++;
  const now = Date.now();
  return {
    responseId: `_r${counter}_${now}`,
    assertionId: `_a${counter}_${now}`,
    responseIssuer: IDP_ENTITY,
    issuer: IDP_ENTITY,
    destination: sp.acsUrl,
    recipient: sp.acsUrl,
    audience: sp.entityId,
    inResponseTo: null,
    nameId: 'ada@example.com',
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    issueInstant: new Date(now - 2_000),
    notBefore: new Date(now - 60_000),
    notOnOrAfter: new Date(now + 5 * 60_000),
    sessionIndex: `_s${counter}_${now}`,
    attributes: { email: ['ada@example.com'], firstName: ['Ada'], lastName: ['Lovelace'] },
    status: 'urn:oasis:names:tc:SAML:2.0:status:Success',
    ...overrides,
  };
}

export type Signing = 'assertion' | 'response' | 'both';

/** The signed response XML (the assertion signed, the Response, or both levels). */
export function signedXml(s: ResponseSpec, options: { signing?: Signing; signer?: SignWith; encryptFor?: string } = {}): string {
  const signer = options.signer ?? IDP;
  const signing = options.signing ?? 'assertion';
  let xml = responseXml(s, assertionXml(s));
  if (signing !== 'response') xml = signAssertion(xml, signer);
  if (options.encryptFor) xml = encryptAssertion(xml, options.encryptFor);
  if (signing !== 'assertion') xml = signResponse(xml, signer);
  return xml;
}

export const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

/** Reads the AuthnRequest the SP sent by HTTP-Redirect. */
export function readRedirectRequest(location: string): {
  id: string;
  acsUrl: string;
  issuer: string;
  destination: string;
  relayState: string | null;
  url: URL;
  xml: string;
} {
  const url = new URL(location);
  const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
  return { ...describeRequest(xml), relayState: url.searchParams.get('RelayState'), url, xml };
}

export function describeRequest(xml: string): { id: string; acsUrl: string; issuer: string; destination: string } {
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
  if (!root) throw new Error('no request');
  return {
    id: root.getAttribute('ID') ?? '',
    acsUrl: root.getAttribute('AssertionConsumerServiceURL') ?? '',
    destination: root.getAttribute('Destination') ?? '',
    issuer: root.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Issuer').item(0)?.textContent ?? '',
  };
}

/** Fields of the auto-submitted POST-binding form. */
export function formFields(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g))
    fields[m[1] as string] = (m[2] as string).replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  return { action: action.replace(/&amp;/g, '&'), fields };
}

/** An IdP-initiated LogoutRequest by HTTP-Redirect, signed with the IdP key (or not). */
export function idpLogoutRequestUrl(
  sloUrl: string,
  options: { nameId: string; sessionIndex?: string; id?: string; sign?: SignWith | null; relayState?: string; issuer?: string },
): string {
  const id = options.id ?? `_lr${++counter}`;
  const xml = [
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${sloUrl}">`,
    `<saml:Issuer>${options.issuer ?? IDP_ENTITY}</saml:Issuer>`,
    `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${options.nameId}</saml:NameID>`,
    options.sessionIndex ? `<samlp:SessionIndex>${options.sessionIndex}</samlp:SessionIndex>` : '',
    '</samlp:LogoutRequest>',
  ].join('');
  let query = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}`;
  if (options.relayState) query += `&RelayState=${encodeURIComponent(options.relayState)}`;
  const signer = options.sign === undefined ? IDP : options.sign;
  if (signer) {
    query += `&SigAlg=${encodeURIComponent('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')}`;
    query += `&Signature=${encodeURIComponent(createSign('RSA-SHA256').update(query).sign(signer.key, 'base64'))}`;
  }
  return `${sloUrl}?${query}`;
}

/** Checks an HTTP-Redirect query-string signature (bindings 3.4.4.1) against a certificate. */
export function redirectSignatureValid(location: string, certPem: string): boolean {
  const query = location.slice(location.indexOf('?') + 1);
  const parts = query.split('&');
  const signature = parts.find((p) => p.startsWith('Signature='));
  if (!signature) return false;
  const signed = parts.filter((p) => !p.startsWith('Signature=')).join('&');
  return createVerify('RSA-SHA256')
    .update(signed)
    .verify(new X509Certificate(certPem).publicKey, Buffer.from(decodeURIComponent(signature.slice(10)), 'base64'));
}

/** Serves IdP metadata over http from 127.0.0.1; `set` swaps the document (certificate rollover). */
export async function metadataServer(
  initial: string,
): Promise<{ url: string; set(xml: string): void; fail(status: number | null): void; hits(): number; close(): Promise<void> }> {
  let doc = initial;
  let failWith: number | null = null;
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    if (failWith) {
      res.writeHead(failWith).end('nope');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(doc);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/metadata.xml`,
    set: (xml) => {
      doc = xml;
    },
    fail: (status) => {
      failWith = status;
    },
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
