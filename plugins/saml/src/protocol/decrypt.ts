import { createDecipheriv, createPrivateKey, privateDecrypt, constants, type KeyObject } from 'node:crypto';
import { SAML_NS } from './constants.js';
import { childElements, descendants, strictText, type Element } from './xml.js';
import { refuse } from './types.js';

/**
 * One message for every way the ciphertext can be bad (padding, key, UTF-8, XML): distinct answers
 * would be a padding oracle (Jager & Somorovsky, "How to Break XML Encryption", 2011) whenever the
 * ciphertext is not covered by a Response signature.
 */
export const UNDECRYPTABLE = 'the assertion cannot be decrypted (corrupt ciphertext or wrong SP key)';

/** Block ciphers for the assertion itself (XML Encryption 1.1). */
const DATA_ALGORITHMS: Readonly<Record<string, { cipher: string; keyBytes: number; gcm: boolean }>> = {
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc': { cipher: 'aes-128-cbc', keyBytes: 16, gcm: false },
  'http://www.w3.org/2001/04/xmlenc#aes192-cbc': { cipher: 'aes-192-cbc', keyBytes: 24, gcm: false },
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc': { cipher: 'aes-256-cbc', keyBytes: 32, gcm: false },
  'http://www.w3.org/2009/xmlenc11#aes128-gcm': { cipher: 'aes-128-gcm', keyBytes: 16, gcm: true },
  'http://www.w3.org/2009/xmlenc11#aes192-gcm': { cipher: 'aes-192-gcm', keyBytes: 24, gcm: true },
  'http://www.w3.org/2009/xmlenc11#aes256-gcm': { cipher: 'aes-256-gcm', keyBytes: 32, gcm: true },
};

const DIGESTS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

const RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
const RSA_OAEP = 'http://www.w3.org/2009/xmlenc11#rsa-oaep';
const RSA_1_5 = 'http://www.w3.org/2001/04/xmlenc#rsa-1_5';

function algorithm(parent: Element, namespace: string = SAML_NS.xenc): string {
  return childElements(parent, namespace, 'EncryptionMethod')[0]?.getAttribute('Algorithm') ?? '';
}

function cipherValue(parent: Element): Buffer {
  const cipherData = childElements(parent, SAML_NS.xenc, 'CipherData')[0];
  const value = cipherData && childElements(cipherData, SAML_NS.xenc, 'CipherValue')[0];
  if (!value) refuse('decryption', 'encrypted element has no CipherValue');
  return Buffer.from(strictText(value).replace(/\s+/g, ''), 'base64');
}

function unwrapKey(encryptedKey: Element, privateKey: KeyObject): Buffer {
  const method = childElements(encryptedKey, SAML_NS.xenc, 'EncryptionMethod')[0];
  const uri = method?.getAttribute('Algorithm') ?? '';
  if (uri === RSA_1_5) {
    // PKCS#1 v1.5 key transport is open to Bleichenbacher-style oracles; IdPs all offer OAEP.
    refuse('decryption', 'RSA PKCS#1 v1.5 key transport is refused; configure the IdP for RSA-OAEP');
  }
  if (uri !== RSA_OAEP_MGF1P && uri !== RSA_OAEP) refuse('decryption', `key transport ${uri || '(none)'} is not supported`);
  const digestUri = method ? childElements(method, SAML_NS.ds, 'DigestMethod')[0]?.getAttribute('Algorithm') : undefined;
  const oaepHash = digestUri ? DIGESTS[digestUri] : 'sha1';
  if (!oaepHash) refuse('decryption', `OAEP digest ${digestUri ?? ''} is not supported`);
  const mgfUri = method ? childElements(method, SAML_NS.xenc11, 'MGF')[0]?.getAttribute('Algorithm') : undefined;
  const mgfHash = uri === RSA_OAEP_MGF1P ? 'sha1' : (mgfUri?.replace('http://www.w3.org/2009/xmlenc11#mgf1', '') ?? 'sha1');
  // node:crypto uses the OAEP digest for MGF1 as well, so only matching pairs can be decrypted.
  if (mgfHash !== oaepHash) refuse('decryption', `OAEP with ${oaepHash} digest and MGF1-${mgfHash} is not supported`);
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, cipherValue(encryptedKey));
  } catch {
    return refuse('decryption', UNDECRYPTABLE);
  }
}

function decryptData(uri: string, key: Buffer, data: Buffer): Buffer {
  const spec = DATA_ALGORITHMS[uri];
  if (!spec) refuse('decryption', `data encryption ${uri || '(none)'} is not supported`);
  if (key.length !== spec.keyBytes) refuse('decryption', UNDECRYPTABLE);
  try {
    if (spec.gcm) {
      const iv = data.subarray(0, 12);
      const tag = data.subarray(data.length - 16);
      const decipher = createDecipheriv(spec.cipher as 'aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    }
    const decipher = createDecipheriv(spec.cipher, key, data.subarray(0, 16));
    // XML Encryption padding: last byte is the pad length, other pad bytes are arbitrary.
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > 16) throw new Error('bad padding');
    return plain.subarray(0, plain.length - pad);
  } catch {
    return refuse('decryption', UNDECRYPTABLE);
  }
}

/** Decrypts `<EncryptedAssertion>` with the SP key; returns the assertion XML text. */
export function decryptAssertion(encryptedAssertion: Element, spPrivateKey: string | undefined): string {
  if (!spPrivateKey) refuse('decryption', 'the assertion is encrypted but this connection has no SP decryption key');
  const encryptedData = childElements(encryptedAssertion, SAML_NS.xenc, 'EncryptedData');
  if (encryptedData.length !== 1) refuse('decryption', 'EncryptedAssertion must contain one EncryptedData');
  const data = encryptedData[0] as Element;
  // EncryptedKey sits in EncryptedData/KeyInfo or next to EncryptedData (RetrievalMethod); one only.
  const keyInfo = childElements(data, SAML_NS.ds, 'KeyInfo')[0];
  const keys = [
    ...(keyInfo ? childElements(keyInfo, SAML_NS.xenc, 'EncryptedKey') : []),
    ...childElements(encryptedAssertion, SAML_NS.xenc, 'EncryptedKey'),
  ];
  if (keys.length !== 1) refuse('decryption', `expected one EncryptedKey, found ${keys.length}`);
  if (descendants(data, SAML_NS.xenc, 'EncryptedData').length > 0) refuse('decryption', 'nested EncryptedData is not allowed');
  let key: KeyObject;
  try {
    key = createPrivateKey(spPrivateKey);
  } catch {
    return refuse('config', 'the SP decryption key of this connection cannot be read');
  }
  const contentKey = unwrapKey(keys[0] as Element, key);
  const plain = decryptData(algorithm(data), contentKey, cipherValue(data));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    return refuse('decryption', UNDECRYPTABLE);
  }
}
