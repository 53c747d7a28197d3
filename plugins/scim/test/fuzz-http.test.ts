/**
 * Fuzzing over HTTP (seeded, reproducible): random and mutated filters, bodies, paths, query
 * parameters and content types against a live Roster. No answer may be a 5xx, and every error
 * must be an RFC 7644 error body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster } from '@roster/server/testing';
import {
  CORE_GROUP,
  CORE_USER,
  ENTERPRISE,
  ERROR,
  PATCH_OP,
  client,
  emptyTeam,
  startScimRoster,
  user,
  type Json,
  type ScimClient,
  type ScimTeam,
} from './support.js';

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
afterAll(async () => {
  await t?.close();
});

const ATTRS = [
  'userName',
  'USERNAME',
  'name.givenName',
  'name.familyName',
  'emails',
  'emails.value',
  'emails.type',
  'emails.primary',
  'title',
  'active',
  'externalId',
  'id',
  'meta.created',
  'meta.lastModified',
  'groups',
  'groups.display',
  'displayName',
  'members',
  'members.value',
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:manager.value`,
  'nope',
  'x.y.z',
  'urn:bad:attr',
  '',
  '$ref',
  'name',
];
const OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'EQ', 'xx', ''];
const VALUES = [
  '"a"',
  '"ann@example.com"',
  'true',
  'False',
  'null',
  '42',
  '-1.5e3',
  '"2020-01-01T00:00:00Z"',
  '2015-10-10T14:38:21.8617979-07:00',
  '"\\"quoted\\""',
  '"unterminated',
  '"%_\\\\"',
  '"\u0000"',
  '"😀"',
  'bare',
  '"00000000-0000-0000-0000-000000000000"',
  '""',
  '"' + 'x'.repeat(300) + '"',
  "'single'",
];
const JOIN = ['and', 'or', 'AND', 'Or', 'not', '(', ')', '[', ']', '.', '"', ' '];

function randomFilter(r: Rng, depth = 0): string {
  const roll = r.int(10);
  if (depth < 4 && roll < 2) return `(${randomFilter(r, depth + 1)}) ${r.pick(['and', 'or'])} ${randomFilter(r, depth + 1)}`;
  if (depth < 4 && roll === 2) return `not (${randomFilter(r, depth + 1)})`;
  if (depth < 4 && roll === 3) return `${r.pick(['emails', 'members', 'groups', 'name', 'phoneNumbers'])}[${randomFilter(r, depth + 1)}]`;
  if (roll === 4)
    return Array.from({ length: 1 + r.int(6) }, () => r.pick([...ATTRS, ...OPS, ...VALUES, ...JOIN])).join(r.pick([' ', '', '  ']));
  const op = r.pick(OPS);
  return op.toLowerCase() === 'pr' ? `${r.pick(ATTRS)} pr` : `${r.pick(ATTRS)} ${op} ${r.pick(VALUES)}`;
}

const WEIRD: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1e308,
  '',
  'x',
  '😀',
  [],
  {},
  [null],
  [{}],
  { value: null },
  { $ref: 'x' },
  'x'.repeat(5000),
  [1, 'a', null],
  { a: { b: { c: [] } } },
];

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
    if (r.int(5) === 0)
      out[
        r.pick([
          'id',
          'meta',
          'schemas',
          'groups',
          'members',
          'Operations',
          'op',
          'path',
          'value',
          'active',
          'userName',
          '__proto__',
          'constructor',
        ])
      ] = r.pick(WEIRD);
    return out;
  }
  return r.int(3) === 0 ? r.pick(WEIRD) : v;
}

const PATCHES: Json[] = [
  { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] },
  { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'x@example.com' }] },
  { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: '' }] }] },
  {
    schemas: [PATCH_OP],
    Operations: [
      { op: 'remove', path: 'members[value eq "x"]' },
      { op: 'add', path: 'members', value: 'string id' },
    ],
  },
  {
    schemas: [PATCH_OP],
    Operations: [
      { op: 'replace', path: `${ENTERPRISE}:manager`, value: 'mgr' },
      { op: 'remove', path: 'title' },
    ],
  },
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
      if (res.status === 400)
        expect((res.json as { scimType?: string }).scimType, filter).toMatch(/^(invalidFilter|invalidValue|invalidSyntax)$/);
    }
  });

  it('mutated User, Group, PATCH, Bulk and search bodies never cause a 5xx', async () => {
    const r = rng(SEED + 1);
    const bases: Array<[string, string, () => unknown]> = [
      [
        'POST',
        '/Users',
        () =>
          user(`f${r.int(1e6)}@example.com`, {
            [ENTERPRISE]: { department: 'X', manager: { value: 'm' } },
            phoneNumbers: [{ value: '1', type: 'work' }],
          }),
      ],
      ['PUT', `/Users/${userId}`, () => user('fuzz@example.com', { schemas: [CORE_USER] })],
      ['PATCH', `/Users/${userId}`, () => r.pick(PATCHES)],
      ['POST', '/Groups', () => ({ schemas: [CORE_GROUP], displayName: `G${r.int(1e6)}`, members: [{ value: userId, display: 'd' }] })],
      ['PUT', `/Groups/${groupId}`, () => ({ schemas: [CORE_GROUP], displayName: 'Fuzz', members: [{ value: userId }] })],
      ['PATCH', `/Groups/${groupId}`, () => r.pick(PATCHES)],
      [
        'POST',
        '/Bulk',
        () => ({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: [
            { method: 'POST', path: '/Users', bulkId: 'a', data: user(`b${r.int(1e6)}@example.com`) },
            { method: 'PATCH', path: '/Users/bulkId:a', data: r.pick(PATCHES) },
          ],
        }),
      ],
      [
        'POST',
        '/.search',
        () => ({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: 'userName sw "f"',
          attributes: ['userName'],
          startIndex: 1,
          count: 3,
        }),
      ],
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
    const bodies = [
      '',
      '{',
      '}',
      '{"a":}',
      'null',
      '[1,2',
      '\u0000\u0001',
      '{"userName":"x"}'.repeat(3),
      '\uFEFF{"userName":"bom@example.com"}',
      '{"userName":"' + 'y'.repeat(40_000) + '"}',
      '<xml/>',
      'userName=x&active=true',
      '{"__proto__":{"polluted":1},"userName":"p@example.com"}',
    ];
    const types = [
      'application/scim+json',
      'application/json',
      'application/json; charset=latin1',
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      '',
      'application/scim+json;;;',
    ];
    const paths = [
      '/Users',
      '/Groups',
      '/Users/',
      `/Users/${userId}`,
      `/Groups/${groupId}`,
      '/Bulk',
      '/.search',
      '/Users/.search',
      '/Schemas/%F0%9F%98%80',
      '/ResourceTypes/User/x',
      '/Users/%00',
      '/Me',
      '/',
      '/Users/..%2F..%2F',
      `/Groups/${groupId}/members`,
    ];
    const params = ['filter', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'startIndex', 'count', 'Filter', 'COUNT'];
    const values = [
      '',
      '-1',
      '0',
      '1',
      '99999999999999999999',
      'NaN',
      'userName',
      'emails[type eq "work"]',
      'emails[',
      'urn:x',
      '"',
      ',,,',
      'name.givenName,emails.value',
      'descending',
      'sideways',
    ];
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

// ---- #12.10: text that PostgreSQL cannot store (NUL) or that has no UTF-8 form (lone surrogates) ----

/** NUL, a lone low and high surrogate, and a high surrogate at the end of otherwise fine text. */
const BAD_TEXT = ['\u0000', 'a\u0000b', '\ud800', '\udfff', 'Ada\ud83d'];
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** Every string leaf of a JSON value, with its path in the form the server's detail names it. */
function stringLeaves(v: unknown, path = ''): string[] {
  if (typeof v === 'string') return [path];
  const join = (k: string | number) =>
    typeof k === 'number'
      ? `${path}[${k}]`
      : /^[A-Za-z_$][\w$:.-]*$/.test(k)
        ? path
          ? `${path}.${k}`
          : k
        : `${path}[${JSON.stringify(k)}]`;
  if (Array.isArray(v)) return v.flatMap((x, i) => stringLeaves(x, join(i)));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => stringLeaves(x, join(k)));
  return [];
}

