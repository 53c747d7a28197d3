import { createHash, timingSafeEqual, verify as verifySignatureValue } from 'node:crypto';
import type { Document, Element, Node } from '@xmldom/xmldom';
import { DIGEST_ALGORITHMS, ENVELOPED_SIGNATURE, REFERENCE_C14N, SIGNATURE_ALGORITHMS, SIGNED_INFO_C14N } from './algorithms.js';
import { excC14n, inclusivePrefixes } from './c14n.js';
import { trustedKey } from './certs.js';
import { NS, childElements } from './dom.js';
import { XmlSecurityError } from './errors.js';
import { parseXmlSafely } from './parse.js';

export interface VerifyOptions {
  /** IdP certificates or public keys (PEM or bare base64 DER). KeyInfo in the message is never used. */
  trustedCerts: readonly string[];
  /** RSA-SHA1 / SHA-1 digests are refused unless the connection explicitly allows them. */
  allowSha1: boolean;
}

export interface VerifiedElement {
  /** Canonical XML of exactly what the signature covers (the enveloped signature removed). */
  signedXml: string;
  /** `signedXml` parsed again: read identity from here, never from the original document. */
  signedDocument: Document;
  /** Root element of `signedDocument` (the signed counterpart of the element passed in). */
  signedElement: Element;
  /** Value of the ID attribute the single Reference points at. */
  referenceId: string;
  /** The trusted certificate or key (PEM) that verified the signature. */
  certificate: string;
  signatureAlgorithm: string;
  digestAlgorithm: string;
}

/** Attributes that XML-DSig processors treat as element ids. */
const ID_ATTRIBUTES = ['ID', 'Id', 'id', 'AssertionID'] as const;

export function hasSignature(element: Element): boolean {
  return childElements(element, NS.ds, 'Signature').length > 0;
}

/**
 * Verifies the enveloped signature of `element` (a direct `ds:Signature` child whose single
 * Reference points at `element` itself) against the trusted certificates only.
 *
 * Verification runs on the caller's own DOM, with xml-crypto's exclusive canonicalisation: there
 * is no second parse of the message, so no parser differential between what is verified and what
 * the caller reads. What the signature covers is returned as canonical text and parsed again.
 */
