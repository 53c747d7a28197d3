/** Algorithm URIs accepted in signatures. Anything not listed is refused, not ignored. */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, { sha1: boolean; hash: string }>> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { sha1: false, hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { sha1: false, hash: 'sha384' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { sha1: false, hash: 'sha512' },
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { sha1: true, hash: 'sha1' },
};

export const DIGEST_ALGORITHMS: Readonly<Record<string, { sha1: boolean; hash: string }>> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': { sha1: false, hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#sha384': { sha1: false, hash: 'sha384' },
  'http://www.w3.org/2001/04/xmlenc#sha512': { sha1: false, hash: 'sha512' },
  'http://www.w3.org/2000/09/xmldsig#sha1': { sha1: true, hash: 'sha1' },
};

export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const EXC_C14N_WITH_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';

/**
 * Canonicalisation of SignedInfo: exclusive c14n, what every SAML and WS-Fed IdP uses. SignedInfo
 * holds no comments worth keeping, so the WithComments variant is computed without them too
 * (a comment there could only be an attempt to split a value).
 */
export const SIGNED_INFO_C14N: ReadonlySet<string> = new Set([EXC_C14N]);

/** The canonicalisation after enveloped-signature in a Reference. */
export const REFERENCE_C14N: ReadonlySet<string> = new Set([EXC_C14N, EXC_C14N_WITH_COMMENTS]);
