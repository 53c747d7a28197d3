// The soak (issue #13): two Roster nodes as separate processes on one throwaway PostgreSQL 15
// cluster, a mixed load (GraphQL reads, SCIM writes, password sign-ins) spread round robin over
// both for SOAK_SECONDS, while node B is killed with SIGKILL and started again (at 1/3) and
// PostgreSQL is restarted (at 2/3). It reports errors by kind, recovery times, a race of parallel
// creates and a final consistency check, and exits non-zero when something that should hold did
// not. See bench/README.md ("Soak").
//
//   npm run bench:soak                 # bootstrap, build, then this
//   SOAK_SECONDS=30 node bench/soak.mjs
import { runInfo } from './lib/run-info.mjs';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pgAvailable, startCluster } from '../scripts/pg-cluster.mjs';
import { freePort, rosterCli, rosterNode } from './lib/soak-nodes.mjs';
import { runLoad, send, soakTraffic } from './lib/soak-load.mjs';
import { consistencyCheck, raceCheck } from './lib/soak-check.mjs';
import { analyse, printReport } from './lib/soak-report.mjs';

const env = process.env;
const int = (name, def, min = 0) => {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
  return n;
};
const settings = {
  seconds: int('SOAK_SECONDS', 180, 15),
  rate: int('SOAK_RATE', 30, 1),
  concurrency: int('SOAK_CONCURRENCY', 16, 1),
  timeoutMs: int('SOAK_TIMEOUT_MS', 10_000, 100),
  killDownSeconds: int('SOAK_KILL_DOWN_SECONDS', 3),
  tailSeconds: int('SOAK_TAIL_SECONDS', 5, 1),
  raceRequests: int('SOAK_RACE_REQUESTS', 200, 1),
  raceNames: int('SOAK_RACE_NAMES', 50, 1),
  dbPoolMax: int('SOAK_DB_POOL_MAX', 10, 1),
  logLevel: env.SOAK_LOG_LEVEL || 'warn',
};
const here = fileURLToPath(new URL('.', import.meta.url));
const log = (msg) => console.log(`[soak] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;

if (!pgAvailable()) {
  console.error(
    'The soak restarts PostgreSQL, so it needs the PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin or PG_BIN) for a cluster of its own; BENCH_PG_URL is not used.',
  );
  process.exit(1);
}

const cleanups = [];
const nodes = [];
process.on('exit', () => {
  for (const n of nodes) n.killNow();
});
const loadBefore = os.loadavg();
let exitCode = 0;

try {
  log(`settings: ${JSON.stringify(settings)}`);
  const cluster = await startCluster();
  cleanups.push(() => cluster.stop());
  log(`database: throwaway cluster on port ${cluster.port}`);
  const pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
  pool.on('error', () => {}); // idle clients die with the PostgreSQL restart; the check connects afresh
  cleanups.unshift(() => pool.end());

  const logDir = mkdtempSync(join(os.tmpdir(), 'roster-soak-'));
  // Kept when the soak fails: the nodes' logs say what went wrong.
  cleanups.push(() => (exitCode ? log(`node logs kept in ${logDir}`) : rmSync(logDir, { recursive: true, force: true })));
  const nodeEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: cluster.url,
    ROSTER_SECRET_KEY: randomBytes(32).toString('hex'), // the same on every node: secrets at rest are shared
    ROSTER_PUBLIC_URL: 'https://roster.soak.test',
    ROSTER_DB_POOL_MAX: String(settings.dbPoolMax),
    LOG_LEVEL: settings.logLevel,
  };

  // Seeding as an operator would: the CLI, then the API.
  const signIn = { email: 'signin@soak.roster.test', password: randomBytes(12).toString('hex') };
  const admin = { email: 'admin@soak.roster.test', password: randomBytes(12).toString('hex') };
  log(await rosterCli(['migrate'], nodeEnv));
  log(await rosterCli(['create-team', '--slug', 'soak', '--name', 'Soak'], nodeEnv));
  for (const a of [admin, signIn])
    log(await rosterCli(['create-admin', '--email', a.email, '--password', a.password, '--team', 'soak'], nodeEnv));

  for (const name of ['A', 'B']) {
    const node = rosterNode({ name, port: await freePort(), env: nodeEnv, logFile: join(logDir, `node-${name}.log`) });
    nodes.push(node);
    const { readyMs } = await node.start();
    log(`node ${name}: ${node.url} ready in ${Math.round(readyMs)} ms`);
  }
  cleanups.unshift(async () => {
    for (const n of nodes) await n.stop();
  });
  const [nodeA, nodeB] = nodes;

  const login = await (
    await fetch(`${nodeA.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) })
  ).json();
  if (!login.token) throw new Error(`admin sign-in failed: ${JSON.stringify(login)}`);
  const teamId = login.teamId;
  const gql = async (query, variables) => {
    const r = await (
      await fetch(`${nodeA.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      })
    ).json();
    if (r.errors) throw new Error(`GraphQL: ${JSON.stringify(r.errors)}`);
    return r.data;
  };
  const {
    createScimToken: { secret: scimToken },
  } = await gql('mutation ($teamId: ID!) { createScimToken(teamId: $teamId, name: "soak") { secret } }', { teamId });
  const scimBase = '/scim/v2/soak';
  const groups = [];
  for (let k = 0; k < 4; k++) {
    const r = await fetch(`${nodeB.url}${scimBase}/Groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ displayName: `Soak ${k}` }),
    });
    if (r.status !== 201) throw new Error(`creating a SCIM group answered ${r.status}: ${await r.text()}`);
    groups.push((await r.json()).id);
  }
  log(`seeded: team ${teamId}, an admin session, a SCIM token, ${groups.length} SCIM groups`);

  // The race: N parallel creates of M names over both nodes → exactly M people.
  const race = await raceCheck({
    nodes,
    send,
    t0: performance.now(),
    timeoutMs: settings.timeoutMs,
    scimBase,
    scimToken,
    pool,
    teamId,
    run,
    requests: settings.raceRequests,
    names: settings.raceNames,
  });
  log(
    `race: ${race.requests} parallel creates of ${race.names} names in ${race.ms} ms → ${race.rows} rows; answers ${JSON.stringify(race.answers)}`,
  );

  // The load, with the faults on a schedule.
  const traffic = soakTraffic({ run, teamId, sessionToken: login.token, scimToken, scimBase, signIn, groups });
  const outcomes = [];
  const faults = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const at = async (s) => {
    const wait = s * 1000 - now();
    if (wait > 0) await sleep(wait);
  };
  // The load runs SOAK_SECONDS, and on until the faults are over and every node has had
  // SOAK_TAIL_SECONDS to show it recovered (a slow boot on a busy machine pushes them late).
  let scheduleDone = false;
  let quietFrom = Infinity;
  const schedule = (async () => {
    await at(settings.seconds / 3);
    const kill = { name: 'kill -9 node B', nodes: ['B'], start: now() };
    await nodeB.kill();
    log(`t=${(kill.start / 1000).toFixed(1)} s: node B killed (SIGKILL); down for ${settings.killDownSeconds} s`);
    await sleep(settings.killDownSeconds * 1000);
    kill.back = now();
    const { readyMs } = await nodeB.start();
    kill.bootMs = readyMs;
    faults.push(kill);
    log(`t=${(kill.back / 1000).toFixed(1)} s: node B started again, ready after ${Math.round(readyMs)} ms`);

    await at(Math.max((2 * settings.seconds) / 3, kill.back / 1000 + kill.bootMs / 1000 + settings.tailSeconds));
    const restart = { name: 'PostgreSQL restart (fast)', nodes: ['A', 'B'], start: now() };
    await cluster.restart();
    restart.back = now();
    faults.push(restart);
    log(`t=${(restart.start / 1000).toFixed(1)} s: PostgreSQL restarted in ${Math.round(restart.back - restart.start)} ms`);
    quietFrom = now() + settings.tailSeconds * 1000;
  })().finally(() => {
    scheduleDone = true;
  });
  const until = () => scheduleDone && now() >= Math.max(settings.seconds * 1000, quietFrom);
  log(`load: ${settings.rate} req/s for ${settings.seconds} s over ${nodes.length} nodes (at most ${settings.concurrency} in flight)…`);
  await runLoad({
    nodes,
    traffic,
    rate: settings.rate,
    concurrency: settings.concurrency,
    until,
    maxSeconds: settings.seconds + 180,
    timeoutMs: settings.timeoutMs,
    t0,
    record: (o) => outcomes.push(o),
  });
  await schedule;
  const loadSeconds = now() / 1000;
  log(`load done: ${outcomes.length} requests in ${loadSeconds.toFixed(1)} s`);

  const consistency = await consistencyCheck(pool, { teamId, prefix: `soak-${run}-`, groups, writes: traffic.writes });
  const analysis = analyse({ outcomes, faults, seconds: settings.seconds });
  const loggedErrors = nodes.flatMap((n) => n.loggedErrors());
  const failures = [...race.failures, ...consistency.failures, ...analysis.failures];
  if (failures.length) exitCode = 1;
  printReport({ settings, loadSeconds, race, consistency, analysis, loggedErrors, failures });

  const {
    rows: [{ server_version: pgVersion }],
  } = await pool.query('show server_version');
  const report = {
    ...runInfo(loadBefore, here),
    settings,
    loadSeconds: Number(loadSeconds.toFixed(1)),
    requests: outcomes.length,
    database: { kind: 'throwaway cluster (scripts/pg-cluster.mjs: fsync=off, synchronous_commit=off)', version: pgVersion },
    race,
    faults: analysis.faults,
    byOp: analysis.byOp,
    errorsByKind: analysis.errorsByKind,
    consistency,
    loggedErrors,
    failures,
    verdict: failures.length ? 'FAIL' : 'PASS',
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/soak-latest.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  log('wrote bench/results/soak-latest.json');
} catch (e) {
  console.error(e);
  exitCode = 1;
} finally {
  for (const c of cleanups) {
    try {
      await c();
    } catch (e) {
      console.error('cleanup:', e.message);
    }
  }
}
process.exit(exitCode);
