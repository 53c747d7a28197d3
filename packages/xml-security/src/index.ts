export { XmlSecurityError, isXmlSecurityError, type XmlSecurityErrorCode } from './errors.js';
export { parseXmlSafely } from './parse.js';
export { verifyElementSignature, hasSignature, type VerifyOptions, type VerifiedElement } from './verify.js';
export { certificateInfo, toPem, publicKeyOf, type CertificateInfo } from './certs.js';
export { excC14n } from './c14n.js';
export { NS, childElements, singleChild, descendants, strictText } from './dom.js';
export { SIGNATURE_ALGORITHMS, DIGEST_ALGORITHMS, ENVELOPED_SIGNATURE, EXC_C14N } from './algorithms.js';
