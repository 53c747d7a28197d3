import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';

/** DOM surgery on minted responses, to build the attacks from genuine tokens. */
export function parse(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

export function serialize(doc: Document | Element): string {
  return new XMLSerializer().serializeToString(doc);
}

export function edit(xml: string, change: (doc: Document) => void): string {
  const doc = parse(xml);
  change(doc);
  return serialize(doc);
}

export function byLocalName(root: Document | Element, localName: string): Element[] {
  const out: Element[] = [];
  const all = root.getElementsByTagNameNS('*', localName);
  for (let i = 0; i < all.length; i++) out.push(all.item(i)!);
  return out;
}

export function first(root: Document | Element, localName: string): Element {
  const found = byLocalName(root, localName)[0];
  if (!found) throw new Error(`no ${localName}`);
  return found;
}

/** The assertion inside RequestedSecurityToken. */
export function assertionOf(doc: Document): Element {
  return first(first(doc, 'RequestedSecurityToken'), 'Assertion');
}

/** Replaces every occurrence of a text value inside an element's text nodes (attribute values untouched). */
export function replaceText(root: Element, from: string, to: string): void {
  const walk = (node: Element): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3 && child.nodeValue?.includes(from)) child.nodeValue = child.nodeValue.split(from).join(to);
      if (child.nodeType === 1) walk(child as Element);
    }
  };
  walk(root);
}

export function importInto(doc: Document, xml: string): Element {
  return doc.importNode(parse(xml).documentElement!, true) as Element;
}
