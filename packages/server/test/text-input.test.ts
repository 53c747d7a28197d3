/**
 * #12.10 at the GraphQL and password sign-in edges, over real HTTP: a NUL or an unpaired UTF-16
 * surrogate in a variable or an inline literal (any argument, any input field) is
 * BAD_USER_INPUT with HTTP 400, and nothing is written; the password route answers 400
 * INVALID_TEXT, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';

let t: TestRoster;
let team: Awaited<ReturnType<TestRoster['createTeam']>>;
let memberId = '';

beforeAll(async () => {
  t = await startTestRoster();
  team = await t.createTeam();
  memberId = (await t.addMember(team.teamId, `m@${team.slug}.example.com`)).membershipId;
});
afterAll(async () => {
  await t?.close();
});

/** NUL, lone high and low surrogates, a high surrogate at the end of otherwise fine text. */
const BAD = ['\u0000', 'x\u0000', '\ud800', '\udfff', 'Ada\ud83d'];

/** The body is built with JSON.stringify, which writes a lone surrogate as the escape `\ud800`. */
async function gql(query: string, variables?: Record<string, unknown>, token = team.ownerToken) {
  const r = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: r.status,
    body: (await r.json()) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: { code?: string; details?: { path?: string } } }>;
    },
  };
}

/** A GraphQL string literal holding `s`, with the non-ASCII characters as `\uXXXX` escapes (a lone surrogate stays lone). */
const literal = (s: string) =>
  `"${[...s].map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) > 0x7e ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch)).join('')}"`;

const snapshot = async () => {
  const r = await gql(
    'query($t: ID!, $m: ID!) { team(id: $t) { members(first: 100) { totalCount } } member(id: $m) { givenName familyName displayName } }',
    { t: team.teamId, m: memberId },
  );
  expect(r.body.errors).toBeUndefined();
  return r.body.data;
};

function expectRefused(label: string, r: Awaited<ReturnType<typeof gql>>, path?: string): void {
  expect(r.status, `${label}: ${JSON.stringify(r.body)}`).toBe(400);
  expect(r.body.errors?.[0]?.extensions?.code, `${label}: ${JSON.stringify(r.body)}`).toBe('BAD_USER_INPUT');
  if (path !== undefined) expect(r.body.errors?.[0]?.extensions?.details?.path, label).toBe(path);
  expect(r.body.data ?? null, label).toBeNull();
}

