import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { checkRequest } from '../src/graphql-limits.js';

/**
 * Issue #13: GraphQL requests that cost the node far more than they cost the client. Each attack
 * goes over real HTTP while `/healthz` is asked at the same time: the attack must be refused
 * quickly with a stable code, and the node must keep answering meanwhile.
 */
let t: TestRoster;
let closed: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
  closed = await startTestRoster({ config: { introspection: false } });
  // Warm up (first request: JIT, sockets) so that the latencies below are those of the attacks.
  await fetch(`${t.url}/healthz`);
  await t.gql('{ __typename }');
});
afterAll(async () => {
  await t?.close();
  await closed?.close();
});

/** Generous for a loaded two-core machine; the attacks took 2 s to minutes before the limits. */
const FAST_MS = 750;

interface Answer {
  status: number;
  ms: number;
  text: string;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

async function post(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const r = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - started, text, body: JSON.parse(text) as Answer['body'] };
}

/** Fires `payload` and, a moment later, `/healthz`; answers both with their latencies. */
async function attack(payload: unknown, headers: Record<string, string> = {}): Promise<{ answer: Answer; healthMs: number }> {
  const attackDone = post(t.url, payload, headers);
  await new Promise((r) => setTimeout(r, 5));
  const started = performance.now();
  const health = await fetch(`${t.url}/healthz`);
  const healthMs = performance.now() - started;
  expect(health.status).toBe(200);
  return { answer: await attackDone, healthMs };
}

