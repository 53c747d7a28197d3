import { describe, it, expect } from 'vitest';
import { GROUP_RESOURCE, USER_RESOURCE, compileProjection, isScimError, projectResource, type JsonObject } from '../src/protocol/index.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const meta = { resourceType: 'User', version: 'W/"1"' };
const user: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: 'u1',
  userName: 'UserName111',
  name: { givenName: 'Ryan', familyName: 'Leenay', formatted: 'Ryan Leenay' },
  active: true,
  emails: [
    { value: 'emailName357', type: 'work', primary: true },
    { value: 'testinghome@bob.com', type: 'home', primary: false },
  ],
  [ENT]: { department: 'Sales', employeeNumber: '42' },
  meta,
};
const always = { schemas: user.schemas!, id: 'u1', meta };
const p = (attributes?: string, excludedAttributes?: string) => projectResource(user, { attributes, excludedAttributes }, USER_RESOURCE);

describe('attributes', () => {
  const table: Array<[string, JsonObject]> = [
    ['userName,emails', { ...always, userName: 'UserName111', emails: user.emails! }],
    ['USERNAME', { ...always, userName: 'UserName111' }],
    ['emails[type eq "work"]', { ...always, emails: [{ value: 'emailName357', type: 'work', primary: true }] }],
    ['emails[value eq "emailName357"]', { ...always, emails: [{ value: 'emailName357', type: 'work', primary: true }] }],
    ['emails[type eq "fax"]', always],
    ['name.givenName', { ...always, name: { givenName: 'Ryan' } }],
    ['name.givenName,name.familyName', { ...always, name: { givenName: 'Ryan', familyName: 'Leenay' } }],
    ['emails.value', { ...always, emails: [{ value: 'emailName357' }, { value: 'testinghome@bob.com' }] }],
    [
      'emails.value,emails.type',
      {
        ...always,
        emails: [
          { value: 'emailName357', type: 'work' },
          { value: 'testinghome@bob.com', type: 'home' },
        ],
      },
    ],
    ['emails[type eq "home"].value', { ...always, emails: [{ value: 'testinghome@bob.com' }] }],
    [ENT, { ...always, [ENT]: { department: 'Sales', employeeNumber: '42' } }],
    [`${ENT}:department`, { ...always, [ENT]: { department: 'Sales' } }],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName', { ...always, userName: 'UserName111' }],
    ['id', always],
    ['nickName,unknownThing', always],
    [' userName , active ', { ...always, userName: 'UserName111', active: true }],
  ];
  for (const [attributes, expected] of table) {
    it(attributes, () => {
      expect(p(attributes)).toEqual(expected);
    });
  }
});

describe('excludedAttributes', () => {
  it('removes attributes, sub-attributes, matching values and whole extensions', () => {
    expect(p(undefined, 'emails')).not.toHaveProperty('emails');
    expect(p(undefined, 'name.formatted').name).toEqual({ givenName: 'Ryan', familyName: 'Leenay' });
    expect(p(undefined, 'emails[type eq "home"]').emails).toEqual([{ value: 'emailName357', type: 'work', primary: true }]);
    expect(p(undefined, ENT)).not.toHaveProperty(ENT);
    expect(p(undefined, `${ENT}:department`)[ENT]).toEqual({ employeeNumber: '42' });
  });

  it('never removes id, schemas or meta', () => {
    expect(p(undefined, 'id,schemas,meta')).toEqual(user);
  });

  it('Microsoft: excludedAttributes=members on a group', () => {
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'G', members: [{ value: 'u1' }] };
    expect(projectResource(group, { excludedAttributes: 'members' }, GROUP_RESOURCE)).toEqual({
      schemas: group.schemas,
      id: 'g1',
      displayName: 'G',
    });
  });

  it('applies both lists together', () => {
    expect(p('userName,emails', 'emails')).toEqual({ ...always, userName: 'UserName111' });
  });
});

describe('projection mechanics', () => {
  it('returns the same object when nothing is asked, and never modifies the input', () => {
    const before = JSON.stringify(user);
    expect(compileProjection({}, USER_RESOURCE)(user)).toBe(user);
    p('emails.value', 'name.formatted');
    p(undefined, 'emails[type eq "home"],name.givenName');
    expect(JSON.stringify(user)).toBe(before);
  });

  it('rejects a malformed entry with invalidValue', () => {
    for (const bad of ['emails[type eq "work"', 'emails[type eq]', 'a b', 'name..x']) {
      try {
        p(bad);
        throw new Error(`expected an error for ${bad}`);
      } catch (e) {
        expect(isScimError(e) && e.scimType).toBe('invalidValue');
      }
    }
  });
});
