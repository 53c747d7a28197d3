// SCIM: an Okta-like mix on the 100,000-member team at 50 connections (issue 3: ≥ 5,000 req/s with
// p99 < 20 ms), next to a bare Fastify + pg handler serving the single indexed SELECT of the most
// frequent request (the userName lookup Okta sends before every create), in the same run.
//
// Each connection cycles through 8 requests: 3 `GET /Users?filter=userName eq "…"`, 1 `POST /Users`
// (a new person), a `PATCH /Users/{id}` deactivation and later the reactivation (pathless replace
// of `active`, Okta's form) of members without a license, a `PATCH /Groups/{id}` adding a member
// to one of 20 groups made for the run and later removing it. The load process builds them
// (scim/load-requests.mjs) and sends them to Roster's routes over HTTP, spreading the writes over
// 5,000 members; writes restore what they change (the created members are removed at teardown).
//
// Setup also times an initial sync over HTTP into a fresh team, as an IdP's first push does, from a
// child process (scim/sync-child.mjs): BENCH_SCIM_SYNC_USERS users (default 10,000; a userName lookup
// then a create each), then BENCH_SCIM_SYNC_GROUPS groups (default 100) of 100 members,
// BENCH_SCIM_SYNC_CONCURRENCY requests at a time (default 8); 0 users skips it. The same sync then
// runs against the best-SQL handler (scim/best-routes.mjs) into a team of its own.
//
// Needs the scim plugin (on by default; with ROSTER_PLUGINS set, include "scim").
import { fork } from 'node:child_process';
import os from 'node:os';
import { nodeCpuMs, postgresCpuMeter } from '../lib/cpu.mjs';
import { SYSTEM_ACTOR } from '../../packages/core/dist/index.js';
import { SCIM_PREFIX, scimSetup, scimTarget, unlicensedMembers } from './scim/support.mjs';
import { routes } from './scim/best-routes.mjs';

const int = (name, def) => (process.env[name] === undefined || process.env[name] === '' ? def : Number(process.env[name]));
const LOOKUP_SQL = 'select m.id from membership m where m.team_id = $1 and lower(m.user_name) = lower($2)';

/** The Okta-like cycle, or BENCH_SCIM_CYCLE (comma-separated ops of scim/load-requests.mjs) to measure one request type. */
export const OKTA_CYCLE = ['lookup', 'create', 'lookup', 'deactivate', 'groupAdd', 'lookup', 'reactivate', 'groupRemove'];
export const cycle = () => (process.env.BENCH_SCIM_CYCLE ? process.env.BENCH_SCIM_CYCLE.split(',').map((s) => s.trim()) : OKTA_CYCLE);

async function initialSync(ctx) {
  const users = int('BENCH_SCIM_SYNC_USERS', 10_000);
  const groups = int('BENCH_SCIM_SYNC_GROUPS', 100);
  const concurrency = Math.max(1, int('BENCH_SCIM_SYNC_CONCURRENCY', 8));
  if (!users) return;
  const sync = { users, groups, groupSize: 100, concurrency };
  const roster = await syncOnce(ctx, { ...sync, side: 'Roster', slug: 'scim-sync', base: `${ctx.roster.url}${SCIM_PREFIX}/scim-sync` });
  // The same sync against the best-SQL handler (scim/best-routes.mjs), into a team of its own: the
  // physical limit of the sync on this machine, measured in the same run.
  const bestUrl = await ctx.baseline.start(async (app, pool) => routes(app, pool));
  const best = await syncOnce(ctx, {
    ...sync,
    side: 'the best-SQL handler',
    slug: 'scim-sync-best',
    base: `${bestUrl}${SCIM_PREFIX}/bench`,
  });
  ctx.log(`scim: initial sync, Roster / best-SQL handler: ${(best.totalMs / roster.totalMs).toFixed(2)}× the speed`);
}