/** A copy of `v` with the string at `path` (as `stringLeaves` names it) replaced by `bad`. */
function withText(v: unknown, path: string, bad: string, at = ''): unknown {
  if (typeof v === 'string') return at === path ? bad : v;
  const join = (k: string | number) =>
    typeof k === 'number' ? `${at}[${k}]` : /^[A-Za-z_$][\w$:.-]*$/.test(k) ? (at ? `${at}.${k}` : k) : `${at}[${JSON.stringify(k)}]`;
  if (Array.isArray(v)) return v.map((x, i) => withText(x, path, bad, join(i)));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withText(x, path, bad, join(k))]));
  return v;
}

/** A User with every string attribute Roster stores, in core, enterprise and multi-valued forms. */
const FULL_USER = (userName: string): Json => ({
  schemas: [CORE_USER, ENTERPRISE],
  userName,
  externalId: 'ext-1',
  name: {
    givenName: 'Ada',
    familyName: 'Lovelace',
    formatted: 'Ada Lovelace',
    middleName: 'B',
    honorificPrefix: 'Ms',
    honorificSuffix: 'III',
  },
  displayName: 'Ada L',
  nickName: 'ada',
  profileUrl: 'https://example.com/ada',
  title: 'Engineer',
  userType: 'Employee',
  preferredLanguage: 'en',
  locale: 'en-GB',
  timezone: 'Europe/London',
  active: true,
  emails: [{ value: userName, type: 'work', primary: true, display: 'work mail' }],
  phoneNumbers: [{ value: '+44 1', type: 'work' }],
  addresses: [
    {
      streetAddress: '1 Road',
      locality: 'London',
      region: 'LDN',
      postalCode: 'N1',
      country: 'GB',
      formatted: '1 Road, London',
      type: 'work',
    },
  ],
  [ENTERPRISE]: {
    employeeNumber: '7',
    costCenter: 'cc',
    organization: 'org',
    division: 'div',
    department: 'Eng',
    manager: { value: 'mgr-1' },
  },
});

