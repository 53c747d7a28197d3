/** Algorithm URIs accepted in signatures. Anything not listed is refused, not ignored. */
export const SIGNATURE_ALGORITHMS = {
    'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { sha1: false },
    'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { sha1: false },
    'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { sha1: true },
};
export const DIGEST_ALGORITHMS = {
    'http://www.w3.org/2001/04/xmlenc#sha256': { sha1: false },
    'http://www.w3.org/2001/04/xmlenc#sha512': { sha1: false },
    'http://www.w3.org/2000/09/xmldsig#sha1': { sha1: true },
};
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const EXC_C14N_WITH_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
export const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
/** Canonicalisation of SignedInfo: exclusive c14n (what every SAML IdP uses) or inclusive 1.0. */
export const SIGNED_INFO_C14N = new Set([EXC_C14N, EXC_C14N_WITH_COMMENTS, C14N]);
/**
 * Reference transforms: the enveloped-signature transform plus one canonicalisation. XPath, XSLT
 * and base64 transforms are how signature-wrapping and DoS attacks hide content, so they are out.
 */
export const REFERENCE_TRANSFORMS = new Set([ENVELOPED_SIGNATURE, EXC_C14N, EXC_C14N_WITH_COMMENTS]);
export const MAX_TRANSFORMS = 2;
