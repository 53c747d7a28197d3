import { describe, it, expect } from 'vitest';
import {
  GROUP_RESOURCE,
  USER_RESOURCE,
  applyPatchToResource,
  formatFilter,
  isScimError,
  normalisePatch,
  toGroupChanges,
  type GroupChange,
  type JsonObject,
  type PatchOperation,
  type ResourceDef,
} from '../src/protocol/index.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIC = 'urn:roster:params:scim:schemas:extension:license:2.0:User';
const body = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

/** One line per canonical operation, e.g. `replace emails[type eq "work"].value = "x"`. */
function show(op: PatchOperation): string {
  const t = op.target;
  const path = `${t.extension ? t.extension + ':' : ''}${t.attr}${t.filter ? `[${formatFilter(t.filter)}]` : ''}${t.sub ? '.' + t.sub : ''}`;
  return op.value === undefined ? `${op.op} ${path}` : `${op.op} ${path} = ${JSON.stringify(op.value)}`;
}

const norm = (b: unknown, r: ResourceDef = USER_RESOURCE, resourceId?: string) =>
  normalisePatch(b, r, resourceId === undefined ? {} : { resourceId }).map(show);

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isScimError(e)) return { status: e.status, scimType: e.scimType, code: e.code, detail: e.message };
    throw e;
  }
  throw new Error('expected a SCIM error');
}

describe('PATCH dialects → canonical operations (User)', () => {
  const table: Array<[string, unknown, string[]]> = [
    ['Okta deactivate: pathless replace of {active:false}', body({ op: 'replace', value: { active: false } }), ['replace active = false']],
    ['Okta reactivate', body({ op: 'replace', value: { active: true } }), ['replace active = true']],
    [
      'Okta profile push as a pathless replace',
      body({
        op: 'replace',
        value: { name: { givenName: 'Dade', familyName: 'Murphy' }, emails: [{ value: 'dade@example.com', type: 'work', primary: true }] },
      }),
      [
        'replace name = {"givenName":"Dade","familyName":"Murphy"}',
        'replace emails = [{"value":"dade@example.com","type":"work","primary":true}]',
      ],
    ],
    ['Entra "Replace" with a string boolean', body({ op: 'Replace', path: 'active', value: 'False' }), ['replace active = false']],
    ['Entra "Add" with "True"', body({ op: 'Add', path: 'active', value: 'True' }), ['add active = true']],
    [
      'Entra userName and active changed in one request',
      body({ op: 'Replace', path: 'userName', value: 'new@example.com' }, { op: 'Replace', path: 'active', value: 'False' }),
      ['replace userName = "new@example.com"', 'replace active = false'],
    ],
    [
      'Microsoft test: Replace userName',
      body({ op: 'Replace', path: 'userName', value: 'newusername' }),
      ['replace userName = "newusername"'],
    ],
    ['case-insensitive path', body({ op: 'replace', path: 'NAME.GIVENNAME', value: 'G' }), ['replace name.givenName = "G"']],
    [
      'Entra value-filter path',
      body({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'x@example.com' }),
      ['replace emails[type eq "work"].value = "x@example.com"'],
    ],
    [
      'value-filter path names are canonicalised and typed',
      body({ op: 'add', path: 'Emails[Type eq "work" and Primary eq "True"].Value', value: 'x@example.com' }),
      ['add emails[(type eq "work" and primary eq true)].value = "x@example.com"'],
    ],
    [
      'value-filter path without a sub-attribute',
      body({ op: 'remove', path: 'emails[type eq "home"]' }),
      ['remove emails[type eq "home"]'],
    ],
    [
      'schema URN prefixed extension path',
      body({ op: 'Replace', path: `${ENT}:department`, value: 'Sales' }),
      [`replace ${ENT}:department = "Sales"`],
    ],
    [
      'schema URN prefix of the core schema',
      body({ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:title', value: 'CEO' }),
      ['replace title = "CEO"'],
    ],
    ['Entra manager as a bare id', body({ op: 'Add', path: `${ENT}:manager`, value: 'mgr-1' }), [`add ${ENT}:manager = {"value":"mgr-1"}`]],
    ['Entra manager removal', body({ op: 'Remove', path: `${ENT}:manager` }), [`remove ${ENT}:manager`]],
    [
      'Entra pathless Add with attribute paths as keys',
      body({ op: 'Add', value: { displayName: 'D', 'name.givenName': 'G', [`${ENT}:employeeNumber`]: 42 } }),
      ['add displayName = "D"', 'add name.givenName = "G"', `add ${ENT}:employeeNumber = "42"`],
    ],
    [
      'pathless value with an extension object',
      body({ op: 'replace', value: { [ENT]: { Department: 'Sales', manager: { value: 'm1' } } } }),
      [`replace ${ENT}:department = "Sales"`, `replace ${ENT}:manager = {"value":"m1"}`],
    ],
    [
      'envelope keys in a pathless value are not changes',
      body({
        op: 'replace',
        value: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], meta: { resourceType: 'User' }, id: 'u1', title: 'T' },
      }),
      ['replace title = "T"'],
    ],
    [
      'a single object for a multi-valued attribute is wrapped',
      body({ op: 'add', path: 'phoneNumbers', value: { value: '555', type: 'work' } }),
      ['add phoneNumbers = [{"value":"555","type":"work"}]'],
    ],
    [
      '"Primary" keys are canonicalised',
      body({ op: 'add', path: 'emails', value: [{ Value: 'a@b.c', Primary: 'true' }] }),
      ['add emails = [{"value":"a@b.c","primary":true}]'],
    ],
    ['keys of the message itself in any case', { schemas: [PATCH], operations: [{ OP: 'REMOVE', Path: 'title' }] }, ['remove title']],
    ['schemas may be omitted', { Operations: [{ op: 'remove', path: 'nickName' }] }, ['remove nickName']],
    ['replace with null unassigns (RFC 7643 §2.5)', body({ op: 'replace', path: 'title', value: null }), ['remove title']],
    [
      'a null element value removes the matched values',
      body({ op: 'replace', path: 'emails[type eq "home"]', value: null }),
      ['remove emails[type eq "home"]'],
    ],
    ['an empty list unassigns a multi-valued attribute', body({ op: 'replace', path: 'emails', value: [] }), ['replace emails = []']],
    [
      'read-only sub-attributes echoed in a value are dropped',
      body({ op: 'add', path: `${ENT}:manager`, value: { value: 'm', displayName: 'Boss' } }),
      [`add ${ENT}:manager = {"value":"m"}`],
    ],
  ];
  for (const [name, b, expected] of table) {
    it(name, () => {
      expect(norm(b, USER_RESOURCE, 'u1')).toEqual(expected);
    });
  }
});

