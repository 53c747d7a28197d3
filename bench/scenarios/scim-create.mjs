// SCIM POST /Users into the 100,000-member team (issue 3: ≥ 33 % of a bare Fastify + pg handler
// doing a single-row INSERT). Every request creates a new person (unique userName).
//
// Roster: through the SCIM driver (scim/support.mjs: unique userName, injected into Roster's real
// route): token check, then person + membership + audit event in one statement (MemberService's
// provisioning of a new person). Baseline: a bare route inserting one "user" row with a unique
// login. Both sides answer 200 to the load (the driver maps Roster's 201).
//
// Needs the scim plugin: ROSTER_PLUGINS=example-captures,scim (once "scim" is in the registry).
import { drive, scimSetup, startDriver } from './scim/support.mjs';

let n = 0;
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;

export default {
  name: 'scim-create',
  description: 'SCIM POST /Users (a new person each time) vs a bare single-row INSERT, 100k-member team',

  setup(ctx) {
    return scimSetup(ctx);
  },

  async roster(ctx) {
    const driver = await startDriver(ctx, { headers: ctx.state.headers });
    const request = drive('create');
    return { url: `${driver}/drive`, method: 'POST', headers: request.headers, body: request.body };
  },

  async baseline(ctx) {
    const base = await ctx.baseline.start(async (app, pool) => {
      app.post('/insert', async () => {
        const login = `bare-${run}-${(n++).toString(36)}@bench.roster.test`;
        const { rows } = await pool.query('insert into "user" (id, login, email, created_at, updated_at) values (gen_random_uuid(), $1, $1, now(), now()) returning id, login', [login]);
        return rows[0];
      });
    });
    return { url: `${base}/insert`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
  },

  verify(ctx, { roster }) {
    if (!roster.json?.id || roster.json.active !== true) throw new Error(`the SCIM create did not answer a user: ${roster.text.slice(0, 300)}`);
  },

  async teardown(ctx) {
    // Leave the shared team as the next scenarios expect it (the created people keep their user rows).
    await ctx.db.pool.query("delete from membership where team_id = $1 and user_name like 'scim-%@bench.roster.test'", [ctx.team.teamId]);
  },
};
