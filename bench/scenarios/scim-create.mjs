// SCIM POST /Users into the 100,000-member team (issue 3: ≥ 33 % of a bare Fastify + pg handler
// doing a single-row INSERT). Every request creates a new person (unique userName).
//
// Roster: `POST /scim/v2/bench/Users` over HTTP with a unique userName (built in the load process,
// scim/load-requests.mjs): token check, then person + membership + audit event in one statement
// (MemberService's provisioning of a new person); 201. Baseline: a bare route inserting one "user"
// row with a unique login; 200.
//
// Needs the scim plugin (on by default; with ROSTER_PLUGINS set, include "scim").
import { scimSetup, scimTarget } from './scim/support.mjs';

let n = 0;
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;

export default {
  name: 'scim-create',
  description: 'SCIM POST /Users (a new person each time) vs a bare single-row INSERT, 100k-member team',

  setup(ctx) {
    return scimSetup(ctx);
  },

  roster(ctx) {
    return scimTarget(ctx, ['create']);
  },

  async baseline(ctx) {
    const base = await ctx.baseline.start(async (app, pool) => {
      app.post('/insert', async () => {
        const login = `bare-${run}-${(n++).toString(36)}@bench.roster.test`;
        const { rows } = await pool.query(
          'insert into "user" (id, login, email, created_at, updated_at) values (gen_random_uuid(), $1, $1, now(), now()) returning id, login',
          [login],
        );
        return rows[0];
      });
    });
    return { url: `${base}/insert`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
  },

  verify(ctx, { roster }) {
    if (!roster.json?.id || roster.json.active !== true)
      throw new Error(`the SCIM create did not answer a user: ${roster.text.slice(0, 300)}`);
  },

  async teardown(ctx) {
    // Leave the shared team as the next scenarios expect it (the created people keep their user rows).
    await ctx.db.pool.query("delete from membership where team_id = $1 and user_name like 'scim-%@bench.roster.test'", [ctx.team.teamId]);
  },
};