describe('PATCH dialects → group membership changes', () => {
  const changes = (b: unknown, id = 'g1'): GroupChange[] => toGroupChanges(normalisePatch(b, GROUP_RESOURCE, { resourceId: id }));
  const table: Array<[string, unknown, GroupChange[]]> = [
    [
      'Okta rename resends {id, displayName}',
      body({ op: 'replace', value: { id: 'g1', displayName: 'Sales EMEA' } }),
      [{ kind: 'rename', displayName: 'Sales EMEA' }],
    ],
    [
      'Okta remove members[value eq] and add members in one request, in order',
      body(
        { op: 'remove', path: 'members[value eq "u1"]' },
        { op: 'add', path: 'members', value: [{ value: 'u2', display: 'dade@example.com' }] },
      ),
      [
        { kind: 'removeMembers', ids: ['u1'] },
        { kind: 'addMembers', ids: ['u2'], displays: { u2: 'dade@example.com' } },
      ],
    ],
    [
      'Okta full members replace',
      body({ op: 'replace', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }, { value: 'u1' }] }),
      [{ kind: 'replaceMembers', ids: ['u1', 'u2'] }],
    ],
    ['replace with no members', body({ op: 'replace', path: 'members', value: [] }), [{ kind: 'replaceMembers', ids: [] }]],
    ['Entra capitalised Add', body({ op: 'Add', path: 'members', value: [{ value: 'u3' }] }), [{ kind: 'addMembers', ids: ['u3'] }]],
    [
      'Entra remove with a value list',
      body({ op: 'Remove', path: 'members', value: [{ value: 'u3' }, { value: 'u4' }] }),
      [{ kind: 'removeMembers', ids: ['u3', 'u4'] }],
    ],
    [
      'Entra / Microsoft: bare string id as the value',
      body({ op: 'add', path: 'members', value: 'string id 1' }),
      [{ kind: 'addMembers', ids: ['string id 1'] }],
    ],
    [
      'Microsoft: members[value eq] remove path',
      body({ op: 'remove', path: 'members[value eq "u4"]' }),
      [{ kind: 'removeMembers', ids: ['u4'] }],
    ],
    [
      'several ids joined with or',
      body({ op: 'remove', path: 'members[value eq "a" or value eq "b"]' }),
      [{ kind: 'removeMembers', ids: ['a', 'b'] }],
    ],
    ['Microsoft: remove all members', body({ op: 'remove', path: 'members' }), [{ kind: 'removeAllMembers', ids: [] }]],
    [
      'Microsoft: members as {displayName, value}',
      body({ name: 'addMember', op: 'add', path: 'members', value: [{ displayName: 'new User', value: 'u4' }] }),
      [{ kind: 'addMembers', ids: ['u4'], displays: { u4: 'new User' } }],
    ],
    [
      'Entra Replace displayName',
      body({ op: 'Replace', path: 'displayName', value: 'Renamed' }),
      [{ kind: 'rename', displayName: 'Renamed' }],
    ],
    ['pathless members in the value', body({ op: 'add', value: { members: [{ value: 'u5' }] } }), [{ kind: 'addMembers', ids: ['u5'] }]],
    [
      'externalId set and cleared',
      body({ op: 'replace', path: 'externalId', value: 'ext' }, { op: 'remove', path: 'externalId' }),
      [
        { kind: 'externalId', externalId: 'ext' },
        { kind: 'externalId', externalId: null },
      ],
    ],
  ];
  for (const [name, b, expected] of table) {
    it(name, () => {
      expect(changes(b)).toEqual(expected);
    });
  }
});

