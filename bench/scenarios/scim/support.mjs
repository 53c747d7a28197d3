// Shared by the SCIM scenarios (in a folder: the harness loads every .mjs file of bench/scenarios/ as a scenario).
//
// autocannon 8's `idReplacement` miscounts Content-Length with the hyperid it ships (ids are 24+
// characters, it reserves 27 per `[<id>]`), so unique userNames cannot come from it. The SCIM load
// is built in the load generator's process instead (`load-requests.mjs`, per-request
// `setupRequest`) and goes to Roster's routes over HTTP, like any IdP's.
import { SYSTEM_ACTOR } from '../../../packages/core/dist/index.js';
import { newUser } from './load-requests.mjs';

export const SCIM_PREFIX = '/scim/v2';

/** A SCIM token of the seeded team, and a check that the plugin is enabled. */
export async function scimSetup(ctx) {
  const { secret } = await ctx.roster.core.tokens.create(ctx.team.teamId, 'bench', 'scim', SYSTEM_ACTOR);
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' };
  const probe = await ctx.roster.instance.app.inject({ method: 'GET', url: `${SCIM_PREFIX}/bench/ServiceProviderConfig`, headers });
  if (probe.statusCode !== 200) {
    throw new Error(
      `the scim plugin is not enabled (GET /scim/v2/bench/ServiceProviderConfig → ${probe.statusCode}): include "scim" in ROSTER_PLUGINS`,
    );
  }
  return { headers, base: `${ctx.roster.url}${SCIM_PREFIX}/bench` };
}

/** Active members that hold no license (so deactivating them moves no seat and rounds stay comparable). */
export async function unlicensedMembers(ctx, limit) {
  const { rows } = await ctx.db.pool.query(
    `select m.id, m.user_name from membership m
     where m.team_id = $1 and m.status = 'active' and m.role = 'member'
       and not exists (select 1 from license_assignment la where la.membership_id = m.id)
     order by m.created_at limit $2`,
    [ctx.team.teamId, limit],
  );
  return rows;
}

const REQUESTS_MODULE = new URL('./load-requests.mjs', import.meta.url).href;

/**
 * The Roster side of a SCIM scenario: each connection cycles through `cycle` (ops of
 * load-requests.mjs). The harness's probe requests (a status check, then the serial samples) are
 * the cycle's first op; a create probe gets a fresh userName each time.
 */
/** Probe userNames, unique in this process: both sides of a scenario build their own target. */
let probes = 0;

export function scimTarget(ctx, cycle, { members = [], groups = [] } = {}) {
  const base = `${SCIM_PREFIX}/bench`;
  const { headers } = ctx.state;
  const probe = () =>
    cycle[0] === 'create'
      ? {
          url: `${ctx.roster.url}${base}/Users`,
          method: 'POST',
          headers,
          body: JSON.stringify(newUser(`probe-${process.pid}-${probes++}`)), // unique across both sides' targets
        }
      : {
          url: `${ctx.roster.url}${base}/Users?filter=${encodeURIComponent(`userName eq "${members[0].user_name}"`)}`,
          method: 'GET',
          headers,
        };
  return { ...probe(), probe, requestsModule: REQUESTS_MODULE, requestsOptions: { base, headers, members, groups, cycle } };
}
