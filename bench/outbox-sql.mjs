// The event log's cost in SQL alone (issue 18), with pgbench and no HTTP: how many SCIM-create
// statements per second PostgreSQL runs on this machine with and without the `member.created`
// event, and what numbering those events afterwards (the sequencer, core/0012) costs.
// Run after `pnpm run build`: node bench/outbox-sql.mjs  (PGBENCH_SECONDS, PGBENCH_CLIENTS)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from '../packages/server/node_modules/pg/lib/index.js';
import { startCluster } from '../scripts/pg-cluster.mjs';
import { coreMigrations, runMigrations } from '../packages/core/dist/migrations/index.js';
import { PLATFORM_SCOPE, SEQUENCE_SQL } from '../packages/core/dist/services/events.js';

const seconds = Number(process.env.PGBENCH_SECONDS ?? 10);
const clients = Number(process.env.PGBENCH_CLIENTS ?? 10);
const TEAM = '11111111-1111-4111-8111-111111111111';

// The statement of MemberService.provision (packages/core/src/services/members.ts), its values inlined.
const create = (event) => `\\set n random(1, 1000000000)
with u as (
  insert into "user" (id, login, email, given_name, family_name, display_name, platform_admin, created_at, updated_at)
  select gen_random_uuid(), 'p' || :n || '-' || :client_id || '-' || txid_current() || '@bench.test', null, 'Given', 'Family', null, false, now(), now()
  where not exists (select 1 from verified_domain vd where vd.domain in ('bench.test', 'bench.test') and vd.verified_at is not null and vd.team_id <> '${TEAM}')
  on conflict (login) do nothing returning id
), m as (
  insert into membership (id, team_id, user_id, role, status, credit_limit, user_name, external_id, attributes, version, created_at, updated_at, deactivated_at)
  select gen_random_uuid(), '${TEAM}', u.id, 'member', 'active', 0, 'p' || :n || '-' || :client_id || '-' || txid_current() || '@bench.test', null, '{}'::jsonb, 1, now(), now(), null from u
  returning id
), a as (
  insert into audit_event (id, team_id, at, channel, action, outcome, actor_type, actor_id, actor_label, target_type, target_id, reason, request_id, data)
  select gen_random_uuid(), '${TEAM}', now(), 'scim', 'member.created', 'success', 'token', gen_random_uuid()::text, 'okta', 'member', m.id::text, null, null, '{"userName":"x"}'::jsonb from m
)${
  event
    ? `, ev as (
  insert into event (id, team_id, type, occurred_at, data, actor, channel)
  select gen_random_uuid(), '${TEAM}', 'member.created', now(), jsonb_build_object('id', m.id) || '{"teamId": "${TEAM}","userId": "7d1c2c0e-0f6b-4b45-9a53-1c4b8f4e8f11","userName": "p@bench.test","email": "p@bench.test","givenName": "Given","familyName": "Family","displayName": null,"externalId": null,"role": "member","status": "active","creditLimit": 0,"attributes": {},"version": 1}'::jsonb, '{"type": "token","id": "t","label": "okta"}'::jsonb, 'scim' from m where true
)`
    : ''
}
select (select id from m) as id;
`;

