/**
 * Seeded fuzzing: random and mutated filters and bodies must either succeed or fail with a
 * SCIM 4xx error — never a TypeError, RangeError or a 5xx. Seeds are fixed so a failure
 * reproduces; the failing input is printed in the assertion message.
 */
import { describe, it, expect } from 'vitest';
import {
  GROUP_RESOURCE,
  USER_RESOURCE,
  applyPatchToResource,
  compileProjection,
  isScimError,
  matchesFilter,
  normalisePatch,
  parseBulkRequest,
  parseFilter,
  parseSearchRequest,
  parseGroup,
  parseUser,
  renderUser,
  toGroupChanges,
  toSql,
  type JsonObject,
  type JsonValue,
} from '../src/protocol/index.js';
import { ENT, groupColumns, userColumns } from './columns.js';

/** mulberry32: small, fast, good enough to explore inputs reproducibly. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

/** Runs fn; a thrown value must be a SCIM error below 500. */
function safely(input: unknown, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    const ok = isScimError(e) && e.status >= 400 && e.status < 500;
    expect(ok, `${isScimError(e) ? e.code : String(e)} for input ${JSON.stringify(input)}`).toBe(true);
  }
}

const MARKER = 'INJ';
const ATTRS = [
  'userName',
  'USERNAME',
  'name.familyName',
  'name.FamilyName',
  'emails',
  'emails.value',
  'emails.Type',
  'emails.primary',
  'title',
  'active',
  'meta.created',
  'meta.lastModified',
  'x.version',
  'id',
  'externalId',
  `${ENT}:department`,
  'members',
  'members.value',
  'displayName',
  'bogus',
  'a.b.c',
  'urn:x',
  '$ref',
  'émails',
  '.value',
];
const OPS = ['eq', 'EQ', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'xx', 'and', 'or'];
const VALUES = [
  `"${MARKER}'; drop table membership; --"`,
  `"${MARKER}\\"x"`,
  `${MARKER}bare`,
  '"x"',
  '""',
  'true',
  'False',
  'null',
  '42',
  '-1.5e3',
  '1e999',
  '2015-10-10T14:38:21.8617979-07:00',
  '"2020-01-01"',
  '"2819c223-7f76-453a-919d-413861904646"',
  '"\\u0000"',
  '"%_\\\\"',
  '"é😀"',
  '"',
];
const SYNTAX = ['(', ')', '[', ']', 'and', 'or', 'not', 'NOT', '.value', '"', ' ', '\t', ','];

function validish(r: Rng, depth: number, inBrackets = false): string {
  const roll = r.int(depth > 3 ? 3 : 8);
  if (roll === 3) return `(${validish(r, depth + 1, inBrackets)}) ${r.pick(['and', 'or', 'AND'])} ${validish(r, depth + 1, inBrackets)}`;
  if (roll === 4) return `not (${validish(r, depth + 1, inBrackets)})`;
  if (roll === 5 && !inBrackets)
    return `${r.pick(['emails', 'members', 'name', 'bogus'])}[${validish(r, depth + 1, true)}]${r.int(3) === 0 ? '.value eq "x"' : ''}`;
  if (roll === 6) return `${validish(r, depth + 1, inBrackets)} ${r.pick(['and', 'or'])} ${validish(r, depth + 1, inBrackets)}`;
  const attr = inBrackets ? r.pick(['value', 'type', 'primary', 'display', 'nope']) : r.pick(ATTRS);
  const op = r.pick(OPS);
  return op === 'pr' ? `${attr} pr` : `${attr} ${op} ${r.pick(VALUES)}`;
}

function soup(r: Rng): string {
  const n = 1 + r.int(14);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(r.pick([...ATTRS, ...OPS, ...VALUES, ...SYNTAX]));
  return parts.join(r.pick([' ', '', '  ']));
}

function randomString(r: Rng): string {
  const n = r.int(12);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.pick([32 + r.int(95), r.int(0x2fff), 0x22, 0x5b, 0x5d, 0x5c]));
  return s;
}

const KEYS = [
  'userName',
  'USERNAME',
  'active',
  'Active',
  'name',
  'givenName',
  'familyName',
  'emails',
  'value',
  'Value',
  'type',
  'primary',
  'Primary',
  'display',
  'displayName',
  'members',
  'externalId',
  'id',
  'meta',
  'schemas',
  'title',
  'phoneNumbers',
  'addresses',
  'groups',
  ENT,
  'manager',
  'department',
  'urn:x:y',
  'op',
  'path',
  'Operations',
  '__proto__',
  'constructor',
];
const STRINGS = [
  '',
  'x',
  'True',
  'false',
  'work',
  'u1',
  'g1',
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  'members[value eq "u1"]',
  '2020-01-01T00:00:00Z',
];

