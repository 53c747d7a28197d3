// The shared fixture: one team with `members` members (the owner included), made through the
// domain services for the team, its owner and the owner's session, and with bulk SQL
// (generate_series) for everybody else, so 100,000 members take seconds.
//
// Shape of the data (deterministic, i = 1 … members-1; ids are md5-derived uuids):
// - every 20th member (i % 20 = 7) is inactive, every 1000th is an admin;
// - everyone is in one of 20 "Region nn" groups, every 7th also in "Beta testers";
// - app groups (linked to the default license types, R13): Salesperson i % 2 = 0,
//   Prep User i % 5 = 0, Manager i % 50 = 0; each such membership has its license assignment,
//   GRANTED oldest-first up to the seats bought (40,000 / 15,000 / 2,000) for active members,
//   PENDING_SEAT otherwise (R12, R14) — the same state the seat engine would have produced.
import { SYSTEM_ACTOR } from '../../packages/core/dist/index.js';

export const SEATS = { salesperson: 40_000, 'prep-user': 15_000, manager: 2_000 };

export async function seedTeam({ core, pool, members, slug = 'bench' }) {
  const started = performance.now();
  const actor = { ...SYSTEM_ACTOR, channel: 'cli' };
  const team = await core.teams.create({ slug, name: 'Bench Team' }, actor);
  const ownerEmail = `owner@${slug}.roster.test`;
  const owner = await core.members.provision(
    team.id,
    { userName: ownerEmail, email: ownerEmail, role: 'owner', givenName: 'Bench', familyName: 'Owner' },
    actor,
  );
  const { token } = await core.sessions.create(core.em(), {
    userId: owner.user.id,
    teamId: team.id,
    membershipId: owner.id,
    method: 'password',
  });

  const n = members - 1; // + the owner
  const client = await pool.connect();
  try {
    await client.query('begin');
    const q = (sql, params) => client.query(sql, params);
    await q(
      `insert into "user" (id, login, email, given_name, family_name, display_name, created_at, updated_at)
      select md5($2 || '-user-' || i)::uuid, 'member' || i || '@' || $2 || '.roster.test', 'member' || i || '@' || $2 || '.roster.test',
             'Given' || i, 'Family' || i, 'Given' || i || ' Family' || i, ts, ts
      from generate_series(1, $1::int) i, lateral (select timestamptz '2024-01-01' + i * interval '1 second' as ts) t`,
      [n, slug],
    );
    await q(
      `insert into membership (id, team_id, user_id, role, status, credit_limit, user_name, external_id, attributes, created_at, updated_at, deactivated_at)
      select md5($3 || '-member-' || i)::uuid, $1::uuid, md5($3 || '-user-' || i)::uuid,
             case when i % 1000 = 0 then 'admin' else 'member' end,
             case when i % 20 = 7 then 'inactive' else 'active' end,
             (i % 10) * 100, 'member' || i || '@' || $3 || '.roster.test', 'ext-' || i,
             jsonb_build_object('department', 'Dept ' || (i % 12), 'title', 'Rep'), ts, ts,
             case when i % 20 = 7 then ts + interval '1 day' end
      from generate_series(1, $2::int) i, lateral (select timestamptz '2024-01-01' + i * interval '1 second' as ts) t`,
      [team.id, n, slug],
    );
    await q(
      `insert into "group" (id, team_id, display_name, external_id, created_at, updated_at)
      select md5($2 || '-group-' || k)::uuid, $1::uuid, case when k = 0 then 'Beta testers' else 'Region ' || lpad(k::text, 2, '0') end, 'idp-' || k, now(), now()
      from generate_series(0, 20) k`,
      [team.id, slug],
    );
    await q(
      `insert into group_member (team_id, group_id, membership_id, created_at)
      select $1::uuid, md5($3 || '-group-' || (1 + i % 20))::uuid, md5($3 || '-member-' || i)::uuid, now() from generate_series(1, $2::int) i
      union all
      select $1::uuid, md5($3 || '-group-0')::uuid, md5($3 || '-member-' || i)::uuid, now() from generate_series(1, $2::int) i where i % 7 = 0`,
      [team.id, n, slug],
    );
    await q(
      `insert into group_member (team_id, group_id, membership_id, created_at)
      select $1::uuid, g.id, md5($3 || '-member-' || i)::uuid, now()
      from "group" g join license_type lt on lt.id = g.license_type_id, generate_series(1, $2::int) i
      where g.team_id = $1 and ((lt.key = 'salesperson' and i % 2 = 0) or (lt.key = 'prep-user' and i % 5 = 0) or (lt.key = 'manager' and i % 50 = 0))`,
      [team.id, n, slug],
    );
    for (const [key, seats] of Object.entries(SEATS))
      await q('update license_type set seats = $3 where team_id = $1 and key = $2', [team.id, key, seats]);
    await q(
      `insert into license_assignment (id, team_id, membership_id, license_type_id, state, requested_at, granted_at)
      select gen_random_uuid(), $1::uuid, x.membership_id, x.license_type_id,
             case when x.active and x.rnk <= x.seats then 'GRANTED' else 'PENDING_SEAT' end, x.requested_at,
             case when x.active and x.rnk <= x.seats then x.requested_at end
      from (
        select gm.membership_id, g.license_type_id, m.created_at as requested_at, lt.seats, m.status = 'active' as active,
               row_number() over (partition by g.license_type_id, m.status = 'active' order by m.created_at, m.id) as rnk
        from group_member gm join "group" g on g.id = gm.group_id join license_type lt on lt.id = g.license_type_id
        join membership m on m.id = gm.membership_id
        where gm.team_id = $1
      ) x`,
      [team.id],
    );
    await q('commit');
  } catch (e) {
    await client.query('rollback');
    throw e;
  } finally {
    client.release();
  }
  // As autovacuum would eventually: fresh statistics and visibility map (index-only scans).
  await pool.query('vacuum (analyze) "user", membership, "group", group_member, license_type, license_assignment, session, team');
  const {
    rows: [counts],
  } = await pool.query(
    `select
      (select count(*)::int from membership where team_id = $1) as members,
      (select count(*)::int from group_member where team_id = $1) as group_members,
      (select count(*)::int from license_assignment where team_id = $1) as assignments,
      (select count(*)::int from license_assignment where team_id = $1 and state = 'GRANTED') as granted`,
    [team.id],
  );
  return {
    teamId: team.id,
    ownerId: owner.id,
    ownerUserId: owner.user.id,
    ownerToken: token,
    counts,
    seconds: (performance.now() - started) / 1000,
  };
}