describe('PATCH that cannot be applied fails loudly', () => {
  const userCases: Array<[string, unknown, string, string?]> = [
    ['a body that is not an object', [], 'invalidSyntax'],
    ['no Operations', { schemas: [PATCH] }, 'invalidSyntax'],
    ['empty Operations', body(), 'invalidSyntax'],
    ['Operations is not an array', { schemas: [PATCH], Operations: { op: 'add' } }, 'invalidSyntax'],
    [
      'a schemas list without PatchOp',
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [{ op: 'remove', path: 'title' }] },
      'invalidSyntax',
    ],
    ['an operation that is not an object', body('remove'), 'invalidSyntax'],
    ['an unknown op', body({ op: 'move', path: 'title', value: 'x' }), 'invalidSyntax'],
    ['a missing op', body({ path: 'title', value: 'x' }), 'invalidSyntax'],
    ['remove without a path', body({ op: 'remove' }), 'noTarget'],
    ['pathless value with nothing to change', body({ op: 'replace', value: { schemas: [] } }), 'noTarget'],
    ['pathless replace of a non-object', body({ op: 'replace', value: 'x' }), 'invalidValue'],
    ['add without a value', body({ op: 'add', path: 'title' }), 'invalidValue'],
    ['an unknown attribute', body({ op: 'replace', path: 'favouriteColour', value: 'blue' }), 'invalidPath'],
    [
      'an unknown attribute inside a pathless value',
      body({ op: 'replace', value: { active: false, favouriteColour: 'blue' } }),
      'invalidPath',
    ],
    ['an unknown sub-attribute', body({ op: 'replace', path: 'name.nickname', value: 'x' }), 'invalidPath'],
    [
      'an unknown sub-attribute inside a value',
      body({ op: 'add', path: 'emails', value: [{ value: 'a@b.c', label: 'x' }] }),
      'invalidPath',
    ],
    ['a path that is not a path', body({ op: 'replace', path: 'a b', value: 'x' }), 'invalidPath'],
    ['a path with a non-string type', body({ op: 'replace', path: 42, value: 'x' }), 'invalidPath'],
    ['an unclosed value filter', body({ op: 'replace', path: 'emails[type eq "work".value', value: 'x' }), 'invalidPath'],
    ['a broken value filter', body({ op: 'replace', path: 'emails[type eq].value', value: 'x' }), 'invalidPath'],
    ['a filter on an unknown sub-attribute', body({ op: 'replace', path: 'emails[kind eq "work"].value', value: 'x' }), 'invalidPath'],
    ['a filter on a simple attribute', body({ op: 'replace', path: 'title[value eq "x"]', value: 'x' }), 'invalidPath'],
    ['junk after the filter', body({ op: 'replace', path: 'emails[type eq "work"]value', value: 'x' }), 'invalidPath'],
    ['an unknown extension', body({ op: 'replace', path: 'urn:example:ext:1.0:User:thing', value: 'x' }), 'invalidPath'],
    ['replace id', body({ op: 'replace', path: 'id', value: 'other' }), 'mutability'],
    ['replace meta.created', body({ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }), 'mutability'],
    ['add groups (read-only on User)', body({ op: 'add', path: 'groups', value: [{ value: 'g1' }] }), 'mutability'],
    ['change the read-only license extension', body({ op: 'replace', path: `${LIC}:licenses`, value: [] }), 'mutability'],
    [
      'an id in a pathless value naming another resource',
      body({ op: 'replace', value: { id: 'someone-else', active: false } }),
      'mutability',
    ],
    ['a boolean that is not one', body({ op: 'replace', path: 'active', value: 'maybe' }), 'invalidValue'],
    ['an object for a string', body({ op: 'replace', path: 'title', value: { x: 1 } }), 'invalidValue'],
    ['several values for a single-valued attribute', body({ op: 'replace', path: 'title', value: ['a', 'b'] }), 'invalidValue'],
    ['remove the required userName', body({ op: 'remove', path: 'userName' }), 'invalidValue'],
    ['replace userName with null', body({ op: 'replace', path: 'userName', value: null }), 'invalidValue'],
    ['a pathless extension that is not an object', body({ op: 'replace', value: { [ENT]: 'Sales' } }), 'invalidValue'],
  ];
  for (const [name, b, scimType] of userCases) {
    it(`User: ${name} → ${scimType}`, () => {
      const e = errorOf(() => normalisePatch(b, USER_RESOURCE, { resourceId: 'u1' }));
      expect(e.status).toBe(400);
      expect(e.scimType).toBe(scimType);
    });
  }

  const groupCases: Array<[string, unknown, string]> = [
    ['a filter that is not value eq', body({ op: 'remove', path: 'members[display eq "x"]' }), 'invalidPath'],
    ['replace through a member filter', body({ op: 'replace', path: 'members[value eq "u1"]', value: { display: 'x' } }), 'invalidPath'],
    ['change a member sub-attribute', body({ op: 'replace', path: 'members.display', value: 'x' }), 'invalidPath'],
    ['change the immutable member value', body({ op: 'replace', path: 'members[value eq "u1"].value', value: 'u2' }), 'mutability'],
    ['a member without an id', body({ op: 'add', path: 'members', value: [{ display: 'x' }] }), 'invalidValue'],
    ['a member with an empty id', body({ op: 'add', path: 'members', value: [{ value: ' ' }] }), 'invalidValue'],
    ['remove the required displayName', body({ op: 'remove', path: 'displayName' }), 'invalidValue'],
    ['an empty displayName', body({ op: 'replace', path: 'displayName', value: '' }), 'invalidValue'],
    ['a User attribute on a Group', body({ op: 'replace', path: 'userName', value: 'x' }), 'invalidPath'],
    ['an Okta rename carrying another id', body({ op: 'replace', value: { id: 'g2', displayName: 'x' } }), 'mutability'],
  ];
  for (const [name, b, scimType] of groupCases) {
    it(`Group: ${name} → ${scimType}`, () => {
      const e = errorOf(() => toGroupChanges(normalisePatch(b, GROUP_RESOURCE, { resourceId: 'g1' })));
      expect(e.status).toBe(400);
      expect(e.scimType).toBe(scimType);
    });
  }
});

