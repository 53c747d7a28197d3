/**
 * #16 the SCIM request log: every request that reached a team's endpoint (refusals included) is
 * kept with its outcome, written off the request path in one multi-row insert, readable by the
 * team's admins only, and pruned to the latest entries per team.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type TestRoster } from '@roster/server/testing';
import { ScimRequestLog, entryOf, type RequestLogEntry } from '../src/index.js';
import { client, countStatements, emptyTeam, gqlOk, startScimRoster, user, type ScimTeam } from './support.js';

let t: TestRoster;
let a: ScimTeam;
let b: ScimTeam;
let adminA: string;
let adminB: string;

/** What `team.scim.requests` answers of an entry (the team is the query's, `at` is checked apart). */
type Entry = Omit<RequestLogEntry, 'teamId' | 'at'>;

const REQUESTS = `query($id: ID!, $first: Int) { team(id: $id) { scim { requests(first: $first) {
  at tokenId method path status scimType detail resourceId resourceName durationMs } } } }`;
const requests = async (teamId: string, token: string, first = 50): Promise<Entry[]> =>
  (await gqlOk<{ team: { scim: { requests: Entry[] } } }>(t, REQUESTS, { id: teamId, first }, token)).team.scim.requests;
const rowsOf = async (teamId: string): Promise<number> =>
  Number((await t.core.read<{ n: number }>('select count(*)::int as n from scim_request_log where team_id = ?', [teamId]))[0]!.n);

beforeAll(async () => {
  // The timer runs here (200 ms), as in production.
  t = await startScimRoster({ requestLogFlushMs: 200 });
  a = await emptyTeam(t);
  b = await emptyTeam(t);
  adminA = (await t.addMember(a.teamId, `admin@${a.slug}.example`, 'admin')).token;
  adminB = (await t.addMember(b.teamId, `admin@${b.slug}.example`, 'admin')).token;
});
afterAll(async () => {
  await t?.close();
});

