import { XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { DIGEST_ALGORITHMS, MAX_TRANSFORMS, REFERENCE_TRANSFORMS, SIGNATURE_ALGORITHMS, SIGNED_INFO_C14N, } from './algorithms.js';
import { toPem, publicKeyOf } from './certs.js';
import { NS, childElements } from './dom.js';
import { XmlSecurityError } from './errors.js';
import { parseXmlSafely, sourceOf } from './parse.js';
/** Attributes that XML-DSig processors (xml-crypto included) treat as element ids. */
const ID_ATTRIBUTES = ['ID', 'Id', 'id', 'AssertionID'];
export function hasSignature(element) {
    return childElements(element, NS.ds, 'Signature').length > 0;
}
/**
 * Verifies the enveloped signature of `element` (a direct `ds:Signature` child whose single
 * Reference points at `element` itself) against the trusted certificates only.
 */
export function verifyElementSignature(doc, element, options) {
    if (element.ownerDocument !== doc)
        throw new Error('element does not belong to doc');
    const signatures = childElements(element, NS.ds, 'Signature');
    if (signatures.length === 0)
        throw new XmlSecurityError('SIGNATURE_MISSING', `<${element.localName}> is not signed`);
    if (signatures.length > 1) {
        throw new XmlSecurityError('SIGNATURE_MULTIPLE', `<${element.localName}> carries ${signatures.length} signatures`);
    }
    const signature = signatures[0];
    const { signatureAlgorithm, digestAlgorithm, referenceUri } = inspectSignedInfo(signature, options.allowSha1);
    const idAttribute = ID_ATTRIBUTES.find((name) => element.hasAttribute(name));
    const id = idAttribute ? element.getAttribute(idAttribute) ?? '' : '';
    if (!idAttribute || id === '' || referenceUri !== `#${id}`) {
        throw new XmlSecurityError('SIGNATURE_REFERENCE_MISMATCH', `signature reference ${JSON.stringify(referenceUri)} does not point at the signed <${element.localName}> (id ${JSON.stringify(id)})`);
    }
    if (/['"<>&]/.test(id))
        throw new XmlSecurityError('SIGNATURE_REFERENCE_MISMATCH', 'element id contains forbidden characters');
    // A second element carrying the same id is the classic wrapping set-up: refuse before verifying.
    const sameId = countElementsWithId(doc, id);
    if (sameId !== 1)
        throw new XmlSecurityError('SIGNATURE_DUPLICATE_ID', `${sameId} elements carry the id ${JSON.stringify(id)}`);
    if (options.trustedCerts.length === 0) {
        throw new XmlSecurityError('SIGNATURE_NO_TRUSTED_CERT', 'no trusted certificate is configured');
    }
    const source = sourceOf(doc) ?? new XMLSerializer().serializeToString(doc);
    let lastError;
    for (const trusted of options.trustedCerts) {
        const pem = toPem(trusted);
        publicKeyOf(pem); // fails loudly on a broken configured certificate instead of "no match"
        const verifier = new SignedXml({
            publicCert: pem,
            // Never take the key from the message: an attacker's KeyInfo would otherwise verify itself.
            getCertFromKeyInfo: () => null,
            idAttribute: idAttribute === 'AssertionID' ? 'AssertionID' : undefined,
        });
        verifier.loadSignature(signature);
        let valid;
        try {
            valid = verifier.checkSignature(source);
        }
        catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            if (message.startsWith('invalid signature: the signature value')) {
                lastError = error; // wrong key: try the next trusted certificate (rollover overlap)
                continue;
            }
            throw new XmlSecurityError('SIGNATURE_INVALID', `signature cannot be verified: ${message}`, { cause: error });
        }
        if (!valid) {
            // The digest of the referenced content is wrong: content changed after signing, whatever the key.
            throw new XmlSecurityError('SIGNATURE_INVALID', 'signed content was modified after signing (digest mismatch)');
        }
        const references = verifier.getSignedReferences();
        if (references.length !== 1)
            throw new XmlSecurityError('SIGNATURE_INVALID', 'signature must cover exactly one element');
        const signedXml = references[0];
        const signedDocument = parseXmlSafely(signedXml);
        const signedElement = signedDocument.documentElement;
        if (signedElement.localName !== element.localName || signedElement.namespaceURI !== element.namespaceURI) {
            throw new XmlSecurityError('SIGNATURE_REFERENCE_MISMATCH', 'signed content is not the expected element');
        }
        return { signedXml, signedDocument, signedElement, referenceId: id, certificate: pem, signatureAlgorithm, digestAlgorithm };
    }
    throw new XmlSecurityError('SIGNATURE_NO_TRUSTED_CERT', 'signature does not match any configured certificate', {
        cause: lastError,
    });
}
function inspectSignedInfo(signature, allowSha1) {
    const signedInfos = childElements(signature, NS.ds, 'SignedInfo');
    if (signedInfos.length !== 1)
        throw new XmlSecurityError('SIGNATURE_MALFORMED', 'signature must have one SignedInfo');
    const signedInfo = signedInfos[0];
    const c14n = algorithmOf(signedInfo, 'CanonicalizationMethod');
    if (!SIGNED_INFO_C14N.has(c14n)) {
        throw new XmlSecurityError('SIGNATURE_ALGORITHM_FORBIDDEN', `canonicalization ${c14n} is not allowed`);
    }
    const signatureAlgorithm = algorithmOf(signedInfo, 'SignatureMethod');
    checkAlgorithm(SIGNATURE_ALGORITHMS[signatureAlgorithm], signatureAlgorithm, allowSha1);
    const references = childElements(signedInfo, NS.ds, 'Reference');
    if (references.length !== 1) {
        throw new XmlSecurityError('SIGNATURE_REFERENCE_MISMATCH', `signature must have exactly one Reference, found ${references.length}`);
    }
    const reference = references[0];
    const digestAlgorithm = algorithmOf(reference, 'DigestMethod');
    checkAlgorithm(DIGEST_ALGORITHMS[digestAlgorithm], digestAlgorithm, allowSha1);
    const transformsParents = childElements(reference, NS.ds, 'Transforms');
    if (transformsParents.length > 1)
        throw new XmlSecurityError('SIGNATURE_MALFORMED', 'Reference has several Transforms');
    const transforms = transformsParents[0] ? childElements(transformsParents[0], NS.ds, 'Transform') : [];
    if (transforms.length > MAX_TRANSFORMS) {
        throw new XmlSecurityError('SIGNATURE_TRANSFORM_FORBIDDEN', `too many transforms (${transforms.length})`);
    }
    for (const transform of transforms) {
        const algorithm = transform.getAttribute('Algorithm') ?? '';
        if (!REFERENCE_TRANSFORMS.has(algorithm)) {
            throw new XmlSecurityError('SIGNATURE_TRANSFORM_FORBIDDEN', `transform ${algorithm} is not allowed`);
        }
    }
    return { signatureAlgorithm, digestAlgorithm, referenceUri: reference.getAttribute('URI') ?? '' };
}
function algorithmOf(parent, localName) {
    const found = childElements(parent, NS.ds, localName);
    if (found.length !== 1)
        throw new XmlSecurityError('SIGNATURE_MALFORMED', `signature must have one ${localName}`);
    return found[0].getAttribute('Algorithm') ?? '';
}
function checkAlgorithm(entry, uri, allowSha1) {
    if (!entry)
        throw new XmlSecurityError('SIGNATURE_ALGORITHM_FORBIDDEN', `algorithm ${uri || '(none)'} is not allowed`);
    if (entry.sha1 && !allowSha1) {
        throw new XmlSecurityError('SIGNATURE_ALGORITHM_FORBIDDEN', `SHA-1 (${uri}) is refused; allow it for this connection only if the IdP cannot sign with SHA-256`);
    }
}
function countElementsWithId(doc, id) {
    let count = 0;
    const walk = (node) => {
        for (let child = node.firstChild; child; child = child.nextSibling) {
            if (child.nodeType !== 1)
                continue;
            const element = child;
            const attributes = element.attributes;
            for (let i = 0; i < attributes.length; i++) {
                const attribute = attributes.item(i);
                if (attribute && ID_ATTRIBUTES.includes(attribute.localName ?? attribute.name) && attribute.value === id) {
                    count++;
                }
            }
            walk(element);
        }
    };
    walk(doc);
    return count;
}
