// The cost of the event log (issue 18: ≤ 10 % fewer requests per second than without events).
//
// Roster: SCIM `POST /Users` as in scim-create (person + membership + audit event + the
// `member.created` event and its team counter, in one statement). Baseline: the same build and
// configuration in a second Roster on the same database with events off (`events: false`, what
// ROSTER_EVENTS=off sets; a bench-only switch that production refuses), so the only difference
// is the outbox. Both sides create new people in the same seeded team.
//
// Needs the scim plugin (on by default; with ROSTER_PLUGINS set, include "scim").
import { createRoster } from '../../packages/server/dist/index.js';
import { pluginsByName } from '../../packages/cli/dist/index.js';
import { scimSetup, scimTarget } from './scim/support.mjs';

export default {
  name: 'scim-outbox',
  description: 'SCIM POST /Users with the event log vs the same Roster with events off (same database, same run)',

  async setup(ctx) {
    const state = await scimSetup(ctx);
    const config = { ...ctx.roster.instance.config, port: 0, events: false };
    const off = await createRoster({ config, plugins: pluginsByName(config.plugins) });
    const offUrl = (await off.listen()).replace('[::1]', '127.0.0.1');
    ctx.log(`scim-outbox: second Roster with events off at ${offUrl}`);
    return { ...state, off, offUrl };
  },

  roster(ctx) {
    return scimTarget(ctx, ['create']);
  },

  baseline(ctx) {
    const target = scimTarget({ ...ctx, roster: { ...ctx.roster, url: ctx.state.offUrl } }, ['create']);
    // The probes' userNames must differ from the Roster side's (same team).
    const probe = () => {
      const p = target.probe();
      return { ...p, body: p.body.replaceAll('scim-probe-', 'scim-probe-off-') };
    };
    return { ...target, ...probe(), probe };
  },

  async verify(ctx, { roster, baseline }) {
    const events = async (id) =>
      (await ctx.db.pool.query("select count(*)::int as n from event where type = 'member.created' and data->>'id' = $1", [id])).rows[0].n;
    if (!roster.json?.id || !baseline.json?.id) throw new Error('a SCIM create did not answer a user');
    if ((await events(roster.json.id)) !== 1) throw new Error('the Roster side wrote no member.created event');
    if ((await events(baseline.json.id)) !== 0) throw new Error('the events-off side wrote an event');
  },

  async teardown(ctx) {
    await ctx.state.off.close();
    await ctx.db.pool.query("delete from membership where team_id = $1 and user_name like 'scim-%@bench.roster.test'", [ctx.team.teamId]);
  },
};
