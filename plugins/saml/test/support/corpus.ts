import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceSuite } from '@roster/server/testing';

/** The SAML SP corpus folder, or null when the conformance data is absent (the corpus tests skip). */
export const CORPUS = conformanceSuite('samlCorpus');

export function corpusFile(folder: string, file: string): Buffer {
  if (!CORPUS) throw new Error('The SAML SP corpus is not here: set ROSTER_CONFORMANCE_DIR');
  return readFileSync(join(CORPUS, folder, file));
}

export function corpusText(folder: string, file: string): string {
  return corpusFile(folder, file).toString('utf8');
}

export interface Extracted {
  Issuer: string[];
  Destination: string[];
  Audience: string[];
  Recipient: string[];
  InResponseTo: string[];
  NotBefore: string[];
  NotOnOrAfter: string[];
  NameID: string[];
}

export interface CorpusCase {
  id: string;
  file: string;
  expect: 'accept' | 'reject' | 'nameid-check';
  why?: string;
  group?: string;
  encoding?: string;
  transform?: string;
  expected_nameid?: string;
  sp_config?: {
    wantAuthnResponseSigned?: boolean;
    wantAssertionsSigned?: boolean;
    idpCert?: string;
    decryptionKey?: string;
  };
  extracted?: Extracted;
}

/** The folder's cases; none when the corpus is absent, so a skipped suite still collects. */
export function manifest(folder: string): { cases: CorpusCase[] } {
  if (!CORPUS) return { cases: [] };
  return JSON.parse(corpusText(folder, 'manifest.json')) as { cases: CorpusCase[] };
}

/** The SAMLResponse form field for a case: `.base64` files as-is, raw XML encoded (after the transform). */
export function postedField(folder: string, testCase: CorpusCase): string {
  if (testCase.file.endsWith('.base64')) return corpusText(folder, testCase.file).trim();
  let xml = corpusText(folder, testCase.file);
  if (testCase.transform === 'replace \\n with \\r\\n') xml = xml.replace(/\n/g, '\r\n');
  else if (testCase.transform === 'replace \\n with \\r') xml = xml.replace(/\n/g, '\r');
  else if (testCase.transform) throw new Error(`unknown transform ${testCase.transform}`);
  return Buffer.from(xml, 'utf8').toString('base64');
}
