// The admin console's members page: the first 100 members of a 100,000-member team with their
// groups and licenses, as a team owner signed in with a bearer session token.
//
// Roster: the GraphQL query over HTTP (Fastify + Apollo + type-graphql + MikroORM + DataLoader).
// Baseline: a bare Fastify route on a pg pool that runs the same SQL Roster runs for this query
// (session lookup, team lookup, page + count in parallel, then the groups and licenses batches in
// parallel) and writes the same JSON. The probe checks that both answer byte-for-byte the same data.
import { deepStrictEqual } from 'node:assert/strict';

export const QUERY = `query MembersPage($teamId: ID!) {
  team(id: $teamId) {
    members(first: 100) {
      totalCount
      edges { node { id userName email status groups { displayName } licenses { state licenseType { key } } } }
    }
  }
}`;

const FIRST = 100;

// The statements Roster issues for this query (packages/core/src/services/sessions.ts,
// graphql/reads.ts, graphql/loaders.ts; the team lookup is MikroORM's findOne), with $n placeholders.
export const SQL = {
  session: `select s.id, s.user_id, s.team_id, s.membership_id, u.login, u.platform_admin, m.role, m.status
       from session s join "user" u on u.id = s.user_id left join membership m on m.id = s.membership_id
       where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now()`,
  team: 'select "t0".* from "team" as "t0" where "t0"."id" = $1 limit 1',
  page: `select m.id, m.team_id, m.user_id, m.user_name, m.role, m.status, m.credit_limit, m.external_id, m.attributes,
  m.created_at, m.updated_at, m.deactivated_at, u.email, u.given_name, u.family_name, u.display_name from membership m join "user" u on u.id = m.user_id where m.team_id = $1 order by m.created_at, m.id limit $2`,
  // The count Roster runs without a filter: the per-status counts kept by migration core/0013.
  count: 'select coalesce(sum(n), 0)::int as n from member_count where team_id = $1',
  groups: (n) => `select gm.membership_id, g.id, g.display_name, g.license_type_id from group_member gm join "group" g on g.id = gm.group_id
       where gm.membership_id in (${placeholders(n)}) order by g.display_name`,
  licenses: (n) => `select la.membership_id, la.license_type_id, lt.key, lt.name, la.state, la.requested_at, la.granted_at
       from license_assignment la join license_type lt on lt.id = la.license_type_id
       where la.membership_id in (${placeholders(n)}) order by lt.key`,
};
const placeholders = (n) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');

function groupBy(rows, key) {
  const by = new Map();
  for (const r of rows) {
    const list = by.get(r[key]);
    if (list) list.push(r);
    else by.set(r[key], [r]);
  }
  return by;
}

export default {
  name: 'members-page',
  description: `GraphQL team.members(first: 100) with totalCount, groups and licenses, 100k-member team, owner bearer session`,

  // Uses the shared 100k-member team the harness seeds (ctx.team); nothing to add.
  setup() {
    return {};
  },

  roster(ctx) {
    return {
      url: `${ctx.roster.url}/graphql`,
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.team.ownerToken}` },
      body: { query: QUERY, variables: { teamId: ctx.team.teamId } },
    };
  },

  async baseline(ctx) {
    const { createHash } = await import('node:crypto');
    const base = await ctx.baseline.start(async (app, pool) => {
      app.post('/members', async (request, reply) => {
        const header = request.headers.authorization ?? '';
        if (!header.startsWith('Bearer ')) return reply.code(401).send({ error: 'UNAUTHENTICATED' });
        const hash = createHash('sha256').update(header.slice(7).trim()).digest('hex');
        const {
          rows: [viewer],
        } = await pool.query(SQL.session, [hash]);
        if (!viewer || (viewer.membership_id && viewer.status !== 'active')) return reply.code(401).send({ error: 'UNAUTHENTICATED' });
        const teamId = request.body?.teamId;
        if (typeof teamId !== 'string' || (!viewer.platform_admin && viewer.team_id !== teamId))
          return reply.code(404).send({ error: 'NOT_FOUND' });
        const {
          rows: [team],
        } = await pool.query(SQL.team, [teamId]);
        if (!team) return reply.code(404).send({ error: 'NOT_FOUND' });
        const [page, count] = await Promise.all([pool.query(SQL.page, [teamId, FIRST + 1]), pool.query(SQL.count, [teamId])]);
        const members = page.rows.slice(0, FIRST);
        const ids = members.map((m) => m.id);
        const [groups, licenses] = ids.length
          ? await Promise.all([pool.query(SQL.groups(ids.length), ids), pool.query(SQL.licenses(ids.length), ids)])
          : [{ rows: [] }, { rows: [] }];
        const groupsOf = groupBy(groups.rows, 'membership_id');
        const licensesOf = groupBy(licenses.rows, 'membership_id');
        return {
          data: {
            team: {
              members: {
                totalCount: count.rows[0].n,
                edges: members.map((m) => ({
                  node: {
                    id: m.id,
                    userName: m.user_name,
                    email: m.email,
                    status: m.status,
                    groups: (groupsOf.get(m.id) ?? []).map((g) => ({ displayName: g.display_name })),
                    licenses: (licensesOf.get(m.id) ?? []).map((l) => ({ state: l.state, licenseType: { key: l.key } })),
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

  /** Both sides must answer the same data, and the page must really carry groups and licenses. */
  verify(ctx, { roster, baseline }) {
    deepStrictEqual(roster.json, baseline.json, 'Roster and the baseline answer different data');
    const members = roster.json.data.team.members;
    if (members.totalCount !== ctx.settings.members) throw new Error(`totalCount ${members.totalCount}, expected ${ctx.settings.members}`);
    if (members.edges.length !== FIRST) throw new Error(`${members.edges.length} edges, expected ${FIRST}`);
    const withGroups = members.edges.filter((e) => e.node.groups.length).length;
    const withLicenses = members.edges.filter((e) => e.node.licenses.length).length;
    if (!withGroups || !withLicenses) throw new Error('the page has no groups or no licenses: the seed is wrong');
    ctx.log(
      `members-page: responses identical (${roster.text.length} bytes, ${withGroups} members with groups, ${withLicenses} with licenses)`,
    );
  },
};
