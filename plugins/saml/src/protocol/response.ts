import { checkAssertion } from './assertion.js';
import { mapProfile, readAttributes } from './attributes.js';
import { optionalSamlText, refuseStraySignatures, refuseTruncationVectors, sameUrl } from './checks.js';
import { DEFAULT_CLOCK_SKEW_SECONDS, ENTITY_FORMAT, REPLAY_NAMESPACE, SAML_NS, STATUS_SUCCESS } from './constants.js';
import { decodePostedMessage } from './decode.js';
import { decryptAssertion, UNDECRYPTABLE } from './decrypt.js';
import { escapeXml } from './escape.js';
import {
  childElements,
  descendants,
  hasSignature,
  parseXmlSafely,
  verifyElementSignature,
  XmlSecurityError,
  type Document,
  type Element,
} from './xml.js';
import {
  refuse,
  SamlValidationError,
  type SamlConnectionConfig,
  type SamlIdentity,
  type SamlResponseInput,
  type SamlValidationDeps,
  type SamlValidationResult,
  type SamlValidationStep,
} from './types.js';

/**
 * Validates an HTTP-POST SAMLResponse for one connection. Never throws: every refusal comes back
 * as `{ ok: false, step, reason }` for the sign-in trace (R19).
 */
export async function validateSamlResponse(
  input: SamlResponseInput,
  config: SamlConnectionConfig,
  deps: SamlValidationDeps,
): Promise<SamlValidationResult> {
  try {
    return { ok: true, identity: await validate(input, config, deps) };
  } catch (error) {
    if (error instanceof SamlValidationError) return { ok: false, step: error.step, reason: error.reason };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, step: 'xml', reason: `response could not be processed: ${message}` };
  }
}

async function validate(input: SamlResponseInput, config: SamlConnectionConfig, deps: SamlValidationDeps): Promise<SamlIdentity> {
  checkConfig(config);
  const now = deps.now();
  const clock = { now, skewMs: (config.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS) * 1000 };
  const trust = { trustedCerts: config.idpCerts, allowSha1: config.allowSha1 === true };

  const doc = parse(decodePostedMessage(input.samlResponse), 'xml');
  const received = doc.documentElement as Element;
  if (received.namespaceURI !== SAML_NS.protocol || received.localName !== 'Response') {
    refuse('xml', `expected a samlp:Response, got <${received.tagName}>`);
  }
  refuseTruncationVectors(received);
  refuseStraySignatures(received);

  // 1. The Response signature, when present, must verify; from then on only its signed copy is read.
  let response = received;
  const responseSigned = hasSignature(received);
  if (responseSigned) response = verify(doc, received, trust, 'Response').signedElement;
  else if (config.wantResponseSigned) refuse('signature', 'the Response is not signed but this connection requires signed responses');

  if (response.getAttribute('Version') !== '2.0') refuse('xml', 'Response Version is not 2.0');
  checkStatus(response);
  checkResponseIssuer(response, config);
  const destination = response.getAttribute('Destination');
  if (destination !== null && !sameUrl(destination, config.acsUrl)) {
    refuse('destination', `destination mismatch: expected ${config.acsUrl} got ${destination}`);
  }
  if (destination === null && responseSigned) refuse('destination', 'signed Response has no Destination');

  // 2. Exactly one assertion, wherever an attacker might have hidden more (XSW3–XSW8).
  const receivedAssertion = selectAssertion(received);
  let assertionDoc: Document = response.ownerDocument as Document;
  let assertion = selectAssertion(response);
  if (assertion.localName === 'EncryptedAssertion') {
    // Decrypted octets are parsed in the namespace context of the element they replace (XML
    // Encryption 4.3): IdPs rely on prefixes declared on the Response.
    const context = { ...inScopeNamespaces(receivedAssertion), ...inScopeNamespaces(assertion) };
    assertionDoc = parseDecrypted(wrapInContext(decryptAssertion(assertion, config.spPrivateKey), context));
    const decrypted = childElements(assertionDoc.documentElement as Element);
    if (decrypted.length !== 1) refuse('decryption', `decrypted content holds ${decrypted.length} elements, not one Assertion`);
    assertion = decrypted[0] as Element;
    if (assertion.namespaceURI !== SAML_NS.assertion || assertion.localName !== 'Assertion') {
      refuse('decryption', `decrypted content is <${assertion.tagName}>, not an Assertion`);
    }
    refuseTruncationVectors(assertion);
    refuseStraySignatures(assertion);
    countAssertions(assertion, assertion, 0);
  }

  // 3. The assertion's own signature; identity is read only from a verified copy.
  if (hasSignature(assertion)) {
    assertion = verify(assertionDoc, assertion, trust, 'Assertion').signedElement;
  } else if (config.wantAssertionsSigned) {
    refuse('signature', 'the Assertion is not signed but this connection requires signed assertions');
  } else if (!responseSigned) {
    refuse('signature', 'neither the Response nor the Assertion is signed');
  }

  const facts = checkAssertion(assertion, config, clock);
  const responseInResponseTo = response.getAttribute('InResponseTo') || null;
  if (responseInResponseTo && facts.inResponseTo && responseInResponseTo !== facts.inResponseTo) {
    refuse('in_response_to', `InResponseTo differs between Response (${responseInResponseTo}) and assertion (${facts.inResponseTo})`);
  }
  const attributes = readAttributes(assertion);

  // 4. Side effects last, so a refused response never consumes a pending request or a replay slot.
  // An unsigned Response's InResponseTo is the attacker's to write: only a signed one may make an
  // unsolicited assertion look solicited.
  if (!responseSigned && responseInResponseTo && !facts.inResponseTo) {
    refuse('in_response_to', 'InResponseTo is only on the unsigned Response; the signed assertion does not confirm it');
  }
  const inResponseTo = facts.inResponseTo ?? responseInResponseTo;
  await checkInResponseTo(inResponseTo, config, deps);
  const firstUse = await deps.replay.claim(REPLAY_NAMESPACE, `${config.idpEntityId}\n${facts.assertionId}`, facts.validUntil);
  if (!firstUse) refuse('replay', `assertion ${facts.assertionId} was already used (replay)`);

  const profile = mapProfile(attributes, facts.nameId, facts.nameIdFormat, config.attributeMapping);
  return {
    nameId: facts.nameId,
    nameIdFormat: facts.nameIdFormat,
    sessionIndex: facts.sessionIndex,
    ...profile,
    attributes,
    assertionId: facts.assertionId,
    issuer: facts.issuer,
    inResponseTo,
  };
}