describe('#16 SCIM request log', () => {
  it('#16.1: a success, a 4xx with scimType and a 401 with a bad token are recorded with their outcome, newest first, written by the timer', async () => {
    const c = client(a);
    const created = await c.post<{ id: string }>('/Users', user('log-ok@example.com'));
    expect(created.status).toBe(201);
    const dup = await c.post('/Users', user('log-ok@example.com'));
    expect(dup.status).toBe(409);
    const bad = await client({ base: a.base, token: 'not-a-token' }).get('/Users?startIndex=1&filter=userName%20eq%20%22x%22');
    expect(bad.status).toBe(401);
    // No read yet: the periodic flush writes them.
    await eventually(async () => (await rowsOf(a.teamId)) === 3);

    const log = await requests(a.teamId, adminA);
    expect(log.map((e) => [e.method, e.path, e.status])).toEqual([
      ['GET', '/Users?filter=userName eq "x"', 401],
      ['POST', '/Users', 409],
      ['POST', '/Users', 201],
    ]);
    const [refused, conflict, ok] = log as [Entry, Entry, Entry];
    expect(ok).toMatchObject({
      tokenId: a.tokenId,
      scimType: null,
      detail: null,
      resourceId: created.json.id,
      resourceName: 'log-ok@example.com',
    });
    expect(ok.durationMs).toBeGreaterThanOrEqual(0);
    expect(conflict).toMatchObject({ tokenId: a.tokenId, scimType: 'uniqueness', resourceName: 'log-ok@example.com' });
    expect(conflict.detail).toBeTruthy();
    // Refused: no token of the team, nothing of the query but the filter.
    expect(refused).toMatchObject({ tokenId: null, resourceId: null });
    expect(refused.detail).toMatch(/token/i);
  });

  it('#16.1: a hostile team’s token never writes into another team’s log: refused under its own team', async () => {
    const before = await requests(a.teamId, adminA, 200);
    const hostile = await client({ base: a.base, token: b.token }).get('/Users');
    expect(hostile.status).toBe(401);
    const aAfter = await requests(a.teamId, adminA, 200);
    expect(aAfter).toEqual(before);
    const [mine] = await requests(b.teamId, adminB);
    expect(mine).toMatchObject({ tokenId: b.tokenId, method: 'GET', path: '/Users', status: 401 });
  });

  it('#16.2: only the team’s admins read it; another team’s admin and a member are refused, first is bounded', async () => {
    // Another team is not even visible to B's admin.
    const other = await t.gql(REQUESTS, { id: a.teamId }, { token: adminB });
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(other.data?.team ?? null).toBeNull();
    const member = (await t.addMember(a.teamId, `member@${a.slug}.example`, 'member')).token;
    const m = await t.gql(REQUESTS, { id: a.teamId }, { token: member });
    expect(m.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const big = await t.gql(REQUESTS, { id: a.teamId, first: 100_000 }, { token: adminA });
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('#16.1: a setup link with the scim scope reads the log', async () => {
    const link = await gqlOk<{ createSetupLink: { secret: string } }>(
      t,
      'mutation($t: ID!) { createSetupLink(teamId: $t, input: { scopes: [scim] }) { secret } }',
      { t: a.teamId },
      adminA,
    );
    const r = await t.gql<{ team: { scim: { requests: Entry[] } } }>(
      REQUESTS,
      { id: a.teamId },
      { headers: { 'roster-setup-link': link.createSetupLink.secret } },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.team.scim.requests.length).toBeGreaterThan(0);
  });

  it('#16.1 / #19: buffered entries of several teams are written in one statement; pruning keeps the latest per team', async () => {
    // A log of its own on the same database (the plugin's timer is not this one).
    const log = new ScimRequestLog({ read: t.core.read }, { flushMs: 60_000, keepPerTeam: 3, maxBuffered: 100, maxRefusedPerFlush: 2 });
    const entry = (teamId: string, i: number): RequestLogEntry =>
      entryOf(
        { method: 'GET', path: `/${teamId}/Users/u${i}`, query: { filter: undefined }, headers: {} },
        { status: 404, headers: {}, body: { scimType: undefined, detail: `missing ${i}` } },
        { teamId, tokenId: null },
        new Date(Date.UTC(2020, 0, 1, 0, 0, i)),
        1,
      );
    const c = await emptyTeam(t);
    const d = await emptyTeam(t);
    for (let i = 0; i < 5; i++) log.record(entry(c.teamId, i));
    log.record(entry(d.teamId, 0));
    expect(await countStatements(t, () => log.flush())).toBe(1);
    expect(await rowsOf(c.teamId)).toBe(5);
    expect(await countStatements(t, () => log.flush())).toBe(0);

    await log.prune();
    const kept = await t.core.read<{ resource_id: string }>('select resource_id from scim_request_log where team_id = ? order by at desc', [
      c.teamId,
    ]);
    expect(kept.map((r) => r.resource_id)).toEqual(['u4', 'u3', 'u2']);
    expect(await rowsOf(d.teamId)).toBe(1);

    // Refusals are capped per team per interval, so bad tokens cannot push the real entries out.
    for (let i = 0; i < 5; i++) log.record({ ...entry(c.teamId, 10 + i), status: 401 });
    await log.flush();
    expect(await rowsOf(c.teamId)).toBe(5);
  });
  it('#16.1: a NUL a client sent is stored as U+FFFD; a team deleted before the flush loses only its own entries; a flush never throws', async () => {
    const log = new ScimRequestLog({ read: t.core.read }, { flushMs: 60_000, keepPerTeam: 100, maxBuffered: 100, maxRefusedPerFlush: 20 });
    const entry = (teamId: string, path: string): RequestLogEntry =>
      entryOf(
        { method: 'GET', path: `/${teamId}${path}`, query: { filter: undefined }, headers: {} },
        { status: 400, headers: {}, body: { scimType: 'invalidValue', detail: 'bad \u0000 value' } },
        { teamId, tokenId: null },
        new Date(),
        1,
      );
    const kept = await emptyTeam(t);
    const gone = await emptyTeam(t);
    log.record(entry(kept.teamId, '/Users/a\u0000b'));
    log.record(entry(gone.teamId, '/Users/x'));
    await t.core.read('delete from team where id = ?', [gone.teamId]);
    expect(await log.flush()).toBe(1);
    expect(log.failed).toBe(0);
    const rows = await t.core.read<{ path: string; detail: string }>('select path, detail from scim_request_log where team_id = ?', [
      kept.teamId,
    ]);
    expect(rows).toEqual([{ path: '/Users/a\uFFFDb', detail: 'bad \uFFFD value' }]);
    // A database failure is counted, not thrown.
    const broken = new ScimRequestLog(
      { read: () => Promise.reject(new Error('connection lost')) },
      { flushMs: 60_000, keepPerTeam: 1, maxBuffered: 10, maxRefusedPerFlush: 1 },
    );
    broken.record(entry(kept.teamId, '/Users/y'));
    await expect(broken.flush()).resolves.toBe(0);
    expect(broken.failed).toBe(1);
  });
});
