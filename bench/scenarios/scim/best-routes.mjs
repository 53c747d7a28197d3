// The best-SQL SCIM baseline's routes (issue #19): the same SCIM requests as Roster's routes (same
// paths, bodies and status codes) on a pg pool, one prepared statement per request, doing the
// same writes a SCIM request must do — the change, its audit row and its event, in one statement,
// autocommit. Served by `scim-best*` (the mix and its per-type breakdown) and by the initial sync
// (`scim`'s setup, which times the same sync against Roster and against these routes).
// - lookup: the member with its groups and licenses as JSON (the resource Roster answers);
// - create: person + membership + audit + event, with the verified-domain rule (R2) in the
//   statement; the kept member count is maintained by core/0013's triggers, as for Roster;
// - deactivate / reactivate: status, sessions revoked, audit, event with the member resource
//   (members without a license, as the load picks: no seat rebalance is due);
// - group add / remove: the group_member row, version bump, audit, event and (add) the
//   display the IdP sent;
// - group create with its members (the sync's groups): the group, its members, the version bump,
//   and the two audit rows and two events Roster writes (group.created, group.members_changed).
import { createHash } from 'node:crypto';
import { SCIM_PREFIX } from './support.mjs';

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
  // $1 team, $2 displayName, $3 member ids (uuid[]), $4 actor json
  groupCreate: `with g as (
       insert into "group" (id, team_id, display_name, version, created_at, updated_at)
       select gen_random_uuid(), $1, $2, case when cardinality($3::uuid[]) > 0 then 2 else 1 end, now(), now()
       -- Every member sent is a member of the team, or nothing is written (Roster refuses the request).
       where (select count(*) from membership m where m.team_id = $1 and m.id = any($3::uuid[]))
           = (select count(distinct x) from unnest($3::uuid[]) x)
       returning id, display_name, created_at
     ), t as (
       insert into group_member (team_id, group_id, membership_id)
       select $1, g.id, m.id from g, membership m where m.team_id = $1 and m.id = any($3::uuid[])
       returning membership_id
     ), a as (
       ${AUDIT} select gen_random_uuid(), $1, now(), 'scim', 'group.created', 'success', 'token', null, 'bench', 'group', g.id::text, null,
         jsonb_build_object('displayName', $2::text) from g
     ), am as (
       ${AUDIT} select gen_random_uuid(), $1, now(), 'scim', 'group.members_changed', 'success', 'token', null, 'bench', 'group', g.id::text, null,
         jsonb_build_object('changed', (select jsonb_agg(membership_id order by membership_id) from t)) from g where exists (select 1 from t)
     ), e as (
       ${EVENT} select gen_random_uuid(), $1, 'group.created', now(),
         jsonb_build_object('id', g.id, 'teamId', $1::uuid, 'displayName', $2::text, 'externalId', null, 'licenseTypeId', null), $4::jsonb, 'scim' from g
     ), em as (
       ${EVENT} select gen_random_uuid(), $1, 'group.members_changed', now(),
         jsonb_build_object('id', g.id, 'added', (select jsonb_agg(membership_id order by membership_id) from t), 'removed', '[]'::jsonb), $4::jsonb, 'scim'
         from g where exists (select 1 from t)
     )
     select g.id, g.display_name, g.created_at, (select count(*)::int from t) as members from g`,
};

const ACTOR = JSON.stringify({ type: 'token', id: null, label: 'bench' });
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
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

/** The bare SCIM routes of the best-SQL baseline, on `pool`, under `${SCIM_PREFIX}/bench` (the team is the token's). */
export function routes(app, pool) {
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
  app.post(`${base}/Groups`, async (request, reply) => {
    const b = request.body;
    const name = typeof b.displayName === 'string' ? b.displayName.trim() : '';
    if (!name) return reply.code(400).send({ status: '400', scimType: 'invalidValue' });
    const ids = (b.members ?? []).map((m) => m.value);
    const {
      rows: [g],
    } = await q('groupCreate', [request.teamId, name, ids, ACTOR]);
    if (!g) return reply.code(400).send({ status: '400', scimType: 'invalidValue' });
    return reply.code(201).send({
      schemas: [GROUP_SCHEMA],
      id: g.id,
      displayName: g.display_name,
      members: ids.map((value) => ({ value, $ref: `${base}/Users/${value}` })),
      meta: {
        resourceType: 'Group',
        created: g.created_at,
        lastModified: g.created_at,
        location: `${base}/Groups/${g.id}`,
        version: 'W/"2"',
      },
    });
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
