import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { capturesPlugin } from '../src/index.js';

/** The worked example of a product plugin, proved the way a plugin author would: through the shared test kit. */
let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster({ plugins: [capturesPlugin()] });
});
afterAll(async () => {
  await t?.close();
});

async function ok<T>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const r = await t.gql<T>(query, variables, { token });
  if (r.errors) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

const CREATE = 'mutation { createCapture(title: "Acme lead") { id } }';
const READ = 'query($id: ID!) { team(id: $id) { captures { title } } }';

describe('example-captures', () => {
  it('R9: admins still read the captures of an inactive member, and of a removed one', async () => {
    const a = await t.createTeam();
    const m = await t.addMember(a.teamId, `seller@${a.slug}.example.com`);
    await ok(CREATE, {}, m.token);
    await ok('mutation($id: ID!) { deactivateMember(id: $id) { id } }', { id: m.membershipId }, a.ownerToken);
    const read = async () =>
      (await ok<{ team: { captures: Array<{ title: string }> } }>(READ, { id: a.teamId }, a.ownerToken)).team.captures.map((c) => c.title);
    expect(await read()).toEqual(['Acme lead']);
    await ok('mutation($id: ID!) { removeMember(id: $id) }', { id: m.membershipId }, a.ownerToken);
    expect(await read()).toEqual(['Acme lead']);
    const csv = await fetch(`${t.url}/example-captures/teams/${a.teamId}/captures.csv`, {
      headers: { authorization: `Bearer ${a.ownerToken}` },
    });
    expect(await csv.text()).toContain('Acme lead');
    const denied = await fetch(`${t.url}/example-captures/teams/${a.teamId}/captures.csv`);
    expect(denied.status).toBe(401);
  });

  it('R1: createCapture needs a team member; Team.captures only the team’s own admins', async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    const member = await t.addMember(a.teamId, `member@${a.slug}.example.com`);
    const code = async (query: string, variables: Record<string, unknown>, token?: string) =>
      (await t.gql(query, variables, token ? { token } : undefined)).errors?.[0]?.extensions?.code;
    // Any member of any team records captures in their own team; anonymous callers and platform admins (no team) cannot.
    expect(await code(CREATE, {}, member.token)).toBeUndefined();
    expect(await code(CREATE, {}, b.ownerToken)).toBeUndefined();
    expect(await code(CREATE, {})).toBe('UNAUTHENTICATED');
    expect(await code(CREATE, {}, await t.platformAdminToken())).toBe('FORBIDDEN');
    expect(await code(READ, { id: a.teamId }, a.ownerToken)).toBeUndefined();
    for (const token of [member.token, b.ownerToken, undefined])
      expect(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']).toContain(await code(READ, { id: a.teamId }, token));
  });
});
