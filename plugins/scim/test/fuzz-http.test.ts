/**
 * Fuzzing over HTTP (seeded, reproducible): random and mutated filters, bodies, paths, query
 * parameters and content types against a live Roster. No answer may be a 5xx, and every error
 * must be an RFC 7644 error body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster } from '@roster/server/testing';
import { CORE_GROUP, CORE_USER, ENTERPRISE, ERROR, PATCH_OP, client, emptyTeam, startScimRoster, user, type Json, type ScimClient, type ScimTeam } from './support.js';

/** mulberry32: a small seeded PRNG, so a failure names the seed that reproduces it. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, bool: () => next() < 0.5 };
}
type Rng = ReturnType<typeof rng>;

const SEED = Number(process.env.SCIM_FUZZ_SEED ?? 20260323);
const ROUNDS = Number(process.env.SCIM_FUZZ_ROUNDS ?? 120);

let t: TestRoster;
let team: ScimTeam;
let c: ScimClient;
let userId = '';
let groupId = '';

beforeAll(async () => {
  t = await startScimRoster({ maxBodyBytes: 32 * 1024, bulkMaxPayloadSize: 64 * 1024, bulkMaxOperations: 20 });
  team = await emptyTeam(t, { seats: { salesperson: 1 } });
  c = client(team);
  userId = (await c.post<{ id: string }>('/Users', user('fuzz@example.com'))).json.id;
  groupId = (await c.post<{ id: string }>('/Groups', { displayName: 'Fuzz', members: [{ value: userId }] })).json.id;
});
afterAll(async () => { await t?.close(); });

const ATTRS = ['userName', 'USERNAME', 'name.givenName', 'name.familyName', 'emails', 'emails.value', 'emails.type', 'emails.primary', 'title', 'active', 'externalId', 'id', 'meta.created',
  'meta.lastModified', 'groups', 'groups.display', 'displayName', 'members', 'members.value', `${ENTERPRISE}:department`, `${ENTERPRISE}:manager.value`, 'nope', 'x.y.z', 'urn:bad:attr', '', '$ref', 'name'];
const OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'EQ', 'xx', ''];
const VALUES = ['"a"', '"ann@example.com"', 'true', 'False', 'null', '42', '-1.5e3', '"2020-01-01T00:00:00Z"', '2015-10-10T14:38:21.8617979-07:00', '"\\"quoted\\""', '"unterminated', '"%_\\\\"',
  '"\u0000"', '"😀"', 'bare', '"00000000-0000-0000-0000-000000000000"', '""', '"' + 'x'.repeat(300) + '"', "'single'"];
const JOIN = ['and', 'or', 'AND', 'Or', 'not', '(', ')', '[', ']', '.', '"', ' '];

function randomFilter(r: Rng, depth = 0): string {
  const roll = r.int(10);
  if (depth < 4 && roll < 2) return `(${randomFilter(r, depth + 1)}) ${r.pick(['and', 'or'])} ${randomFilter(r, depth + 1)}`;
  if (depth < 4 && roll === 2) return `not (${randomFilter(r, depth + 1)})`;
  if (depth < 4 && roll === 3) return `${r.pick(['emails', 'members', 'groups', 'name', 'phoneNumbers'])}[${randomFilter(r, depth + 1)}]`;
  if (roll === 4) return Array.from({ length: 1 + r.int(6) }, () => r.pick([...ATTRS, ...OPS, ...VALUES, ...JOIN])).join(r.pick([' ', '', '  ']));
  const op = r.pick(OPS);
  return op.toLowerCase() === 'pr' ? `${r.pick(ATTRS)} pr` : `${r.pick(ATTRS)} ${op} ${r.pick(VALUES)}`;
}

const WEIRD: unknown[] = [null, true, false, 0, -1, 1e308, '', 'x', '😀', [], {}, [null], [{}], { value: null }, { $ref: 'x' }, 'x'.repeat(5000), [1, 'a', null], { a: { b: { c: [] } } }];

/** Mutates a JSON value: drops, adds, retypes keys; nests; swaps in odd values. */
function mutate(r: Rng, v: unknown, depth = 0): unknown {
  if (depth > 4 || r.int(6) === 0) return r.pick(WEIRD);
  if (Array.isArray(v)) {
    const out = v.map((x) => (r.int(3) === 0 ? mutate(r, x, depth + 1) : x));
    if (r.int(4) === 0) out.push(r.pick(WEIRD));
    return r.int(8) === 0 ? out[0] : out;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const roll = r.int(8);
      if (roll === 0) continue;
      const key = roll === 1 ? k.toUpperCase() : roll === 2 ? `${k}x` : k;
      out[key] = roll === 3 ? mutate(r, x, depth + 1) : roll === 4 ? r.pick(WEIRD) : x;
    }
    if (r.int(5) === 0) out[r.pick(['id', 'meta', 'schemas', 'groups', 'members', 'Operations', 'op', 'path', 'value', 'active', 'userName', '__proto__', 'constructor'])] = r.pick(WEIRD);
    return out;
  }
  return r.int(3) === 0 ? r.pick(WEIRD) : v;
}

const PATCHES: Json[] = [
  { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] },
  { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'x@example.com' }] },
  { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: '' }] }] },
  { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members[value eq "x"]' }, { op: 'add', path: 'members', value: 'string id' }] },
  { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: 'mgr' }, { op: 'remove', path: 'title' }] },
  { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id: 'x', displayName: 'Renamed' } }] },
];

