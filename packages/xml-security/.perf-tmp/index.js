export { XmlSecurityError, isXmlSecurityError } from './errors.js';
export { parseXmlSafely, sourceOf } from './parse.js';
export { verifyElementSignature, hasSignature } from './verify.js';
export { certificateInfo, toPem, publicKeyOf } from './certs.js';
export { NS, childElements, singleChild, descendants, strictText } from './dom.js';
export { SIGNATURE_ALGORITHMS, DIGEST_ALGORITHMS, ENVELOPED_SIGNATURE, EXC_C14N, } from './algorithms.js';