function checkConfig(config: SamlConnectionConfig): void {
  if (!config.idpCerts || config.idpCerts.length === 0) refuse('config', 'connection has no IdP signing certificate');
  if (!config.acsUrl || !config.spEntityId || !config.idpEntityId) refuse('config', 'connection is missing its entity ids or ACS URL');
}

function parse(xml: string, step: SamlValidationStep): Document {
  try {
    return parseXmlSafely(xml);
  } catch (error) {
    if (error instanceof XmlSecurityError) refuse(step, error.message);
    throw error;
  }
}

function parseDecrypted(xml: string): Document {
  try {
    return parseXmlSafely(xml);
  } catch {
    return refuse('decryption', UNDECRYPTABLE);
  }
}

function verify(
  doc: Document,
  element: Element,
  trust: { trustedCerts: string[]; allowSha1: boolean },
  what: string,
): { signedElement: Element } {
  try {
    return verifyElementSignature(doc, element, trust);
  } catch (error) {
    if (error instanceof XmlSecurityError) {
      refuse(error.code === 'CERTIFICATE_INVALID' ? 'config' : 'signature', `${what} signature: ${error.message}`);
    }
    throw error;
  }
}

function checkStatus(response: Element): void {
  const status = childElements(response, SAML_NS.protocol, 'Status');
  if (status.length !== 1) refuse('status', 'Response must have exactly one Status');
  const code = childElements(status[0] as Element, SAML_NS.protocol, 'StatusCode')[0];
  const value = code?.getAttribute('Value') ?? '';
  if (value === STATUS_SUCCESS) return;
  const sub = code ? childElements(code, SAML_NS.protocol, 'StatusCode')[0]?.getAttribute('Value') : undefined;
  const message = childElements(status[0] as Element, SAML_NS.protocol, 'StatusMessage')[0]?.textContent?.trim();
  const short = (uri: string) => uri.replace('urn:oasis:names:tc:SAML:2.0:status:', '');
  refuse(
    'status',
    `IdP refused the sign-in: ${short(value) || '(no status)'}${sub ? `/${short(sub)}` : ''}${message ? ` (${message.slice(0, 200)})` : ''}`,
  );
}

