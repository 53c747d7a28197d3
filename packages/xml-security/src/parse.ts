import { DOMParser, type Document, type Node } from '@xmldom/xmldom';
import { XmlSecurityError } from './errors.js';

const ELEMENT_NODE = 1;
const PROCESSING_INSTRUCTION_NODE = 7;
const DOCUMENT_TYPE_NODE = 10;
/** Real SAML / WS-Fed messages nest about 10 levels deep. */
const MAX_DEPTH = 64;

/**
 * Any markup declaration (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`, `<!ATTLIST`, `<!NOTATION`) is
 * refused on the raw text, before a parser ever sees it: entity expansion ("billion laughs") and
 * external entities cannot happen if no DTD is ever parsed. Comments and CDATA are the only `<!`
 * constructs left. A CDATA section that merely contains `<!DOCTYPE` is refused too; no SAML or
 * WS-Fed message needs one.
 */
const MARKUP_DECLARATION = /<!(?!--|\[CDATA\[)/;

export function parseXmlSafely(xml: string): Document {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new XmlSecurityError('XML_MALFORMED', 'XML document is empty');
  }
  if (MARKUP_DECLARATION.test(xml)) {
    throw new XmlSecurityError('XML_DTD_FORBIDDEN', 'XML document contains a DOCTYPE or entity declaration');
  }
  let doc: Document;
  try {
    doc = new DOMParser({
      // Warnings count too: a message that needed a lenient parser is not one we want to trust.
      onError: (level, message) => {
        throw new XmlSecurityError(classify(message), `XML ${level}: ${message}`);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (error) {
    if (error instanceof XmlSecurityError) throw error;
    // xmldom wraps what onError throws in a ParseError: surface our own error unchanged.
    if (error instanceof Error && error.cause instanceof XmlSecurityError) throw error.cause;
    const message = error instanceof Error ? error.message : String(error);
    throw new XmlSecurityError(classify(message), `XML parse error: ${message}`, { cause: error });
  }
  checkTopLevel(doc);
  return doc;
}

function classify(message: string): 'XML_MULTIPLE_ROOTS' | 'XML_MALFORMED' {
  return /Only one element|Extra content at the end/i.test(message) ? 'XML_MULTIPLE_ROOTS' : 'XML_MALFORMED';
}

function checkTopLevel(doc: Document): void {
  let roots = 0;
  let index = 0;
  for (let node = doc.firstChild; node; node = node.nextSibling, index++) {
    if (node.nodeType === DOCUMENT_TYPE_NODE) {
      throw new XmlSecurityError('XML_DTD_FORBIDDEN', 'XML document contains a DOCTYPE');
    }
    if (node.nodeType === PROCESSING_INSTRUCTION_NODE && !(index === 0 && node.nodeName === 'xml')) {
      throw new XmlSecurityError('XML_PI_FORBIDDEN', `XML processing instruction <?${node.nodeName}?> is not allowed`);
    }
    if (node.nodeType === ELEMENT_NODE) roots++;
  }
  if (roots !== 1 || !doc.documentElement) {
    throw new XmlSecurityError(roots > 1 ? 'XML_MULTIPLE_ROOTS' : 'XML_MALFORMED', `XML document has ${roots} root elements`);
  }
  // Processing instructions inside the tree are never legitimate in SAML / WS-Fed either. Depth is
  // capped too: recursive consumers (canonicalisation, tree walks) must not overflow the stack.
  const stack: [Node, number][] = [[doc.documentElement, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [Node, number];
    if (depth > MAX_DEPTH) throw new XmlSecurityError('XML_MALFORMED', `XML document is nested deeper than ${MAX_DEPTH} levels`);
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === PROCESSING_INSTRUCTION_NODE) {
        throw new XmlSecurityError('XML_PI_FORBIDDEN', `XML processing instruction <?${child.nodeName}?> is not allowed`);
      }
      if (child.nodeType === ELEMENT_NODE) stack.push([child, depth + 1]);
    }
  }
}
