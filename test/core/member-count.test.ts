import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { onPostgresServer, startTestRoster, type TestRoster } from '@roster/server/testing';
import { ADD_MEMBER, DEACTIVATE, REACTIVATE, ok } from './helpers.js';

// Issue #19, members page: an unfiltered or status-only totalCount reads the kept per-status
// count (member_count, migration core/0013-members-page). These tests hold it to the real count.

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
});
afterAll(async () => {
  await t?.close();
});

const COUNTS = `query($id: ID!) { team(id: $id) {
  all: members { totalCount }
  active: members(filter: { status: active }) { totalCount }
  inactive: members(filter: { status: inactive }) { totalCount } } }`;

type Counts = { team: { all: { totalCount: number }; active: { totalCount: number }; inactive: { totalCount: number } } };

async function counts(teamId: string, token: string) {
  const d = await ok<Counts>(t, COUNTS, { id: teamId }, token);
  return { all: d.team.all.totalCount, active: d.team.active.totalCount, inactive: d.team.inactive.totalCount };
}

async function realCounts(teamId: string) {
  const [r] = await t.core.read<{ all: number; active: number; inactive: number }>(
    `select count(*)::int as all, (count(*) filter (where status = 'active'))::int as active,
       (count(*) filter (where status = 'inactive'))::int as inactive from membership where team_id = ?`,
    [teamId],
  );
  return r;
}

describe('#19.1 kept member count', () => {
  it('#19.1: totalCount (all, active, inactive) stays exact through concurrent adds, deactivation and reactivation', async () => {
    const team = await t.createTeam();
    const added = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ok<{ addMember: { id: string } }>(t, ADD_MEMBER, { teamId: team.teamId, email: `count-${i}@example.com` }, team.ownerToken),
      ),
    );
    expect(await counts(team.teamId, team.ownerToken)).toEqual({ all: 13, active: 13, inactive: 0 });
    await Promise.all(added.slice(0, 5).map((a) => ok(t, DEACTIVATE, { id: a.addMember.id }, team.ownerToken)));
    expect(await counts(team.teamId, team.ownerToken)).toEqual({ all: 13, active: 8, inactive: 5 });
    await ok(t, REACTIVATE, { id: added[0]!.addMember.id }, team.ownerToken);
    expect(await counts(team.teamId, team.ownerToken)).toEqual({ all: 13, active: 9, inactive: 4 });
    expect(await counts(team.teamId, team.ownerToken)).toEqual(await realCounts(team.teamId));
  });

  it('#19.1: writes in bulk by SQL (insert, status update, delete) keep the count exact, and a rolled back write leaves it unchanged', async () => {
    const team = await t.createTeam();
    await t.core.read(
      `with u as (insert into "user" (id, login, email) select gen_random_uuid(), 'bulk-' || g || '-' || ?, 'bulk-' || g || '-' || ? || '@example.com'
         from generate_series(1, 50) g returning id, login)
       insert into membership (id, team_id, user_id, role, status, user_name)
         select gen_random_uuid(), ?, u.id, 'member', case when right(u.login, 1) < '5' then 'active' else 'inactive' end, u.login from u`,
      [team.teamId, team.teamId, team.teamId],
    );
    expect(await counts(team.teamId, team.ownerToken)).toEqual(await realCounts(team.teamId));
    await t.core.read(`update membership set status = 'inactive' where team_id = ? and role = 'member' and status = 'active'`, [
      team.teamId,
    ]);
    expect(await counts(team.teamId, team.ownerToken)).toEqual(await realCounts(team.teamId));
    await t.core.read(`delete from membership where team_id = ? and role = 'member' and user_name like 'bulk-1%'`, [team.teamId]);
    const after = await counts(team.teamId, team.ownerToken);
    expect(after).toEqual(await realCounts(team.teamId));
    expect(after.all).toBeLessThan(51);
    await expect(
      t.core.read(`with d as (delete from membership where team_id = ? and role = 'member') select 1 / 0`, [team.teamId]),
    ).rejects.toThrow();
    expect(await counts(team.teamId, team.ownerToken)).toEqual(after);
  });

  it('#19.1: deleting a team deletes its kept counts with it', async () => {
    const team = await t.createTeam();
    await ok(t, ADD_MEMBER, { teamId: team.teamId, email: 'gone@example.com' }, team.ownerToken);
    await t.core.read('delete from team where id = ?', [team.teamId]);
    expect(await t.core.read('select * from member_count where team_id = ?', [team.teamId])).toEqual([]);
  });

  it.skipIf(!onPostgresServer())(
    '#19 (core/0015): 24 transactions of one team adding, then deactivating, members, all open at once, wait for none of the others; the count stays exact',
    async () => {
      const team = await t.createTeam();
      // More open writers than core/0013's 16 backend slots: two of them would share a slot row and the later one wait for the earlier's commit.
      const clients = await Promise.all(
        Array.from({ length: 24 }, async () => {
          const c = new pg.Client({ connectionString: t.roster.config.databaseUrl! });
          await c.connect();
          return c;
        }),
      );
      try {
        const ids = await Promise.all(
          clients.map(async (c, i) => {
            await c.query("begin; set local lock_timeout = '2s'");
            const { rows } = await c.query<{ id: string }>(
              `with u as (insert into "user" (id, login, email) values (gen_random_uuid(), $2, $2) returning id)
               insert into membership (id, team_id, user_id, role, status, user_name) select gen_random_uuid(), $1, u.id, 'member', 'active', $2 from u returning id`,
              [team.teamId, `open-${i}-${team.teamId}@example.com`],
            );
            return rows[0]!.id;
          }),
        );
        // Each deactivates its member while all are still open: -1 active, +1 inactive, on slots no other open transaction writes.
        await Promise.all(
          clients.flatMap((c, i) => (i % 2 === 0 ? [c.query("update membership set status = 'inactive' where id = $1", [ids[i]])] : [])),
        );
        await Promise.all(clients.map((c) => c.query('commit')));
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
      expect(await counts(team.teamId, team.ownerToken)).toEqual({ all: 25, active: 13, inactive: 12 });
      expect(await counts(team.teamId, team.ownerToken)).toEqual(await realCounts(team.teamId));
    },
  );

  it('#19 (core/0015): a transaction writes a slot no other open transaction holds, and keeps it to its end', async () => {
    const team = await t.createTeam();
    const slots = await t.core.em().transactional(async (em) => {
      const take = async () => (await em.execute<Array<{ s: number }>>('select member_count_slot(?) as s', [team.teamId]))[0]!.s;
      return [await take(), await take()];
    });
    // Its second write finds its own slot again: the lock is re-entrant for the transaction holding it.
    expect(slots[0]).toBe(slots[1]);
    expect(slots[0]).toBeGreaterThanOrEqual(0);
  });
});
