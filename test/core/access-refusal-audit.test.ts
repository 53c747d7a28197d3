/**
 * R19: a GraphQL operation refused because the viewer reached beyond their rights leaves one
 * audit event in the viewer's own team: another team's id (answered NOT_FOUND, as for a team that
 * does not exist), an admin action by a member, a platform action by a team admin. The target
 * team is recorded for the audit trail only, never answered to the caller.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
});
afterAll(async () => {
  await t?.close();
});

interface Row {
  action: string;
  outcome: string;
  actor_label: string | null;
  reason: string | null;
  data: { code: string; operation: string | null; refusals: Array<{ path: string | null; code: string; teamId?: string }> };
}
const refusals = (teamId: string) =>
  t.core.read<Row>(
    "select action, outcome, actor_label, reason, data from audit_event where team_id = ? and action = 'graphql.access.refused' order by at, id",
    [teamId],
  );

describe('R19: GraphQL access refusals are audited in the caller’s team', () => {
  it('R19: an admin of team B reading team A’s members gets NOT_FOUND, and B’s audit log records the probe of A', async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    const r = await t.gql(
      'query Probe($id: ID!) { team(id: $id) { members(first: 5) { totalCount } } }',
      { id: a.teamId },
      { token: b.ownerToken },
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The caller learns nothing about A from the answer.
    expect(JSON.stringify(r.errors)).not.toContain(a.teamId);
    const rows = await refusals(b.teamId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'failure', reason: 'No such team.' });
    expect(rows[0]!.data).toMatchObject({
      code: 'NOT_FOUND',
      operation: 'Probe',
      refusals: [{ path: 'team', code: 'NOT_FOUND', teamId: a.teamId }],
    });
    // Nothing lands in the probed team's log.
    expect(await refusals(a.teamId)).toHaveLength(0);
  });

  it('R19: a member reading an admin field gets FORBIDDEN, audited once per operation with its refused paths', async () => {
    const a = await t.createTeam();
    const m = await t.addMember(a.teamId, `m-${randomUUID().slice(0, 6)}@example.com`, 'member');
    const r = await t.gql(
      'query Both($id: ID!) { one: team(id: $id) { auditEvents(first: 1) { pageInfo { hasNextPage } } } two: team(id: $id) { auditEvents(first: 1) { pageInfo { hasNextPage } } } }',
      { id: a.teamId },
      { token: m.token },
    );
    // graphql-js may stop at the first of two non-null siblings: every error it answers is FORBIDDEN.
    const codes = r.errors?.map((e) => e.extensions?.code) ?? [];
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['FORBIDDEN']));
    const rows = await refusals(a.teamId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor_label).toMatch(/^m-/);
    expect(rows[0]!.data.refusals).toHaveLength(codes.length);
    for (const x of rows[0]!.data.refusals) expect(['one.auditEvents', 'two.auditEvents']).toContain(x.path);
  });

  it('R19: a team admin asking for platform data is refused and audited; an allowed read and a business refusal are not', async () => {
    const a = await t.createTeam();
    const denied = await t.gql('{ teams { id } }', {}, { token: a.ownerToken });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await t.gql('query($id: ID!) { team(id: $id) { id } }', { id: a.teamId }, { token: a.ownerToken });
    expect(allowed.errors).toBeUndefined();
    const bad = await t.gql(
      'query($id: ID!) { team(id: $id) { members(first: 0) { totalCount } } }',
      { id: a.teamId },
      { token: a.ownerToken },
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const rows = await refusals(a.teamId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data.code).toBe('FORBIDDEN');
  });
});
