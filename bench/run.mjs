// Roster benchmarks: each scenario under bench/scenarios/ is measured against Roster and against
// a bare Fastify + pg baseline on the same database, in the same run. See bench/README.md.
//
//   npm run bench                          # build, then every scenario
//   BENCH_SECONDS=5 BENCH_ROUNDS=1 node bench/run.mjs members-page
import './lib/production-env.mjs'; // first: before anything imports graphql
import { runInfo } from './lib/run-info.mjs';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { installSqlCounter, record } from './lib/sql-counter.mjs';
import { startDatabase, serverVersion } from './lib/database.mjs';
import { seedTeam } from './lib/seed.mjs';
import { runLoad, probe, stopLoads } from './lib/load.mjs';
import { BrokenRoundError } from './lib/round-check.mjs';
import { median, summarize, table } from './lib/stats.mjs';
import { nodeCpuMs, postgresCpuMeter } from './lib/cpu.mjs';
import { profiled } from './lib/profile.mjs';

const env = process.env;
const int = (name, def) => {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number (got "${raw}")`);
  return n;
};
const settings = {
  connections: int('BENCH_CONNECTIONS', 50),
  seconds: int('BENCH_SECONDS', 10),
  warmupSeconds: int('BENCH_WARMUP', 3),
  rounds: Math.max(1, int('BENCH_ROUNDS', 3)),
  members: int('BENCH_MEMBERS', 100_000),
  dbPoolMax: int('BENCH_DB_POOL_MAX', 10),
  logLevel: env.BENCH_LOG_LEVEL || 'warn',
  serialSamples: int('BENCH_SERIAL', 20),
};
const only = new Set([...process.argv.slice(2), ...(env.BENCH_SCENARIOS ?? '').split(',')].map((s) => s.trim()).filter(Boolean));
const here = fileURLToPath(new URL('.', import.meta.url));

// Before the server is imported: every pg Client's query is counted during probes.
const sqlCounterPatches = installSqlCounter();
const { createRoster, loadConfig } = await import('../packages/server/dist/index.js');
const { pluginsByName } = await import('../packages/cli/dist/index.js');

// Fastify for the baselines: the very copy the server uses (it is the server's dependency).
const serverRequire = createRequire(new URL('../packages/server/package.json', import.meta.url));
const { default: Fastify } = await import(pathToFileURL(serverRequire.resolve('fastify')).href);

const scenarioFiles = readdirSync(new URL('./scenarios/', import.meta.url))
  .filter((f) => /\.(mjs|js)$/.test(f))
  .sort();
const scenarios = [];
for (const f of scenarioFiles) {
  const mod = await import(new URL(`./scenarios/${f}`, import.meta.url).href);
  const s = mod.default ?? mod;
  for (const k of ['name', 'roster', 'baseline']) if (!s[k]) throw new Error(`bench/scenarios/${f} must export ${k}`);
  if (!only.size || only.has(s.name) || only.has(f.replace(/\.m?js$/, ''))) scenarios.push(s);
}
if (!scenarios.length) throw new Error(`No scenario matches ${[...only].join(', ')} (have: ${scenarioFiles.join(', ')})`);

const log = (msg) => console.log(`[bench] ${msg}`);
const cleanups = [];
const loadBefore = os.loadavg();
let exitCode = 0;

try {
  log(`settings: ${JSON.stringify(settings)}`);
  const db = await startDatabase();
  cleanups.push(() => db.stop());
  log(`database: ${db.kind}`);

  // Roster as in production: NODE_ENV=production, a real secret, a PostgreSQL server, the default plugins.
  const config = loadConfig(
    {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      ROSTER_SECRET_KEY: randomBytes(32).toString('hex'),
      ROSTER_PUBLIC_URL: 'https://roster.bench.test',
      ROSTER_DB_POOL_MAX: String(settings.dbPoolMax),
      LOG_LEVEL: settings.logLevel,
      ...(env.ROSTER_PLUGINS ? { ROSTER_PLUGINS: env.ROSTER_PLUGINS } : {}),
    },
    { port: 0, host: '127.0.0.1' },
  );
  const roster = await createRoster({ config, plugins: pluginsByName(config.plugins), migrate: true });
  cleanups.unshift(() => roster.close());
  const rosterUrl = (await roster.listen()).replace('[::1]', '127.0.0.1');
  log(`roster: ${rosterUrl} (plugins: ${config.plugins.join(', ') || 'none'}, pool max ${config.dbPoolMax}, log level ${config.logLevel})`);

  const pool = new pg.Pool({ connectionString: db.url, max: settings.dbPoolMax });
  cleanups.splice(1, 0, () => pool.end());
  const pgVersion = await serverVersion(pool);
  const pgCpuMs = await postgresCpuMeter(pool);
  /** Waits until the database has no statement running (a server may still drain queued requests after a load). */
  const settle = async () => {
    for (let quiet = 0, i = 0; quiet < 3 && i < 1200; i++) {
      const {
        rows: [{ n }],
      } = await pool.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()",
      );
      quiet = n === 0 ? quiet + 1 : 0;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  log(`seeding ${settings.members} members…`);
  const team = await seedTeam({ core: roster.core, pool, members: settings.members });
  log(`seeded in ${team.seconds.toFixed(1)} s: ${JSON.stringify(team.counts)}`);

  const baselineApps = [];
  cleanups.unshift(async () => {
    for (const a of baselineApps) await a.close();
  });
  const ctx = {
    settings,
    db: { url: db.url, pool },
    roster: { url: rosterUrl, core: roster.core, instance: roster },
    team,
    Fastify,
    baseline: {
      /** A bare Fastify app (no logger) on the shared pg pool; `register(app, pool)` adds routes. Returns its base URL. */
      async start(register) {
        const app = Fastify({ logger: false });
        await register(app, pool);
        baselineApps.push(app);
        return (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', '127.0.0.1');
      },
    },
    state: {},
    log,
  };

  const results = [];
  for (const s of scenarios) {
    log(`scenario ${s.name}: setup`);
    const state = (await s.setup?.(ctx)) ?? {};
    const sctx = { ...ctx, state };
    const targets = { roster: await s.roster(sctx), baseline: await s.baseline(sctx) };
    const out = { name: s.name, description: s.description ?? '', roster: { rounds: [] }, baseline: { rounds: [] } };

    for (const side of ['roster', 'baseline']) {
      const t = targets[side];
      // A target may make a fresh probe request each time (`probe()`: a create needs a new userName).
      const probeOnce = () => probe(t.probe ? t.probe() : t);
      // The previous scenario's servers may still be answering queued requests: their statements
      // would be counted as this probe's.
      await settle();
      const { result: first, statements } = await record(probeOnce);
      if (first.status < 200 || first.status > 299 || first.json?.errors)
        throw new Error(`${s.name}/${side}: probe answered ${first.status}: ${first.text.slice(0, 500)}`);
      const serial = [];
      for (let i = 0; i < settings.serialSamples; i++) serial.push((await probeOnce()).ms);
      out[side].probe = first;
      out[side].statements = statements.map((st) => ({
        sql: st.sql.length > 160 ? `${st.sql.slice(0, 157)}…` : st.sql,
        ms: st.ms === null ? null : Number(st.ms.toFixed(2)),
      }));
      out[side].serialMs = median(serial);
      out[side].responseBytes = first.text.length;
    }
    await s.verify?.(sctx, { roster: out.roster.probe, baseline: out.baseline.probe });
    for (const side of ['roster', 'baseline']) delete out[side].probe;

    if (settings.warmupSeconds) {
      for (const side of ['roster', 'baseline']) {
        log(`${s.name}/${side}: warm-up ${settings.warmupSeconds} s`);
        await settle();
        await runLoad(targets[side], {
          connections: settings.connections,
          seconds: settings.warmupSeconds,
          label: `${s.name}/${side} warm-up`,
        });
      }
    }
    for (let r = 0; r < settings.rounds; r++) {
      // Alternate the order so that a slow patch of a shared machine does not always hit one side.
      const order = r % 2 === 0 ? ['roster', 'baseline'] : ['baseline', 'roster'];
      for (const side of order) {
        await settle();
        const cpu0 = { node: nodeCpuMs(), pg: pgCpuMs?.() ?? null };
        const res = await profiled(
          r === 0 ? (env.BENCH_HEAP_PROFILE ?? env.BENCH_CPU_PROFILE) : null,
          `${s.name}-${side}`,
          () =>
            runLoad(targets[side], {
              connections: settings.connections,
              seconds: settings.seconds,
              label: `${s.name}/${side} round ${r + 1}`,
            }),
          !!env.BENCH_HEAP_PROFILE,
        );
        const cpu1 = { node: nodeCpuMs(), pg: pgCpuMs?.() ?? null };
        const n = Math.max(1, res.requestsTotal);
        const round = {
          reqPerSec: res.requestsTotal / res.duration,
          p50: res.latency.p50,
          p99: res.latency.p99,
          mean: res.latency.mean,
          max: res.latency.max,
          requests: res.requestsTotal,
          errors: res.errors,
          timeouts: res.timeouts,
          non2xx: res.non2xx,
          nodeCpuMsPerReq: (cpu1.node - cpu0.node) / n,
          pgCpuMsPerReq: cpu0.pg === null || cpu1.pg === null ? null : (cpu1.pg - cpu0.pg) / n,
          loadavg1: os.loadavg()[0],
        };
        out[side].rounds.push(round);
        log(
          `${s.name}/${side} round ${r + 1}/${settings.rounds}: ${round.reqPerSec.toFixed(1)} req/s, p50 ${round.p50} ms, p99 ${round.p99} ms, CPU/req node ${round.nodeCpuMsPerReq.toFixed(1)} ms pg ${round.pgCpuMsPerReq?.toFixed(1) ?? '—'} ms${round.errors + round.timeouts + round.non2xx ? `, ${round.errors} errors ${round.timeouts} timeouts ${round.non2xx} non-2xx` : ''} (load ${round.loadavg1.toFixed(2)})`,
        );
      }
    }
    for (const side of ['roster', 'baseline']) out[side].median = summarize(out[side].rounds);
    const R = out.roster.median;
    const B = out.baseline.median;
    out.ratio = {
      reqPerSec: R.reqPerSec / B.reqPerSec,
      p50: R.p50 / B.p50,
      p99: R.p99 / B.p99,
      serialMs: out.roster.serialMs / out.baseline.serialMs,
      nodeCpuMsPerReq: R.nodeCpuMsPerReq / B.nodeCpuMsPerReq,
      pgCpuMsPerReq: R.pgCpuMsPerReq === null ? null : R.pgCpuMsPerReq / B.pgCpuMsPerReq,
    };
    if (R.errors || B.errors) exitCode = 1;
    results.push(out);
    await s.teardown?.(sctx);
  }

  console.log(`\n${table(results)}\n`);
  console.log(
    `req/s, p50, p99: median of ${settings.rounds} round(s) of ${settings.seconds} s at ${settings.connections} connections; SQL/req and serial ms: one request at a time; CPU/req: CPU time of the server process (node) and of PostgreSQL (pg) per request served.`,
  );
  const report = {
    ...runInfo(loadBefore, here),
    settings,
    database: { kind: db.kind, version: pgVersion },
    roster: { plugins: config.plugins, nodeEnv: 'production', logLevel: config.logLevel, dbPoolMax: config.dbPoolMax },
    seed: { members: settings.members, seconds: Number(team.seconds.toFixed(1)), counts: team.counts },
    sqlCounter: { pgCopiesPatched: sqlCounterPatches },
    scenarios: results,
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  log('wrote bench/results/latest.json');
} catch (e) {
  // A broken round ends the run before any table or results file: its req/s would be a lie.
  if (e instanceof BrokenRoundError) console.error(`\n[bench] FAILED: ${e.message}\n`);
  else console.error(e);
  exitCode = 1;
} finally {
  stopLoads();
  for (const c of cleanups) {
    try {
      await c();
    } catch (e) {
      console.error('cleanup:', e.message);
    }
  }
}
process.exit(exitCode);
