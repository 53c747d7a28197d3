/**
 * Okta and Entra send requests in parallel. Parallel creates of one userName: exactly one 201,
 * every other 409 uniqueness. Parallel membership PATCHes of one group: no member lost, no
 * seat over-granted. Asserted on the exact final state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster } from '@roster/server/testing';
import { client, emptyTeam, patchOp, startScimRoster, teamView, user, type ScimClient } from './support.js';

let t: TestRoster;
beforeAll(async () => {
  t = await startScimRoster();
});
afterAll(async () => {
  await t?.close();
});

async function createUsers(c: ScimClient, names: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of names) {
    const r = await c.post<{ id: string }>('/Users', user(n));
    expect(r.status).toBe(201);
    out.push(r.json.id);
  }
  return out;
}

async function members(c: ScimClient, groupId: string): Promise<string[]> {
  const r = await c.get<{ members?: Array<{ value: string }> }>(`/Groups/${groupId}`);
  expect(r.status).toBe(200);
  return (r.json.members ?? []).map((m) => m.value).sort();
}

/** The team's "Salesperson" group, linked to the license type `emptyTeam`'s seats created. */
async function salespersonGroup(c: ScimClient): Promise<string> {
  const groups = await c.get<{ Resources: Array<{ id: string }> }>(`/Groups?filter=${encodeURIComponent('displayName eq "Salesperson"')}`);
  return groups.json.Resources[0]!.id;
}

const addToGroup = (c: ScimClient, group: string, id: string) =>
  c.patch(`/Groups/${group}`, patchOp({ op: 'add', path: 'members', value: [{ value: id }] }));