interface TextRefusal {
  status: number;
  json: { scimType?: string; detail?: string; schemas?: string[] };
  text: string;
}

function expectTextRefused(label: string, r: TextRefusal, path?: string): void {
  expect(r.status, `${label} → ${r.status} ${r.text.slice(0, 300)}`).toBe(400);
  expect(r.json.schemas, label).toEqual([ERROR]);
  expect(r.json.scimType, `${label}: ${r.text.slice(0, 300)}`).toBe('invalidValue');
  if (path !== undefined) expect(r.json.detail, label).toContain(`"${path}"`);
}

describe('#12.10: NUL and lone surrogates in any string are 400 invalidValue, and nothing is written', () => {
  let uid = '';
  let gid = '';
  const snapshot = async () => ({
    user: (await c.get(`/Users/${uid}`)).text,
    group: (await c.get(`/Groups/${gid}`)).text,
    users: (await c.get<{ totalResults: number }>('/Users?count=0')).json.totalResults,
    groups: (await c.get<{ totalResults: number }>('/Groups?count=0')).json.totalResults,
  });

  beforeAll(async () => {
    const u = await c.post<{ id: string }>('/Users', FULL_USER('text@example.com'));
    expect(u.status, u.text).toBe(201);
    uid = u.json.id;
    const g = await c.post<{ id: string }>('/Groups', {
      schemas: [CORE_GROUP],
      displayName: 'Text',
      externalId: 'gx',
      members: [{ value: uid }],
    });
    expect(g.status, g.text).toBe(201);
    gid = g.json.id;
  });

  it('#12.10: every string of a User in POST, PUT, PATCH (add / replace / pathless) and Bulk', async () => {
    const before = await snapshot();
    const base = FULL_USER('text@example.com');
    const leaves = stringLeaves(base);
    expect(leaves.length).toBeGreaterThan(30);
    for (const path of leaves) {
      for (const bad of BAD_TEXT) {
        const label = `${path} = ${JSON.stringify(bad)}`;
        const created = withText(FULL_USER('text-new@example.com'), path, bad);
        expectTextRefused(`POST ${label}`, await c.post('/Users', created), path);
        expectTextRefused(`PUT ${label}`, await c.put(`/Users/${uid}`, withText(base, path, bad)), path);
        expectTextRefused(
          `PATCH replace ${label}`,
          await c.patch(`/Users/${uid}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: withText(base, path, bad) }] }),
          `Operations[0].value.${path}`,
        );
        expectTextRefused(
          `Bulk ${label}`,
          await c.post('/Bulk', {
            schemas: [BULK],
            Operations: [
              { method: 'POST', path: '/Users', bulkId: 'n', data: created },
              { method: 'PUT', path: `/Users/${uid}`, data: withText(base, path, bad) },
            ],
          }),
          `Operations[0].data.${path}`,
        );
      }
    }
    // One operation per kind, with the text in the value, the path, a value filter, and an object key.
    for (const bad of BAD_TEXT) {
      const ops: Array<[string, Json, string]> = [
        ['add title', { op: 'add', path: 'title', value: bad }, 'Operations[0].value'],
        ['replace name.givenName', { op: 'replace', path: 'name.givenName', value: bad }, 'Operations[0].value'],
        ['Replace (Entra) emails filter', { op: 'Replace', path: 'emails[type eq "work"].value', value: bad }, 'Operations[0].value'],
        ['add emails element', { op: 'add', path: 'emails', value: [{ value: bad, type: 'home' }] }, 'Operations[0].value[0].value'],
        ['remove with bad path', { op: 'remove', path: `title${bad}` }, 'Operations[0].path'],
        ['replace enterprise', { op: 'replace', path: `${ENTERPRISE}:department`, value: bad }, 'Operations[0].value'],
        ['add with bad key', { op: 'add', value: { [`nick${bad}`]: 'x' } }, ''],
        ['bad op name', { op: `add${bad}`, path: 'title', value: 'x' }, 'Operations[0].op'],
      ];
      for (const [label, op, path] of ops) {
        const r = await c.patch(`/Users/${uid}`, { schemas: [PATCH_OP], Operations: [op] });
        expectTextRefused(`PATCH ${label} ${JSON.stringify(bad)}`, r, path || undefined);
        const bulk = await c.post('/Bulk', {
          schemas: [BULK],
          Operations: [{ method: 'PATCH', path: `/Users/${uid}`, data: { schemas: [PATCH_OP], Operations: [op] } }],
        });
        expectTextRefused(`Bulk PATCH ${label} ${JSON.stringify(bad)}`, bulk, path ? `Operations[0].data.${path}` : undefined);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('#12.10: a JSON escape decoded inside a filter (PATCH path, GET, .search) is refused too', async () => {
    const before = await snapshot();
    for (const escape of ['\\u0000', '\\ud800', '\\udfff', 'x\\ud83d']) {
      // The body is fine text (a backslash, a "u"…); the filter parser decodes the escape.
      const path = `emails[value eq "${escape}"].type`;
      expectTextRefused(
        `PATCH add ${path}`,
        await c.patch(`/Users/${uid}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path, value: 'home' }] }),
      );
      expectTextRefused(`GET filter ${escape}`, await c.get(`/Users?filter=${encodeURIComponent(`userName eq "${escape}"`)}`));
      expectTextRefused(`GET Groups filter ${escape}`, await c.get(`/Groups?filter=${encodeURIComponent(`displayName sw "${escape}"`)}`));
      expectTextRefused(
        `.search ${escape}`,
        await c.post('/Users/.search', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: `externalId eq "${escape}"`,
        }),
      );
    }
    expect(await snapshot()).toEqual(before);
  });

  it('#12.10: every string of a Group in POST, PUT, PATCH and Bulk', async () => {
    const before = await snapshot();
    const base = {
      schemas: [CORE_GROUP],
      displayName: 'Text',
      externalId: 'gx',
      members: [{ value: uid, display: 'Ada', type: 'User', $ref: `${team.base}/Users/${uid}` }],
    };
    for (const path of stringLeaves(base)) {
      for (const bad of BAD_TEXT) {
        const label = `${path} = ${JSON.stringify(bad)}`;
        expectTextRefused(`POST ${label}`, await c.post('/Groups', withText({ ...base, displayName: 'Text new' }, path, bad)), path);
        expectTextRefused(`PUT ${label}`, await c.put(`/Groups/${gid}`, withText(base, path, bad)), path);
        expectTextRefused(
          `Bulk ${label}`,
          await c.post('/Bulk', {
            schemas: [BULK],
            Operations: [{ method: 'PUT', path: `/Groups/${gid}`, data: withText(base, path, bad) }],
          }),
          `Operations[0].data.${path}`,
        );
      }
    }
    for (const bad of BAD_TEXT) {
      const ops: Array<[string, Json, string]> = [
        ['replace displayName', { op: 'replace', path: 'displayName', value: bad }, 'Operations[0].value'],
        ['pathless rename (Okta)', { op: 'replace', value: { id: gid, displayName: bad } }, 'Operations[0].value.displayName'],
        ['add members', { op: 'add', path: 'members', value: [{ value: bad }] }, 'Operations[0].value[0].value'],
        ['remove members filter', { op: 'remove', path: `members[value eq "${bad}"]` }, 'Operations[0].path'],
        ['remove members by value (Entra)', { op: 'remove', path: 'members', value: [{ value: bad }] }, 'Operations[0].value[0].value'],
      ];
      for (const [label, op, path] of ops) {
        expectTextRefused(
          `PATCH ${label} ${JSON.stringify(bad)}`,
          await c.patch(`/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [op] }),
          path,
        );
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('#12.10: query parameters (filter, attributes, excludedAttributes, sortBy, any name) carrying %00 or a lone surrogate', async () => {
    // %ED%A0%80 is the (invalid) UTF-8 form of U+D800; a server may decode it to U+FFFD or refuse it: never a 5xx.
    for (const raw of ['%00', 'a%00', '%ED%A0%80', '%ED%BF%BF']) {
      for (const query of [
        `filter=userName%20eq%20%22${raw}%22`,
        `attributes=${raw}`,
        `excludedAttributes=userName,${raw}`,
        `sortBy=${raw}`,
        `startIndex=${raw}`,
        `x${raw}=1`,
      ]) {
        for (const path of ['/Users', '/Groups', `/Users/${uid}`, `/Groups/${gid}`]) {
          const r = await c.get(`${path}?${query}`);
          await expectScimAnswer(`GET ${path}?${query}`, r);
          if (raw.includes('%00')) expectTextRefused(`GET ${path}?${query}`, r);
        }
      }
    }
  });
});

describe('#12.10 (scan for other 5xx): values too long for an indexed column', () => {
  /** Incompressible text: a repeated character would compress below PostgreSQL's btree entry limit and hide the problem. */
  const noise = (n: number, r = rng(SEED + 3)) =>
    Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[r.int(36)]).join('');

  it('#12.10: userName, externalId, primary email and group displayName over 512 characters → 400 invalidValue; 512 fit', async () => {
    const long = noise(3000);
    const cases: Array<[string, string, unknown]> = [
      ['POST userName', '/Users', user(`${long}@example.com`)],
      ['POST externalId', '/Users', user('len1@example.com', { externalId: long })],
      ['POST primary email', '/Users', user('len2@example.com', { emails: [{ value: `${long}@example.com`, primary: true }] })],
      ['POST group displayName', '/Groups', { displayName: long }],
      ['POST group externalId', '/Groups', { displayName: 'Len', externalId: long }],
    ];
    for (const [label, path, body] of cases) {
      const r = await c.post(path, body);
      expect(r.status, `${label}: ${r.text.slice(0, 200)}`).toBe(400);
      expect((r.json as { scimType?: string }).scimType, label).toBe('invalidValue');
    }
    for (const op of [
      { op: 'replace', path: 'displayName', value: long },
      { op: 'replace', path: 'externalId', value: long },
    ]) {
      const r = await c.patch(`/Groups/${(await c.post<{ id: string }>('/Groups', { displayName: `Len ${op.path}` })).json.id}`, {
        schemas: [PATCH_OP],
        Operations: [op],
      });
      expect(r.status, `PATCH group ${op.path}: ${r.text.slice(0, 200)}`).toBe(400);
    }
    // The fuzz above may have deleted its user: a fresh one.
    const target = (await c.post<{ id: string }>('/Users', user('len3@example.com'))).json.id;
    const r = await c.patch(`/Users/${target}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: long }] });
    expect(r.status, r.text.slice(0, 200)).toBe(400);
    const fits = noise(512 - '@example.com'.length);
    const ok = await c.post('/Users', user(`${fits}@example.com`, { externalId: noise(512) }));
    expect(ok.status, ok.text.slice(0, 200)).toBe(201);
    const group = await c.post('/Groups', { displayName: noise(512), externalId: noise(512) });
    expect(group.status, group.text.slice(0, 200)).toBe(201);
  });
});