/** One timed initial sync into a fresh team (`slug`) through `base`, from a child process; logs its time and CPU. */
async function syncOnce(ctx, { side, slug, base, users, groups, groupSize, concurrency }) {
  const team = await ctx.roster.core.teams.create({ slug, name: `SCIM initial sync (${side})` }, SYSTEM_ACTOR);
  const { secret } = await ctx.roster.core.tokens.create(team.id, 'sync', 'scim', SYSTEM_ACTOR);
  const pgCpu = await postgresCpuMeter(ctx.db.pool);
  const cpu0 = { node: nodeCpuMs(), pg: pgCpu?.() ?? null };
  const child = fork(new URL('./scim/sync-child.mjs', import.meta.url), [], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`initial sync exited with ${code}`)));
    // Each side's people have their own domain: a login is one person, across teams.
    child.send({ base, token: secret, users, groups, groupSize, concurrency, domain: `${slug}.roster.test` });
  });
  if (!result.ok) throw new Error(`scim: initial sync (${side}) failed: ${result.error}`);
  const cpu1 = { node: nodeCpuMs(), pg: pgCpu?.() ?? null };
  const s = (ms) => (ms / 1000).toFixed(1);
  const pgMs = cpu0.pg === null || cpu1.pg === null ? null : cpu1.pg - cpu0.pg;
  // CPU time of the whole sync: the server process, PostgreSQL, the client (its own process).
  ctx.log(
    `scim: initial sync (${side}) CPU: node ${s(cpu1.node - cpu0.node)} s, PostgreSQL ${pgMs === null ? '—' : s(pgMs)} s, client ${s(result.clientCpuMs)} s (load ${os.loadavg()[0].toFixed(2)})`,
  );
  ctx.log(
    `scim: initial sync (${side}) of ${users} users (lookup + create each, ${concurrency} at a time) in ${s(result.usersMs)} s, then ${groups} groups of ${groupSize} members in ${s(result.groupsMs)} s; total ${s(result.totalMs)} s`,
  );
  return result;
}

/** The mix's state: a token, 5,000 unlicensed members to toggle, 20 groups; `sync`: time the initial sync first. */
export async function mixSetup(ctx, { sync, label }) {
  const { headers } = await scimSetup(ctx);
  if (sync) await initialSync(ctx);
  const members = await unlicensedMembers(ctx, 5000);
  const groups = [];
  for (let k = 0; k < 20; k++) {
    const g = await ctx.roster.instance.app.inject({
      method: 'POST',
      url: `${SCIM_PREFIX}/bench/Groups`,
      headers,
      payload: JSON.stringify({ displayName: `${label} ${k}` }),
    });
    if (g.statusCode !== 201) throw new Error(`scim: creating a bench group answered ${g.statusCode}`);
    groups.push(JSON.parse(g.body).id);
  }
  return { headers, members, groups };
}

export default {
  name: 'scim',
  description:
    'SCIM Okta-like mix (3/8 userName lookups, 1/8 creates, 2/8 PATCH active, 2/8 group member PATCHes), 100k-member team, vs the bare lookup SELECT',

  setup(ctx) {
    return mixSetup(ctx, { sync: true, label: 'SCIM bench' });
  },

  roster(ctx) {
    return scimTarget(ctx, cycle(), ctx.state);
  },

  async baseline(ctx) {
    const base = await ctx.baseline.start(async (app, pool) => {
      app.get('/lookup', async (request) => {
        const { rows } = await pool.query({
          name: 'bench_scim_lookup',
          text: LOOKUP_SQL,
          values: [ctx.team.teamId, request.query.userName],
        });
        return { totalResults: rows.length, Resources: rows };
      });
    });
    return { url: `${base}/lookup?userName=${encodeURIComponent(ctx.state.members[0].user_name)}` };
  },

  verify(ctx, { roster, baseline }) {
    // A cycle that starts with a create probes with a create (BENCH_SCIM_CYCLE=create): a 2xx is the check.
    if (cycle()[0] === 'create') return;
    if (roster.json?.totalResults !== 1 || baseline.json?.totalResults !== 1)
      throw new Error('both sides must find the member by userName');
  },

  async teardown(ctx) {
    const ids = ctx.state.members.map((m) => m.id);
    // Deactivations still waiting for their reactivation when the load stopped (they hold no license).
    await ctx.db.pool.query(
      "update membership set status = 'active', deactivated_at = null where team_id = $1 and id = any($2::uuid[]) and status = 'inactive'",
      [ctx.team.teamId, ids],
    );
    await ctx.db.pool.query("delete from membership where team_id = $1 and user_name like 'scim-%@bench.roster.test'", [ctx.team.teamId]);
  },
};
