// The members page again, against the best SQL written by hand (issue #19): the physical limit of
// this page on this machine, next to `members-page` (the same SQL Roster runs).
//
// Roster: the same GraphQL query as `members-page`.
// Baseline: a bare Fastify route on a pg pool with two round trips, both named prepared statements
// (parsed and planned once per connection) — the session lookup (which also checks the team
// exists), then one statement that reads the page by keyset on (team_id, created_at, id), the
// kept count (member_count) and the page's groups and licenses, found with one index scan each
// (`membership_id = any(array(select id from page))`) and aggregated per member into JSON arrays
// of bare values (as Roster's statement does; no keys to build and send), shaped into the answer
// here. The probe checks both answer the same data.
//
// The page size is written into the text, not bound: with `limit $2` PostgreSQL's generic plan
// assumes a tenth of the team (a parallel scan, ~30 ms), so it planned every execution anew, half
// the statement's CPU (pgbench on the 100k fixture: 1.27 ms bound, 0.81 ms written in). Roster
// does the same (graphql/reads.ts, PREPARED_PAGE_SIZES).
//
// The first version of this handler aggregated with a correlated subquery per member and sent
// unnamed statements; measured with pgbench on the 100k fixture that statement took 4.2 ms
// (prepared) / 6.0 ms (unnamed) against 1.35 ms for this one (docs/benchmarks.md).
import { createHash } from 'node:crypto';
import { deepStrictEqual } from 'node:assert/strict';
import membersPage from './members-page.mjs';

export const SQL = {
  session: `select s.team_id, u.platform_admin, m.status, s.membership_id, exists (select 1 from team t where t.id = $2) as team
       from session s join "user" u on u.id = s.user_id left join membership m on m.id = s.membership_id
       where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now()`,
  page: `with page as (
       select m.id, m.created_at, m.user_name, m.status, u.email from membership m join "user" u on u.id = m.user_id
       where m.team_id = $1 order by m.created_at, m.id limit 100
     ), groups_of as (
       select gm.membership_id, json_agg(g.display_name order by g.display_name) as j
       from group_member gm join "group" g on g.id = gm.group_id
       where gm.membership_id = any(array(select id from page)) group by gm.membership_id
     ), licenses_of as (
       select la.membership_id, json_agg(json_build_array(la.state, lt.key) order by lt.key) as j
       from license_assignment la join license_type lt on lt.id = la.license_type_id
       where la.membership_id = any(array(select id from page)) group by la.membership_id
     )
     select p.id, p.user_name, p.status, p.email, groups_of.j as groups, licenses_of.j as licenses,
       (select coalesce(sum(c.n), 0)::int from member_count c where c.team_id = $1) as total
     from page p left join groups_of on groups_of.membership_id = p.id left join licenses_of on licenses_of.membership_id = p.id
     order by p.created_at, p.id`,
};

export default {
  name: 'members-page-best',
  description:
    'members page (as members-page) against a hand-written best-SQL baseline: 2 prepared statements, keyset page, kept count, groups and licenses by any(array) as JSON',

  setup() {
    return {};
  },

  roster: membersPage.roster,

  async baseline(ctx) {
    const base = await ctx.baseline.start(async (app, pool) => {
      app.post('/members', async (request, reply) => {
        const header = request.headers.authorization ?? '';
        if (!header.startsWith('Bearer ')) return reply.code(401).send({ error: 'UNAUTHENTICATED' });
        const teamId = request.body?.teamId;
        if (typeof teamId !== 'string') return reply.code(404).send({ error: 'NOT_FOUND' });
        const hash = createHash('sha256').update(header.slice(7).trim()).digest('hex');
        const {
          rows: [viewer],
        } = await pool.query({ name: 'best_members_session', text: SQL.session, values: [hash, teamId] });
        if (!viewer || (viewer.membership_id && viewer.status !== 'active')) return reply.code(401).send({ error: 'UNAUTHENTICATED' });
        if (!viewer.team || (!viewer.platform_admin && viewer.team_id !== teamId)) return reply.code(404).send({ error: 'NOT_FOUND' });
        const { rows } = await pool.query({ name: 'best_members_page', text: SQL.page, values: [teamId] });
        return {
          data: {
            team: {
              members: {
                totalCount: rows[0]?.total ?? 0,
                edges: rows.map((m) => ({
                  node: {
                    id: m.id,
                    userName: m.user_name,
                    email: m.email,
                    status: m.status,
                    groups: (m.groups ?? []).map((displayName) => ({ displayName })),
                    licenses: (m.licenses ?? []).map(([state, key]) => ({ state, licenseType: { key } })),
                  },
                })),
              },
            },
          },
        };
      });
    });
    return {
      url: `${base}/members`,
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.team.ownerToken}` },
      body: { teamId: ctx.team.teamId },
    };
  },

  verify(ctx, { roster, baseline }) {
    deepStrictEqual(roster.json, baseline.json, 'Roster and the best-SQL baseline answer different data');
    ctx.log(`members-page-best: responses identical (${roster.text.length} bytes)`);
  },
};
