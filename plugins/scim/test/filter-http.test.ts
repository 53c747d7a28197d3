/**
 * The filter grammar over HTTP, against PostgreSQL: a table of valid filters with the exact
 * users (and groups) they select, and invalid ones that must answer 400 invalidFilter — never a
 * 500, never a silently wrong result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster } from '@roster/server/testing';
import { ENTERPRISE, LICENSE, client, emptyTeam, patchOp, startScimRoster, type ScimClient } from './support.js';

let t: TestRoster;
let c: ScimClient;
const ids: Record<string, string> = {};
const groupIds: Record<string, string> = {};

beforeAll(async () => {
  t = await startScimRoster();
  const team = await emptyTeam(t, { seats: { salesperson: 1 } });
  c = client(team);
  const users = {
    ann: {
      userName: 'ann@f.example',
      externalId: 'ext-1',
      displayName: 'Ann Lee',
      title: 'Engineer',
      active: true,
      name: { givenName: 'Ann', familyName: 'Lee', formatted: 'Dr. Ann Lee' },
      emails: [
        { value: 'ann@f.example', type: 'work', primary: true },
        { value: 'ann@home.example', type: 'home' },
      ],
      phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }],
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '42', manager: { value: 'm-1' } },
    },
    ben: {
      userName: 'ben@f.example',
      externalId: 'EXT-2',
      displayName: 'Ben Ng',
      title: 'Sales Rep',
      active: false,
      name: { givenName: 'Ben', familyName: 'Ng' },
      emails: [{ value: 'ben@f.example', type: 'work', primary: true }],
      [ENTERPRISE]: { department: 'Sales' },
    },
    cat: {
      userName: 'cat@f.example',
      displayName: "Cat O'Brien",
      userType: 'Contractor',
      name: { givenName: 'Cat', familyName: "O'Brien" },
      emails: [
        { value: 'cat@f.example', type: 'work', primary: true },
        { value: 'cat@gmail.example', type: 'other' },
      ],
      [ENTERPRISE]: { department: 'Sales' },
    },
    dan: { userName: 'dan@x.example', title: 'engineer', name: { givenName: 'Dan', familyName: 'Ode' }, locale: 'fr-FR' },
  };
  for (const [key, body] of Object.entries(users)) {
    const r = await c.post<{ id: string }>('/Users', body);
    expect(r.status).toBe(201);
    ids[key] = r.json.id;
  }
  const admins = await c.post<{ id: string }>('/Groups', {
    displayName: 'Admins',
    externalId: 'okta-admins',
    members: [{ value: ids.ann }, { value: ids.dan }],
  });
  groupIds.admins = admins.json.id;
  const sales = await c.get<{ Resources: Array<{ id: string }> }>(`/Groups?filter=${encodeURIComponent('displayName eq "Salesperson"')}`);
  groupIds.sales = sales.json.Resources[0]!.id;
  await c.patch(`/Groups/${groupIds.sales}`, patchOp({ op: 'add', path: 'members', value: [{ value: ids.ann }] }));
  await c.patch(`/Groups/${groupIds.sales}`, patchOp({ op: 'add', path: 'members', value: [{ value: ids.cat }] }));
});
afterAll(async () => {
  await t?.close();
});

async function select(resource: 'Users' | 'Groups', filter: string): Promise<{ status: number; names: string[]; scimType?: string }> {
  const r = await c.get<{ Resources?: Array<{ userName?: string; displayName?: string }>; scimType?: string; totalResults?: number }>(
    `/${resource}?count=100&filter=${encodeURIComponent(filter)}`,
  );
  const names = (r.json.Resources ?? []).map((x) => (resource === 'Users' ? x.userName!.split('@')[0]! : x.displayName!)).sort();
  if (r.status === 200) expect(r.json.totalResults).toBe(names.length);
  return r.json.scimType ? { status: r.status, names, scimType: r.json.scimType } : { status: r.status, names };
}

const ENT = ENTERPRISE;
const USER_TABLE: Array<[string, string[]]> = [
  ['userName eq "ANN@f.example"', ['ann']],
  ['USERNAME EQ "ann@f.example"', ['ann']],
  ['userName ne "ann@f.example"', ['ben', 'cat', 'dan']],
  ['userName sw "b"', ['ben']],
  ['userName ew "x.example"', ['dan']],
  ['userName co "@F."', ['ann', 'ben', 'cat']],
  ['userName co "%"', []],
  ['userName co "_"', []],
  ['userName gt "c"', ['cat', 'dan']],
  ['userName le "ben@f.example"', ['ann', 'ben']],
  ['title pr', ['ann', 'ben', 'dan']],
  ['not (title pr)', ['cat']],
  ['title eq "ENGINEER"', ['ann', 'dan']],
  ['not (title eq "engineer")', ['ben', 'cat']],
  ['active eq false', ['ben']],
  ['active eq "False"', ['ben']],
  ['active ne false', ['ann', 'cat', 'dan']],
  ['active eq true and title co "eng"', ['ann', 'dan']],
  ['name.familyName eq Lee', ['ann']],
  ['name.FamilyName eq "o\'brien"', ['cat']],
  ['name.formatted sw "Dr."', ['ann']],
  ['name.givenName eq "ann" or name.givenName eq "BEN"', ['ann', 'ben']],
  ['(userName sw "a" or userName sw "b") and not (active eq false)', ['ann']],
  ['userName sw "a" or userName sw "b" and active eq false', ['ann', 'ben']],
  ['displayName co "\'"', ['cat']],
  ['displayName pr', ['ann', 'ben', 'cat']],
  ['externalId eq "ext-2"', []],
  ['externalId eq "EXT-2"', ['ben']],
  ['externalId pr', ['ann', 'ben']],
  ['emails[type eq "home" and value co "home"]', ['ann']],
  ['emails.value ew "gmail.example"', ['cat']],
  ['emails.Value co example.com', []],
  ['emails[type eq "work" and primary eq true].value sw "c"', ['cat']],
  ['emails co "ben"', ['ben']],
  ['emails pr', ['ann', 'ben', 'cat']],
  ['emails[type eq "other"]', ['cat']],
  ['phoneNumbers[type eq "mobile"].value co "555"', ['ann']],
  ['userType eq "contractor"', ['cat']],
  ['locale sw "fr"', ['dan']],
  [`${ENT}:department eq "sales"`, ['ben', 'cat']],
  [`${ENT}:Department ne "Sales"`, ['ann', 'dan']],
  [`${ENT}:manager.value eq "m-1"`, ['ann']],
  [`${ENT}:employeeNumber eq 42`, ['ann']],
  ['meta.created gt "2000-01-01T00:00:00Z"', ['ann', 'ben', 'cat', 'dan']],
  ['meta.created gt 2015-10-10T14:38:21.8617979-07:00', ['ann', 'ben', 'cat', 'dan']],
  ['meta.lastModified lt "2000-01-01"', []],
  ['id eq "not-a-uuid"', []],
  ['groups[display eq "admins"]', ['ann', 'dan']],
  ['groups.display eq "Salesperson"', ['ann', 'cat']],
  ['groups pr', ['ann', 'cat', 'dan']],
  ['not (groups pr)', ['ben']],
  [`${LICENSE}:licenses[value eq "salesperson" and state eq "GRANTED"]`, ['ann']],
  [`${LICENSE}:licenses.state eq "PENDING_SEAT"`, ['cat']],
];

const INVALID: string[] = [
  'userName eq',
  'userName xx "a"',
  'nosuch eq "a"',
  'password eq "secret"',
  '(userName eq "a"',
  'userName eq "a")',
  'userName eq "a" and',
  'and userName eq "a"',
  'active gt true',
  'active eq "perhaps"',
  'meta.created gt "yesterday"',
  'meta.created co "2020"',
  'emails[type eq "work"',
  'emails[nosub eq "x"]',
  'emails[type eq "work"][value eq "x"]',
  'name[givenName eq "a"].familyName eq "b" or',
  'userName eq "unterminated',
  'userName eq "bad \\q escape"',
  '[type eq "work"]',
  'userName eq "a" userName eq "b"',
  'title eq "a" "b"',
  `userName eq "${'x'.repeat(9000)}"`,
  `${'('.repeat(40)}userName eq "a"${')'.repeat(40)}`,
  `${'not ('.repeat(40)}userName eq "a"${')'.repeat(40)}`,
];

describe('filters over HTTP (translated to SQL)', () => {
  it.each(USER_TABLE)('Users: %s', async (filter, expected) => {
    expect(await select('Users', filter)).toEqual({ status: 200, names: expected });
  });

  it('Users: id eq selects by id', async () => {
    expect((await select('Users', `id eq "${ids.ann}"`)).names).toEqual(['ann']);
    expect((await select('Users', `id eq "${ids.ann!.toUpperCase()}"`)).names).toEqual(['ann']);
  });

  it.each(INVALID)('invalidFilter: %s', async (filter) => {
    const r = await select('Users', filter);
    expect([r.status, r.scimType]).toEqual([400, 'invalidFilter']);
  });

  it('Groups: displayName, externalId, members and meta filters', async () => {
    expect((await select('Groups', 'displayName eq "admins"')).names).toEqual(['Admins']);
    expect((await select('Groups', 'displayName sw "Sales"')).names).toEqual(['Salesperson']);
    expect((await select('Groups', 'externalId eq "okta-admins"')).names).toEqual(['Admins']);
    expect((await select('Groups', `members[value eq "${ids.ann}"]`)).names).toEqual(['Admins', 'Salesperson']);
    expect((await select('Groups', `members.value eq "${ids.dan}"`)).names).toEqual(['Admins']);
    expect((await select('Groups', `id eq "${groupIds.admins}" and members[value eq "${ids.ben}"]`)).names).toEqual([]);
    expect((await select('Groups', 'not (members pr)')).names).toEqual(['Manager', 'Prep User']);
    expect((await select('Groups', 'meta.created ge "2000-01-01"')).names).toHaveLength(4);
    expect(await select('Groups', 'userName eq "ann@f.example"')).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});
