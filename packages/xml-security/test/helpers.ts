import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignedXml } from 'xml-crypto';

export const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export function keyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

export interface SignOptions {
  privateKey: string;
  /** Local name of the element to sign (first match). */
  target: string;
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  transforms?: string[];
  /** Published in KeyInfo (never trusted by the verifier; attackers put theirs there). */
  publicCert?: string;
  /** InclusiveNamespaces PrefixList on the exclusive c14n transform. */
  inclusiveNamespaces?: string[];
}

/** Enveloped signature placed as the first child of the target element. */
export function sign(xml: string, options: SignOptions): string {
  const xpath = `//*[local-name(.)='${options.target}']`;
  const sig = new SignedXml({
    privateKey: options.privateKey,
    publicCert: options.publicCert,
    signatureAlgorithm: options.signatureAlgorithm ?? RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  sig.addReference({
    xpath,
    digestAlgorithm: options.digestAlgorithm ?? SHA256,
    transforms: options.transforms ?? [ENVELOPED, EXC_C14N],
    inclusiveNamespacesPrefixList: options.inclusiveNamespaces,
  });
  sig.computeSignature(xml, { location: { reference: xpath, action: 'prepend' } });
  return sig.getSignedXml();
}
