import { describe, it, expect } from 'vitest';
import {
  isScimError,
  mergeStoredAttributes,
  parseGroup,
  parseUser,
  renderGroup,
  renderUser,
  type UserRecord,
} from '../src/protocol/index.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIC = 'urn:roster:params:scim:schemas:extension:license:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const BASE = 'https://roster.example/scim/v2/acme';

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isScimError(e)) return e.toBody();
    throw e;
  }
  throw new Error('expected a SCIM error');
}

/** Microsoft's "garbage" user: client meta, unknown attributes, nulls, capitalised keys. */
const garbageUser = {
  userName: 'OMalley',
  active: 'True',
  addresses: [
    {
      country: 'Bermuda',
      formatted: '9132 Jennifer Way',
      locality: 'West Mercedes',
      postalCode: '99265',
      region: 'Montana',
      streetAddress: '4939 Hess Fork',
      type: 'work',
      primary: false,
    },
    { country: null, formatted: '18522 Lisa Unions', locality: null, type: 'other', primary: false },
  ],
  displayName: 'Kimberly Baker',
  emails: [
    { type: 'work', Primary: true, value: 'anna33@example.com' },
    { type: 'other', primary: false, value: 'anna33@gmail.com' },
  ],
  meta: { created: '2019-09-18T18:15:26.5788954+00:00', lastModified: '2019-09-18T18:15:26.5788976+00:00', resourceType: 'User' },
  name: { formatted: 'Daniel Mcgee', familyName: 'OMalley', givenName: 'Darl', honorificPrefix: null, honorificSuffix: null },
  phoneNumbers: [{ type: 'fax', primary: false, value: '312-320-0500' }],
  preferredLanguage: 'xh',
  roles: [],
  adreses: [{ country: 'Germany' }],
  title: 'Site engineer',
  externalId: '22fbc523-6032-4c5f-939d-5d4850cf3e52',
  id: 'client-chosen',
  groups: [{ value: 'g1' }],
  schemas: [CORE],
};

describe('parseUser', () => {
  it('R5: reads Microsoft\'s garbage user: "True", client meta and unknown attributes ignored', () => {
    const u = parseUser(garbageUser);
    expect(u).toEqual({
      userName: 'OMalley',
      active: true,
      externalId: '22fbc523-6032-4c5f-939d-5d4850cf3e52',
      displayName: 'Kimberly Baker',
      givenName: 'Darl',
      familyName: 'OMalley',
      email: 'anna33@example.com',
      attributes: {
        addresses: [
          {
            country: 'Bermuda',
            formatted: '9132 Jennifer Way',
            locality: 'West Mercedes',
            postalCode: '99265',
            region: 'Montana',
            streetAddress: '4939 Hess Fork',
            type: 'work',
            primary: false,
          },
          { country: null, formatted: '18522 Lisa Unions', locality: null, type: 'other', primary: false },
        ],
        emails: [
          { type: 'work', primary: true, value: 'anna33@example.com' },
          { type: 'other', primary: false, value: 'anna33@gmail.com' },
        ],
        name: { formatted: 'Daniel Mcgee', honorificPrefix: null, honorificSuffix: null },
        phoneNumbers: [{ type: 'fax', primary: false, value: '312-320-0500' }],
        preferredLanguage: 'xh',
        title: 'Site engineer',
      },
    });
  });

  it('reads the enterprise extension with capitalised keys and a manager object', () => {
    const u = parseUser({ userName: 'UserName222', schemas: [ENT, CORE], [ENT]: { Department: 'bob', Manager: { Value: 'SuzzyQ' } } });
    expect(u.attributes[ENT]).toEqual({ department: 'bob', manager: { value: 'SuzzyQ' } });
  });

  it('keys of any case, and a first-email fallback when none is primary', () => {
    const u = parseUser({ USERNAME: ' bob@example.com ', Emails: [{ Value: 'b@x.example' }], ACTIVE: false, DisplayName: 'Bob' });
    expect(u).toMatchObject({ userName: 'bob@example.com', active: false, email: 'b@x.example', displayName: 'Bob' });
  });

  it('leaves active undefined when absent, so the caller keeps the current state', () => {
    expect(parseUser({ userName: 'x' })).not.toHaveProperty('active');
  });

  it('ignores the read-only license extension', () => {
    expect(parseUser({ userName: 'x', [LIC]: { licenses: [{ value: 'manager' }] } }).attributes).toEqual({});
  });

  const bad: Array<[string, unknown, string, string?]> = [
    ['missing userName (Microsoft "Post no username")', { ...garbageUser, userName: undefined }, '400', 'invalidValue'],
    ['misspelled userName (Microsoft "Put a user no username")', { userame: 'OMalley', schemas: [CORE] }, '400', 'invalidValue'],
    ['empty userName', { userName: '  ' }, '400', 'invalidValue'],
    ['a body that is an array', [{ userName: 'x' }], '400', 'invalidSyntax'],
    ['an unknown schema', { userName: 'x', schemas: [CORE, 'urn:example:custom'] }, '400', 'invalidValue'],
    ['a Group body sent to /Users', { displayName: 'G', schemas: [GROUP] }, '400', 'invalidValue'],
    ['schemas that is not a list', { userName: 'x', schemas: CORE }, '400', 'invalidSyntax'],
    ['a boolean that is not one', { userName: 'x', active: 'maybe' }, '400', 'invalidValue'],
    ['a string attribute given an object', { userName: 'x', title: { a: 1 } }, '400', 'invalidValue'],
    ['a complex attribute given a string', { userName: 'x', name: 'Bob' }, '400', 'invalidValue'],
    ['userName given an object', { userName: { v: 1 } }, '400', 'invalidValue'],
    ['an extension that is not an object', { userName: 'x', [ENT]: 'Sales' }, '400', 'invalidValue'],
  ];
  for (const [name, b, status, scimType] of bad) {
    it(`rejects ${name}`, () => {
      const e = errorOf(() => parseUser(b));
      expect(e.status).toBe(status);
      expect(e.scimType).toBe(scimType);
      expect(e.detail).not.toBe('');
    });
  }
});

