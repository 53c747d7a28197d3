// The members page again, against the best SQL written by hand (issue #19): the physical limit of
// this page on this machine, next to `members-page` (the same SQL Roster runs).
//
// Roster: the same GraphQL query as `members-page`.
// Baseline: a bare Fastify route on a pg pool with two round trips — the session lookup (which
// also checks the team exists), then one statement that reads the page by keyset on
// (team_id, created_at, id), the kept count (member_count) and each member's groups and licenses
// as JSON arrays from the covering indexes. The probe checks both answer the same data.
import { createHash } from 'node:crypto';
import { deepStrictEqual } from 'node:assert/strict';
import membersPage from './members-page.mjs';

const FIRST = 100;

export const SQL = {
  session: `select s.team_id, u.platform_admin, m.status, s.membership_id, exists (select 1 from team t where t.id = $2) as team
       from session s join "user" u on u.id = s.user_id left join membership m on m.id = s.membership_id
       where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now()`,
  page: `select m.id, m.user_name, m.status, u.email,
       coalesce((select json_agg(json_build_object('displayName', g.display_name) order by g.display_name)
                   from group_member gm join "group" g on g.id = gm.group_id where gm.membership_id = m.id), '[]') as groups,
       coalesce((select json_agg(json_build_object('state', la.state, 'licenseType', json_build_object('key', lt.key)) order by lt.key)
                   from license_assignment la join license_type lt on lt.id = la.license_type_id where la.membership_id = m.id), '[]') as licenses,
       (select coalesce(sum(c.n), 0)::int from member_count c where c.team_id = $1) as total
     from (select * from membership where team_id = $1 order by created_at, id limit $2) m
     join "user" u on u.id = m.user_id
     order by m.created_at, m.id`,
};

export default {
  name: 'members-page-best',
  description:
    'members page (as members-page) against a hand-written best-SQL baseline: 2 statements, keyset page, kept count, JSON aggregation',

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
        } = await pool.query(SQL.session, [hash, teamId]);
        if (!viewer || (viewer.membership_id && viewer.status !== 'active')) return reply.code(401).send({ error: 'UNAUTHENTICATED' });
        if (!viewer.team || (!viewer.platform_admin && viewer.team_id !== teamId)) return reply.code(404).send({ error: 'NOT_FOUND' });
        const { rows } = await pool.query(SQL.page, [teamId, FIRST]);
        return {
          data: {
            team: {
              members: {
                totalCount: rows[0]?.total ?? 0,
                edges: rows.map((m) => ({
                  node: { id: m.id, userName: m.user_name, email: m.email, status: m.status, groups: m.groups, licenses: m.licenses },
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
