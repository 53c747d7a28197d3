import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8');

export interface KeyPair {
  key: string;
  cert: string;
}

function pair(name: string): KeyPair {
  return { key: fixture(`${name}.key.pem`), cert: fixture(`${name}.cert.pem`) };
}

/** Fixture key material (see fixtures/README.md). */
export const KEYS = {
  idp: pair('idp-signing'),
  rollover: pair('idp-rollover'),
  attackerClone: pair('attacker-clone'),
  otherIdp: pair('other-idp'),
} as const;

/** Base64 DER body of a PEM certificate, as it appears in KeyInfo and metadata. */
export function certBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