const cluster = await startCluster();
try {
  const pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
  const migrator = await pool.connect();
  await runMigrations({ execute: (sql, params) => migrator.query(sql, params).then((r) => r.rows) }, coreMigrations);
  migrator.release();
  await pool.query(`insert into team (id, slug, name, sign_in_policy) values ('${TEAM}', 'bench', 'Bench', '{}')`);
  const dir = mkdtempSync(join(tmpdir(), 'roster-pgbench-'));
  // The sequencer as a node runs it (every second), during the events-on runs: its cost is in their rate.
  const sequencer = await pool.connect();
  const sequence = async () => {
    await sequencer.query('begin');
    await sequencer.query('select 1 from event_sequencer where id = 1 for update');
    const r = await sequencer.query(SEQUENCE_SQL.replace('?::uuid', '$1::uuid'), [PLATFORM_SCOPE]);
    await sequencer.query('commit');
    return r.rows[0].n;
  };
  const run = async (name, event) => {
    const file = join(dir, `${name}.sql`);
    writeFileSync(file, create(event));
    let going = true;
    let numbered = 0;
    const loop = (async () => {
      while (going && event) {
        numbered += await sequence();
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const { stdout } = await promisify(execFile)(
      'pgbench',
      ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', file, cluster.url],
      { encoding: 'utf8' },
    );
    going = false;
    await loop;
    if (event) numbered += await sequence();
    const tps = Number(/tps = ([0-9.]+)/.exec(stdout)?.[1]);
    console.log(`${name}: ${tps.toFixed(0)} statements/s${event ? ` (sequencer numbered ${numbered})` : ''}`);
    return tps;
  };
  const results = {};
  // Alternate, twice each: the machine is shared.
  for (const round of [1, 2]) {
    results[`off${round}`] = await run('events-off', false);
    results[`on${round}`] = await run('events-on', true);
  }
  // A backlog (nobody numbering for 10,000 events), then one run: the sequencer's cost per event, alone.
  await pool.query(`insert into event (id, team_id, type, data, actor, channel)
    select gen_random_uuid(), '${TEAM}', 'test.backlog', '{"id": 1}', '{"type": "system"}', 'system' from generate_series(1, 10000)`);
  const [{ n }] = (await pool.query('select count(*)::int as n from event where seq is null')).rows;
  const started = process.hrtime.bigint();
  await sequence();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  sequencer.release();
  console.log(`sequencer: numbered ${n} events in one run in ${ms.toFixed(0)} ms (${((ms * 1000) / n).toFixed(1)} µs each)`);
  console.log(JSON.stringify({ clients, seconds, ...results, sequenced: n, sequencerMs: ms }));
  // The plans of the log's queries on what pgbench wrote (one team, so the worst case for a team read).
  await pool.query('vacuum analyze event');
  const [{ tx, position }] = (await pool.query('select tx::text, position::text from event order by position limit 1 offset 100')).rows;
  const plans = {
    'team read': [`select id, seq from event where team_id = $1 and seq > $2 order by event.seq limit 101`, [TEAM, '100']],
    'team read, types filter': [
      `select id, seq from event where team_id = $1 and seq > $2 and type = any($3::text[]) order by event.seq limit 101`,
      [TEAM, '100', '{member.created}'],
    ],
    'cross-team read': [
      `select id from event where tx < (select horizon from event_sequencer where id = 1) and (tx, position) > ($1::xid8, $2::bigint) order by event.tx, event.position limit 101`,
      [tx, position],
    ],
    'reader: anything to number?': [
      `select exists (select 1 from event e where e.tx >= (select horizon from event_sequencer where id = 1) and e.seq is null and e.team_id = $1::uuid) as pending`,
      [TEAM],
    ],
    'sequencer: what to number': [
      `select e.id from event e where e.tx >= (select horizon from event_sequencer where id = 1) and e.seq is null`,
      [],
    ],
    'webhook bodies by id': [`select id from event where id = any($1::uuid[])`, ['{00000000-0000-4000-8000-000000000001}']],
  };
  for (const [name, [sql, params]] of Object.entries(plans)) {
    const plan = (await pool.query(`explain (costs off) ${sql}`, params)).rows.map((r) => r['QUERY PLAN']);
    console.log(`-- ${name}\n${plan.join('\n')}`);
  }
  console.log(
    (
      await pool.query(
        `select indexrelname as index, pg_size_pretty(pg_relation_size(indexrelid)) as size from pg_stat_user_indexes where relname = 'event'`,
      )
    ).rows,
  );
  await pool.end();
} finally {
  cluster.stop();
}
