/**
 * #19: repeated queries run compiled (graphql-jit behind Apollo's gateway interface,
 * packages/server/src/graphql-executor.ts). What a client sees must not depend on the engine:
 * the same answer, the same error codes, paths and HTTP status, the same R19 audit. One Roster
 * with the production setting (a document compiles on its second use) sends every request twice
 * and compares; a second with compilation off is the graphql-js reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { MEMBER_FIELDS } from './helpers.js';

let t: TestRoster;
let reference: TestRoster;
beforeAll(async () => {
  [t, reference] = await Promise.all([
    startTestRoster({ config: { graphqlCompileAfter: 2 } }),
    startTestRoster({ config: { graphqlCompileAfter: 0 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([t?.close(), reference?.close()]);
});

async function post(roster: TestRoster, body: unknown, token?: string): Promise<{ status: number; body: string }> {
  const r = await fetch(`${roster.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.text() };
}

async function engines(roster: TestRoster): Promise<{ compiled: number; 'graphql-js': number }> {
  const text = await (await fetch(`${roster.url}/metrics`)).text();
  const count = (engine: string) =>
    Number(new RegExp(`roster_graphql_operations_total\\{engine="${engine}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { compiled: count('compiled'), 'graphql-js': count('graphql-js') };
}

/** The same request on both Rosters, twice on the compiling one: three answers, one text. */
async function sameEverywhere(body: (teamId: string) => unknown, as: 'owner' | 'outsider' | 'anonymous') {
  const setup = async (roster: TestRoster) => {
    const team = await roster.createTeam();
    const member = await roster.addMember(team.teamId, `ada@${team.slug}.example.com`);
    const other = await roster.createTeam();
    const token = as === 'owner' ? team.ownerToken : as === 'outsider' ? other.ownerToken : undefined;
    return { team, member, other, token };
  };
  const a = await setup(t);
  const b = await setup(reference);
  // Ids differ between the two databases: compare with each Roster's ids replaced by names.
  const norm = (s: string, ids: Record<string, string>) =>
    Object.entries(ids).reduce(
      (x, [name, id]) => x.split(id).join(name),
      s.replace(/"(createdAt|updatedAt|joinedAt)":"[^"]+"/g, '"$1":"…"'),
    );
  const idsOf = (x: typeof a) => ({ TEAM: x.team.teamId, MEMBER: x.member.membershipId, OWNER: x.team.ownerId, SLUG: x.team.slug });
  const before = await engines(t);
  const first = await post(t, body(a.team.teamId), a.token);
  const second = await post(t, body(a.team.teamId), a.token);
  const ref = await post(reference, body(b.team.teamId), b.token);
  const after = await engines(t);
  return {
    first: { status: first.status, body: norm(first.body, idsOf(a)) },
    second: { status: second.status, body: norm(second.body, idsOf(a)) },
    ref: { status: ref.status, body: norm(ref.body, idsOf(b)) },
    ran: { compiled: after.compiled - before.compiled, 'graphql-js': after['graphql-js'] - before['graphql-js'] },
    outsiderTeamId: a.other.teamId,
  };
}

describe('compiled queries (#19)', () => {
  it('#19: a query runs on graphql-js first, compiled from its second use, and answers the same as graphql-js', async () => {
    const r = await sameEverywhere(
      (teamId) => ({
        query: `query Page($id: ID!) { team(id: $id) { id members(first: 10) { totalCount edges { cursor node { ${MEMBER_FIELDS} } } pageInfo { hasNextPage endCursor } } } }`,
        variables: { id: teamId },
      }),
      'owner',
    );
    expect(r.ran).toEqual({ 'graphql-js': 1, compiled: 1 });
    expect(r.first.status).toBe(200);
    expect(JSON.parse(r.first.body).data.team.members.totalCount).toBe(2);
    expect(r.second).toEqual(r.first);
    expect(r.ref.body.replace(/"cursor":"[^"]+"|"endCursor":"[^"]+"/g, '')).toEqual(
      r.first.body.replace(/"cursor":"[^"]+"|"endCursor":"[^"]+"/g, ''),
    );
  });

  it('#19 R19: an access refusal from a compiled query has the same code, path and status, and is audited each time', async () => {
    const r = await sameEverywhere(
      (teamId) => ({ query: 'query Peek($id: ID!) { team(id: $id) { id name } me { login } }', variables: { id: teamId } }),
      'outsider',
    );
    expect(r.ran).toEqual({ 'graphql-js': 1, compiled: 1 });
    const body = JSON.parse(r.second.body) as { errors: Array<{ extensions: { code: string }; path: string[]; locations: unknown[] }> };
    expect(body.errors.map((e) => [e.extensions.code, e.path])).toEqual([['NOT_FOUND', ['team']]]);
    expect(body.errors[0]!.locations).toEqual([{ line: 1, column: 24 }]);
    expect(r.second).toEqual(r.first);
    expect(r.ref).toEqual(r.first);
    const audited = await t.core.read<{ n: number }>(
      "select count(*)::int as n from audit_event where team_id = ? and action = 'graphql.access.refused'",
      [r.outsiderTeamId],
    );
    expect(audited[0]!.n).toBe(2);
  });

  it('#19: variables that do not coerce get graphql-js’s BAD_USER_INPUT, compiled document or not', async () => {
    const query = 'query Page($id: ID!, $first: Int) { team(id: $id) { members(first: $first) { totalCount } } }';
    const team = await t.createTeam();
    for (let i = 0; i < 2; i++)
      expect((await post(t, { query, variables: { id: team.teamId, first: 5 } }, team.ownerToken)).status).toBe(200);
    const before = await engines(t);
    const bad = await post(t, { query, variables: { id: team.teamId, first: 'five' } }, team.ownerToken);
    const missing = await post(t, { query, variables: {} }, team.ownerToken);
    expect((await engines(t))['graphql-js'] - before['graphql-js']).toBe(2);
    for (const r of [bad, missing]) {
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect(JSON.parse(bad.body).errors[0].message).toMatch(/^Variable "\$first" got invalid value "five"/);
  });

  it('#19: anonymous requests are never compiled (a stranger varying documents cannot make a node compile)', async () => {
    const before = await engines(t);
    for (let i = 0; i < 3; i++) {
      const r = await post(t, { query: '{ me { login } signInMethods { id } }' });
      expect(r.status).toBe(200);
    }
    const after = await engines(t);
    expect(after['graphql-js'] - before['graphql-js']).toBe(3);
    expect(after.compiled - before.compiled).toBe(0);
  });

  it('#19: mutations always run on graphql-js', async () => {
    const team = await t.createTeam();
    const mutation = 'mutation($teamId: ID!, $email: String!) { addMember(teamId: $teamId, input: { email: $email }) { id } }';
    const before = await engines(t);
    for (const email of ['m1@compiled.example.com', 'm2@compiled.example.com', 'm3@compiled.example.com']) {
      const r = await post(t, { query: mutation, variables: { teamId: team.teamId, email } }, team.ownerToken);
      expect(JSON.parse(r.body).errors).toBeUndefined();
    }
    const after = await engines(t);
    expect(after['graphql-js'] - before['graphql-js']).toBe(3);
    expect(after.compiled - before.compiled).toBe(0);
  });
});