describe('#12.10: GraphQL text inputs', () => {
  it('#12.10: addMember / updateMember with NUL or a lone surrogate in a variable → BAD_USER_INPUT, nothing written', async () => {
    const before = await snapshot();
    for (const bad of BAD) {
      const label = JSON.stringify(bad);
      expectRefused(
        `addMember email var ${label}`,
        await gql('mutation($t: ID!, $e: String!) { addMember(teamId: $t, input: { email: $e }) { id } }', {
          t: team.teamId,
          e: `n${bad}@${team.slug}.example.com`,
        }),
        'variables.e',
      );
      expectRefused(
        `addMember input var ${label}`,
        await gql('mutation($t: ID!, $i: AddMemberInput!) { addMember(teamId: $t, input: $i) { id } }', {
          t: team.teamId,
          i: { email: `n@${team.slug}.example.com`, givenName: bad },
        }),
        'variables.i.givenName',
      );
      expectRefused(
        `updateMember input var ${label}`,
        await gql('mutation($id: ID!, $i: UpdateMemberInput!) { updateMember(id: $id, input: $i) { id } }', {
          id: memberId,
          i: { displayName: 'ok', familyName: bad },
        }),
        'variables.i.familyName',
      );
      expectRefused(
        `id var ${label}`,
        await gql('mutation($id: ID!) { updateMember(id: $id, input: { givenName: "x" }) { id } }', { id: `${memberId}${bad}` }),
        'variables.id',
      );
      // An unused variable is input too: it is checked before the operation runs.
      expectRefused(`unused var ${label}`, await gql('query { me { login } }', { extra: [{ deep: bad }] }), 'variables.extra[0].deep');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('#12.10: the same in inline literals (argument, nested input field, list) → BAD_USER_INPUT, nothing written', async () => {
    const before = await snapshot();
    for (const bad of BAD) {
      const label = JSON.stringify(bad);
      const lit = literal(bad);
      expectRefused(
        `addMember literal ${label}`,
        await gql(`mutation($t: ID!) { addMember(teamId: $t, input: { email: "n@${team.slug}.example.com", givenName: ${lit} }) { id } }`, {
          t: team.teamId,
        }),
        bad.includes('\u0000') ? 'addMember.input.givenName' : 'query',
      );
      expectRefused(
        `updateMember literal ${label}`,
        await gql(`mutation($id: ID!) { updateMember(id: $id, input: { displayName: ${lit} }) { id } }`, { id: memberId }),
        bad.includes('\u0000') ? 'updateMember.input.displayName' : 'query',
      );
      expectRefused(`id literal ${label}`, await gql(`mutation { updateMember(id: ${lit}, input: { givenName: "x" }) { id } }`));
      expectRefused(
        `list literal ${label}`,
        await gql(`mutation { addGroupMembers(id: "00000000-0000-0000-0000-000000000000", memberIds: ["a", ${lit}]) { id } }`),
      );
      // The raw character in the query text (JSON carries it as an escape) rather than a GraphQL escape.
      expectRefused(
        `raw ${label}`,
        await gql(`mutation($id: ID!) { updateMember(id: $id, input: { displayName: "${bad}" }) { id } }`, { id: memberId }),
      );
    }
    expect(await snapshot()).toEqual(before);
  });

  it('#12.10: well-formed text (a surrogate pair, as raw text and as an escape pair) still passes', async () => {
    const r = await gql(
      `mutation($id: ID!, $g: String) { updateMember(id: $id, input: { givenName: $g, familyName: "\\ud83d\\ude00", displayName: "Zoë 😀" }) { givenName familyName displayName } }`,
      { id: memberId, g: 'Ada 😀' },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.data).toEqual({ updateMember: { givenName: 'Ada 😀', familyName: '😀', displayName: 'Zoë 😀' } });
  });
});

describe('#12.10: password sign-in', () => {
  it('#12.10: POST /auth/login with NUL or a lone surrogate in email or password → 400 INVALID_TEXT, never a 5xx', async () => {
    for (const bad of BAD) {
      for (const body of [
        { email: `m${bad}@${team.slug}.example.com`, password: 'test-password' },
        { email: `m@${team.slug}.example.com`, password: `pw${bad}` },
      ]) {
        const r = await fetch(`${t.url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const json = (await r.json()) as { error?: string; message?: string };
        expect(r.status, JSON.stringify(json)).toBe(400);
        expect(json.error).toBe('INVALID_TEXT');
        expect(json.message).toMatch(/"(email|password)"/);
      }
    }
    // R19: each refusal leaves a trace, with the reason and no part of the offending text.
    const trace = await t.core
      .em()
      .execute<Array<{ n: number }>>(
        `select count(*)::int as n from audit_event where action = 'signin.refused' and channel = 'password' and data->>'step' = 'input' and data->>'code' = 'INVALID_TEXT'`,
      );
    expect(trace[0]!.n).toBe(BAD.length * 2);
    const fine = await fetch(`${t.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `m@${team.slug}.example.com`, password: 'test-password' }),
    });
    expect(fine.status).toBe(200);
  });
});

describe('#12.10: identifiers too long for their index', () => {
  // Random letters do not compress: 9,000 of them overflow a btree entry (a 500 before the bound).
  const long = Array.from({ length: 9000 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');

  it('createGroup, renameGroup-style updates and addMember answer BAD_USER_INPUT naming the field, and write nothing', async () => {
    const before = await snapshot();
    const group = await gql('mutation($t: ID!, $n: String!) { createGroup(teamId: $t, displayName: $n) { id } }', {
      t: team.teamId,
      n: long,
    });
    expect(group.body.errors?.[0]?.extensions?.code, JSON.stringify(group.body).slice(0, 300)).toBe('BAD_USER_INPUT');
    expect(group.body.errors?.[0]?.message).toContain('displayName');
    const member = await gql('mutation($t: ID!, $i: AddMemberInput!) { addMember(teamId: $t, input: $i) { id } }', {
      t: team.teamId,
      i: { email: `${long}@${team.slug}.example.com` },
    });
    expect(member.body.errors?.[0]?.extensions?.code, JSON.stringify(member.body).slice(0, 300)).toBe('BAD_USER_INPUT');
    expect(await snapshot()).toEqual(before);
    const groups = await gql('query($t: ID!) { team(id: $t) { groups { displayName } } }', { t: team.teamId });
    expect(JSON.stringify(groups.body.data)).not.toContain(long.slice(0, 600));
  });
});
