import type { Document, Element } from '@xmldom/xmldom';
import { AmbiguousElementError, NS, childElements, parseDateTime, singleChild, textOf } from './xml.js';
import type { WsFedStep } from './types.js';

/**
 * The unsigned envelope around the token. WS-Fed does not sign the RSTR, so nothing read here may
 * ever *widen* what the signed assertion allows: Lifetime and AppliesTo can only add refusals.
 */
export interface ParsedRstr {
  trustVersion: '2005' | '1.3';
  /** The single element inside RequestedSecurityToken (a SAML 1.1 or 2.0 Assertion). */
  assertion: Element;
  samlVersion: '1.1' | '2.0';
  tokenType?: string;
  lifetime: { created?: Date; expires?: Date };
  appliesTo?: string;
}

export class RstrError extends Error {
  constructor(
    readonly step: WsFedStep,
    message: string,
  ) {
    super(message);
    this.name = 'RstrError';
  }
}

const TRUST = [NS.trust2005, NS.trust13] as const;
const POLICY = [NS.policy, NS.policy15] as const;
const ADDRESSING = [NS.addressing, NS.addressing2004] as const;

const SAML11_TOKEN_TYPES = [
  'urn:oasis:names:tc:SAML:1.0:assertion',
  'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1',
];
const SAML20_TOKEN_TYPES = [
  'urn:oasis:names:tc:SAML:2.0:assertion',
  'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0',
];

export function parseRstr(doc: Document): ParsedRstr {
  try {
    return parse(doc);
  } catch (error) {
    if (error instanceof AmbiguousElementError) throw new RstrError('token', `response has ${error.message}`);
    throw error;
  }
}

function parse(doc: Document): ParsedRstr {
  const root = doc.documentElement;
  if (!root || !TRUST.includes((root.namespaceURI ?? '') as (typeof TRUST)[number])) {
    throw new RstrError('token', 'wresult is not a WS-Trust RequestSecurityTokenResponse');
  }
  let rstr: Element = root;
  if (root.localName === 'RequestSecurityTokenResponseCollection') {
    // Entra ID and ADFS (WS-Trust 1.3) wrap the response in a collection; one response is all WS-Fed allows.
    const responses = childElements(root, TRUST, 'RequestSecurityTokenResponse');
    if (responses.length !== 1) throw new RstrError('token', `expected one RequestSecurityTokenResponse, found ${responses.length}`);
    rstr = responses[0]!;
  } else if (root.localName !== 'RequestSecurityTokenResponse') {
    throw new RstrError('token', `unexpected root element ${root.localName ?? ''}`);
  }
  const trustNs = rstr.namespaceURI === NS.trust13 ? NS.trust13 : NS.trust2005;

  const requested = singleChild(rstr, trustNs, 'RequestedSecurityToken');
  if (!requested) throw new RstrError('token', 'response carries no RequestedSecurityToken');
  const tokens = childElements(requested);
  if (tokens.length !== 1) {
    // Two tokens side by side is the shape of a signature-wrapping attempt: never pick one.
    throw new RstrError('token', `RequestedSecurityToken must hold exactly one token, found ${tokens.length}`);
  }
  const token = tokens[0]!;
  if (token.localName === 'EncryptedAssertion' || token.namespaceURI === NS.xenc) {
    throw new RstrError('token', 'encrypted tokens are not supported: turn off token encryption for this relying party at the IdP');
  }
  let samlVersion: '1.1' | '2.0';
  if (token.localName === 'Assertion' && token.namespaceURI === NS.saml11) samlVersion = '1.1';
  else if (token.localName === 'Assertion' && token.namespaceURI === NS.saml20) samlVersion = '2.0';
  else throw new RstrError('token', `unsupported token ${token.localName ?? ''} (${token.namespaceURI ?? 'no namespace'})`);

  const tokenType = textOf(singleChild(rstr, trustNs, 'TokenType'));
  const contradicts = samlVersion === '1.1' ? SAML20_TOKEN_TYPES : SAML11_TOKEN_TYPES;
  if (tokenType !== undefined && contradicts.includes(tokenType)) {
    throw new RstrError('token', `TokenType ${tokenType} does not match the SAML ${samlVersion} assertion`);
  }

  return {
    trustVersion: trustNs === NS.trust13 ? '1.3' : '2005',
    assertion: token,
    samlVersion,
    ...(tokenType === undefined ? {} : { tokenType }),
    lifetime: readLifetime(rstr, trustNs),
    ...optional('appliesTo', readAppliesTo(rstr)),
  };
}

function readLifetime(rstr: Element, trustNs: string): ParsedRstr['lifetime'] {
  const lifetime = singleChild(rstr, trustNs, 'Lifetime');
  if (!lifetime) return {};
  const created = parseDateTime(textOf(singleChild(lifetime, NS.wsu, 'Created')));
  const expires = parseDateTime(textOf(singleChild(lifetime, NS.wsu, 'Expires')));
  if (created === 'invalid' || expires === 'invalid') throw new RstrError('time', 'RSTR Lifetime holds an invalid timestamp');
  return { ...optional('created', created), ...optional('expires', expires) };
}

function readAppliesTo(rstr: Element): string | undefined {
  const appliesTo = singleChild(rstr, POLICY, 'AppliesTo');
  if (!appliesTo) return undefined;
  const reference = singleChild(appliesTo, ADDRESSING, 'EndpointReference');
  const address = reference ? textOf(singleChild(reference, ADDRESSING, 'Address')) : undefined;
  if (address === undefined) throw new RstrError('token', 'AppliesTo has no EndpointReference address');
  return address;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