export function verifyElementSignature(doc: Document, element: Element, options: VerifyOptions): VerifiedElement {
  if (element.ownerDocument !== doc) throw new Error('element does not belong to doc');
  const signatures = childElements(element, NS.ds, 'Signature');
  if (signatures.length === 0) throw new XmlSecurityError('SIGNATURE_MISSING', `<${element.localName}> is not signed`);
  if (signatures.length > 1) {
    throw new XmlSecurityError('SIGNATURE_MULTIPLE', `<${element.localName}> carries ${signatures.length} signatures`);
  }
  const signature = signatures[0] as Element;
  refuseUnexpectedContent(signature);
  const signedInfoElement = only(signature, 'SignedInfo');
  const signedInfoC14n = algorithmOf(signedInfoElement, 'CanonicalizationMethod');
  if (!SIGNED_INFO_C14N.has(signedInfoC14n)) {
    throw new XmlSecurityError('SIGNATURE_ALGORITHM_FORBIDDEN', `canonicalization ${signedInfoC14n} is not allowed`);
  }
  // What the key signs is the canonical SignedInfo: every parameter is read from its re-parsed
  // text, never from the received DOM (comments or odd text nodes cannot change what we read).
  const canonicalSignedInfo = excC14n(signedInfoElement, inclusivePrefixes(only(signedInfoElement, 'CanonicalizationMethod')));
  const signedInfo = parseXmlSafely(canonicalSignedInfo).documentElement as Element;
  const { signatureAlgorithm, hash, digestAlgorithm, digestHash, reference } = inspectSignedInfo(signedInfo, options.allowSha1);

  const idAttribute = ID_ATTRIBUTES.find((name) => element.hasAttribute(name));
  const id = idAttribute ? (element.getAttribute(idAttribute) ?? '') : '';
  const uri = reference.getAttribute('URI') ?? '';
  if (!idAttribute || id === '' || uri !== `#${id}`) {
    throw new XmlSecurityError(
      'SIGNATURE_REFERENCE_MISMATCH',
      `signature reference ${JSON.stringify(uri)} does not point at the signed <${element.localName}> (id ${JSON.stringify(id)})`,
    );
  }
  // A second element carrying the same id is the classic wrapping set-up: refuse it outright.
  const sameId = countElementsWithId(doc, id);
  if (sameId !== 1) throw new XmlSecurityError('SIGNATURE_DUPLICATE_ID', `${sameId} elements carry the id ${JSON.stringify(id)}`);

  const prefixes = referenceTransforms(reference);
  const signedXml = excC14n(element, prefixes, signature);
  const expectedDigest = base64Bytes(textOf(only(reference, 'DigestValue')));
  const actualDigest = createHash(digestHash).update(signedXml, 'utf8').digest();
  if (expectedDigest.length !== actualDigest.length || !timingSafeEqual(expectedDigest, actualDigest)) {
    throw new XmlSecurityError('SIGNATURE_INVALID', 'signed content was modified after signing (digest mismatch)');
  }

  if (options.trustedCerts.length === 0) throw new XmlSecurityError('SIGNATURE_NO_TRUSTED_CERT', 'no trusted certificate is configured');
  const signatureValue = base64Bytes(textOf(only(signature, 'SignatureValue')));
  const certificate = options.trustedCerts.find((trusted) => {
    const key = trustedKey(trusted);
    return (
      key.object.asymmetricKeyType === 'rsa' &&
      verifySignatureValue(hash, Buffer.from(canonicalSignedInfo, 'utf8'), key.object, signatureValue)
    );
  });
  if (certificate === undefined) {
    throw new XmlSecurityError('SIGNATURE_NO_TRUSTED_CERT', 'signature does not match any configured certificate');
  }

  const signedDocument = parseXmlSafely(signedXml);
  const signedElement = signedDocument.documentElement as Element;
  return {
    signedXml,
    signedDocument,
    signedElement,
    referenceId: id,
    certificate: trustedKey(certificate).pem,
    signatureAlgorithm,
    digestAlgorithm,
  };
}

function inspectSignedInfo(signedInfo: Element, allowSha1: boolean) {
  const signatureAlgorithm = algorithmOf(signedInfo, 'SignatureMethod');
  const signatureSpec = SIGNATURE_ALGORITHMS[signatureAlgorithm];
  checkAlgorithm(signatureSpec, signatureAlgorithm, allowSha1);
  const references = childElements(signedInfo, NS.ds, 'Reference');
  if (references.length !== 1) {
    throw new XmlSecurityError('SIGNATURE_REFERENCE_MISMATCH', `signature must have exactly one Reference, found ${references.length}`);
  }
  const reference = references[0] as Element;
  const digestAlgorithm = algorithmOf(reference, 'DigestMethod');
  const digestSpec = DIGEST_ALGORITHMS[digestAlgorithm];
  checkAlgorithm(digestSpec, digestAlgorithm, allowSha1);
  return {
    signatureAlgorithm,
    hash: (signatureSpec as { hash: string }).hash,
    digestAlgorithm,
    digestHash: (digestSpec as { hash: string }).hash,
    reference,
  };
}

/**
 * Exactly enveloped-signature then exclusive c14n: XPath, XSLT and base64 transforms are how
 * wrapping and DoS attacks hide content. Returns the InclusiveNamespaces prefix list.
 */
