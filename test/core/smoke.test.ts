import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
});
afterAll(async () => {
  await t?.close();
});

describe('core over HTTP', () => {
  it('serves health and the signed-in viewer', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    const team = await t.createTeam();
    const r = await t.gql<{ me: { login: string; team: { id: string } } }>('{ me { login team { id } } }', {}, { token: team.ownerToken });
    expect(r.errors).toBeUndefined();
    expect(r.data?.me.team.id).toBe(team.teamId);
  });
});
