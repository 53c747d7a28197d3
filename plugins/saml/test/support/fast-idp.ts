import { createHash, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { excC14n, parseXmlSafely } from '@roster/xml-security';

const signAsync = promisify(sign);
const DS = 'http://www.w3.org/2000/09/xmldsig#';

export interface FastIdpOptions {
  key: string;
  idpEntityId: string;
  spEntityId: string;
  acsUrl: string;
  nameId: string;
}

/**
 * Many distinct, validly signed IdP-initiated responses, fast (for throughput measurements, where
 * every sign-in needs a fresh assertion id): the assertion is canonicalised once with the same
 * exclusive c14n the verifier uses, SignedInfo is written directly in canonical form, and the RSA
 * signature runs on the libuv thread pool. Assertion signed, Response unsigned (node-saml's
 * default expectations are met with `wantAuthnResponseSigned: false`).
 */
export function fastIdp(o: FastIdpOptions): (index: number) => Promise<string> {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return async (index) => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const id = `_bench_${now.toString(36)}_${index}_${Math.random().toString(36).slice(2, 10)}`;
    const later = iso(now + 10 * 60_000);
    const issuer = `<saml:Issuer>${esc(o.idpEntityId)}</saml:Issuer>`;
    const rest = [
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${esc(o.nameId)}</saml:NameID>`,
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${later}" Recipient="${esc(o.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>`,
      `<saml:Conditions NotBefore="${iso(now - 60_000)}" NotOnOrAfter="${later}"><saml:AudienceRestriction><saml:Audience>${esc(o.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`,
      `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${id}_s"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
      `<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>${esc(o.nameId)}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="firstName"><saml:AttributeValue>Bench</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>`,
    ].join('');
    const open = `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(now)}">`;
    const unsigned = `${open}${issuer}${rest}</saml:Assertion>`;
    const canonical = excC14n(parseXmlSafely(unsigned).documentElement!, []);
    const digest = createHash('sha256').update(canonical).digest('base64');
    const signedInfo = `<ds:SignedInfo xmlns:ds="${DS}"><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:CanonicalizationMethod><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></ds:SignatureMethod><ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>`;
    const value = (await signAsync('sha256', Buffer.from(signedInfo), o.key)).toString('base64');
    const signature = `<ds:Signature xmlns:ds="${DS}">${signedInfo}<ds:SignatureValue>${value}</ds:SignatureValue></ds:Signature>`;
    const response = [
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}_r" Version="2.0" IssueInstant="${iso(now)}" Destination="${esc(o.acsUrl)}">`,
      issuer,
      '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>',
      `${open}${issuer}${signature}${rest}</saml:Assertion>`,
      '</samlp:Response>',
    ].join('');
    return Buffer.from(response, 'utf8').toString('base64');
  };
}
