import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPairPem } from '@roster/plugin-sdk';

/** What the test IdPs sign with, generated once per data folder and kept beside the database. */
export interface DemoIdpKeys {
  /** RSA key (PKCS#8 PEM) signing SAML responses, WS-Fed tokens and ID tokens. */
  privateKeyPem: string;
  certificatePem: string;
  /** The OpenID Provider's client secret for the demo connection. */
  oidcClientSecret: string;
  /** oidc-provider's cookie signing keys. */
  cookieKeys: string[];
}

const FILE = 'demo-idp-keys.json';

/** Reads the keys of `dataDir`, or generates and writes them (mode 0600) the first time. */
export async function loadOrCreateKeys(dataDir: string): Promise<DemoIdpKeys> {
  const path = join(dataDir, FILE);
  try {
    const stored = JSON.parse(await readFile(path, 'utf8')) as Partial<DemoIdpKeys>;
    if (stored.privateKeyPem && stored.certificatePem && stored.oidcClientSecret && stored.cookieKeys?.length) return stored as DemoIdpKeys;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const pair = await generateKeyPairPem({ commonName: 'Roster demo IdP', organization: 'Roster demo (not for production)' });
  const keys: DemoIdpKeys = {
    privateKeyPem: pair.privateKeyPem,
    certificatePem: pair.certificatePem,
    oidcClientSecret: randomBytes(24).toString('base64url'),
    cookieKeys: [randomBytes(24).toString('base64url')],
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(path, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/** Base64 DER body of a PEM certificate, as KeyInfo carries it. */
export function certBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** A stable key id: the SHA-256 of the public key. */
export function keyId(privateKeyPem: string): string {
  const spki = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64url').slice(0, 16);
}
