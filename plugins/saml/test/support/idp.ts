import { constants, createCipheriv, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignedXml } from 'xml-crypto';

/** A test IdP: responses built as text, signed with xml-crypto and our own test key. */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

export const IDP = { key: fixture('idp-key.pem'), cert: fixture('idp-cert.pem') };
/** Self-signed certificate with the IdP's exact subject but another key (attacker's clone). */
export const CLONE = { key: fixture('idp-clone-key.pem'), cert: fixture('idp-clone-cert.pem') };
/** The IdP's next certificate (rollover). */
export const NEXT = { key: fixture('idp-next-key.pem'), cert: fixture('idp-next-cert.pem') };
export const SP = { key: fixture('sp-key.pem'), cert: fixture('sp-cert.pem') };

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface ResponseSpec {
  responseId: string;
  assertionId: string;
  /** Issuer of the Response; null leaves it out. */
  responseIssuer: string | null;
  issuer: string;
  /** null leaves Destination out. */
  destination: string | null;
  recipient: string;
  audience: string | null;
  inResponseTo: string | null;
  nameId: string;
  nameIdFormat: string;
  issueInstant: Date;
  notBefore: Date;
  notOnOrAfter: Date;
  sessionIndex: string;
  attributes: Record<string, string[]>;
  status: string;
  /** Raw XML placed in the assertion's <Advice>. */
  advice?: string;
}

const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function assertionXml(spec: ResponseSpec): string {
  const irt = spec.inResponseTo ? ` InResponseTo="${esc(spec.inResponseTo)}"` : '';
  const audience =
    spec.audience === null
      ? ''
      : `<saml:AudienceRestriction><saml:Audience>${esc(spec.audience)}</saml:Audience></saml:AudienceRestriction>`;
  const attributes = Object.entries(spec.attributes)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values
          .map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`)
          .join('')}</saml:Attribute>`,
    )
    .join('');
  return [
    `<saml:Assertion xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${spec.assertionId}" Version="2.0" IssueInstant="${iso(spec.issueInstant)}">`,
    `<saml:Issuer>${esc(spec.issuer)}</saml:Issuer>`,
    `<saml:Subject><saml:NameID Format="${spec.nameIdFormat}">${esc(spec.nameId)}</saml:NameID>`,
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${irt} NotOnOrAfter="${iso(spec.notOnOrAfter)}" Recipient="${esc(spec.recipient)}"/></saml:SubjectConfirmation></saml:Subject>`,
    `<saml:Conditions NotBefore="${iso(spec.notBefore)}" NotOnOrAfter="${iso(spec.notOnOrAfter)}">${audience}</saml:Conditions>`,
    spec.advice ? `<saml:Advice>${spec.advice}</saml:Advice>` : '',
    `<saml:AuthnStatement AuthnInstant="${iso(spec.issueInstant)}" SessionIndex="${esc(spec.sessionIndex)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
    attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '',
    '</saml:Assertion>',
  ].join('');
}

export function responseXml(spec: ResponseSpec, assertion: string = assertionXml(spec)): string {
  const irt = spec.inResponseTo ? ` InResponseTo="${esc(spec.inResponseTo)}"` : '';
  const destination = spec.destination === null ? '' : ` Destination="${esc(spec.destination)}"`;
  const issuer = spec.responseIssuer === null ? '' : `<saml:Issuer>${esc(spec.responseIssuer)}</saml:Issuer>`;
  return [
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${spec.responseId}" Version="2.0" IssueInstant="${iso(spec.issueInstant)}"${destination}${irt}>`,
    issuer,
    `<samlp:Status><samlp:StatusCode Value="${spec.status}"/></samlp:Status>`,
    assertion,
    '</samlp:Response>',
  ].join('');
}

export interface SignWith {
  key: string;
  cert: string;
  algorithm?: 'sha256' | 'sha1';
}

function signAt(xml: string, target: string, issuerXpath: string, signer: SignWith): string {
  const sha1 = signer.algorithm === 'sha1';
  const sig = new SignedXml({
    privateKey: signer.key,
    publicCert: signer.cert, // published in KeyInfo, as real IdPs do (the SP must ignore it)
    signatureAlgorithm: sha1 ? RSA_SHA1 : RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  sig.addReference({ xpath: target, digestAlgorithm: sha1 ? SHA1 : SHA256, transforms: [ENVELOPED, EXC_C14N] });
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: issuerXpath, action: 'after' } });
  return sig.getSignedXml();
}

/** Signs the Response's direct-child Assertion (signature right after its Issuer). */
export function signAssertion(xml: string, signer: SignWith = IDP): string {
  const assertion = "/*/*[local-name(.)='Assertion']";
  return signAt(xml, assertion, `${assertion}/*[local-name(.)='Issuer']`, signer);
}

/** Signs the Response element (needs a Response Issuer). */
export function signResponse(xml: string, signer: SignWith = IDP): string {
  return signAt(xml, '/*', "/*/*[local-name(.)='Issuer']", signer);
}

export type DataCipher = 'aes256-gcm' | 'aes128-cbc';

/** Replaces the Assertion with an EncryptedAssertion for the SP certificate (RSA-OAEP key transport). */
export function encryptAssertion(xml: string, spCert: string, cipher: DataCipher = 'aes256-gcm'): string {
  const match = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml);
  if (!match) throw new Error('no assertion to encrypt');
  const plain = Buffer.from(match[0], 'utf8');
  const gcm = cipher === 'aes256-gcm';
  const key = randomBytes(gcm ? 32 : 16);
  const iv = randomBytes(gcm ? 12 : 16);
  let data: Buffer;
  if (gcm) {
    const c = createCipheriv('aes-256-gcm', key, iv);
    data = Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
  } else {
    const c = createCipheriv('aes-128-cbc', key, iv);
    data = Buffer.concat([iv, c.update(plain), c.final()]);
  }
  const encryptedKey = publicEncrypt(
    { key: new X509Certificate(spCert).publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    key,
  );
  const algorithm = gcm ? 'http://www.w3.org/2009/xmlenc11#aes256-gcm' : 'http://www.w3.org/2001/04/xmlenc#aes128-cbc';
  const encrypted = [
    '<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">',
    `<xenc:EncryptionMethod Algorithm="${algorithm}"/>`,
    '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>',
    '<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod>',
    `<xenc:CipherData><xenc:CipherValue>${encryptedKey.toString('base64')}</xenc:CipherValue></xenc:CipherData>`,
    '</xenc:EncryptedKey></ds:KeyInfo>',
    `<xenc:CipherData><xenc:CipherValue>${data.toString('base64')}</xenc:CipherValue></xenc:CipherData>`,
    '</xenc:EncryptedData></saml:EncryptedAssertion>',
  ].join('');
  return xml.replace(match[0], encrypted);
}

export const field = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');
