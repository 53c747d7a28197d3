// The SCIM Okta-like mix again, against the best SQL written by hand (issue #19): the physical
// limit of these writes on this machine, next to `scim` (whose baseline is the bare userName
// lookup, the same SQL as Roster's most frequent request).
//
// Roster: the same load as `scim` (scim/load-requests.mjs, the Okta-like cycle, or
// BENCH_SCIM_CYCLE), over HTTP to /scim/v2/bench.
// Baseline: a bare Fastify app serving the same SCIM requests (same paths, bodies and status
// codes) on a pg pool, one prepared statement per request, doing the same writes a SCIM request
// must do — the change, its audit row and its event, in one statement, autocommit:
// - lookup: the member with its groups and licenses as JSON (the resource Roster answers);
// - create: person + membership + audit + event, with the verified-domain rule (R2) in the
//   statement; the kept member count is maintained by core/0013's triggers, as for Roster;
// - deactivate / reactivate: status, sessions revoked, audit, event with the member resource
//   (members without a license, as the load picks: no seat rebalance is due);
// - group add / remove: the group_member row, version bump, audit, event and (add) the
//   display the IdP sent.
// The token is checked as Roster does with its cache: SHA-256 of the secret, looked up once.
import { createHash } from 'node:crypto';
import { SCIM_PREFIX, scimTarget } from './scim/support.mjs';
import scim, { cycle, mixSetup } from './scim.mjs';

const AUDIT = `insert into audit_event (id, team_id, at, channel, action, outcome, actor_type, actor_id, actor_label, target_type, target_id, request_id, data)`;
const EVENT = `insert into event (id, team_id, type, occurred_at, data, actor, channel)`;
const MEMBER_JSON = `jsonb_build_object('id', m.id, 'teamId', m.team_id, 'userId', m.user_id, 'userName', m.user_name,
    'email', u.email, 'givenName', u.given_name, 'familyName', u.family_name, 'displayName', u.display_name,
    'externalId', m.external_id, 'role', m.role, 'status', m.status, 'creditLimit', m.credit_limit,
    'attributes', m.attributes, 'version', m.version)`;

