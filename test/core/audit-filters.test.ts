/** #16.4: the audit log the console filters by action, actor, outcome and time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { ADD_MEMBER, ok } from './helpers.js';

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
});
afterAll(async () => {
  await t?.close();
});

interface Page {
  team: { auditEvents: { edges: Array<{ node: { action: string; outcome: string; actorLabel: string | null; at: string } }> } };
}
const QUERY = `query($id: ID!, $actor: String, $outcome: String, $since: DateTimeISO, $until: DateTimeISO) {
  team(id: $id) { auditEvents(first: 100, actor: $actor, outcome: $outcome, since: $since, until: $until) { edges { node { action outcome actorLabel at } } } }
}`;

describe('audit log filters (#16.4)', () => {
  it('#16.4: auditEvents filters by actor (id or part of the label), outcome and a time window', async () => {
    const a = await t.createTeam();
    await ok(t, ADD_MEMBER, { teamId: a.teamId, email: `grace@${a.slug}.example.com` }, a.ownerToken);
    const refused = await fetch(`${t.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `owner@${a.slug}.example.com`, password: 'wrong-password' }),
    });
    expect(refused.status).toBe(401);
    await refused.arrayBuffer();
    const page = async (vars: Record<string, unknown>) =>
      (await ok<Page>(t, QUERY, { id: a.teamId, ...vars }, a.ownerToken)).team.auditEvents.edges.map((e) => e.node);

    const all = await page({});
    expect(all.some((e) => e.outcome === 'success')).toBe(true);
    const failures = await page({ outcome: 'failure' });
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((e) => e.outcome === 'failure')).toBe(true);
    expect(failures.length).toBeLessThan(all.length);

    const label = all.find((e) => e.outcome === 'success' && e.actorLabel)!.actorLabel!;
    const byActor = await page({ actor: label.slice(1, 6).toUpperCase() });
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.actorLabel?.toLowerCase().includes(label.slice(1, 6).toLowerCase()))).toBe(true);
    expect(await page({ actor: 'nobody-like-this%' })).toEqual([]);

    const newest = all[0]!.at;
    expect(await page({ since: new Date(Date.parse(newest) + 1000).toISOString() })).toEqual([]);
    expect(await page({ until: all.at(-1)!.at })).toEqual([]);
    expect((await page({ since: all.at(-1)!.at, until: new Date(Date.parse(newest) + 1).toISOString() })).length).toBe(all.length);
  });
});
