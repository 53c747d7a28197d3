// SCIM GET /Users/{id} on the 100,000-member team (issue 3: ≥ 50 % of a bare Fastify + pg handler
// serving the same indexed SELECT). Roster: bearer SCIM token check (one statement) + the user
// with its groups and license state (one statement), rendered as a SCIM User. Baseline: the same
// user SELECT on a pg pool, no authentication, the row as JSON.
//
// Needs the scim plugin (on by default; with ROSTER_PLUGINS set, include "scim").
import { scimSetup, unlicensedMembers } from './scim/support.mjs';

// The statement Roster runs for the resource (plugins/scim/src/store/users.ts), with $n placeholders.
const USER_SQL = `select m.id, m.user_name, m.status, m.external_id, m.attributes, m.version, m.created_at, m.updated_at,
  u.email, u.given_name, u.family_name, u.display_name,
  (select coalesce(json_agg(json_build_object('id', g.id, 'displayName', g.display_name) order by g.created_at, g.id), '[]'::json)
  from group_member gm join "group" g on g.id = gm.group_id where gm.membership_id = m.id) as groups,
  (select coalesce(json_agg(json_build_object('key', lt.key, 'name', lt.name, 'state', la.state, 'grantedAt', la.granted_at) order by lt.key), '[]'::json)
  from license_assignment la join license_type lt on lt.id = la.license_type_id where la.membership_id = m.id) as licenses
 from membership m join "user" u on u.id = m.user_id where m.id = $1 and m.team_id = $2`;

export default {
  name: 'scim-get',
  description: 'SCIM GET /Users/{id} (token check + one indexed SELECT with groups and licenses) vs the bare SELECT, 100k-member team',

  async setup(ctx) {
    const { headers, base } = await scimSetup(ctx);
    // A member with groups (every member is in a region group), so the sub-selects return rows.
    const [member] = await unlicensedMembers(ctx, 1);
    return { headers, base, member };
  },

  roster(ctx) {
    return { url: `${ctx.state.base}/Users/${ctx.state.member.id}`, headers: { authorization: ctx.state.headers.authorization } };
  },

  async baseline(ctx) {
    const base = await ctx.baseline.start(async (app, pool) => {
      app.get(
        '/Users/:id',
        async (request) =>
          (await pool.query({ name: 'bench_scim_user', text: USER_SQL, values: [request.params.id, ctx.team.teamId] })).rows[0],
      );
    });
    return { url: `${base}/Users/${ctx.state.member.id}` };
  },

  verify(ctx, { roster, baseline }) {
    if (roster.json?.id !== ctx.state.member.id || baseline.json?.id !== ctx.state.member.id)
      throw new Error('both sides must answer the member');
    if (!Array.isArray(roster.json.groups) || roster.json.groups.length === 0)
      throw new Error('the SCIM user has no groups: the seed is wrong');
    ctx.log(`scim-get: ${roster.text.length} bytes (SCIM User) vs ${baseline.text.length} bytes (row)`);
  },
};
