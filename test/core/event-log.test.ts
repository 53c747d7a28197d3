import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Em } from '@roster/core';
import { onPostgresServer, startTestRoster, type TestRoster } from '@roster/server/testing';

/** The event log itself (core/0008-events): outbox writes, per-team order, cursors. */
let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
});
afterAll(async () => {
  await t?.close();
});

const publish = (em: Em, teamId: string | null, type: string, n: unknown = 0) =>
  t.core.events.publish(em, { teamId, type, data: { n }, actor: SYSTEM_ACTOR });

async function all(teamId: string | null, after?: string | null) {
  const out: Array<{ seq: number; n: unknown; type: string }> = [];
  let cursor = after ?? null;
  for (;;) {
    const page = await t.core.events.list({ teamId, after: cursor, first: 7 });
    // The team's own events (team.created, the owner's member.created) are not these tests' business.
    out.push(
      ...page.events
        .filter((e) => e.type.startsWith('test.') && (!teamId || e.teamId === teamId))
        .map((e) => ({ seq: e.seq, n: e.data.n, type: e.type })),
    );
    cursor = page.endCursor;
    if (!page.hasNextPage) return { events: out, cursor };
  }
}

describe('#18.1 event log', () => {
  it('#18.1: publish refuses to run outside the transaction of a change', async () => {
    const team = await t.createTeam();
    await expect(publish(t.core.em(), team.teamId, 'test.thing')).rejects.toThrow(/transaction/);
  });

  it('#18.4: an event published in a transaction that rolls back is never seen, and gives its seq back', async () => {
    const team = await t.createTeam();
    await t.core.em().transactional((em) => publish(em, team.teamId, 'test.kept', 1));
    await expect(
      t.core.em().transactional(async (em) => {
        await publish(em, team.teamId, 'test.rolled_back', 2);
        throw new Error('forced failure after the write');
      }),
    ).rejects.toThrow(/forced/);
    await t.core.em().transactional((em) => publish(em, team.teamId, 'test.kept', 3));
    const { events } = await all(team.teamId);
    expect(events.map((e) => [e.type, e.n])).toEqual([
      ['test.kept', 1],
      ['test.kept', 3],
    ]);
    // The rolled-back transaction gave its number back: the kept events are consecutive.
    expect(events[1]!.seq).toBe(events[0]!.seq + 1);
  });

  it('#18.1: a cursor resumes exactly after the last event read; types filter; foreign cursors are refused', async () => {
    const team = await t.createTeam();
    for (let i = 0; i < 10; i++) await t.core.em().transactional((em) => publish(em, team.teamId, i % 2 ? 'test.odd' : 'test.even', i));
    const TEST_TYPES = ['test.odd', 'test.even'];
    const first = await t.core.events.list({ teamId: team.teamId, types: TEST_TYPES, first: 4 });
    expect(first.events.map((e) => e.data.n)).toEqual([0, 1, 2, 3]);
    expect(first.hasNextPage).toBe(true);
    const rest = await all(team.teamId, first.endCursor);
    expect(rest.events.map((e) => e.n)).toEqual([4, 5, 6, 7, 8, 9]);
    // Nothing new: the cursor stays where it was.
    const again = await t.core.events.list({ teamId: team.teamId, after: rest.cursor });
    expect(again.events).toEqual([]);
    expect(again.endCursor).toBe(rest.cursor);
    const odd = await t.core.events.list({ teamId: team.teamId, types: ['test.odd'] });
    expect(odd.events.map((e) => e.data.n)).toEqual([1, 3, 5, 7, 9]);
    const other = await t.createTeam();
    await expect(t.core.events.list({ teamId: other.teamId, after: first.endCursor })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(t.core.events.list({ teamId: team.teamId, after: 'bm9uc2Vuc2U' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(t.core.events.list({ after: first.endCursor })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('#18.4: under concurrent writers a consumer catching up from its cursor sees every event once, in commit order per team', async () => {
    const teams = [await t.createTeam(), await t.createTeam()];
    const start = await all(null);
    const seen: Array<{ teamId: string | null; seq: number; n: unknown }> = [];
    let cursor = start.cursor;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const page = await t.core.events.list({ after: cursor, first: 50 });
        seen.push(...page.events.map((e) => ({ teamId: e.teamId, seq: e.seq, n: e.data.n })));
        cursor = page.endCursor;
      }
    })();
    const perWriter = 15;
    // On PGlite there is one connection, so the writers interleave by transaction, not inside one.
    const writers = Array.from({ length: onPostgresServer() ? 6 : 2 }, (_, w) =>
      (async () => {
        for (let i = 0; i < perWriter; i++) {
          const team = teams[(w + i) % 2]!;
          await t.core.em().transactional(async (em) => {
            await em.execute('select pg_sleep(0.001)');
            await publish(em, team.teamId, 'test.concurrent', `${w}.${i}`);
            await em.execute('select pg_sleep(0.002)');
          });
        }
      })(),
    );
    await Promise.all(writers);
    writing = false;
    await reader;
    const tail = await all(null, cursor);
    seen.push(...tail.events.map((e) => ({ teamId: null, seq: e.seq, n: e.n })));
    const mine = seen.filter((e) => typeof e.n === 'string');
    expect(mine).toHaveLength(writers.length * perWriter);
    expect(new Set(mine.map((e) => e.n)).size).toBe(mine.length);
    for (const team of teams) {
      const { events } = await all(team.teamId);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => events[0]!.seq + i));
    }
  });

  it.skipIf(!onPostgresServer())(
    '#18.4 (core/0012): a writer waits for no other writer of its team; a reader sees what committed, numbered in commit order',
    async () => {
      const team = await t.createTeam();
      const before = await all(team.teamId);
      let releaseA!: () => void;
      const held = new Promise<void>((resolve) => (releaseA = resolve));
      let aPublished!: () => void;
      const published = new Promise<void>((resolve) => (aPublished = resolve));
      // A publishes first (so its transaction id is the smaller) and stays open.
      const a = t.core.em().transactional(async (em) => {
        await publish(em, team.teamId, 'test.a', 'a');
        aPublished();
        await held;
      });
      await published;
      // B, same team, commits while A is open: with a counter row locked by A it would wait here.
      const b = t.core.em().transactional((em) => publish(em, team.teamId, 'test.b', 'b'));
      await expect(Promise.race([b.then(() => 'committed'), new Promise((r) => setTimeout(() => r('blocked'), 3000))])).resolves.toBe(
        'committed',
      );
      const mid = await all(team.teamId, before.cursor);
      expect(mid.events.map((e) => e.n)).toEqual(['b']);
      releaseA();
      await a;
      const after = await all(team.teamId, mid.cursor);
      // A committed after B had been read: it comes after B (commit order), and the cursor did not skip it.
      expect(after.events.map((e) => e.n)).toEqual(['a']);
      expect(after.events[0]!.seq).toBe(mid.events[0]!.seq + 1);
    },
  );

  it('#18.4 (core/0012): sequencer runs started at once on several connections number each event once, without gaps', async () => {
    const team = await t.createTeam();
    const before = await all(team.teamId);
    for (let i = 0; i < 20; i++) await t.core.em().transactional((em) => publish(em, team.teamId, 'test.numbered', i));
    await Promise.all(Array.from({ length: 6 }, (_, i) => t.core.events.sequence({ wait: i % 2 === 0 })));
    const [left] = await t.core.read<{ n: number }>('select count(*)::int as n from event where seq is null and team_id = ?', [
      team.teamId,
    ]);
    expect(left!.n).toBe(0);
    const { events } = await all(team.teamId, before.cursor);
    expect(events.map((e) => e.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => events[0]!.seq + i));
  });

  it('#18.1: retention prunes events older than the cut-off', async () => {
    const team = await t.createTeam();
    await t.core.em().transactional((em) => publish(em, team.teamId, 'test.old', 1));
    await t.core.read("update event set occurred_at = now() - interval '40 days' where team_id = ?", [team.teamId]);
    await t.core.em().transactional((em) => publish(em, team.teamId, 'test.new', 2));
    expect(await t.core.events.prune(new Date(Date.now() - 30 * 86_400_000))).toBeGreaterThanOrEqual(1);
    expect((await all(team.teamId)).events.map((e) => e.n)).toEqual([2]);
  });
});