describe('concurrency', () => {
  it('R2/R5: parallel creates of the same users — one 201 per userName, the others 409 uniqueness, one member each', async () => {
    const team = await emptyTeam(t);
    const c = client(team);
    const names = ['p1@race.example', 'p2@race.example', 'p3@race.example', 'p4@race.example'];
    const attempts = names.flatMap((n) => Array.from({ length: 6 }, (_, i) => ({ n, body: user(i % 2 ? n.toUpperCase() : n) })));
    const results = await Promise.all(
      attempts.map((a) => c.post<{ scimType?: string; id?: string }>('/Users', a.body).then((r) => ({ n: a.n, r }))),
    );
    for (const n of names) {
      const mine = results.filter((x) => x.n === n);
      expect(mine.filter((x) => x.r.status === 201)).toHaveLength(1);
      expect(mine.filter((x) => x.r.status === 409 && x.r.json.scimType === 'uniqueness')).toHaveLength(5);
    }
    const list = await c.get<{ totalResults: number; Resources: Array<{ userName: string }> }>('/Users?count=100');
    expect(list.json.totalResults).toBe(names.length);
    expect(list.json.Resources.map((u) => u.userName.toLowerCase()).sort()).toEqual(names);
  });

  it('R2: parallel creates of one person in two teams — exactly one team gets them', async () => {
    const a = client(await emptyTeam(t));
    const b = client(await emptyTeam(t));
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => (i % 2 ? a : b).post<{ detail?: string }>('/Users', user('both@race.example'))),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(3);
    const [ca, cb] = await Promise.all(
      [a, b].map((c) => c.get<{ totalResults: number }>(`/Users?filter=${encodeURIComponent('userName eq "both@race.example"')}`)),
    );
    expect(ca!.json.totalResults + cb!.json.totalResults).toBe(1);
  });

  it('R16: parallel PATCHes adding and removing members of one group lose no member', async () => {
    const team = await emptyTeam(t);
    const c = client(team);
    const ids = await createUsers(
      c,
      Array.from({ length: 24 }, (_, i) => `m${i}@group.example`),
    );
    const g = await c.post<{ id: string }>('/Groups', { displayName: 'Crowd', members: ids.slice(0, 8).map((value) => ({ value })) });
    expect(g.status).toBe(201);
    // 8 removals of the first members and 16 adds of the others, each its own request, all at once;
    // half of the adds in Okta's remove+add shape.
    const requests = [
      ...ids.slice(0, 8).map((id) => patchOp({ op: 'remove', path: `members[value eq "${id}"]` })),
      ...ids.slice(8, 16).map((id) => patchOp({ op: 'add', path: 'members', value: [{ value: id, display: id.slice(0, 8) }] })),
      ...ids
        .slice(16)
        .map((id) =>
          patchOp({ op: 'remove', path: `members[value eq "${ids[0]}"]` }, { op: 'Add', path: 'members', value: [{ value: id }] }),
        ),
    ];
    const results = await Promise.all(requests.map((body) => c.patch(`/Groups/${g.json.id}`, body)));
    expect(results.map((r) => r.status)).toEqual(requests.map(() => 204));
    expect(await members(c, g.json.id)).toEqual(ids.slice(8).sort());
    const v = await teamView(t, team.teamId, await t.platformAdminToken());
    expect(v.groups.Crowd).toMatchObject({ memberCount: 16 });
    expect(Object.values(v.members).filter((m) => m.groups.includes('Crowd'))).toHaveLength(16);
  });

  it('R13/R14: parallel adds to a license group grant exactly the purchased seats, the rest PENDING_SEAT', async () => {
    const team = await emptyTeam(t, { seats: { salesperson: 5 } });
    const c = client(team);
    const ids = await createUsers(
      c,
      Array.from({ length: 16 }, (_, i) => `s${i}@seats.example`),
    );
    const sales = await salespersonGroup(c);
    const results = await Promise.all(ids.map((id) => addToGroup(c, sales, id)));
    expect(results.every((r) => r.status === 204)).toBe(true);
    expect(await members(c, sales)).toEqual([...ids].sort());
    const states = await Promise.all(ids.map((id) => c.get<Record<string, { licenses: Array<{ state: string }> }>>(`/Users/${id}`)));
    const flat = states.map((s) => s.json['urn:roster:params:scim:schemas:extension:license:2.0:User']!.licenses[0]!.state);
    expect(flat.filter((s) => s === 'GRANTED')).toHaveLength(5);
    expect(flat.filter((s) => s === 'PENDING_SEAT')).toHaveLength(11);
    // Parallel deactivations and removals free seats without ever over-granting, and every one is answered.
    const freed = await Promise.all([
      ...ids.slice(0, 3).map((id) => c.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } }))),
      ...ids.slice(3, 6).map((id) => c.patch(`/Groups/${sales}`, patchOp({ op: 'remove', path: `members[value eq "${id}"]` }))),
    ]);
    expect(freed.map((r) => r.status)).toEqual(freed.map(() => 204));
    const after = await Promise.all(
      ids.map((id) => c.get<Record<string, { licenses?: Array<{ state: string }> } | undefined>>(`/Users/${id}`)),
    );
    const granted = after.filter(
      (s) => s.json['urn:roster:params:scim:schemas:extension:license:2.0:User']?.licenses?.[0]?.state === 'GRANTED',
    );
    expect(granted).toHaveLength(5);
  });

  it('#19 R12/R14: parallel deactivations and reactivations (licensed members in a transaction, the others in one statement) and creates keep the seats exact', async () => {
    const team = await emptyTeam(t, { seats: { salesperson: 5 } });
    const c = client(team);
    const licensed = await createUsers(
      c,
      Array.from({ length: 12 }, (_, i) => `l${i}@seat19.example`),
    );
    const plain = await createUsers(
      c,
      Array.from({ length: 8 }, (_, i) => `p${i}@seat19.example`),
    );
    const sales = await salespersonGroup(c);
    // One at a time: the first five requests are the oldest and hold the seats.
    for (const id of licensed) expect((await addToGroup(c, sales, id)).status).toBe(204);
    /** Every rule the seat engine keeps, from the rows themselves. */
    const check = async () => {
      const rows = await t.core.read<{ id: string; status: string; state: string }>(
        `select m.id, m.status, la.state from license_assignment la join membership m on m.id = la.membership_id
         where la.team_id = ? order by la.requested_at, la.id`,
        [team.teamId],
      );
      // R12: no inactive member holds a seat; R14: the seats go to the oldest active requests, the rest wait.
      const active = rows.filter((r) => r.status === 'active');
      expect(rows.filter((r) => r.status === 'inactive' && r.state === 'GRANTED')).toEqual([]);
      expect(active.map((r) => r.state)).toEqual(active.map((_, i) => (i < 5 ? 'GRANTED' : 'PENDING_SEAT')));
      return rows;
    };
    await check();
    const off = [...licensed.slice(0, 3), licensed[7]!, ...plain.slice(0, 4)];
    const deactivate = (id: string, active: boolean) => c.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active } }));
    const created = (i: number) => c.post('/Users', user(`new${i}@seat19.example`));
    const first = await Promise.all([...off.map((id) => deactivate(id, false)), ...[0, 1, 2, 3].map(created)]);
    expect(first.map((r) => r.status)).toEqual([...off.map(() => 204), 201, 201, 201, 201]);
    const rows = await check();
    expect(rows.filter((r) => r.state === 'GRANTED').map((r) => r.id)).toEqual(licensed.slice(3, 7).concat(licensed.slice(8, 9)));
    const again = await Promise.all([...off.map((id) => deactivate(id, true)), ...[4, 5].map(created)]);
    expect(again.map((r) => r.status)).toEqual([...off.map(() => 204), 201, 201]);
    // Reactivated members queue again (FIFO): the seats stay with the members who held them.
    expect((await check()).filter((r) => r.state === 'GRANTED').map((r) => r.id)).toEqual(
      licensed.slice(3, 7).concat(licensed.slice(8, 9)),
    );
    const [n] = await t.core.read<{ active: number; inactive: number }>(
      `select (count(*) filter (where status = 'active'))::int as active, (count(*) filter (where status = 'inactive'))::int as inactive
       from membership where team_id = ?`,
      [team.teamId],
    );
    const [kept] = await t.core.read<{ active: number; inactive: number }>(
      `select coalesce(sum(n) filter (where status = 'active'), 0)::int as active, coalesce(sum(n) filter (where status = 'inactive'), 0)::int as inactive
       from member_count where team_id = ?`,
      [team.teamId],
    );
    expect(kept).toEqual(n);
  });

  it('#19 R12–R14: deactivations, reactivations and removals from a license group at once never deadlock — every write answers 204, the seats stay exact', async () => {
    // A removal deletes a waiting request, a deactivation frees a seat and grants the oldest
    // waiting request: the same rows, from both sides. Each writer takes the license type's lock
    // before it changes a request (SeatEngine.lockTypes), so they queue instead of deadlocking.
    const team = await emptyTeam(t, { seats: { salesperson: 4 } });
    const c = client(team);
    const ids = await createUsers(
      c,
      Array.from({ length: 24 }, (_, i) => `d${i}@deadlock.example`),
    );
    const sales = await salespersonGroup(c);
    for (const id of ids) expect((await addToGroup(c, sales, id)).status).toBe(204);
    const active = (id: string, on: boolean) => c.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: on } }));
    const remove = (id: string) => c.patch(`/Groups/${sales}`, patchOp({ op: 'remove', path: `members[value eq "${id}"]` }));
    const add = (id: string) => addToGroup(c, sales, id);
    for (let round = 0; round < 4; round++) {
      // Four members go inactive while the next four leave the group (holders or first in line,
      // depending on the round); then all eight come back.
      const off = ids.slice(round * 4, round * 4 + 4);
      const out4 = ids.slice(round * 4 + 4, round * 4 + 8);
      const out = await Promise.all([...off.map((id) => active(id, false)), ...out4.map(remove)]);
      expect(
        out.map((r) => r.status),
        `round ${round}`,
      ).toEqual(out.map(() => 204));
      const back = await Promise.all([...off.map((id) => active(id, true)), ...out4.map(add)]);
      expect(
        back.map((r) => r.status),
        `round ${round}`,
      ).toEqual(back.map(() => 204));
    }
    const rows = await t.core.read<{ status: string; state: string }>(
      `select m.status, la.state from license_assignment la join membership m on m.id = la.membership_id
       where la.team_id = ? order by la.requested_at, la.id`,
      [team.teamId],
    );
    // R13: every member is in the group again and requests the license; R14: the oldest four hold the seats.
    expect(rows).toHaveLength(ids.length);
    expect(rows.map((r) => r.state)).toEqual(rows.map((_, i) => (i < 4 ? 'GRANTED' : 'PENDING_SEAT')));
  });

  it('R6: parallel PATCHes of one user each change a different attribute; every change is kept', async () => {
    const team = await emptyTeam(t);
    const c = client(team);
    const [id] = await createUsers(c, ['multi@patch.example']);
    const fields = ['title', 'nickName', 'userType', 'locale', 'timezone', 'preferredLanguage', 'profileUrl'];
    const results = await Promise.all(fields.map((f) => c.patch(`/Users/${id}`, patchOp({ op: 'add', path: f, value: `${f}-value` }))));
    expect(results.map((r) => r.status)).toEqual(fields.map(() => 204));
    const r = await c.get<Record<string, unknown>>(`/Users/${id}`);
    for (const f of fields) expect(r.json[f], f).toBe(`${f}-value`);
  });
});
