// The admin console's members page: the first 100 members of a 100,000-member team with their
// groups and licenses, as a team owner signed in with a bearer session token.
//
// Roster: the GraphQL query over HTTP (Fastify + Apollo + type-graphql + the core's read path).
// Baseline: a bare Fastify route on a pg pool that runs the same SQL Roster runs for this query —
// the session lookup, then the page's one statement, whose text it takes from the core's own
// builder (`membersPageStatement`, with what this query selects), both as named prepared
// statements as Roster sends them — and writes the same JSON. The probe checks that both answer
// byte-for-byte the same data.
import { deepStrictEqual } from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { membersPageStatement } from '../../packages/core/dist/index.js';

export const QUERY = `query MembersPage($teamId: ID!) {
  team(id: $teamId) {
    members(first: 100) {
      totalCount
      edges { node { id userName email status groups { displayName } licenses { state licenseType { key } } } }
    }
  }
}`;

const FIRST = 100;

/** One part of a group's or license's JSON value, as the core lays it out (the statement's parts; a bare value when one). */
const part = (value, parts, name) => (parts.length === 1 ? value : value[parts.indexOf(name)]);

/** What QUERY selects, as the members resolver reads it from the query (graphql/team-resolver.ts). */
export const WANTS = {
  fields: new Set(['id', 'userName', 'email', 'status', 'groups', 'licenses']),
  totalCount: true,
  pageInfo: false,
  cursors: false,
  groups: new Set(['displayName']),
  licenses: new Set(['state', 'licenseType']),
  licenseType: new Set(['key']),
};

/** `?` placeholders as PostgreSQL's `$n` (the core's texts hold no other question mark). */
function numbered(sql) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// The statements Roster issues for this query (services/sessions.ts, graphql/reads.ts), with $n placeholders.
export const SQL = {
  session: `select s.id, s.user_id, s.team_id, s.membership_id, u.login, u.platform_admin, m.role, m.status
       from session s join "user" u on u.id = s.user_id left join membership m on m.id = s.membership_id
       where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now()`,
  page(teamId) {
    const { sql, params, groupParts, licenseParts } = membersPageStatement(teamId, undefined, FIRST, null, WANTS);
    return { text: numbered(sql), values: params, groupParts, licenseParts };
  },
};

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
    const base = await ctx.baseline.start(async (app, pool) => {
      app.post('/members', async (request, reply) => {
        const header = request.headers.authorization ?? '';
        if (!header.startsWith('Bearer ')) return reply.code(401).send({ error: 'UNAUTHENTICATED' });
        const hash = createHash('sha256').update(header.slice(7).trim()).digest('hex');
        const {
          rows: [viewer],
        } = await pool.query({ name: 'same_members_session', text: SQL.session, values: [hash] });
        if (!viewer || (viewer.membership_id && viewer.status !== 'active')) return reply.code(401).send({ error: 'UNAUTHENTICATED' });
        const teamId = request.body?.teamId;
        // Like Roster, the viewer's own team is not read again: only its id is asked for.
        if (typeof teamId !== 'string' || (!viewer.platform_admin && viewer.team_id !== teamId))
          return reply.code(404).send({ error: 'NOT_FOUND' });
        const page = SQL.page(teamId);
        const { rows } = await pool.query({ name: 'same_members_page', text: page.text, values: page.values });
        const members = rows[0]?.id ? rows.slice(0, FIRST) : [];
        return {
          data: {
            team: {
              members: {
                totalCount: rows[0]?.total_count ?? 0,
                edges: members.map((m) => ({
                  node: {
                    id: m.id,
                    userName: m.user_name,
                    email: m.email,
                    status: m.status,
                    groups: (m.groups_json ?? []).map((g) => ({ displayName: part(g, page.groupParts, 'displayName') })),
                    licenses: (m.licenses_json ?? []).map((l) => ({
                      state: part(l, page.licenseParts, 'state'),
                      licenseType: { key: part(l, page.licenseParts, 'key') },
                    })),
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