describe('#13 GraphQL cost limits run before validation', () => {
  it('#13.1: 40,000 repeated fields (440 KB) are refused by the token limit, fast, while /healthz answers', async () => {
    const query = `{ ${'__typename '.repeat(40_000)}}`;
    const { answer, healthMs } = await attack({ query });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(answer.body.errors?.[0]?.message).toMatch(/more than 5000 tokens/);
    expect(answer.ms).toBeLessThan(FAST_MS);
    expect(healthMs).toBeLessThan(FAST_MS);
  });

  it('#13.1: 4,900 repeated fields, under the token limit, are refused by the field limit before validation compares them', async () => {
    const query = `{ ${'__typename '.repeat(4_900)}}`;
    const { answer, healthMs } = await attack({ query });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(answer.body.errors?.[0]?.message).toMatch(/500 fields/);
    expect(answer.ms).toBeLessThan(FAST_MS);
    expect(healthMs).toBeLessThan(FAST_MS);
  });

  it('#13.1: aliases count as fields', async () => {
    const query = `{ ${Array.from({ length: 1_200 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const { answer } = await attack({ query });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(answer.ms).toBeLessThan(FAST_MS);
  });

  it('#13.2: a 1 KB chain of fragments doubling per line (2^22 fields) is refused fast, while /healthz answers', async () => {
    const lines = ['fragment F0 on Query { __typename }'];
    for (let i = 1; i <= 22; i++) lines.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
    const query = `{ ...F22 }\n${lines.join('\n')}`;
    expect(query.length).toBeLessThan(1200);
    const { answer, healthMs } = await attack({ query });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(answer.ms).toBeLessThan(FAST_MS);
    expect(healthMs).toBeLessThan(FAST_MS);
  });

  it('#13.2: fragments that spread each other are refused by validation, not looped over', async () => {
    const answer = await post(t.url, { query: '{ ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('#13.2: an unused fragment counts too (validation would compare its fields before refusing it)', async () => {
    const answer = await post(t.url, { query: `{ __typename } fragment Unused on Query { ${'__typename '.repeat(600)}}` });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('#13.1: depth is still limited, fragments expanded', async () => {
    const deep = (n: number): string => (n === 0 ? '__typename' : `me { ${deep(n - 1)} }`);
    const answer = await post(t.url, { query: `{ ...D } fragment D on Query { ${deep(12)} }` });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(answer.body.errors?.[0]?.message).toMatch(/deeper than the limit of 10/);
  });

  it('#13.1: an ordinary query with fragments passes', async () => {
    const team = await t.createTeam();
    const r = await t.gql<{ me: { login: string } }>(
      'query Q { ...Me } fragment Me on Query { me { login team { id name } } }',
      {},
      { token: team.ownerToken },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.me.login).toBe(`owner@${team.slug}.example.com`);
  });
});

describe('#13.11 list arguments are bounded', () => {
  it('#13.11: addGroupMembers with 25,000 ids in the variables is refused with the bound, not a 1.9 MB list', async () => {
    const team = await t.createTeam();
    const ids = Array.from({ length: 25_000 }, () => randomUUID());
    const { answer, healthMs } = await attack(
      {
        query: 'mutation($id: ID!, $ids: [ID!]!) { addGroupMembers(id: $id, memberIds: $ids) { id } }',
        variables: { id: randomUUID(), ids },
      },
      { authorization: `Bearer ${team.ownerToken}` },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('LIST_TOO_LONG');
    expect(answer.body.errors?.[0]?.message).toBe('A list argument has 25000 items; the limit is 1000.');
    expect(answer.text.length).toBeLessThan(1000);
    expect(answer.ms).toBeLessThan(FAST_MS);
    expect(healthMs).toBeLessThan(FAST_MS);
  });

  it('#13.11: a literal list over the bound in the document is refused too', async () => {
    const team = await t.createTeam();
    const ids = Array.from({ length: 1_001 }, (_, i) => `"${i}"`).join(' ');
    const answer = await post(
      t.url,
      { query: `mutation { addGroupMembers(id: "x", memberIds: [${ids}]) { id } }` },
      { authorization: `Bearer ${team.ownerToken}` },
    );
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('LIST_TOO_LONG');
  });

  it('#13.11: unknown ids within the bound: the error names ten of them and counts the rest', async () => {
    const team = await t.createTeam();
    const group = await t.gql<{ createGroup: { id: string } }>(
      'mutation($t: ID!) { createGroup(teamId: $t, displayName: "g") { id } }',
      { t: team.teamId },
      { token: team.ownerToken },
    );
    expect(group.errors).toBeUndefined();
    const ids = Array.from({ length: 1_000 }, () => randomUUID());
    const answer = await post(
      t.url,
      {
        query: 'mutation($id: ID!, $ids: [ID!]!) { addGroupMembers(id: $id, memberIds: $ids) { id } }',
        variables: { id: group.data!.createGroup.id, ids },
      },
      { authorization: `Bearer ${team.ownerToken}` },
    );
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(answer.body.errors?.[0]?.message).toMatch(/and 990 more$/);
    expect(answer.text.length).toBeLessThan(2000);
  });
});

describe('#13.8 no schema hints where the schema is not public', () => {
  it('#13.1: a document that passed is not parsed again, and remembering it never lets a refused one or its variables through', () => {
    const limits = { maxTokens: 200, maxDepth: 4, maxFields: 20, maxListLength: 3 };
    const passed = new Set<string>();
    const ok = 'query($ids: [ID!]) { a b }';
    const deep = '{ a { b { c { d { e { f } } } } } }';
    expect(checkRequest(ok, { ids: ['1'] }, limits, passed)).toBeNull();
    expect([...passed]).toEqual([ok]);
    // Variables are checked on every request, remembered document or not.
    expect(checkRequest(ok, { ids: ['1', '2', '3', '4'] }, limits, passed)?.extensions.code).toBe('LIST_TOO_LONG');
    for (let i = 0; i < 3; i++) expect(checkRequest(deep, undefined, limits, passed)?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(passed.has(deep)).toBe(false);
    // Bounded: the oldest goes first.
    for (let i = 0; i < 1000; i++) checkRequest(`{ f${i} }`, undefined, limits, passed);
    expect(passed.size).toBe(1000);
    expect(passed.has(ok)).toBe(false);
    expect(passed.has('{ f999 }')).toBe(true);
  });

  it('#13.8: with introspection off, validation errors suggest no field names', async () => {
    const answer = await post(closed.url, { query: '{ mee { login } }' });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    expect(answer.text).not.toMatch(/"me"/);
  });

  it('#13.8: with introspection on (development), the suggestions stay', async () => {
    const answer = await post(t.url, { query: '{ mee { login } }' });
    expect(answer.body.errors?.[0]?.message).toMatch(/Did you mean "me"/);
  });
});