export const SQL = {
  token: `select team_id from api_token where token_hash = $1 and revoked_at is null and scope = 'scim'`,
  lookup: `select m.id, m.user_name, m.status, m.external_id, m.version, m.created_at, m.updated_at, u.email, u.given_name, u.family_name, u.display_name,
       coalesce((select json_agg(json_build_object('value', g.id, 'display', g.display_name) order by g.created_at, g.id)
                   from group_member gm join "group" g on g.id = gm.group_id where gm.membership_id = m.id), '[]') as groups,
       coalesce((select json_agg(json_build_object('value', lt.key, 'display', lt.name, 'state', la.state) order by lt.key)
                   from license_assignment la join license_type lt on lt.id = la.license_type_id where la.membership_id = m.id), '[]') as licenses
     from membership m join "user" u on u.id = m.user_id
     where m.team_id = $1 and lower(m.user_name) = lower($2)`,
  // $1 team, $2 userName, $3 login, $4 email, $5 given, $6 family, $7 display, $8 actor json, $9 event data
  create: `with u as (
       insert into "user" (id, login, email, given_name, family_name, display_name, platform_admin, created_at, updated_at)
       select gen_random_uuid(), $3, $4, $5, $6, $7, false, now(), now()
       where not exists (select 1 from verified_domain vd where vd.domain = split_part($3, '@', 2) and vd.verified_at is not null and vd.team_id <> $1)
       on conflict (login) do nothing
       returning id
     ), m as (
       insert into membership (id, team_id, user_id, role, status, credit_limit, user_name, attributes, version, created_at, updated_at)
       select gen_random_uuid(), $1, u.id, 'member', 'active', 0, $2, '{}', 1, now(), now() from u
       returning id, created_at
     ), a as (
       ${AUDIT} select gen_random_uuid(), $1, now(), 'scim', 'member.provisioned', 'success', 'token', null, 'bench', 'member', m.id::text, null,
         jsonb_build_object('userName', $2::text, 'active', true) from m
     ), e as (
       ${EVENT} select gen_random_uuid(), $1, 'member.created', now(), $9::jsonb || jsonb_build_object('id', m.id), $8::jsonb, 'scim' from m
     )
     select id, created_at from m`,
  // $1 team, $2 member, $3 status, $4 active (bool), $5 action, $6 event type, $7 actor json
  active: `with m as (
       update membership set status = $3, deactivated_at = case when $4::boolean then null else now() end, updated_at = now(), version = version + 1
       where id = $2 and team_id = $1 and status <> $3 and role <> 'owner'
         and not exists (select 1 from license_assignment la where la.membership_id = $2)
       returning *
     ), s as (
       update session set revoked_at = now() where not $4::boolean and revoked_at is null and membership_id in (select id from m)
     ), a as (
       ${AUDIT} select gen_random_uuid(), $1, now(), 'scim', $5, 'success', 'token', null, 'bench', 'member', m.id::text, null, '{}' from m
     ), e as (
       ${EVENT} select gen_random_uuid(), $1, $6, now(), ${MEMBER_JSON}, $7::jsonb, 'scim' from m join "user" u on u.id = m.user_id
     )
     select version from m`,
  // $1 team, $2 group, $3 member, $4 display, $5 actor json
  groupAdd: `with t as (
       insert into group_member (team_id, group_id, membership_id)
       select $1, g.id, m.id from "group" g, membership m where g.id = $2 and g.team_id = $1 and m.id = $3 and m.team_id = $1
       on conflict do nothing returning membership_id
     ), b as (
       update "group" set version = version + 1, updated_at = now() where id = $2 and exists (select 1 from t)
     ), d as (
       insert into scim_group_member_display (team_id, group_id, membership_id, display) select $1, $2, membership_id, $4 from t
     ), a as (
       ${AUDIT} select gen_random_uuid(), $1, now(), 'scim', 'group.members_changed', 'success', 'token', null, 'bench', 'group', $2::text, null,
         jsonb_build_object('changed', jsonb_build_array(membership_id)) from t
     ), e as (
       ${EVENT} select gen_random_uuid(), $1, 'group.members_changed', now(),
         jsonb_build_object('id', $2::uuid, 'added', jsonb_build_array(membership_id), 'removed', '[]'::jsonb), $5::jsonb, 'scim' from t
     )
     select count(*)::int as n from t`,
  // $1 team, $2 group, $3 member, $4 actor json
  groupRemove: `with t as (
       delete from group_member gm using "group" g where gm.group_id = $2 and gm.membership_id = $3 and g.id = $2 and g.team_id = $1
       returning gm.membership_id
     ), b as (
       update "group" set version = version + 1, updated_at = now() where id = $2 and exists (select 1 from t)
     ), a as (
       ${AUDIT} select gen_random_uuid(), $1, now(), 'scim', 'group.members_changed', 'success', 'token', null, 'bench', 'group', $2::text, null,
         jsonb_build_object('changed', jsonb_build_array(membership_id)) from t
     ), e as (
       ${EVENT} select gen_random_uuid(), $1, 'group.members_changed', now(),
         jsonb_build_object('id', $2::uuid, 'added', '[]'::jsonb, 'removed', jsonb_build_array(membership_id)), $4::jsonb, 'scim' from t
     )
     select count(*)::int as n from t`,
};

const ACTOR = JSON.stringify({ type: 'token', id: null, label: 'bench' });
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const USER_NAME_EQ = /^userName eq "([^"]*)"$/;

function userJson(base, r) {
  return {
    schemas: [USER_SCHEMA],
    id: r.id,
    userName: r.user_name,
    name: { givenName: r.given_name, familyName: r.family_name },
    displayName: r.display_name,
    emails: r.email ? [{ value: r.email, primary: true }] : [],
    active: r.status === 'active',
    groups: r.groups ?? [],
    meta: {
      resourceType: 'User',
      created: r.created_at,
      lastModified: r.updated_at,
      location: `${base}/Users/${r.id}`,
      version: `W/"${r.version}"`,
    },
  };
}

