import { createSign, verify as verifySignature } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { newRequestId } from './authn-request.js';
import { timeAttribute, sameUrl } from './checks.js';
import { DEFAULT_CLOCK_SKEW_SECONDS, SAML_NS, STATUS_SUCCESS } from './constants.js';
import { escapeXml } from './escape.js';
import {
  childElements,
  hasSignature,
  parseXmlSafely,
  publicKeyOf,
  strictText,
  toPem,
  verifyElementSignature,
  XmlSecurityError,
  type Element,
} from './xml.js';
import type { SamlConnectionConfig } from './types.js';

/**
 * Single logout (SAML profiles 4.4) over the HTTP-Redirect binding, plus the HTTP-POST binding for
 * messages the IdP sends. Framework-free like the rest of the protocol core: no I/O but the
 * injected replay store.
 */

const SIG_ALGS: Readonly<Record<string, { hash: string; sha1: boolean }>> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { hash: 'sha256', sha1: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { hash: 'sha384', sha1: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { hash: 'sha512', sha1: false },
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { hash: 'sha1', sha1: true },
};
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
/** Largest inflated Redirect-binding message accepted (a deflate bomb stops here). */
const MAX_INFLATED_BYTES = 256 * 1024;
/** How far IssueInstant of a LogoutRequest may be from now, on top of the clock skew. */
const LOGOUT_MAX_AGE_MS = 5 * 60_000;
export const LOGOUT_REPLAY_NAMESPACE = 'saml.logout';

export interface LogoutRequestOptions {
  now: Date;
  /** The IdP's SingleLogoutService (HTTP-Redirect). */
  destination: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  relayState?: string;
  id?: string;
}

/** SP-initiated LogoutRequest, HTTP-Redirect binding, signed with the SP key when there is one. */
export function buildLogoutRequest(config: SamlConnectionConfig, options: LogoutRequestOptions): { id: string; redirectUrl: string } {
  const id = options.id ?? newRequestId();
  const format = options.nameIdFormat ? ` Format="${escapeXml(options.nameIdFormat)}"` : '';
  const xml = [
    `<samlp:LogoutRequest xmlns:samlp="${SAML_NS.protocol}" xmlns:saml="${SAML_NS.assertion}"`,
    ` ID="${escapeXml(id)}" Version="2.0" IssueInstant="${options.now.toISOString()}" Destination="${escapeXml(options.destination)}">`,
    `<saml:Issuer>${escapeXml(config.spEntityId)}</saml:Issuer>`,
    `<saml:NameID${format}>${escapeXml(options.nameId)}</saml:NameID>`,
    options.sessionIndex ? `<samlp:SessionIndex>${escapeXml(options.sessionIndex)}</samlp:SessionIndex>` : '',
    '</samlp:LogoutRequest>',
  ].join('');
  return { id, redirectUrl: redirectUrl(options.destination, 'SAMLRequest', xml, options.relayState, config.spPrivateKey) };
}

export interface LogoutResponseOptions {
  now: Date;
  destination: string;
  inResponseTo: string;
  relayState?: string;
  /** Top-level status URI. @default Success */
  status?: string;
}

/** The answer to an IdP's LogoutRequest, HTTP-Redirect binding, signed with the SP key when there is one. */
export function buildLogoutResponse(config: SamlConnectionConfig, options: LogoutResponseOptions): { id: string; redirectUrl: string } {
  const id = newRequestId();
  const xml = [
    `<samlp:LogoutResponse xmlns:samlp="${SAML_NS.protocol}" xmlns:saml="${SAML_NS.assertion}"`,
    ` ID="${escapeXml(id)}" Version="2.0" IssueInstant="${options.now.toISOString()}" Destination="${escapeXml(options.destination)}"`,
    ` InResponseTo="${escapeXml(options.inResponseTo)}">`,
    `<saml:Issuer>${escapeXml(config.spEntityId)}</saml:Issuer>`,
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(options.status ?? STATUS_SUCCESS)}"/></samlp:Status>`,
    '</samlp:LogoutResponse>',
  ].join('');
  return { id, redirectUrl: redirectUrl(options.destination, 'SAMLResponse', xml, options.relayState, config.spPrivateKey) };
}

