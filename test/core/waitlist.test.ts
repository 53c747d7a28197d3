import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { ADD_MEMBER, ADD_TO_GROUP, DEACTIVATE, errorCode, licenses, memberLicenses, ok } from './helpers.js';

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
});
afterAll(async () => {
  await t?.close();
});

const SET_SEATS = 'mutation($t: ID!, $l: ID!, $n: Int!) { setLicenseSeats(teamId: $t, licenseTypeId: $l, seats: $n) { used pending } }';
const WAITLIST = `query($t: ID!, $first: Int, $after: String) { team(id: $t) { licenses { key
  waitlist(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { position requestedAt member { id userName } } } } } } }`;

interface Waitlist {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: { position: number; requestedAt: string; member: { id: string; userName: string } } }>;
}

async function waitlist(teamId: string, token: string, first = 50, after?: string | null): Promise<Waitlist> {
  const d = await ok<{ team: { licenses: Array<{ key: string; waitlist: Waitlist }> } }>(t, WAITLIST, { t: teamId, first, after }, token);
  return d.team.licenses.find((l) => l.key === 'salesperson')!.waitlist;
}

/** A team whose members ask for Salesperson in another order than they were created, with no seat. */
async function queue(n: number) {
  const team = await t.createTeam(undefined, { salesperson: 0 });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const email = `w${i}@${team.slug}.example.com`;
    ids.push((await ok<{ addMember: { id: string } }>(t, ADD_MEMBER, { teamId: team.teamId, email }, team.ownerToken)).addMember.id);
  }
  const lic = (await licenses(t, team.teamId, team.ownerToken)).salesperson!;
  // Requests one at a time, newest member first: the grant order is not the members' order.
  const requested = [...ids].reverse();
  for (const id of requested) await ok(t, ADD_TO_GROUP, { id: lic.groupId, ids: [id] }, team.ownerToken);
  return { ...team, lic, requested };
}

describe('#16 the waitlist in grant order', () => {
  it('#16 R14: the waitlist lists who waits in the order seats are granted: each seat bought goes to its first entry', async () => {
    const team = await queue(6);
    // An inactive member's request waits but is never served (R12): not on the list.
    await ok(t, DEACTIVATE, { id: team.requested[2] }, team.ownerToken);
    const expected = team.requested.filter((_, i) => i !== 2);
    const all = await waitlist(team.teamId, team.ownerToken);
    expect(all.totalCount).toBe(5);
    expect(all.edges.map((e) => e.node.member.id)).toEqual(expected);
    expect(all.edges.map((e) => e.node.position)).toEqual([1, 2, 3, 4, 5]);

    for (let seats = 1; seats <= 5; seats++) {
      const [next] = (await waitlist(team.teamId, team.ownerToken, 1)).edges;
      expect(await memberLicenses(t, next!.node.member.id, team.ownerToken)).toEqual({ salesperson: 'PENDING_SEAT' });
      await ok(t, SET_SEATS, { t: team.teamId, l: team.lic.id, n: seats }, team.ownerToken);
      expect(await memberLicenses(t, next!.node.member.id, team.ownerToken)).toEqual({ salesperson: 'GRANTED' });
      const left = await waitlist(team.teamId, team.ownerToken);
      expect(left.edges.map((e) => e.node.member.id)).toEqual(expected.slice(seats));
      expect(left.totalCount).toBe(5 - seats);
    }
    expect(await memberLicenses(t, team.requested[2]!, team.ownerToken)).toEqual({ salesperson: 'PENDING_SEAT' });
  });

  it('#16: the waitlist pages on keyset cursors, positions counted across pages', async () => {
    const team = await queue(5);
    const one = await waitlist(team.teamId, team.ownerToken, 2);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = await waitlist(team.teamId, team.ownerToken, 2, one.pageInfo.endCursor);
    const three = await waitlist(team.teamId, team.ownerToken, 2, two.pageInfo.endCursor);
    expect(three.pageInfo.hasNextPage).toBe(false);
    const pages = [one, two, three].flatMap((p) => p.edges.map((e) => [e.node.position, e.node.member.id]));
    expect(pages).toEqual(team.requested.map((id, i) => [i + 1, id]));
    const times = pages.map((_, i) => Date.parse([one, two, three].flatMap((p) => p.edges)[i]!.node.requestedAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(await errorCode(t, WAITLIST, { t: team.teamId, first: 2, after: 'bm90IGEgY3Vyc29y' }, team.ownerToken)).toBe('BAD_USER_INPUT');
    expect(await errorCode(t, WAITLIST, { t: team.teamId, first: 0 }, team.ownerToken)).toBe('BAD_USER_INPUT');
  });

  it('#16: team admins only — a plain member is refused FORBIDDEN, another team’s admin NOT_FOUND', async () => {
    const team = await queue(1);
    const other = await t.createTeam();
    const member = await t.addMember(team.teamId, `plain@${team.slug}.example.com`);
    expect(await errorCode(t, WAITLIST, { t: team.teamId }, member.token)).toBe('FORBIDDEN');
    expect(await errorCode(t, WAITLIST, { t: team.teamId }, other.ownerToken)).toBe('NOT_FOUND');
    expect((await waitlist(team.teamId, await t.platformAdminToken())).totalCount).toBe(1);
  });
});
