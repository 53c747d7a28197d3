/** #16 platform admin "teams (create, find)": finding a team is the API's, not a filter over a loaded list. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { ok } from './helpers.js';

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
});
afterAll(async () => {
  await t?.close();
});

const TEAMS = 'query($search: String) { teams(search: $search) { slug name } }';

describe('teams(search) (#16 platform admin)', () => {
  it('#16: teams(search) finds by part of the name or slug, case-insensitive; LIKE wildcards match only themselves', async () => {
    const admin = await t.platformAdminToken();
    await t.createTeam('zq-acme-rockets');
    await t.createTeam('zq-globex');
    const find = async (search: string | null) =>
      (await ok<{ teams: Array<{ slug: string }> }>(t, TEAMS, { search }, admin)).teams.map((x) => x.slug);

    expect(await find('ACME-ROCK')).toEqual(['zq-acme-rockets']);
    expect(await find('zq-')).toEqual(['zq-acme-rockets', 'zq-globex']);
    expect(await find('zq_')).toEqual([]);
    expect(await find('%')).toEqual([]);
    expect(await find('TEAM ZQ-GLOBEX')).toEqual(['zq-globex']);
    expect(await find('nothing-like-it')).toEqual([]);
    expect((await find(null)).length).toBeGreaterThanOrEqual(2);
  });

  it('#16: teams(search) stays platform admins’ only', async () => {
    const a = await t.createTeam();
    const r = await t.gql(TEAMS, { search: a.slug }, { token: a.ownerToken });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