function redirectUrl(
  destination: string,
  field: 'SAMLRequest' | 'SAMLResponse',
  xml: string,
  relayState: string | undefined,
  key: string | undefined,
): string {
  // Bindings 3.4.4.1: the signature covers the exact query string, in this order.
  let query = `${field}=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`;
  if (relayState !== undefined) query += `&RelayState=${encodeURIComponent(relayState)}`;
  if (key) {
    query += `&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
    query += `&Signature=${encodeURIComponent(createSign('RSA-SHA256').update(query).sign(key, 'base64'))}`;
  }
  return `${destination}${destination.includes('?') ? '&' : '?'}${query}`;
}

/** A logout message as it reached the SLO endpoint. */
export type LogoutMessageInput =
  | { binding: 'redirect'; /** The raw query string, still percent-encoded (signatures cover those bytes). */ rawQuery: string }
  | { binding: 'post'; form: Record<string, unknown> };

export interface IdpLogoutRequest {
  id: string;
  nameId: string;
  sessionIndexes: string[];
  relayState: string | null;
}

export type LogoutRequestResult = { ok: true; request: IdpLogoutRequest } | { ok: false; reason: string; inResponseTo?: string };

export interface LogoutValidationDeps {
  now(): Date;
  replay: { claim(namespace: string, key: string, expiresAt: Date): Promise<boolean> };
}

class LogoutRefusal extends Error {}
function refuse(reason: string): never {
  throw new LogoutRefusal(reason);
}

/**
 * Validates a LogoutRequest sent by the IdP: signed by a configured IdP certificate (query-string
 * signature on Redirect, enveloped XML signature on POST; never unsigned), Issuer, Destination,
 * freshness, and a single use of its ID. Never throws.
 */
export async function validateLogoutRequest(
  input: LogoutMessageInput,
  config: SamlConnectionConfig,
  sloUrl: string,
  deps: LogoutValidationDeps,
): Promise<LogoutRequestResult> {
  try {
    const now = deps.now();
    const skewMs = (config.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS) * 1000;
    const { root, relayState } = input.binding === 'redirect' ? readRedirect(input.rawQuery, config) : readPost(input.form, config);
    if (root.namespaceURI !== SAML_NS.protocol || root.localName !== 'LogoutRequest')
      refuse(`expected a LogoutRequest, got <${root.tagName}>`);
    if (root.getAttribute('Version') !== '2.0') refuse('LogoutRequest Version is not 2.0');
    const id = root.getAttribute('ID') ?? '';
    if (id === '') refuse('LogoutRequest has no ID');
    const issuers = childElements(root, SAML_NS.assertion, 'Issuer');
    const issuer = issuers.length === 1 ? text(issuers[0] as Element).trim() : '';
    if (issuer !== config.idpEntityId) refuse(`issuer mismatch: expected ${config.idpEntityId} got ${issuer || '(none)'}`);
    const destination = root.getAttribute('Destination');
    if (destination !== null && !sameUrl(destination, sloUrl)) refuse(`destination mismatch: expected ${sloUrl} got ${destination}`);
    const issued = time(root, 'IssueInstant');
    if (!issued || Math.abs(now.getTime() - issued.getTime()) > skewMs + LOGOUT_MAX_AGE_MS)
      refuse('LogoutRequest IssueInstant is missing or too far from now');
    const notOnOrAfter = time(root, 'NotOnOrAfter');
    if (notOnOrAfter && now.getTime() - skewMs >= notOnOrAfter.getTime()) refuse('LogoutRequest has expired');
    if (childElements(root, SAML_NS.assertion, 'EncryptedID').length > 0) refuse('encrypted NameID is not supported');
    const nameIds = childElements(root, SAML_NS.assertion, 'NameID');
    if (nameIds.length !== 1) refuse('LogoutRequest must have exactly one NameID');
    const nameId = text(nameIds[0] as Element).trim();
    if (nameId === '') refuse('NameID is empty');
    const sessionIndexes = childElements(root, SAML_NS.protocol, 'SessionIndex')
      .map((e) => text(e).trim())
      .filter((s) => s !== '');
    const first = await deps.replay.claim(
      LOGOUT_REPLAY_NAMESPACE,
      `${config.idpEntityId}\n${id}`,
      new Date(now.getTime() + 2 * (skewMs + LOGOUT_MAX_AGE_MS)),
    );
    if (!first) refuse(`LogoutRequest ${id} was already processed (replay)`);
    return { ok: true, request: { id, nameId, sessionIndexes, relayState } };
  } catch (error) {
    if (error instanceof LogoutRefusal) return { ok: false, reason: error.message };
    if (error instanceof XmlSecurityError) return { ok: false, reason: `LogoutRequest signature: ${error.message}` };
    return { ok: false, reason: `LogoutRequest could not be processed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * The InResponseTo of a LogoutResponse (either binding), or null. Only used to find the return
 * path Roster stored when it sent the request: the local session was already ended, so nothing
 * here is trusted for more than that lookup.
 */
export function logoutResponseInResponseTo(input: LogoutMessageInput): string | null {
  try {
    const field = input.binding === 'redirect' ? rawParams(input.rawQuery).get('SAMLResponse') : input.form.SAMLResponse;
    if (typeof field !== 'string') return null;
    const xml = input.binding === 'redirect' ? inflate(decodeComponent(field)) : base64Text(field);
    const root = parseXmlSafely(xml).documentElement as Element;
    if (root.namespaceURI !== SAML_NS.protocol || root.localName !== 'LogoutResponse') return null;
    return root.getAttribute('InResponseTo') || null;
  } catch {
    return null;
  }
}

/** Which SAML message an SLO request carries. */
export function logoutMessageKind(input: LogoutMessageInput): 'request' | 'response' | null {
  const has = (name: string) => (input.binding === 'redirect' ? rawParams(input.rawQuery).has(name) : typeof input.form[name] === 'string');
  if (has('SAMLRequest')) return 'request';
  if (has('SAMLResponse')) return 'response';
  return null;
}

function readRedirect(rawQuery: string, config: SamlConnectionConfig): { root: Element; relayState: string | null } {
  const params = rawParams(rawQuery);
  const message = params.get('SAMLRequest');
  const sigAlg = params.get('SigAlg');
  const signature = params.get('Signature');
  if (message === undefined) refuse('SAMLRequest is missing');
  if (sigAlg === undefined || signature === undefined) refuse('the LogoutRequest is not signed (Signature and SigAlg are required)');
  const algorithm = SIG_ALGS[decodeComponent(sigAlg)];
  if (!algorithm) refuse(`signature algorithm ${decodeComponent(sigAlg)} is not allowed`);
  if (algorithm.sha1 && !config.allowSha1) refuse('SHA-1 signatures are refused for this connection');
  const relay = params.get('RelayState');
  // The signed octets are the parameters exactly as received, in the binding's fixed order.
  const octets = `SAMLRequest=${message}${relay !== undefined ? `&RelayState=${relay}` : ''}&SigAlg=${sigAlg}`;
  const signatureBytes = Buffer.from(decodeComponent(signature), 'base64');
  const trusted = config.idpCerts.some((cert) => {
    try {
      return verifySignature(algorithm.hash, Buffer.from(octets, 'utf8'), publicKeyOf(toPem(cert)), signatureBytes);
    } catch {
      return false;
    }
  });
  if (!trusted) refuse('signature does not match any configured certificate');
  const root = parseXmlSafely(inflate(decodeComponent(message))).documentElement as Element;
  return { root, relayState: relay !== undefined ? decodeComponent(relay) : null };
}

function readPost(form: Record<string, unknown>, config: SamlConnectionConfig): { root: Element; relayState: string | null } {
  const field = form.SAMLRequest;
  if (typeof field !== 'string') refuse('SAMLRequest is missing');
  const doc = parseXmlSafely(base64Text(field));
  const received = doc.documentElement as Element;
  if (!hasSignature(received)) refuse('the LogoutRequest is not signed');
  const verified = verifyElementSignature(doc, received, { trustedCerts: config.idpCerts, allowSha1: config.allowSha1 === true });
  return { root: verified.signedElement, relayState: typeof form.RelayState === 'string' ? form.RelayState : null };
}

/** Query parameters with their raw (percent-encoded) values; a repeated name is refused. */
function rawParams(rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of rawQuery.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (params.has(name)) refuse(`query parameter ${name} appears twice`);
    params.set(name, eq < 0 ? '' : part.slice(eq + 1));
  }
  return params;
}

/** Percent-decoding that keeps '+' (base64) as is, like the SAML bindings expect. */
function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return refuse('query parameter is not valid percent-encoding');
  }
}

function inflate(base64: string): string {
  let bytes: Buffer;
  try {
    bytes = inflateRawSync(Buffer.from(base64, 'base64'), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch {
    return refuse('SAML message is not valid DEFLATE data (or is too large)');
  }
  return utf8(bytes);
}

function base64Text(field: string): string {
  const compact = field.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) refuse('SAML message is not valid base64');
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > MAX_INFLATED_BYTES) refuse('SAML message is too large');
  return utf8(bytes);
}

function utf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse('SAML message is not UTF-8 text');
  }
}

function text(element: Element): string {
  try {
    return strictText(element);
  } catch {
    return refuse(`<${element.localName}> must contain plain text only`);
  }
}

function time(element: Element, name: string): Date | null {
  try {
    return timeAttribute(element, name);
  } catch {
    return refuse(`${element.localName}@${name} is not a valid timestamp`);
  }
}