function referenceTransforms(reference: Element): string[] {
  const containers = childElements(reference, NS.ds, 'Transforms');
  if (containers.length !== 1) throw new XmlSecurityError('SIGNATURE_TRANSFORM_FORBIDDEN', 'Reference must list its transforms');
  const transforms = childElements(containers[0] as Element, NS.ds, 'Transform');
  if (transforms.length > 2) throw new XmlSecurityError('SIGNATURE_TRANSFORM_FORBIDDEN', `too many transforms (${transforms.length})`);
  const [enveloped, c14n] = transforms.map((t) => t.getAttribute('Algorithm') ?? '');
  if (enveloped !== ENVELOPED_SIGNATURE || !REFERENCE_C14N.has(c14n ?? '')) {
    throw new XmlSecurityError(
      'SIGNATURE_TRANSFORM_FORBIDDEN',
      `transforms must be enveloped-signature then exclusive c14n, got ${transforms.map((t) => t.getAttribute('Algorithm')).join(', ')}`,
    );
  }
  // Same-document references are dereferenced without comments whatever the c14n variant says.
  return inclusivePrefixes(transforms[1] as Element);
}

/** The children a `ds:Signature` may have in SAML and WS-Fed messages (ds:Object is not among them). */
const SIGNATURE_CHILDREN: ReadonlySet<string> = new Set(['SignedInfo', 'SignatureValue', 'KeyInfo']);

/**
 * A `ds:Object` (or anything else) inside the signature is never covered by this enveloped
 * signature and has no use in SAML or WS-Fed: it is where wrapping attacks park the original
 * signed content or an attacker's element. Refused even when the signature itself verifies, so
 * no message carrying unsigned payload next to a genuine signature is accepted.
 */
function refuseUnexpectedContent(signature: Element): void {
  for (let node = signature.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) {
      const element = node as Element;
      if (element.namespaceURI !== NS.ds || !SIGNATURE_CHILDREN.has(element.localName ?? '')) {
        throw new XmlSecurityError(
          'SIGNATURE_UNEXPECTED_CONTENT',
          `ds:Signature contains <${element.tagName}>; only SignedInfo, SignatureValue and KeyInfo are allowed`,
        );
      }
    } else if ((node.nodeType === 3 || node.nodeType === 4) && (node.nodeValue ?? '').trim() !== '') {
      throw new XmlSecurityError('SIGNATURE_UNEXPECTED_CONTENT', 'ds:Signature contains text outside its elements');
    }
  }
}

function only(parent: Element, localName: string): Element {
  const found = childElements(parent, NS.ds, localName);
  if (found.length !== 1) throw new XmlSecurityError('SIGNATURE_MALFORMED', `signature must have exactly one ${localName}`);
  return found[0] as Element;
}

function algorithmOf(parent: Element, localName: string): string {
  return only(parent, localName).getAttribute('Algorithm') ?? '';
}

function textOf(element: Element): string {
  return element.textContent ?? '';
}

function base64Bytes(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new XmlSecurityError('SIGNATURE_MALFORMED', 'signature contains invalid base64');
  }
  return Buffer.from(compact, 'base64');
}

function checkAlgorithm(entry: { sha1: boolean } | undefined, uri: string, allowSha1: boolean): void {
  if (!entry) throw new XmlSecurityError('SIGNATURE_ALGORITHM_FORBIDDEN', `algorithm ${uri || '(none)'} is not allowed`);
  if (entry.sha1 && !allowSha1) {
    throw new XmlSecurityError(
      'SIGNATURE_ALGORITHM_FORBIDDEN',
      `SHA-1 (${uri}) is refused; allow it for this connection only if the IdP cannot sign with SHA-256`,
    );
  }
}

function countElementsWithId(doc: Document, id: string): number {
  let count = 0;
  const walk = (node: Node): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType !== 1) continue;
      const element = child as Element;
      for (let i = 0; i < element.attributes.length; i++) {
        const attribute = element.attributes.item(i);
        const name = attribute?.localName ?? attribute?.name ?? '';
        if (attribute && (ID_ATTRIBUTES as readonly string[]).includes(name) && attribute.value === id) count++;
      }
      walk(element);
    }
  };
  walk(doc);
  return count;
}