function checkResponseIssuer(response: Element, config: SamlConnectionConfig): void {
  // Optional on a Response (SAML profiles 4.1.4.2), but when present it must be our IdP.
  const issuer = optionalSamlText(response, 'Issuer', 'issuer');
  if (issuer === null) return;
  const format = childElements(response, SAML_NS.assertion, 'Issuer')[0]?.getAttribute('Format');
  if (format && format !== ENTITY_FORMAT) refuse('issuer', `Response Issuer has format ${format}`);
  if (issuer !== config.idpEntityId) refuse('issuer', `issuer mismatch: expected ${config.idpEntityId} got ${issuer || '(empty)'}`);
}

/** The single direct child Assertion / EncryptedAssertion; any other assertion anywhere is refused. */
function selectAssertion(response: Element): Element {
  const children = [
    ...childElements(response, SAML_NS.assertion, 'Assertion'),
    ...childElements(response, SAML_NS.assertion, 'EncryptedAssertion'),
  ];
  if (children.length !== 1) refuse('assertion', `Response must contain exactly one assertion, found ${children.length}`);
  const chosen = children[0] as Element;
  countAssertions(response, chosen, 1);
  return chosen;
}

/**
 * Assertions may legitimately appear inside the chosen assertion's `<Advice>` (they are never
 * read). Any other Assertion or EncryptedAssertion in the message is a wrapping attempt.
 */
function countAssertions(root: Element, chosen: Element, chosenCount: number): void {
  const everywhere = (node: Element) =>
    descendants(node, SAML_NS.assertion, 'Assertion').length + descendants(node, SAML_NS.assertion, 'EncryptedAssertion').length;
  const inAdvice = childElements(chosen, SAML_NS.assertion, 'Advice').reduce((sum, advice) => sum + everywhere(advice), 0);
  const total = everywhere(root);
  if (total !== chosenCount + inAdvice) {
    refuse('assertion', `message contains ${total - inAdvice} assertions outside <Advice>; exactly one is allowed`);
  }
}

/** Namespace declarations in scope at `element` (prefix → URI; '' for the default namespace). */
function inScopeNamespaces(element: Element): Record<string, string> {
  const found: Record<string, string> = {};
  for (let node: Element | null = element; node && node.nodeType === 1; node = node.parentNode as Element | null) {
    for (let i = 0; i < node.attributes.length; i++) {
      const attribute = node.attributes.item(i);
      if (!attribute) continue;
      const prefix = attribute.name === 'xmlns' ? '' : attribute.name.startsWith('xmlns:') ? attribute.name.slice(6) : null;
      if (prefix !== null && !(prefix in found)) found[prefix] = attribute.value;
    }
  }
  return found;
}

const CONTEXT_ELEMENT = 'roster-decrypted';

function wrapInContext(xml: string, namespaces: Record<string, string>): string {
  // An XML declaration inside the plaintext would be invalid once wrapped.
  const body = xml.replace(/^\uFEFF?\s*<\?xml[^?]*\?>/, '');
  const declarations = Object.entries(namespaces)
    .map(([prefix, uri]) => ` ${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${escapeXml(uri)}"`)
    .join('');
  return `<${CONTEXT_ELEMENT}${declarations}>${body}</${CONTEXT_ELEMENT}>`;
}

async function checkInResponseTo(inResponseTo: string | null, config: SamlConnectionConfig, deps: SamlValidationDeps): Promise<void> {
  if (inResponseTo === null) {
    if (!config.allowIdpInitiated) refuse('in_response_to', 'unsolicited response: IdP-initiated sign-in is off for this connection');
    return;
  }
  const request = await deps.requests.take(inResponseTo);
  if (!request) refuse('in_response_to', `InResponseTo ${inResponseTo} matches no pending sign-in request (expired, used or never issued)`);
  if (request.connectionId !== config.id) refuse('in_response_to', `request ${inResponseTo} was started for another connection`);
}
