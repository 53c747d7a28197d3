import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { ADD_MEMBER, ADD_TO_GROUP, DEACTIVATE, REACTIVATE, REMOVE_FROM_GROUP, licenses, memberLicenses, ok } from './helpers.js';

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
});
afterAll(async () => {
  await t?.close();
});

const SET_SEATS =
  'mutation($t: ID!, $l: ID!, $n: Int!) { setLicenseSeats(teamId: $t, licenseTypeId: $l, seats: $n) { used pending available } }';

async function teamWithMembers(n: number, seats: Record<string, number> = {}) {
  const team = await t.createTeam(undefined, seats);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      (
        await ok<{ addMember: { id: string } }>(
          t,
          ADD_MEMBER,
          { teamId: team.teamId, email: `p${i}@${team.slug}.example.com` },
          team.ownerToken,
        )
      ).addMember.id,
    );
  }
  return { ...team, ids, lic: await licenses(t, team.teamId, team.ownerToken) };
}

describe('licenses and seats', () => {
  it('R11: a new team has the Salesperson, Prep User and Manager license types, each with an app group', async () => {
    const team = await t.createTeam();
    const d = await ok<{
      team: {
        licenses: Array<{ name: string; entitlements: string[]; groupId: string }>;
        groups: Array<{ id: string; displayName: string; licenseType: { key: string } | null }>;
      };
    }>(
      t,
      'query($id: ID!) { team(id: $id) { licenses { name entitlements groupId } groups { id displayName licenseType { key } } } }',
      { id: team.teamId },
      team.ownerToken,
    );
    expect(d.team.licenses.map((l) => l.name).sort()).toEqual(['Manager', 'Prep User', 'Salesperson']);
    expect(d.team.licenses.find((l) => l.name === 'Manager')!.entitlements).toContain('admin-console:access');
    expect(d.team.groups.map((g) => [g.displayName, g.licenseType?.key]).sort()).toEqual([
      ['Manager', 'manager'],
      ['Prep User', 'prep-user'],
      ['Salesperson', 'salesperson'],
    ]);
  });

  it('R13: joining a linked group requests the license; leaving every such group releases it', async () => {
    const team = await teamWithMembers(1, { salesperson: 5 });
    const [m] = team.ids as [string];
    await ok(t, ADD_TO_GROUP, { id: team.lic.salesperson!.groupId, ids: [m] }, team.ownerToken);
    expect(await memberLicenses(t, m, team.ownerToken)).toEqual({ salesperson: 'GRANTED' });
    // A second, ordinary group linked to nothing does not change it.
    const g = await ok<{ createGroup: { id: string } }>(
      t,
      'mutation($t: ID!) { createGroup(teamId: $t, displayName: "EMEA") { id } }',
      { t: team.teamId },
      team.ownerToken,
    );
    await ok(t, ADD_TO_GROUP, { id: g.createGroup.id, ids: [m] }, team.ownerToken);
    await ok(t, REMOVE_FROM_GROUP, { id: team.lic.salesperson!.groupId, ids: [m] }, team.ownerToken);
    expect(await memberLicenses(t, m, team.ownerToken)).toEqual({});
    expect((await licenses(t, team.teamId, team.ownerToken)).salesperson!.used).toBe(0);
  });

  it('R12: only active members hold seats; deactivation releases, reactivation takes a free seat again', async () => {
    const team = await teamWithMembers(2, { salesperson: 1 });
    const [a, b] = team.ids as [string, string];
    await ok(t, ADD_TO_GROUP, { id: team.lic.salesperson!.groupId, ids: [a] }, team.ownerToken);
    expect((await licenses(t, team.teamId, team.ownerToken)).salesperson).toMatchObject({ used: 1, available: 0 });
    await ok(t, DEACTIVATE, { id: a }, team.ownerToken);
    expect((await licenses(t, team.teamId, team.ownerToken)).salesperson).toMatchObject({ used: 0, available: 1 });
    expect(await memberLicenses(t, a, team.ownerToken)).toEqual({ salesperson: 'PENDING_SEAT' });
    await ok(t, REACTIVATE, { id: a }, team.ownerToken);
    expect(await memberLicenses(t, a, team.ownerToken)).toEqual({ salesperson: 'GRANTED' });
    // While b is waiting, a's deactivation hands the seat to b, and a's reactivation queues behind.
    await ok(t, ADD_TO_GROUP, { id: team.lic.salesperson!.groupId, ids: [b] }, team.ownerToken);
    await ok(t, DEACTIVATE, { id: a }, team.ownerToken);
    expect(await memberLicenses(t, b, team.ownerToken)).toEqual({ salesperson: 'GRANTED' });
    await ok(t, REACTIVATE, { id: a }, team.ownerToken);
    expect(await memberLicenses(t, a, team.ownerToken)).toEqual({ salesperson: 'PENDING_SEAT' });
  });

  it('R14: extra members are listed as PENDING_SEAT and get seats oldest request first when seats free or are bought', async () => {
    const team = await teamWithMembers(4, { 'prep-user': 2 });
    const group = team.lic['prep-user']!.groupId;
    for (const id of team.ids) await ok(t, ADD_TO_GROUP, { id: group, ids: [id] }, team.ownerToken);
    const state = async () => Promise.all(team.ids.map(async (id) => (await memberLicenses(t, id, team.ownerToken))['prep-user']));
    expect(await state()).toEqual(['GRANTED', 'GRANTED', 'PENDING_SEAT', 'PENDING_SEAT']);
    const pending = await ok<{ team: { members: { totalCount: number } } }>(
      t,
      'query($id: ID!) { team(id: $id) { members(filter: { licenseState: PENDING_SEAT }) { totalCount } } }',
      { id: team.teamId },
      team.ownerToken,
    );
    expect(pending.team.members.totalCount).toBe(2);
    await ok(t, REMOVE_FROM_GROUP, { id: group, ids: [team.ids[0]] }, team.ownerToken);
    expect(await state()).toEqual([undefined, 'GRANTED', 'GRANTED', 'PENDING_SEAT']);
    const bought = await ok<{ setLicenseSeats: { used: number; pending: number } }>(
      t,
      SET_SEATS,
      { t: team.teamId, l: team.lic['prep-user']!.id, n: 3 },
      team.ownerToken,
    );
    expect(bought.setLicenseSeats).toEqual({ used: 3, pending: 0, available: 0 });
    expect(await state()).toEqual([undefined, 'GRANTED', 'GRANTED', 'GRANTED']);
  });

  it('R14: the grant is audited, so nothing changes silently', async () => {
    const team = await teamWithMembers(1, { manager: 0 });
    await ok(t, ADD_TO_GROUP, { id: team.lic.manager!.groupId, ids: [team.ids[0]] }, team.ownerToken);
    await ok(t, SET_SEATS, { t: team.teamId, l: team.lic.manager!.id, n: 1 }, team.ownerToken);
    const d = await ok<{ team: { auditEvents: { edges: Array<{ node: { action: string; targetId: string } }> } } }>(
      t,
      'query($id: ID!) { team(id: $id) { auditEvents(first: 10, action: "license.") { edges { node { action targetId } } } } }',
      { id: team.teamId },
      team.ownerToken,
    );
    expect(d.team.auditEvents.edges.map((e) => e.node)).toContainEqual({ action: 'license.granted', targetId: team.ids[0] });
  });

  it('R15: renaming a license group keeps its license link (by id, not name)', async () => {
    const team = await teamWithMembers(1, { salesperson: 1 });
    const gid = team.lic.salesperson!.groupId;
    await ok(t, 'mutation($id: ID!) { renameGroup(id: $id, displayName: "Okta - Sales") { id } }', { id: gid }, team.ownerToken);
    await ok(t, ADD_TO_GROUP, { id: gid, ids: [team.ids[0]] }, team.ownerToken);
    expect(await memberLicenses(t, team.ids[0]!, team.ownerToken)).toEqual({ salesperson: 'GRANTED' });
    expect((await licenses(t, team.teamId, team.ownerToken)).salesperson!.groupId).toBe(gid);
  });

  it('R14: concurrent joins never hand out more seats than bought', async () => {
    const team = await teamWithMembers(6, { salesperson: 3 });
    await Promise.all(
      team.ids.map((id) => t.gql(ADD_TO_GROUP, { id: team.lic.salesperson!.groupId, ids: [id] }, { token: team.ownerToken })),
    );
    expect((await licenses(t, team.teamId, team.ownerToken)).salesperson).toMatchObject({ purchased: 3, used: 3, pending: 3 });
  });
});
