// The whole test suite, twice: on a real PostgreSQL 15 server (a throwaway cluster, or
// ROSTER_TEST_PG_URL) and on the embedded PGlite default. Extra args go to vitest.
import { spawnSync } from 'node:child_process';
import { pgAvailable, startCluster } from './pg-cluster.mjs';

const args = process.argv.slice(2);
const vitest = (env, label) => {
  console.log(`\n=== Test suite on ${label} ===\n`);
  const r = spawnSync('pnpm', ['exec', 'vitest', 'run', ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
};

let failed = 0;
let cluster = null;
let pgUrl = process.env.ROSTER_TEST_PG_URL;
try {
  if (!pgUrl && pgAvailable()) {
    cluster = await startCluster();
    pgUrl = cluster.url;
  }
  const secondPass = process.env.ROSTER_TEST_SKIP_PGLITE !== '1';
  // Notices that hold for both passes (skipped conformance suites) are printed by the last one.
  if (pgUrl)
    failed += vitest(
      { ROSTER_TEST_PG_URL: pgUrl, ...(secondPass ? { ROSTER_TEST_QUIET_NOTICES: '1' } : {}) },
      `PostgreSQL server (${pgUrl.replace(/\/\/[^@]*@/, '//')})`,
    );
  else console.warn('No PostgreSQL server binaries found (set ROSTER_TEST_PG_URL or PG_BIN): running on PGlite only.');
  if (secondPass) failed += vitest({ ROSTER_TEST_PG_URL: '' }, 'embedded PGlite');
} finally {
  cluster?.stop();
}
process.exit(failed ? 1 : 0);