function randomJson(r: Rng, depth = 0): JsonValue {
  switch (r.int(depth > 3 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return r.int(2) === 0;
    case 2:
      return r.pick([0, -1, 42, 1.5, 1e308, -0]);
    case 3:
      return r.pick(STRINGS);
    case 4:
      return randomString(r);
    case 5:
      return Array.from({ length: r.int(4) }, () => randomJson(r, depth + 1));
    default: {
      const o: JsonObject = {};
      for (let i = r.int(5); i > 0; i--) o[r.pick(KEYS)] = randomJson(r, depth + 1);
      return o;
    }
  }
}

const PATHS = [
  'active',
  'userName',
  'name.givenName',
  'name',
  'emails',
  'emails[type eq "work"].value',
  'emails[type eq "work"]',
  'emails[value co "x"]',
  'phoneNumbers[type eq "mobile"].value',
  `${ENT}:department`,
  `${ENT}:manager`,
  'members',
  'members[value eq "u1"]',
  'members[value eq "u1" or value eq "u2"]',
  'members.value',
  'displayName',
  'externalId',
  'id',
  'meta.created',
  'groups',
  'title',
  'bogus',
  'emails[',
  'emails[type eq "work"]]',
  '',
  ' ',
  'a b',
  'emails[type eq "work"].value.x',
];

/** Operations that are usually valid, so the fuzz also walks the apply paths, not only the errors. */
const TYPED: Array<[string | undefined, (r: Rng) => JsonValue]> = [
  ['active', (r) => r.pick([true, false, 'True', 'False'])],
  ['userName', (r) => r.pick(['a@b.c', 'x', ''])],
  ['name.givenName', (r) => r.pick(['G', null])],
  ['emails[type eq "work"].value', (r) => r.pick(['w@x.y', null])],
  ['emails', (r) => [{ value: r.pick(['a@b.c', 'd@e.f']), type: r.pick(['work', 'home']), primary: r.int(2) === 0 }]],
  [`${ENT}:manager`, (r) => r.pick(['m1', { value: 'm2' }])],
  ['members', (r) => r.pick(['u1', [{ value: 'u2' }], [{ value: 'u3', display: 'x' }]])],
  ['members[value eq "u1"]', () => null],
  ['displayName', (r) => r.pick(['G', 'H'])],
  [
    undefined,
    (r) =>
      r.pick<JsonObject>([
        { active: false },
        { id: 'u1', displayName: 'D' },
        { 'name.givenName': 'G', title: 'T' },
        { id: 'g1', displayName: 'G' },
      ]),
  ],
];

function randomPatch(r: Rng): JsonValue {
  if (r.int(10) === 0) return randomJson(r);
  const ops = Array.from({ length: r.int(4) }, () => {
    if (r.int(2) === 0) {
      const [path, value] = r.pick(TYPED);
      const typed: JsonObject = {
        op: path === undefined ? r.pick(['add', 'replace']) : r.pick(['add', 'Replace', 'remove']),
        value: value(r),
      };
      if (path !== undefined) typed.path = path;
      return typed;
    }
    const op: JsonObject = {};
    if (r.int(8) > 0) op[r.pick(['op', 'Op', 'OP'])] = r.pick(['add', 'Add', 'REPLACE', 'replace', 'remove', 'Remove', 'move', 1, null]);
    if (r.int(3) > 0) op[r.pick(['path', 'Path'])] = r.int(8) === 0 ? randomJson(r) : r.pick(PATHS);
    if (r.int(4) > 0) op[r.pick(['value', 'Value'])] = randomJson(r);
    return op;
  });
  const body: JsonObject = { Operations: ops };
  if (r.int(4) > 0) body.schemas = r.int(8) === 0 ? randomJson(r) : ['urn:ietf:params:scim:api:messages:2.0:PatchOp'];
  return body;
}

/** Replaces or deletes one random node of a JSON document. */
function mutate(r: Rng, v: JsonValue): JsonValue {
  if (v === null || typeof v !== 'object' || r.int(4) === 0) return randomJson(r);
  const copy: JsonValue = Array.isArray(v) ? [...v] : { ...v };
  const keys = Object.keys(copy);
  if (keys.length === 0) return randomJson(r);
  const k = r.pick(keys);
  const target = copy as Record<string, JsonValue>;
  if (r.int(5) === 0 && !Array.isArray(copy)) delete target[k];
  else target[k] = mutate(r, target[k]!);
  return copy;
}

const sampleUser: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: 'u1',
  userName: 'bjensen@example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  active: true,
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
  [ENT]: { department: 'Sales' },
};

