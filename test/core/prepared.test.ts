// Named prepared statements for the hot fixed statements (parsed and planned once per
// connection), and the switch that turns them off for poolers that move a client between
// server connections (PgBouncer in transaction mode before 1.21).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgresServer, startTestRoster, type TestRoster } from '@roster/server/testing';
import { SYSTEM_ACTOR, boundRows, setPreparedStatements, type Em } from '@roster/core';

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
});
afterAll(async () => {
  await t?.close();
});

const FIXED = 'select count(*)::int as n from membership where team_id = ?';

/** Runs FIXED prepared, then answers the prepared statements of that same connection. */
async function preparedOnOneConnection(teamId: string): Promise<Array<{ name: string; statement: string }>> {
  return (t.roster.orm.em.fork() as Em).transactional(async (em) => {
    const [{ n } = { n: 0 }] = await boundRows<{ n: number }>(em, FIXED, [teamId], { prepare: true });
    expect(n).toBe(1);
    return boundRows<{ name: string; statement: string }>(
      em,
      "select name, statement from pg_prepared_statements where name like 'roster\\_%'",
      [],
    );
  });
}

describe('prepared statements', () => {
  it('prepares a fixed statement once on the connection that runs it, under a name from its text', async () => {
    const team = await t.createTeam();
    const first = await preparedOnOneConnection(team.teamId);
    const mine = first.filter((s) => s.statement.includes('from membership where team_id = $1'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.name).toMatch(/^roster_[0-9a-f]{20}$/);
    // Same text, same name: running it again does not prepare a second one.
    const again = await preparedOnOneConnection(team.teamId);
    expect(again.filter((s) => s.statement.includes('from membership where team_id = $1'))).toHaveLength(1);
  });

  it('keeps the hot domain statements (provisioning, deactivation) correct when prepared and run repeatedly', async () => {
    const team = await t.createTeam();
    // More runs than PostgreSQL's five custom plans before it may switch to a generic plan.
    for (let i = 0; i < 8; i++) {
      const m = await t.core.members.provision(team.teamId, { userName: `p${i}@${team.slug}.example.com` }, SYSTEM_ACTOR);
      expect((await t.core.members.changeActive(team.teamId, m.id, false, SYSTEM_ACTOR)).changed).toBe(true);
      expect((await t.core.members.changeActive(team.teamId, m.id, true, SYSTEM_ACTOR)).changed).toBe(true);
    }
    const rows = await t.roster.orm.em
      .fork()
      .execute<Array<{ n: number }>>("select count(*)::int as n from membership where team_id = ? and status = 'active'", [team.teamId]);
    expect(rows[0]!.n).toBe(9); // the owner and the eight
  });

  it("#19: the IdPs' everyday writes are planned once per connection, not on every execution", async () => {
    // One connection, so that PostgreSQL's counters of that connection see every execution. A
    // statement whose generic plan looks dearer than its custom ones is planned again each time
    // (custom_plans grows with every run): boolean parameters gating steps, or an array of one id,
    // had made the deactivation and the group change do that (0.7 and 0.5 ms a run).
    const one = await startTestRoster({ config: { dbPoolMax: 1 } });
    try {
      const team = await one.createTeam();
      const group = await one.core.groups.create(team.teamId, { displayName: 'Planned once' }, SYSTEM_ACTOR);
      for (let i = 0; i < 8; i++) {
        const m = await one.core.members.provision(team.teamId, { userName: `g${i}@${team.slug}.example.com` }, SYSTEM_ACTOR);
        expect((await one.core.members.changeActive(team.teamId, m.id, false, SYSTEM_ACTOR)).changed).toBe(true);
        expect((await one.core.members.changeActive(team.teamId, m.id, true, SYSTEM_ACTOR)).changed).toBe(true);
        expect(await one.core.groups.changeMembers(null, team.teamId, group.id, { add: [m.id] }, SYSTEM_ACTOR)).toEqual([m.id]);
        expect(await one.core.groups.changeMembers(null, team.teamId, group.id, { remove: [m.id] }, SYSTEM_ACTOR)).toEqual([m.id]);
      }
      const plans = await one.core.read<{ statement: string; generic_plans: number; custom_plans: number }>(
        "select statement, generic_plans::int, custom_plans::int from pg_prepared_statements where name like 'roster\\_%'",
      );
      const of = (pattern: RegExp) => plans.filter((p) => pattern.test(p.statement));
      const hot = [
        ...of(/update membership set status = \$1/),
        ...of(/insert into group_member \(team_id, group_id, membership_id\)\s+select g\.team_id/),
        ...of(/delete from group_member gm using g/),
      ];
      // Deactivation, reactivation, add, remove: each prepared once and then run on its generic plan.
      expect(hot).toHaveLength(4);
      for (const p of hot)
        expect({ statement: p.statement.slice(0, 80), custom: p.custom_plans, generic: p.generic_plans > 0 }).toEqual({
          statement: p.statement.slice(0, 80),
          custom: 5,
          generic: true,
        });
    } finally {
      await one.close();
    }
  });

  it('runs everything unnamed when turned off (ROSTER_DB_PREPARED_STATEMENTS=false)', async () => {
    const em = t.roster.orm.em as Em;
    const team = await t.createTeam();
    setPreparedStatements(em, false);
    try {
      const seen = await (em.fork() as Em).transactional(async (tx) => {
        const sql = 'select count(*)::int as n from membership where team_id = ? and role = ?';
        await boundRows(tx, sql, [team.teamId, 'owner'], { prepare: true });
        return boundRows<{ name: string }>(tx, "select name from pg_prepared_statements where statement like '%and role = $2%'", []);
      });
      expect(seen).toEqual([]);
    } finally {
      setPreparedStatements(em, true);
    }
  });

  it.skipIf(!onPostgresServer())("#19: Roster's connections run without JIT compilation (ROSTER_DB_JIT off by default)", async () => {
    const rows = await t.core.read<{ jit: string }>("select current_setting('jit') as jit");
    expect(rows[0]!.jit).toBe('off');
  });
});
