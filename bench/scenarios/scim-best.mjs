// The SCIM Okta-like mix again, against the best SQL written by hand (issue #19): the physical
// limit of these writes on this machine, next to `scim` (whose baseline is the bare userName
// lookup, the same SQL as Roster's most frequent request).
//
// Roster: the same load as `scim` (scim/load-requests.mjs, the Okta-like cycle, or
// BENCH_SCIM_CYCLE), over HTTP to /scim/v2/bench.
// Baseline: a bare Fastify app serving the same SCIM requests on a pg pool, one prepared
// statement per request doing the same writes (scim/best-routes.mjs: what each request writes).
// The token is checked as Roster does with its cache: SHA-256 of the secret, looked up once.
import { routes } from './scim/best-routes.mjs';
import { scimTarget } from './scim/support.mjs';
import scim, { cycle, mixSetup } from './scim.mjs';

/**
 * The scenario for one cycle of requests: the Okta-like mix (`scim-best`, or BENCH_SCIM_CYCLE), or
 * one request type (`scim-best-*`: the per-type CPU breakdown, in the same `npm run bench` run).
 */
export function bestScenario(name, ops, description) {
  return {
    name,
    description,

    setup(ctx) {
      return mixSetup(ctx, { sync: false, label: 'SCIM best' });
    },

    roster(ctx) {
      return scimTarget(ctx, ops(), ctx.state);
    },

    async baseline(ctx) {
      const url = await ctx.baseline.start(async (app, pool) => routes(app, pool));
      const target = scimTarget(ctx, ops(), ctx.state);
      const path = (u) => u.slice(ctx.roster.url.length);
      const probe = () => {
        const p = target.probe();
        return { ...p, url: `${url}${path(p.url)}` };
      };
      return { ...probe(), probe, requestsModule: target.requestsModule, requestsOptions: target.requestsOptions };
    },

    verify(ctx, { roster, baseline }) {
      // The probe is the cycle's first request: only a lookup answers a resource to compare (a write's 2xx is its check).
      if (ops()[0] !== 'lookup') return;
      const a = roster.json?.Resources?.[0];
      const b = baseline.json?.Resources?.[0];
      if (!a || !b || a.id !== b.id || a.userName !== b.userName || a.active !== b.active)
        throw new Error(`both sides must find the same member: ${roster.text.slice(0, 200)} / ${baseline.text.slice(0, 200)}`);
      if (JSON.stringify((a.groups ?? []).map((g) => g.value).sort()) !== JSON.stringify((b.groups ?? []).map((g) => g.value).sort()))
        throw new Error('both sides must answer the same groups');
    },

    teardown: scim.teardown,
  };
}

export default bestScenario(
  'scim-best',
  cycle,
  'SCIM Okta-like mix (as scim) against a hand-written best-SQL baseline doing the same writes: one prepared statement per request, autocommit',
);