/** The bare SCIM routes of the best-SQL baseline, on `pool`. */
function routes(app, pool) {
  const teams = new Map();
  const q = (name, values) => pool.query({ name: `bench_scim_best_${name}`, text: SQL[name], values });
  app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body === '' ? {} : JSON.parse(body));
    } catch (e) {
      done(e);
    }
  });
  app.addHook('preHandler', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const hash = createHash('sha256').update(header.slice(7)).digest('hex');
    let teamId = teams.get(hash);
    if (teamId === undefined) {
      teamId = (await q('token', [hash])).rows[0]?.team_id ?? null;
      teams.set(hash, teamId);
    }
    if (!teamId) return reply.code(401).send({ status: '401' });
    request.teamId = teamId;
  });
  const base = `${SCIM_PREFIX}/bench`;
  app.get(`${base}/Users`, async (request, reply) => {
    const m = USER_NAME_EQ.exec(request.query.filter ?? '');
    if (!m) return reply.code(400).send({ status: '400' });
    const { rows } = await q('lookup', [request.teamId, m[1]]);
    return {
      schemas: [LIST_SCHEMA],
      totalResults: rows.length,
      startIndex: 1,
      itemsPerPage: rows.length,
      Resources: rows.map((r) => userJson(base, r)),
    };
  });
  app.post(`${base}/Users`, async (request, reply) => {
    const b = request.body;
    const login = String(b.userName).trim().toLowerCase();
    const email = b.emails?.[0]?.value?.toLowerCase() ?? null;
    const data = JSON.stringify({
      teamId: request.teamId,
      userName: b.userName,
      email,
      givenName: b.name?.givenName ?? null,
      familyName: b.name?.familyName ?? null,
      displayName: b.displayName ?? null,
      externalId: null,
      role: 'member',
      status: 'active',
      creditLimit: 0,
      attributes: {},
      version: 1,
    });
    const { rows } = await q('create', [
      request.teamId,
      b.userName,
      login,
      email,
      b.name?.givenName ?? null,
      b.name?.familyName ?? null,
      b.displayName ?? null,
      ACTOR,
      data,
    ]);
    if (!rows[0]) return reply.code(409).send({ status: '409', scimType: 'uniqueness' });
    const r = { ...rows[0], user_name: b.userName, status: 'active', version: 1, email, updated_at: rows[0].created_at };
    return reply.code(201).send({
      ...userJson(base, { ...r, given_name: b.name?.givenName, family_name: b.name?.familyName, display_name: b.displayName }),
      groups: [],
    });
  });
  app.patch(`${base}/Users/:id`, async (request, reply) => {
    const active = request.body.Operations?.[0]?.value?.active;
    if (typeof active !== 'boolean') return reply.code(400).send({ status: '400' });
    const { rows } = await q('active', [
      request.teamId,
      request.params.id,
      active ? 'active' : 'inactive',
      active,
      active ? 'member.reactivated' : 'member.deactivated',
      active ? 'member.reactivated' : 'member.deactivated',
      ACTOR,
    ]);
    // A no-op (already in that state) is a success for SCIM, as in Roster.
    return reply
      .code(204)
      .header('etag', `W/"${rows[0]?.version ?? 0}"`)
      .send();
  });
  app.patch(`${base}/Groups/:id`, async (request, reply) => {
    const op = request.body.Operations?.[0];
    if (op?.op === 'add') {
      const v = op.value?.[0];
      await q('groupAdd', [request.teamId, request.params.id, v.value, v.display ?? null, ACTOR]);
    } else if (op?.op === 'remove') {
      const id = /members\[value eq "([^"]+)"\]/.exec(op.path ?? '')?.[1];
      if (!id) return reply.code(400).send({ status: '400' });
      await q('groupRemove', [request.teamId, request.params.id, id, ACTOR]);
    } else return reply.code(400).send({ status: '400' });
    return reply.code(204).send();
  });
}

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
