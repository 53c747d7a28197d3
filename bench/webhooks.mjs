// Webhook delivery throughput (issue 18): events delivered per second to a local receiver, by one
// node and by two nodes on one database, next to a bare baseline in the same run: a plain loop
// sending the same number of signed POSTs with the same concurrency (the receiver's and the
// loopback's ceiling). The receiver verifies every signature with @roster/webhook-verify.
//
//   pnpm run build && node bench/webhooks.mjs
//   BENCH_WEBHOOK_EVENTS=5000 BENCH_WEBHOOK_CONCURRENCY=16 node bench/webhooks.mjs
import { createServer, request } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { startDatabase } from './lib/database.mjs';
import { runInfo } from './lib/run-info.mjs';

const { createRoster, loadConfig } = await import('../packages/server/dist/index.js');
const { SYSTEM_ACTOR, signatureHeader } = await import('../packages/core/dist/index.js');
const { verifyWebhook } = await import('../packages/webhook-verify/dist/index.js');

const events = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 5000);
const concurrency = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 16);
const log = (m) => console.log(`[bench:webhooks] ${m}`);
const loadBefore = os.loadavg();

/** A receiver as an app would write it: verify, dedupe by id, answer 204. */
function receiver(secretRef) {
  const seen = new Set();
  let bad = 0;
  let waiter = null;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        const { id } = verifyWebhook(Buffer.concat(chunks), req.headers, secretRef.secret);
        seen.add(id);
      } catch {
        bad++;
      }
      res.writeHead(204).end();
      if (waiter && seen.size >= waiter.n) waiter.resolve();
    });
  });
  return {
    server,
    seen,
    get bad() {
      return bad;
    },
    reset() {
      seen.clear();
    },
    until(n) {
      return new Promise((resolve) => {
        waiter = { n, resolve };
        if (seen.size >= n) resolve();
      });
    },
  };
}

// One key for both nodes: either must open the endpoint's sealed secret.
const secretKey = randomBytes(32).toString('hex');

async function node(dbUrl, migrate) {
  const config = loadConfig(
    { DATABASE_URL: dbUrl, ROSTER_SECRET_KEY: secretKey, LOG_LEVEL: 'warn', ROSTER_PLUGINS: '' },
    { port: 0, host: '127.0.0.1', outboundAllowPrivate: true, plugins: [] },
  );
  return createRoster({ config, plugins: [], migrate, webhooks: { intervalMs: 100, concurrency } });
}

async function publish(core, teamId, n, type) {
  for (let done = 0; done < n; done += 500) {
    const batch = Array.from({ length: Math.min(500, n - done) }, (_, i) => ({
      teamId,
      type,
      data: { n: done + i },
      actor: SYSTEM_ACTOR,
    }));
    await core.em().transactional((em) => core.events.publishAll(em, batch));
  }
}

/**
 * Delivery by `nodes` (their periodic jobs, every 100 ms): from the first event written (in
 * transactions of 500) to the last one answered 2xx, so the figure includes fan-out and the writes.
 */
async function measure(label, nodes, rx, teamId, type) {
  rx.reset();
  const started = performance.now();
  await publish(nodes[0].core, teamId, events, type);
  await rx.until(events);
  const seconds = (performance.now() - started) / 1000;
  const perSecond = Math.round(events / seconds);
  log(`${label}: ${events} events in ${seconds.toFixed(2)} s → ${perSecond} delivered/s`);
  return { label, events, seconds: Number(seconds.toFixed(3)), perSecond };
}

/** The ceiling: the same signed POSTs from a plain loop, `concurrency` at a time, no database. */
async function baseline(url, secret) {
  const body = JSON.stringify({ id: randomUUID(), type: 'bench.baseline', data: { n: 0 } });
  const agent = new (await import('node:http')).Agent({ keepAlive: false });
  let next = 0;
  const started = performance.now();
  const one = () =>
    new Promise((resolve, reject) => {
      const id = randomUUID();
      const ts = Math.floor(Date.now() / 1000);
      const req = request(url, {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': signatureHeader([secret], id, ts, body),
        },
      });
      req.on('response', (res) => res.resume().on('end', resolve));
      req.on('error', reject);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < events) await one();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const perSecond = Math.round(events / seconds);
  log(`baseline (plain signed POSTs): ${events} in ${seconds.toFixed(2)} s → ${perSecond}/s`);
  return { label: 'baseline: plain signed POSTs, no database', events, seconds: Number(seconds.toFixed(3)), perSecond };
}

const db = await startDatabase();
const cleanups = [() => db.stop()];
try {
  const secretRef = { secret: '' };
  const rx = receiver(secretRef);
  await new Promise((r) => rx.server.listen(0, '127.0.0.1', r));
  cleanups.unshift(() => new Promise((r) => rx.server.close(r)));
  const url = `http://127.0.0.1:${rx.server.address().port}/hooks`;

  const a = await node(db.url, true);
  cleanups.unshift(() => a.close());
  const team = await a.core.teams.create({ slug: `bench-${randomUUID().slice(0, 8)}`, name: 'Bench' }, SYSTEM_ACTOR);
  const endpoint = await a.core.webhooks.create(team.id, { url, eventTypes: ['bench.one', 'bench.two'] }, SYSTEM_ACTOR);
  secretRef.secret = endpoint.secret;

  const results = [await baseline(url, endpoint.secret), await measure('one node', [a], rx, team.id, 'bench.one')];
  const b = await node(db.url, false);
  cleanups.unshift(() => b.close());
  results.push(await measure('two nodes, one database', [a, b], rx, team.id, 'bench.two'));
  if (rx.bad) throw new Error(`${rx.bad} requests failed verification`);

  const out = { ...runInfo(loadBefore, new URL('..', import.meta.url).pathname), settings: { events, concurrency }, results };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/webhooks-latest.json', import.meta.url), JSON.stringify(out, null, 2) + '\n');
  log('written bench/results/webhooks-latest.json');
} finally {
  for (const c of cleanups) await c().catch((e) => console.error(e));
}
