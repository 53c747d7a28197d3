// EXPLAIN (ANALYZE, BUFFERS) of every statement of the members page (issue #19), on a database a
// bench run kept (`BENCH_PG_URL=… BENCH_KEEP_DB=1 node bench/run.mjs members-page`):
//   node bench/members-explain.mjs postgresql://…/<kept database>
// The statements are the ones Roster issues (bench/scenarios/members-page.mjs copies them) and
// the best-SQL baseline's page statement, with the largest team's first page as parameters.
import pg from 'pg';

const url = process.argv[2];
if (!url) throw new Error('usage: node bench/members-explain.mjs <database url>');
const { SQL } = await import('./scenarios/members-page.mjs');
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
const { rows: page } = await client.query(SQL.page, [teamId, 101]);
const ids = page.slice(0, 100).map((r) => r.id);
const statements = [
  ['session', SQL.session, [hash]],
  ['team', SQL.team, [teamId]],
  ['page', SQL.page, [teamId, 101]],
  ['count (kept, member_count)', SQL.count, [teamId]],
  ['count (before 0013: membership scan)', 'select count(*)::int as n from membership m where m.team_id = $1', [teamId]],
  ['groups batch', SQL.groups(ids.length), ids],
  ['licenses batch', SQL.licenses(ids.length), ids],
  ['best SQL: session + team', BEST.session, [hash, teamId]],
  ['best SQL: page + count + groups + licenses', BEST.page, [teamId, 100]],
];
for (const [name, sql, params] of statements) {
  await client.query(sql, params); // warm
  const { rows } = await client.query(`explain (analyze, buffers) ${sql}`, params);
  console.log(`\n### ${name}\n`);
  for (const r of rows) console.log(r['QUERY PLAN']);
}
await client.end();
