import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The identity vendors' conformance suites (Okta's SCIM SPEC test, Microsoft's SCIM collection,
 * the SAML SP corpus) are third-party data the repository does not ship. Tests find them
 * through this variable only; CI sets it (`.ci/run`) and fails when the folder is missing, so
 * it never skips them silently. On a fresh clone they are skipped, with one line that says so.
 */
export const CONFORMANCE_ENV = 'ROSTER_CONFORMANCE_DIR';

/** The folder of each suite inside the conformance folder. */
export const CONFORMANCE_SUITES = {
  okta: 'okta-scim20-spec',
  microsoft: 'ms-scim-postman',
  samlCorpus: 'saml-sp-corpus',
} as const;

// The repository root, from src/testing/ or dist/testing/ alike.
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
// The one place that knows where CI keeps the data: beside its clone of the repository.
const DEFAULT_DIR = resolve(REPO_ROOT, '../shared/conformance');

/**
 * The conformance folder, or null when the suites cannot run here: the variable when set (a
 * variable naming a missing folder is a mistake, not a reason to skip), else the default when
 * it exists.
 */
export function conformanceDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env[CONFORMANCE_ENV];
  if (given) {
    const dir = resolve(REPO_ROOT, given);
    if (!existsSync(dir)) throw new Error(`${CONFORMANCE_ENV}=${given}: no such folder`);
    return dir;
  }
  return existsSync(DEFAULT_DIR) ? DEFAULT_DIR : null;
}

/** A suite's folder, or null when the conformance data is absent (the suite then skips). */
export function conformanceSuite(suite: keyof typeof CONFORMANCE_SUITES, env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = conformanceDir(env);
  return dir ? join(dir, CONFORMANCE_SUITES[suite]) : null;
}

/** The one line a test run prints when the suites are skipped, or null when they run. */
export function conformanceNotice(env: NodeJS.ProcessEnv = process.env): string | null {
  if (conformanceDir(env)) return null;
  return `Skipped: the vendor conformance suites (Okta SCIM SPEC test, Microsoft SCIM collection, SAML SP corpus); to run them, set ${CONFORMANCE_ENV} to a folder holding ${Object.values(CONFORMANCE_SUITES).join(', ')}.`;
}
