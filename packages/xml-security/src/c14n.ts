import { ExclusiveCanonicalization } from 'xml-crypto';
import type { Element, Node } from '@xmldom/xmldom';

type ProcessArgs = Parameters<ExclusiveCanonicalization['process']>;
const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/**
 * Exclusive XML canonicalisation (without comments) of `element`. `omit` (a descendant of
 * `element`) is left out: that is the enveloped-signature transform applied to exactly the
 * signature being verified. The caller's DOM is the same afterwards: `omit` is detached for the
 * (synchronous) canonicalisation and put back where it was, and with a prefix list, to which
 * xml-crypto answers by adding namespace declarations to the element, the work is done on a clone.
 * (Cloning every time cost ~7 % of a SAML sign-in's CPU: docs/benchmarks.md.)
 */
export function excC14n(element: Element, prefixList: readonly string[], omit?: Element): string {
  if (prefixList.length > 0) {
    const clone = element.cloneNode(true) as Element;
    if (omit) {
      const twin = counterpart(element, clone, omit);
      twin.parentNode?.removeChild(twin);
    }
    return canonicalise(clone, { inclusiveNamespacesPrefixList: [...prefixList], ancestorNamespaces: ancestorNamespaces(element) });
  }
  const options: ProcessArgs[1] = { inclusiveNamespacesPrefixList: [], ancestorNamespaces: [] };
  if (!omit) return canonicalise(element, options);
  const parent = omit.parentNode;
  if (!parent) throw new Error('node is not inside the element');
  const next = omit.nextSibling;
  parent.removeChild(omit);
  try {
    return canonicalise(element, options);
  } finally {
    parent.insertBefore(omit, next);
  }
}

function canonicalise(element: Element, options: ProcessArgs[1]): string {
  return new ExclusiveCanonicalization().process(element as unknown as ProcessArgs[0], options).toString();
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
    if (attribute?.namespaceURI === XMLNS_NS) seen.add(attribute.prefix === 'xmlns' ? (attribute.localName ?? '') : '');
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
