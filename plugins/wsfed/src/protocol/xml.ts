import type { Element, Node } from '@xmldom/xmldom';

/** Namespaces the relying party reads. Matching is always by namespace URI, never by prefix. */
export const NS = {
  trust2005: 'http://schemas.xmlsoap.org/ws/2005/02/trust',
  trust13: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  policy: 'http://schemas.xmlsoap.org/ws/2004/09/policy',
  policy15: 'http://www.w3.org/ns/ws-policy',
  addressing: 'http://www.w3.org/2005/08/addressing',
  addressing2004: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  saml11: 'urn:oasis:names:tc:SAML:1.0:assertion',
  saml20: 'urn:oasis:names:tc:SAML:2.0:assertion',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  fed: 'http://docs.oasis-open.org/wsfed/federation/200706',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

const ELEMENT_NODE = 1;

export function isElement(node: Node | null | undefined): node is Element {
  return node !== null && node !== undefined && node.nodeType === ELEMENT_NODE;
}

/** Direct element children, optionally filtered by namespace and local name. */
export function childElements(parent: Element, ns?: string | readonly string[], localName?: string): Element[] {
  const out: Element[] = [];
  const namespaces = ns === undefined ? undefined : typeof ns === 'string' ? [ns] : ns;
  for (let i = 0; i < parent.childNodes.length; i++) {
    const child = parent.childNodes.item(i);
    if (!isElement(child)) continue;
    if (namespaces && !namespaces.includes(child.namespaceURI ?? '')) continue;
    if (localName !== undefined && child.localName !== localName) continue;
    out.push(child);
  }
  return out;
}

/** The single direct child with that name, `undefined` if absent; throws on duplicates (ambiguity is an attack surface). */
export function singleChild(parent: Element, ns: string | readonly string[], localName: string): Element | undefined {
  const found = childElements(parent, ns, localName);
  if (found.length > 1) throw new AmbiguousElementError(localName);
  return found[0];
}

export class AmbiguousElementError extends Error {
  constructor(readonly localName: string) {
    super(`more than one ${localName} element`);
    this.name = 'AmbiguousElementError';
  }
}

/**
 * Full text of an element, all descendant text nodes joined. Reading only the first text node is
 * how comment-injection attacks (`admin@victim.test<!---->.evil.test`) split a signed value.
 */
export function textOf(element: Element | undefined): string | undefined {
  if (!element) return undefined;
  const text = (element.textContent ?? '').trim();
  return text === '' ? undefined : text;
}

/** xs:dateTime in UTC as every STS emits it; anything else is refused rather than guessed by Date.parse. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]00:00)$/;

export function parseDateTime(value: string | null | undefined): Date | undefined | 'invalid' {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (!DATE_TIME.test(trimmed)) return 'invalid';
  // Date handles at most milliseconds; truncate longer fractions (.NET emits 7 digits).
  const normalised = trimmed.replace(/(\.\d{3})\d+/, '$1');
  const date = new Date(normalised);
  return Number.isNaN(date.getTime()) ? 'invalid' : date;
}
