import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { SYSTEM_ACTOR } from '@roster/core';
import { licenses } from './helpers.js';

let t: TestRoster;
beforeAll(async () => {
  // The webhook worker looks hourly here, so its look never lands inside a count (the whole pool is counted).
  t = await startTestRoster({ roster: { webhooks: { intervalMs: 60 * 60_000 } } });
});
afterAll(async () => {
  await t?.close();
});

const PAGE = `query($id: ID!, $n: Int!) { team(id: $id) { members(first: $n) { totalCount edges { node {
  id userName email status groups { id displayName } licenses { state licenseType { key } } } } } } }`;

/**
 * Counts the SQL statements the ORM's database driver runs while `fn` runs: at `pg`'s
 * `Client#query`, so the named prepared statements, which skip knex, are counted too.
 */
async function countStatements(fn: () => Promise<unknown>): Promise<number> {
  const proto = (
    t.roster.orm.em.getConnection().getKnex().client as { driver: { Client: { prototype: { query: (...a: unknown[]) => unknown } } } }
  ).driver.Client.prototype;
  const original = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    proto.query = original;
  }
  return n;
}

describe('members page', () => {
  it('takes the same small number of SQL statements for 10 or 100 members with groups and licenses (no N+1)', async () => {
    const team = await t.createTeam(undefined, { salesperson: 60 });
    const lic = await licenses(t, team.teamId, team.ownerToken);
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      ids.push(
        (
          await t.core.members.provision(
            team.teamId,
            { userName: `u${i}@${team.slug}.example.com`, email: `u${i}@${team.slug}.example.com` },
            SYSTEM_ACTOR,
          )
        ).id,
      );
    }
    await t.core.groups.setMembers(team.teamId, lic.salesperson!.groupId, { add: ids }, SYSTEM_ACTOR);
    const extra = await t.core.groups.create(team.teamId, { displayName: 'EMEA', memberIds: ids.slice(0, 50) }, SYSTEM_ACTOR);
    expect(extra.id).toBeTruthy();

    const run = async (n: number) => {
      let body: { data?: { team: { members: { edges: unknown[] } } }; errors?: unknown } = {};
      const statements = await countStatements(async () => {
        body = await t.gql(PAGE, { id: team.teamId, n }, { token: team.ownerToken });
      });
      expect(body.errors).toBeUndefined();
      expect(body.data!.team.members.edges).toHaveLength(n);
      return statements;
    };
    const small = await run(10);
    const large = await run(100);
    // #19: the viewer lookup, then one statement for the page, its count, groups and licenses
    // (the viewer's own team is not read again: only its id is asked for)
    expect(large).toBe(small);
    expect(large).toBe(2);
  });
});
