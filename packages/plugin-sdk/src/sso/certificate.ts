import { createPrivateKey, createPublicKey, createSign, generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * A key pair and its self-signed X.509 certificate, for whatever a protocol plugin signs with: a
 * SAML SP's per-connection key (R18: SP metadata carries the signing and encryption certificate),
 * a test IdP's signing key. node:crypto reads X.509 but cannot write it, so the certificate is
 * DER-encoded here: a fixed, minimal v3 profile (RSA-2048, sha256WithRSAEncryption, CN + O,
 * basicConstraints cA=false, keyUsage digitalSignature + keyEncipherment). SAML and WS-Fed trust a
 * certificate by its key as pinned in metadata, never by a CA chain, so self-signed is what every
 * SP and IdP hands out (Okta, Entra and ADFS all accept it).
 */
export interface KeyPairPem {
  privateKeyPem: string;
  certificatePem: string;
}

export interface SelfSignedOptions {
  commonName: string;
  organization?: string;
  notBefore?: Date;
  /** @default 10 years after notBefore */
  notAfter?: Date;
}

const generate = promisify(generateKeyPair);

/** Generates an RSA-2048 key pair (off the event loop) and its self-signed certificate. */
export async function generateKeyPairPem(options: SelfSignedOptions): Promise<KeyPairPem> {
  const { privateKey } = await generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, certificatePem: selfSignedCertificate(privateKey, options) };
}

/** A self-signed X.509 v3 certificate for the RSA private key (PEM in, PEM out). */
export function selfSignedCertificate(privateKeyPem: string, options: SelfSignedOptions): string {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error('only RSA keys are supported');
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 10 * 365.25 * 24 * 3600 * 1000);
  if (notAfter.getTime() <= notBefore.getTime()) throw new Error('notAfter must be after notBefore');
  const name = distinguishedName(options.commonName, options.organization ?? 'Roster');
  const algorithm = sequence(oid(SHA256_WITH_RSA), NULL);
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serialNumber()),
    algorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
    explicit(
      3,
      sequence(
        extension(BASIC_CONSTRAINTS, true, sequence()),
        // digitalSignature (bit 0) + keyEncipherment (bit 2): 0b101 then 5 unused bits.
        extension(KEY_USAGE, true, tlv(0x03, Buffer.from([0x05, 0xa0]))),
      ),
    ),
  );
  const signature = createSign('sha256').update(tbs).sign(key);
  const der = sequence(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const body = (der.toString('base64').match(/.{1,64}/g) ?? []).join('\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';
const BASIC_CONSTRAINTS = '2.5.29.19';
const KEY_USAGE = '2.5.29.15';
const NULL = Buffer.from([0x05, 0x00]);

/** DER tag-length-value (definite lengths; long form above 127 bytes). */
function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function explicit(tagNumber: number, content: Buffer): Buffer {
  return tlv(0xa0 | tagNumber, content);
}

/** A non-negative INTEGER from big-endian magnitude bytes, in minimal two's-complement form. */
function integer(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let bytes = magnitude.subarray(start);
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

/** 16 random bytes, positive and non-zero (RFC 5280 4.1.2.2: at most 20 octets). */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes;
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const out: number[] = [40 * first + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function distinguishedName(commonName: string, organization: string): Buffer {
  const rdn = (type: string, value: string) => tlv(0x31, sequence(oid(type), tlv(0x0c, Buffer.from(value, 'utf8'))));
  // RFC 5280 upper bounds: CN 64, O 64 characters.
  return sequence(rdn(ORGANIZATION, organization.slice(0, 64)), rdn(COMMON_NAME, commonName.slice(0, 64)));
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), whole seconds, UTC. */
function time(date: Date): Buffer {
  const iso = new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new Error('certificate dates must be between 1950 and 9999');
  return year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [Buffer.from([0x01, 0x01, 0xff])] : []), tlv(0x04, value));
}