async function expectScimAnswer(label: string, r: { status: number; text: string; json: unknown }): Promise<void> {
  expect(r.status, `${label} → ${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400) {
    expect((r.json as { schemas?: string[] } | undefined)?.schemas, `${label}: ${r.text.slice(0, 200)}`).toEqual([ERROR]);
  }
}

describe(`fuzz over HTTP (seed ${SEED})`, () => {
  it('random and mutated filters (GET and /.search) answer 200 or 400 invalidFilter', async () => {
    const r = rng(SEED);
    for (let i = 0; i < ROUNDS * 2; i++) {
      const filter = randomFilter(r);
      const resource = r.pick(['Users', 'Groups', 'users']);
      const res = r.bool()
        ? await c.get(`/${resource}?filter=${encodeURIComponent(filter)}`)
        : await c.post(`/${resource}/.search`, { filter, count: r.int(5) });
      await expectScimAnswer(`filter ${JSON.stringify(filter)}`, res);
      if (res.status === 400) expect((res.json as { scimType?: string }).scimType, filter).toMatch(/^(invalidFilter|invalidValue|invalidSyntax)$/);
    }
  });

  it('mutated User, Group, PATCH, Bulk and search bodies never cause a 5xx', async () => {
    const r = rng(SEED + 1);
    const bases: Array<[string, string, () => unknown]> = [
      ['POST', '/Users', () => user(`f${r.int(1e6)}@example.com`, { [ENTERPRISE]: { department: 'X', manager: { value: 'm' } }, phoneNumbers: [{ value: '1', type: 'work' }] })],
      ['PUT', `/Users/${userId}`, () => user('fuzz@example.com', { schemas: [CORE_USER] })],
      ['PATCH', `/Users/${userId}`, () => r.pick(PATCHES)],
      ['POST', '/Groups', () => ({ schemas: [CORE_GROUP], displayName: `G${r.int(1e6)}`, members: [{ value: userId, display: 'd' }] })],
      ['PUT', `/Groups/${groupId}`, () => ({ schemas: [CORE_GROUP], displayName: 'Fuzz', members: [{ value: userId }] })],
      ['PATCH', `/Groups/${groupId}`, () => r.pick(PATCHES)],
      ['POST', '/Bulk', () => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'POST', path: '/Users', bulkId: 'a', data: user(`b${r.int(1e6)}@example.com`) }, { method: 'PATCH', path: '/Users/bulkId:a', data: r.pick(PATCHES) }] })],
      ['POST', '/.search', () => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "f"', attributes: ['userName'], startIndex: 1, count: 3 })],
    ];
    for (let i = 0; i < ROUNDS * 3; i++) {
      const [method, path, make] = r.pick(bases);
      const body = mutate(r, make());
      const res = await c.call(method, path, body === undefined ? 'null' : JSON.stringify(body));
      await expectScimAnswer(`${method} ${path} ${JSON.stringify(body)?.slice(0, 300)}`, res);
    }
  });

  it('raw garbage bodies, content types, paths and query parameters never cause a 5xx', async () => {
    const r = rng(SEED + 2);
    const bodies = ['', '{', '}', '{"a":}', 'null', '[1,2', '\u0000\u0001', '{"userName":"x"}'.repeat(3), '\uFEFF{"userName":"bom@example.com"}', '{"userName":"' + 'y'.repeat(40_000) + '"}', '<xml/>', 'userName=x&active=true', '{"__proto__":{"polluted":1},"userName":"p@example.com"}'];
    const types = ['application/scim+json', 'application/json', 'application/json; charset=latin1', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '', 'application/scim+json;;;'];
    const paths = ['/Users', '/Groups', '/Users/', `/Users/${userId}`, `/Groups/${groupId}`, '/Bulk', '/.search', '/Users/.search', '/Schemas/%F0%9F%98%80', '/ResourceTypes/User/x', '/Users/%00', '/Me', '/', '/Users/..%2F..%2F', `/Groups/${groupId}/members`];
    const params = ['filter', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'startIndex', 'count', 'Filter', 'COUNT'];
    const values = ['', '-1', '0', '1', '99999999999999999999', 'NaN', 'userName', 'emails[type eq "work"]', 'emails[', 'urn:x', '"', ',,,', 'name.givenName,emails.value', 'descending', 'sideways'];
    for (let i = 0; i < ROUNDS * 3; i++) {
      const method = r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
      const query = Array.from({ length: r.int(4) }, () => `${r.pick(params)}=${encodeURIComponent(r.pick(values))}`).join('&');
      const path = `${r.pick(paths)}${query ? `?${query}` : ''}`;
      // Fetch refuses bodies on GET: send only where HTTP allows one.
      const body = method === 'GET' || method === 'OPTIONS' ? undefined : r.pick(bodies);
      const headers: Record<string, string> = {};
      const type = r.pick(types);
      if (type) headers['content-type'] = type;
      if (r.int(6) === 0) headers['if-match'] = r.pick(['*', 'W/"1"', '"x"', 'garbage', '']);
      if (r.int(8) === 0) headers['if-none-match'] = r.pick(['*', 'W/"2"', '']);
      const res = await c.call(method, path, body, headers);
      await expectScimAnswer(`${method} ${path} ${type} ${JSON.stringify(body)?.slice(0, 100)}`, res);
    }
    const polluted = ({} as Record<string, unknown>).polluted;
    expect(polluted).toBeUndefined();
  });
});
