// EXPLAIN (ANALYZE, BUFFERS) of every statement of the members page (issue #19), on a database a
// bench run kept (`BENCH_PG_URL=… BENCH_KEEP_DB=1 node bench/run.mjs members-page`), after a build:
//   node bench/members-explain.mjs postgresql://…/<kept database>
// Roster's statements come from the core itself (the session lookup's text, the team lookup's, and
// `membersPageStatement` for the bench's query and for the console's with each of its filters);
// each is prepared and executed six times first, as a pooled connection runs it, so the plan shown
// is the one PostgreSQL settles on (custom or generic). Then the best-SQL baseline's statements.
import pg from 'pg';

const url = process.argv[2];
if (!url) throw new Error('usage: node bench/members-explain.mjs <database url>');
// The server first: it loads reflect-metadata, which the core's GraphQL types need.
await import('../packages/server/dist/index.js');
const { membersPageStatement } = await import('../packages/core/dist/index.js');
const { SQL, WANTS } = await import('./scenarios/members-page.mjs');
const { SQL: BEST } = await import('./scenarios/members-page-best.mjs');
const client = new pg.Client({ connectionString: url });
await client.connect();
const {
  rows: [{ team_id: teamId }],
} = await client.query('select team_id from membership group by team_id order by count(*) desc limit 1');
const {
  rows: [{ token_hash: hash }],
} = await client.query(
  `select s.token_hash from session s join membership m on m.id = s.membership_id where m.team_id = $1 and m.role = 'owner' limit 1`,
  [teamId],
);
const {
  rows: [{ id: groupId }],
} = await client.query(`select id from "group" where team_id = $1 and display_name like 'Region%' order by display_name limit 1`, [teamId]);
const {
  rows: [{ created_at: at, id: lastId }],
} = await client.query('select created_at, id from membership where team_id = $1 order by created_at, id offset 24 limit 1', [teamId]);
const cursor = Buffer.from(`${at.toISOString()}|${lastId}`).toString('base64url');

const numbered = (sql) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};
/** The console's Members query (packages/console/src/operations.ts): 25 a page, no groups or licenses. */
const CONSOLE = {
  fields: new Set(['id', 'userName', 'email', 'displayName', 'givenName', 'familyName', 'role', 'status']),
  totalCount: true,
  pageInfo: true,
  cursors: false,
  groups: false,
  licenses: false,
};
const page = (label, filter, first, after, wants) => {
  const { sql, params } = membersPageStatement(teamId, filter, first, after, wants);
  return [label, numbered(sql), params];
};

let n = 0;
async function explain(name, sql, params) {
  const p = `explain_${++n}`;
  await client.query(`prepare ${p} as ${sql}`);
  const args = params.map((v) => (v === null ? 'null' : client.escapeLiteral(String(v)))).join(', ');
  const call = `execute ${p}${params.length ? `(${args})` : ''}`;
  for (let i = 0; i < 6; i++) await client.query(call);
  const { rows } = await client.query(`explain (analyze, buffers) ${call}`);
  console.log(`\n### ${name}\n`);
  for (const r of rows) console.log(r['QUERY PLAN']);
}

await explain('session lookup (the fixture has one session)', SQL.session, [hash]);
// With many sessions the lookup is an index scan on session_token_hash_uq; shown on 20,000 extra
// sessions inserted and rolled back.
await client.query('begin');
await client.query(
  `insert into session (id, token_hash, user_id, team_id, membership_id, method, expires_at)
   select gen_random_uuid(), md5(g::text), s.user_id, s.team_id, s.membership_id, 'password', now() + interval '1 day'
   from generate_series(1, 20000) g, (select * from session limit 1) s`,
);
await client.query('analyze session');
await explain('session lookup (20,000 more sessions, rolled back)', SQL.session, [hash]);
await client.query('rollback');
await explain(
  'team lookup (a platform admin, or a query asking for the team’s own fields)',
  'select id, slug, name, sign_in_policy, created_at from team where id = $1',
  [teamId],
);
for (const [name, sql, params] of [
  page('page, bench query: 100 with groups and licenses, kept count', undefined, 100, null, WANTS),
  page('page, console query: 25, kept count', undefined, 25, null, CONSOLE),
  page('page, console query: 25 after the first 25 (cursor)', undefined, 25, cursor, CONSOLE),
  page('page, console query: status inactive (kept count by status)', { status: 'inactive' }, 25, null, CONSOLE),
  page('page, console query: search "member4242"', { search: 'member4242' }, 25, null, CONSOLE),
  page('page, console query: search "member4242" + status active', { search: 'member4242', status: 'active' }, 25, null, CONSOLE),
  page('page, API: group filter (a region group)', { groupId }, 25, null, CONSOLE),
])
  await explain(name, sql, params);
await explain('count before 0013 (membership scan), for reference', 'select count(*)::int as n from membership m where m.team_id = $1', [
  teamId,
]);
await explain('best SQL: session + team', BEST.session, [hash, teamId]);
await explain('best SQL: page + count + groups + licenses', BEST.page, [teamId]);
await client.end();
