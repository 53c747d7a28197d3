import { ExclusiveCanonicalization } from 'xml-crypto';
import type { Element, Node } from '@xmldom/xmldom';

type ProcessArgs = Parameters<ExclusiveCanonicalization['process']>;
const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/**
 * Exclusive XML canonicalisation (without comments) of `element`, computed on a clone so the
 * caller's DOM is never changed. `omit` (a descendant of `element`) is left out: that is the
 * enveloped-signature transform applied to exactly the signature being verified.
 */
export function excC14n(element: Element, prefixList: readonly string[], omit?: Element): string {
  const clone = element.cloneNode(true) as Element;
  if (omit) {
    const twin = counterpart(element, clone, omit);
    twin.parentNode?.removeChild(twin);
  }
  const options: ProcessArgs[1] = {
    inclusiveNamespacesPrefixList: [...prefixList],
    ancestorNamespaces: prefixList.length > 0 ? ancestorNamespaces(element) : [],
  };
  return new ExclusiveCanonicalization().process(clone as unknown as ProcessArgs[0], options).toString();
}

/** The node of `clone` at the same position as `target` is in `original`. */
function counterpart(original: Element, clone: Element, target: Node): Node {
  const path: number[] = [];
  for (let node: Node = target; node !== original; node = node.parentNode as Node) {
    if (!node.parentNode) throw new Error('node is not inside the element');
    path.unshift(Array.prototype.indexOf.call(node.parentNode.childNodes, node) as number);
  }
  return path.reduce<Node>((node, index) => node.childNodes[index] as Node, clone);
}

/**
 * Namespace bindings in scope at `element` but declared on its ancestors (nearest first wins),
 * for the InclusiveNamespaces PrefixList of exclusive c14n.
 */
function ancestorNamespaces(element: Element): { prefix: string; namespaceURI: string }[] {
  const seen = new Set<string>();
  for (let i = 0; i < element.attributes.length; i++) {
    const attribute = element.attributes.item(i);
    if (attribute?.namespaceURI === XMLNS_NS) seen.add(attribute.prefix === 'xmlns' ? attribute.localName ?? '' : '');
  }
  const found: { prefix: string; namespaceURI: string }[] = [];
  for (let node = element.parentNode; node && node.nodeType === 1; node = node.parentNode) {
    const ancestor = node as Element;
    for (let i = 0; i < ancestor.attributes.length; i++) {
      const attribute = ancestor.attributes.item(i);
      if (!attribute || attribute.namespaceURI !== XMLNS_NS || attribute.prefix !== 'xmlns') continue;
      const prefix = attribute.localName ?? '';
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      if (attribute.value !== '') found.push({ prefix, namespaceURI: attribute.value });
    }
  }
  return found;
}

/** PrefixList of an `ec:InclusiveNamespaces` child of a Transform / CanonicalizationMethod. */
export function inclusivePrefixes(parent: Element): string[] {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    const element = node as Element;
    if (node.nodeType === 1 && element.namespaceURI === EXC_C14N_NS && element.localName === 'InclusiveNamespaces') {
      return (element.getAttribute('PrefixList') ?? '').split(/\s+/).filter((p) => p !== '');
    }
  }
  return [];
}