describe('fuzz: filters', () => {
  it('grammar-shaped and random filters parse, translate and evaluate or fail with invalidFilter', () => {
    const r = rng(7);
    for (let i = 0; i < 4000; i++) {
      const f = i % 3 === 0 ? soup(r) : i % 3 === 1 ? validish(r, 0) : randomString(r);
      safely(f, () => {
        const ast = parseFilter(f);
        matchesFilter(ast, sampleUser);
        for (const columns of [userColumns, groupColumns]) {
          safely(f, () => {
            const { sql, params } = toSql(ast, columns);
            // Values only ever travel as parameters.
            expect(sql.includes(MARKER), `${f} → ${sql}`).toBe(false);
            expect(sql.split('?').length - 1, `${f} → ${sql}`).toBe(params.length);
          });
        }
      });
    }
  });
});

describe('fuzz: PATCH bodies', () => {
  it('random PATCH bodies normalise and apply, or fail with a SCIM 4xx', () => {
    const r = rng(11);
    for (let i = 0; i < 4000; i++) {
      const b = randomPatch(r);
      safely(b, () => {
        const out = applyPatchToResource(sampleUser, normalisePatch(b, USER_RESOURCE, { resourceId: 'u1' }));
        parseUser(out);
      });
      safely(b, () => {
        toGroupChanges(normalisePatch(b, GROUP_RESOURCE, { resourceId: 'g1' }));
      });
    }
  });

  it('mutations of real Okta and Entra bodies fail cleanly', () => {
    const r = rng(13);
    const seeds: JsonValue[] = [
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'x@y.z' },
          { op: 'Add', path: `${ENT}:manager`, value: 'm1' },
        ],
      },
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'remove', path: 'members[value eq "u1"]' },
          { op: 'add', path: 'members', value: [{ value: 'u2', display: 'd' }] },
        ],
      },
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', value: { id: 'g1', displayName: 'G' } }],
      },
    ];
    for (let i = 0; i < 3000; i++) {
      let b = r.pick(seeds);
      for (let m = 1 + r.int(3); m > 0; m--) b = mutate(r, b);
      safely(b, () => {
        applyPatchToResource(sampleUser, normalisePatch(b, USER_RESOURCE, { resourceId: 'u1' }));
      });
      safely(b, () => {
        toGroupChanges(normalisePatch(b, GROUP_RESOURCE, { resourceId: 'g1' }));
      });
    }
  });
});

describe('fuzz: resource bodies and projections', () => {
  it('random and mutated User/Group bodies parse or fail with a SCIM 4xx; parsed users round-trip', () => {
    const r = rng(17);
    const base = { ...sampleUser, phoneNumbers: [{ value: '555', type: 'work' }], meta: { created: 'x' } };
    for (let i = 0; i < 4000; i++) {
      const b = i % 2 === 0 ? randomJson(r) : mutate(r, mutate(r, base));
      safely(b, () => {
        const u = parseUser(b);
        const rendered = renderUser(
          { ...u, id: 'u1', active: u.active ?? true, createdAt: new Date(0), updatedAt: new Date(0), version: 1 },
          { baseUrl: 'https://x' },
        );
        expect(parseUser(rendered), JSON.stringify(b)).toEqual({ ...u, active: u.active ?? true });
      });
      safely(b, () => {
        parseGroup(b);
      });
    }
  });

  it('random attribute lists project or fail with invalidValue', () => {
    const r = rng(19);
    const names = [
      'userName',
      'emails',
      'emails.value',
      'emails[type eq "work"]',
      'name.givenName',
      ENT,
      `${ENT}:department`,
      'id',
      'meta',
      ',',
      '[',
      ']',
      '"',
      ' ',
      'x',
    ];
    for (let i = 0; i < 3000; i++) {
      const list = i % 2 === 0 ? Array.from({ length: 1 + r.int(4) }, () => r.pick(names)).join(r.pick([',', ' ,', ''])) : randomString(r);
      safely(list, () => {
        compileProjection({ attributes: list, excludedAttributes: r.int(2) ? list : undefined }, USER_RESOURCE)(sampleUser);
      });
    }
  });
});

describe('fuzz: bulk and search envelopes', () => {
  it('random bulk and search bodies parse or fail with a SCIM 4xx', () => {
    const r = rng(23);
    const seed: JsonValue = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      failOnErrors: 2,
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'u', data: { userName: 'x' } },
        { method: 'PATCH', path: '/Groups/bulkId:g', data: { Operations: [] } },
        { method: 'DELETE', path: '/Users/u1' },
      ],
    };
    for (let i = 0; i < 3000; i++) {
      const b = i % 2 === 0 ? randomJson(r) : mutate(r, mutate(r, seed));
      safely(b, () => {
        parseBulkRequest(b, { maxOperations: 2 + r.int(3) });
      });
      safely(b, () => {
        parseSearchRequest(b);
      });
    }
  });
});