describe('renderUser', () => {
  const rec: UserRecord = {
    id: 'u1',
    userName: 'OMalley',
    active: false,
    externalId: 'ext-1',
    displayName: 'Kimberly Baker',
    givenName: 'Darl',
    familyName: 'OMalley',
    email: 'anna33@example.com',
    attributes: { ...parseUser(garbageUser).attributes, [ENT]: { department: 'Sales' } },
    createdAt: new Date('2024-01-01T00:00:00Z'),
    updatedAt: new Date('2024-01-02T00:00:00Z'),
    version: 3,
    groups: [{ id: 'g1', displayName: 'Salesperson' }],
    licenses: [{ key: 'salesperson', name: 'Salesperson', state: 'PENDING_SEAT', grantedAt: null }],
  };

  it('renders columns, stored profile, extensions, groups and meta with a weak ETag', () => {
    const out = renderUser(rec, { baseUrl: BASE });
    expect(out).toMatchObject({
      schemas: [CORE, ENT, LIC],
      id: 'u1',
      externalId: 'ext-1',
      userName: 'OMalley',
      name: { formatted: 'Daniel Mcgee', givenName: 'Darl', familyName: 'OMalley' },
      displayName: 'Kimberly Baker',
      active: false,
      title: 'Site engineer',
      emails: [{ value: 'anna33@example.com', type: 'work', primary: true }, { value: 'anna33@gmail.com' }],
      groups: [{ value: 'g1', $ref: `${BASE}/Groups/g1`, display: 'Salesperson', type: 'direct' }],
      [ENT]: { department: 'Sales' },
      [LIC]: { licenses: [{ value: 'salesperson', display: 'Salesperson', state: 'PENDING_SEAT' }] },
      meta: {
        resourceType: 'User',
        created: '2024-01-01T00:00:00.000Z',
        lastModified: '2024-01-02T00:00:00.000Z',
        location: `${BASE}/Users/u1`,
        version: 'W/"3"',
      },
    });
    expect(JSON.stringify(out)).toContain('Bermuda');
  });

  it('puts the email column first when it was changed outside SCIM', () => {
    const out = renderUser({ ...rec, email: 'new@example.com' }, { baseUrl: BASE });
    expect(out.emails).toEqual([
      { value: 'new@example.com', type: 'work', primary: true },
      { type: 'work', primary: false, value: 'anna33@example.com' },
      { type: 'other', primary: false, value: 'anna33@gmail.com' },
    ]);
  });

  it('round-trips through parseUser (PATCH loads, applies and saves like a PUT)', () => {
    const again = parseUser(renderUser(rec, { baseUrl: BASE }));
    expect(again).toEqual({
      userName: rec.userName,
      active: rec.active,
      externalId: rec.externalId,
      displayName: rec.displayName,
      givenName: rec.givenName,
      familyName: rec.familyName,
      email: rec.email,
      attributes: rec.attributes,
    });
  });

  it("has what Okta's SPEC test reads from a user", () => {
    const out = renderUser({ ...rec, attributes: {}, groups: [], licenses: [] }, { baseUrl: BASE });
    expect(out).toMatchObject({ name: { familyName: 'OMalley', givenName: 'Darl' }, emails: [{ value: 'anna33@example.com' }] });
    expect(out.schemas).toEqual([CORE]);
    expect(out).not.toHaveProperty('groups');
  });
});