describe('applyPatchToResource (User)', () => {
  const user: JsonObject = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: 'u1',
    userName: 'bjensen@example.com',
    name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Barbara Jensen' },
    title: 'Engineer',
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@home.example', type: 'home' },
    ],
  };
  const apply = (...ops: unknown[]) => applyPatchToResource(user, normalisePatch(body(...ops), USER_RESOURCE, { resourceId: 'u1' }));

  it('R7: Okta deactivation sets active to false and leaves the rest', () => {
    const out = apply({ op: 'replace', value: { active: false } });
    expect(out).toEqual({ ...user, active: false });
  });

  it('does not modify its input', () => {
    const before = JSON.stringify(user);
    apply({ op: 'remove', path: 'emails' }, { op: 'replace', path: 'name.givenName', value: 'B' });
    expect(JSON.stringify(user)).toBe(before);
  });

  it('R6: Entra userName + active + a work email in one request', () => {
    const out = apply(
      { op: 'Replace', path: 'userName', value: 'barbara@example.com' },
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'barbara@example.com' },
    );
    expect(out.userName).toBe('barbara@example.com');
    expect(out.active).toBe(false);
    expect(out.emails).toEqual([
      { value: 'barbara@example.com', type: 'work', primary: true },
      { value: 'babs@home.example', type: 'home' },
    ]);
  });

  it('creates the element a value-filter add or replace names when none matches (Entra)', () => {
    const out = apply(
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '555-1234' },
      { op: 'replace', path: 'emails[type eq "other"].value', value: 'o@x.example' },
    );
    expect(out.phoneNumbers).toEqual([{ type: 'mobile', value: '555-1234' }]);
    expect(out.emails).toHaveLength(3);
    expect((out.emails as JsonObject[])[2]).toEqual({ type: 'other', value: 'o@x.example' });
  });

  it('answers noTarget when a filter matches nothing and cannot describe a new element', () => {
    expect(errorOf(() => apply({ op: 'replace', path: 'emails[value co "nowhere"].value', value: 'x' })).scimType).toBe('noTarget');
  });

  it('removing values a filter does not match is a no-op (already absent)', () => {
    expect(apply({ op: 'remove', path: 'emails[type eq "fax"]' })).toEqual(user);
  });

  it('removes the matched values only, and the attribute when none remain', () => {
    expect(apply({ op: 'remove', path: 'emails[type eq "home"]' }).emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
    expect(apply({ op: 'remove', path: 'emails[type eq "home"]' }, { op: 'remove', path: 'emails[type eq "work"]' })).not.toHaveProperty(
      'emails',
    );
    expect(apply({ op: 'remove', path: 'emails[type eq "home"].value' }).emails).toHaveLength(1);
  });

  it('adds to a multi-valued attribute without duplicates, keeping one primary', () => {
    const out = apply({
      op: 'add',
      path: 'emails',
      value: [
        { value: 'bjensen@example.com', type: 'work' },
        { value: 'new@x.example', type: 'other', primary: true },
      ],
    });
    expect(out.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'babs@home.example', type: 'home' },
      { value: 'new@x.example', type: 'other', primary: true },
    ]);
  });

  it('keeps the first of several values sent as primary (RFC 7643 §2.4)', () => {
    const out = apply({
      op: 'replace',
      path: 'emails',
      value: [
        { value: 'a@x.example', primary: true },
        { value: 'b@x.example', primary: 'True' },
      ],
    });
    expect(out.emails).toEqual([
      { value: 'a@x.example', primary: true },
      { value: 'b@x.example', primary: false },
    ]);
  });

  it('replaces a multi-valued attribute as a whole', () => {
    expect(apply({ op: 'replace', path: 'emails', value: [{ value: 'only@x.example' }] }).emails).toEqual([{ value: 'only@x.example' }]);
  });

  it('removes listed values of a multi-valued attribute', () => {
    expect(apply({ op: 'remove', path: 'emails', value: [{ value: 'babs@home.example', type: 'home' }] }).emails).toHaveLength(1);
  });

  it('replace of a complex attribute merges its sub-attributes (RFC 7644 §3.5.2.3)', () => {
    expect(apply({ op: 'replace', path: 'name', value: { givenName: 'Babs' } }).name).toEqual({
      givenName: 'Babs',
      familyName: 'Jensen',
      formatted: 'Barbara Jensen',
    });
    expect(apply({ op: 'replace', value: { name: { familyName: 'J' } } }).name).toEqual({
      givenName: 'Barbara',
      familyName: 'J',
      formatted: 'Barbara Jensen',
    });
    expect(apply({ op: 'remove', path: 'name.formatted' }).name).toEqual({ givenName: 'Barbara', familyName: 'Jensen' });
  });

  it('writes extension attributes under their schema and drops the extension when emptied', () => {
    const added = apply({ op: 'add', path: `${ENT}:department`, value: 'Sales' }, { op: 'Add', path: `${ENT}:manager`, value: 'mgr-1' });
    expect(added[ENT]).toEqual({ department: 'Sales', manager: { value: 'mgr-1' } });
    const removed = applyPatchToResource(
      added,
      normalisePatch(body({ op: 'remove', path: `${ENT}:department` }, { op: 'remove', path: `${ENT}:manager` }), USER_RESOURCE),
    );
    expect(removed).not.toHaveProperty(ENT);
  });

  it('re-keys attributes stored in another case instead of leaving twins', () => {
    const out = applyPatchToResource(
      { id: 'u1', userName: 'x', Title: 'old' },
      normalisePatch(body({ op: 'replace', path: 'title', value: 'new' }), USER_RESOURCE),
    );
    expect(out).toEqual({ id: 'u1', userName: 'x', title: 'new' });
  });

  it('removes a simple attribute and unassigns on null', () => {
    expect(apply({ op: 'remove', path: 'title' })).not.toHaveProperty('title');
    expect(apply({ op: 'replace', path: 'title', value: null })).not.toHaveProperty('title');
  });
});
