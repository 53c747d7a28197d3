// Shared by the SCIM scenarios (in a folder: the harness loads every .mjs file of bench/scenarios/ as a scenario).
//
// Load targets are plain data, and autocannon 8's `idReplacement` miscounts Content-Length with the
// hyperid it ships (ids are 24+ characters, it reserves 27 per `[<id>]`), so a create cannot carry a
// unique userName through the harness. The SCIM load therefore goes through a driver route on a bare
// Fastify app (as the saml-acs scenario does): it builds each SCIM request and injects it into
// Roster's real route (full Fastify pipeline, no socket), and answers 200 with Roster's body when
// Roster answered 2xx, so the harness's probe accepts creates and 204s alike.
import { SYSTEM_ACTOR } from '../../../packages/core/dist/index.js';

export const SCIM_PREFIX = '/scim/v2';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** A SCIM token of the seeded team, and a check that the plugin is enabled. */
export async function scimSetup(ctx) {
  const { secret } = await ctx.roster.core.tokens.create(ctx.team.teamId, 'bench', 'scim', SYSTEM_ACTOR);
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' };
  const probe = await ctx.roster.instance.app.inject({ method: 'GET', url: `${SCIM_PREFIX}/bench/ServiceProviderConfig`, headers });
  if (probe.statusCode !== 200) {
    throw new Error(`the scim plugin is not enabled (GET /scim/v2/bench/ServiceProviderConfig → ${probe.statusCode}): run with ROSTER_PLUGINS=example-captures,scim once "scim" is in packages/server/src/registry.ts`);
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

let counter = 0;
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const unique = () => `${run}-${(counter++).toString(36)}`;

/**
 * Starts the driver app; returns its base URL. `POST /drive` takes `{ op }` and turns it into a
 * SCIM request on the shared team, spreading the writes over many members and groups the way an
 * IdP's traffic is spread (50 connections cycling through one request list would otherwise all
 * toggle the same member at once):
 * - `lookup`: `GET /Users?filter=userName eq "…"` of the next member;
 * - `create`: `POST /Users` of a new person;
 * - `deactivate` / `reactivate`: Okta's pathless replace of `active` on the next member without a
 *   license, and later back on one whose deactivation has completed (a lookup when none has);
 * - `groupAdd` / `groupRemove`: add the next member to one of the run's groups, and later remove a
 *   completed addition (a lookup when none has).
 */
export function startDriver(ctx, { headers, members = [], groups = [] }) {
  const users = `${SCIM_PREFIX}/bench/Users`;
  let next = 0;
  const pick = () => members[next++ % members.length];
  const deactivated = [];
  const added = [];
  const patchBody = (...ops) => JSON.stringify(patch(...ops));
  const lookup = () => ({ method: 'GET', url: `${users}?filter=${encodeURIComponent(`userName eq "${pick().user_name}"`)}` });
  const build = {
    lookup,
    create: () => ({ method: 'POST', url: users, payload: JSON.stringify(newUser()).replaceAll('[<id>]', unique()) }),
    deactivate: () => {
      const m = pick();
      return { method: 'PATCH', url: `${users}/${m.id}`, payload: patchBody({ op: 'replace', value: { active: false } }), done: () => deactivated.push(m) };
    },
    reactivate: () => {
      const m = deactivated.shift();
      return m ? { method: 'PATCH', url: `${users}/${m.id}`, payload: patchBody({ op: 'replace', value: { active: true } }) } : lookup();
    },
    groupAdd: () => {
      const m = pick();
      const g = groups[next % groups.length];
      return { method: 'PATCH', url: `${SCIM_PREFIX}/bench/Groups/${g}`, payload: patchBody({ op: 'add', path: 'members', value: [{ value: m.id, display: m.user_name }] }), done: () => added.push([g, m]) };
    },
    groupRemove: () => {
      const pair = added.shift();
      return pair ? { method: 'PATCH', url: `${SCIM_PREFIX}/bench/Groups/${pair[0]}`, payload: patchBody({ op: 'remove', path: `members[value eq "${pair[1].id}"]` }) } : lookup();
    },
  };
  return ctx.baseline.start(async (app) => {
    app.post('/drive', async (request, reply) => {
      const make = build[request.body?.op];
      if (!make) return reply.code(400).send({ error: `unknown op ${request.body?.op}` });
      const { done, ...req } = make();
      const res = await ctx.roster.instance.app.inject({ ...req, headers });
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      if (ok) done?.();
      return reply.code(ok ? 200 : res.statusCode).header('content-type', 'application/json').send(res.body || '{}');
    });
  });
}

/** One driver request, as a target or an autocannon `requests` entry. */
export function drive(op) {
  return { method: 'POST', path: '/drive', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ op }) };
}

export function newUser() {
  return {
    schemas: [USER_SCHEMA],
    userName: 'scim-[<id>]@bench.roster.test',
    name: { givenName: 'Bench', familyName: 'Created' },
    emails: [{ value: 'scim-[<id>]@bench.roster.test', type: 'work', primary: true }],
    displayName: 'Bench Created',
    active: true,
  };
}

export const patch = (...ops) => ({ schemas: [PATCH_OP], Operations: ops });