describe('mergeStoredAttributes', () => {
  it('R6: a SCIM write replaces the SCIM profile but keeps what other channels stored', () => {
    const stored = { title: 'Old', Emails: [{ value: 'a@b.c' }], [ENT]: { department: 'X' }, captureQuota: 5 };
    expect(mergeStoredAttributes(stored, { title: 'New' })).toEqual({ captureQuota: 5, title: 'New' });
  });
});

describe('parseGroup / renderGroup', () => {
  it("reads Microsoft's filled group, keeping member display", () => {
    expect(
      parseGroup({ schemas: [GROUP], externalId: 'e', displayName: 'GroupDisplayName2', members: [{ value: 'u3', display: 'VP' }] }),
    ).toEqual({
      displayName: 'GroupDisplayName2',
      externalId: 'e',
      members: [{ value: 'u3', display: 'VP' }],
    });
  });

  it('accepts members as {displayName, value}, drops duplicates, and leaves members undefined when absent', () => {
    expect(parseGroup({ displayName: 'G', members: [{ displayName: 'new User', value: 'u4' }, { value: 'u4' }] }).members).toEqual([
      { value: 'u4', display: 'new User' },
    ]);
    expect(parseGroup({ displayName: 'Tiffany Ortiz', id: 'g1', schemas: [GROUP] })).toEqual({
      displayName: 'Tiffany Ortiz',
      externalId: null,
    });
  });

  const bad: Array<[string, unknown, string]> = [
    ['a missing displayName', { members: [] }, 'invalidValue'],
    ['a member without an id', { displayName: 'G', members: [{ display: 'x' }] }, 'invalidValue'],
    ['a User body', { userName: 'x', schemas: [CORE] }, 'invalidValue'],
    ['members that are not ids or objects', { displayName: 'G', members: [true, ['u1']] }, 'invalidValue'],
    ['a displayName that is an object', { displayName: { a: 1 } }, 'invalidValue'],
  ];
  for (const [name, b, scimType] of bad) {
    it(`rejects ${name}`, () => {
      expect(errorOf(() => parseGroup(b))).toMatchObject({ status: '400', scimType });
    });
  }

  it('renders members with $ref and type, and omits them when not loaded', () => {
    const rec = { id: 'g1', displayName: 'Salesperson', externalId: null, createdAt: new Date(0), updatedAt: new Date(0), version: 7 };
    expect(renderGroup({ ...rec, members: [{ id: 'u1', display: 'new User' }, { id: 'u2' }] }, { baseUrl: BASE })).toEqual({
      schemas: [GROUP],
      id: 'g1',
      displayName: 'Salesperson',
      members: [
        { value: 'u1', $ref: `${BASE}/Users/u1`, type: 'User', display: 'new User' },
        { value: 'u2', $ref: `${BASE}/Users/u2`, type: 'User' },
      ],
      meta: {
        resourceType: 'Group',
        created: '1970-01-01T00:00:00.000Z',
        lastModified: '1970-01-01T00:00:00.000Z',
        location: `${BASE}/Groups/g1`,
        version: 'W/"7"',
      },
    });
    expect(renderGroup(rec, { baseUrl: BASE })).not.toHaveProperty('members');
  });
});
