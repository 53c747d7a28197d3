import { createSign, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { BINDINGS, NAMEID_FORMATS, SAML_NS } from './constants.js';
import { escapeXml } from './escape.js';
import type { SamlConnectionConfig } from './types.js';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface AuthnRequestOptions {
  now: Date;
  /** Opaque value the IdP echoes back. Keep it short (the binding allows 80 bytes): store the return path server-side. */
  relayState?: string;
  /** Overrides `config.idpSsoBinding`. */
  binding?: 'redirect' | 'post';
  forceAuthn?: boolean;
  /** Fixed id for tests; a random `_` + 40 hex chars otherwise. */
  id?: string;
}

export interface AuthnRequestResult {
  /** Store it (`requests`) with the connection id: the response's InResponseTo must match it. */
  id: string;
  binding: 'redirect' | 'post';
  xml: string;
  /** HTTP-Redirect binding: where to send the browser. */
  redirectUrl?: string;
  /** HTTP-POST binding: an auto-submitted form (see `postFormHtml`). */
  form?: { action: string; fields: Record<string, string> };
}

export function newRequestId(): string {
  // NCName (must not start with a digit) with 160 bits of randomness.
  return `_${randomBytes(20).toString('hex')}`;
}

export function buildAuthnRequest(config: SamlConnectionConfig, options: AuthnRequestOptions): AuthnRequestResult {
  const id = options.id ?? newRequestId();
  const binding = options.binding ?? config.idpSsoBinding ?? 'redirect';
  const sign = config.signAuthnRequests === true;
  if (sign && !config.spPrivateKey) throw new Error(`connection ${config.id} signs AuthnRequests but has no SP private key`);
  const xml = [
    `<samlp:AuthnRequest xmlns:samlp="${SAML_NS.protocol}" xmlns:saml="${SAML_NS.assertion}"`,
    ` ID="${escapeXml(id)}" Version="2.0" IssueInstant="${options.now.toISOString()}"`,
    ` Destination="${escapeXml(config.idpSsoUrl)}" AssertionConsumerServiceURL="${escapeXml(config.acsUrl)}"`,
    ` ProtocolBinding="${BINDINGS.post}"${options.forceAuthn ? ' ForceAuthn="true"' : ''}>`,
    `<saml:Issuer>${escapeXml(config.spEntityId)}</saml:Issuer>`,
    `<samlp:NameIDPolicy Format="${escapeXml(config.nameIdFormat ?? NAMEID_FORMATS.unspecified)}" AllowCreate="true"/>`,
    `</samlp:AuthnRequest>`,
  ].join('');

  if (binding === 'post') {
    const body = sign ? signEnveloped(xml, config.spPrivateKey as string) : xml;
    const fields: Record<string, string> = { SAMLRequest: Buffer.from(body, 'utf8').toString('base64') };
    if (options.relayState !== undefined) fields.RelayState = options.relayState;
    return { id, binding, xml: body, form: { action: config.idpSsoUrl, fields } };
  }

  // HTTP-Redirect (bindings 3.4.4.1): the signature covers the exact query string, not the XML.
  let query = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`;
  if (options.relayState !== undefined) query += `&RelayState=${encodeURIComponent(options.relayState)}`;
  if (sign) {
    query += `&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
    const signature = createSign('RSA-SHA256')
      .update(query)
      .sign(config.spPrivateKey as string, 'base64');
    query += `&Signature=${encodeURIComponent(signature)}`;
  }
  const separator = config.idpSsoUrl.includes('?') ? '&' : '?';
  return { id, binding, xml, redirectUrl: `${config.idpSsoUrl}${separator}${query}` };
}

function signEnveloped(xml: string, privateKey: string): string {
  const signer = new SignedXml({ privateKey, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
  signer.addReference({
    xpath: "/*[local-name(.)='AuthnRequest']",
    digestAlgorithm: SHA256,
    transforms: [ENVELOPED, EXC_C14N],
  });
  // Schema order: the Signature goes right after Issuer.
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: "/*[local-name(.)='AuthnRequest']/*[local-name(.)='Issuer']", action: 'after' },
  });
  return signer.getSignedXml();
}

/** A minimal auto-submitting form for the HTTP-POST binding (values HTML-escaped). */
export function postFormHtml(form: { action: string; fields: Record<string, string> }, nonce?: string): string {
  const inputs = Object.entries(form.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
    .join('');
  const nonceAttr = nonce ? ` nonce="${escapeXml(nonce)}"` : '';
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>Signing in…</title></head><body>',
    `<form method="post" action="${escapeXml(form.action)}">${inputs}`,
    '<noscript><button type="submit">Continue</button></noscript></form>',
    `<script${nonceAttr}>document.forms[0].submit()</script></body></html>`,
  ].join('');
}
