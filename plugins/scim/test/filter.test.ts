import { describe, it, expect } from 'vitest';
import {
  parseFilter,
  toSql,
  sortSql,
  matchesFilter,
  isScimError,
  type Filter,
  type ColumnMap,
  type JsonObject,
} from '../src/protocol/index.js';
import { ENT, groupColumns, userColumns } from './columns.js';

const UUID = '2819c223-7f76-453a-919d-413861904646';
const EMAILS = "jsonb_array_elements(m.attributes->'emails') e";

function sql(filter: string, columns: ColumnMap = userColumns) {
  return toSql(parseFilter(filter), columns);
}

function scimErrorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isScimError(e)) return e;
    throw e;
  }
  throw new Error('expected a SCIM error');
}

describe('filter grammar: valid filters → SQL', () => {
  const table: Array<[string, string, unknown[], ColumnMap?]> = [
    ['userName eq "bjensen"', 'lower(m.user_name) = lower(?)', ['bjensen']],
    ['USERNAME EQ "bjensen"', 'lower(m.user_name) = lower(?)', ['bjensen']],
    ['userName Eq "a\\"b"', 'lower(m.user_name) = lower(?)', ['a"b']],
    ['name.FamilyName eq Employee', 'lower(u.family_name) = lower(?)', ['Employee']],
    ['DisplayName eq "BobIsAmazing"', 'lower(u.display_name) = lower(?)', ['BobIsAmazing']],
    ['userName sw O', 'lower(m.user_name) like lower(?)', ['O%']],
    ['userName ew "@example.com"', 'lower(m.user_name) like lower(?)', ['%@example.com']],
    ['name.familyName co "O\'Malley"', 'lower(u.family_name) like lower(?)', ["%O'Malley%"]],
    ['userName co "100%_\\\\x"', 'lower(m.user_name) like lower(?)', ['%100\\%\\_\\\\x%']],
    ['userName gt "m"', 'lower(m.user_name) > lower(?)', ['m']],
    ['userName le "m"', 'lower(m.user_name) <= lower(?)', ['m']],
    ['userName ne "x"', '(m.user_name is null or lower(m.user_name) <> lower(?))', ['x']],
    ['userName eq null', 'm.user_name is null', []],
    ['userName ne null', 'm.user_name is not null', []],
    ['title pr', "(m.attributes->>'title' is not null and m.attributes->>'title' <> '')", []],
    ['externalId eq "ABC"', 'm.external_id = ?', ['ABC']],
    ['externalId eq 0012', 'm.external_id = ?', ['0012']],
    ['externalId eq true', 'm.external_id = ?', ['true']],
    [`id eq "${UUID.toUpperCase()}"`, 'm.id = ?', [UUID]],
    ['id eq "not-a-uuid"', 'false', []],
    ['id ne "not-a-uuid"', 'true', []],
    ['id sw "2819"', 'm.id::text like lower(?)', ['2819%']],
    ['active eq true', "(m.status = 'active') = ?", [true]],
    ['active eq "True"', "(m.status = 'active') = ?", [true]],
    ['active ne false', "((m.status = 'active') is null or (m.status = 'active') <> ?)", [false]],
    ['active pr', "(m.status = 'active') is not null", []],
    ['x.version ge 3', 'm.version >= ?', [3]],
    ['x.version lt "7"', 'm.version < ?', [7]],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', 'm.updated_at > ?', ['2011-05-13T04:42:34Z']],
    ['meta.Created gt 2015-10-10T14:38:21.8617979-07:00', 'm.created_at > ?', ['2015-10-10T14:38:21.8617979-07:00']],
    ['meta.created le "2011-05-13"', 'm.created_at <= ?', ['2011-05-13']],
    ['meta.created eq "2011-05-13T04:42:34.123+02:00"', 'm.created_at = ?', ['2011-05-13T04:42:34.123+02:00']],
    [
      'title pr and displayName eq "x"',
      "((m.attributes->>'title' is not null and m.attributes->>'title' <> '') and lower(u.display_name) = lower(?))",
      ['x'],
    ],
    ['userName eq "a" or userName eq "b"', '(lower(m.user_name) = lower(?) or lower(m.user_name) = lower(?))', ['a', 'b']],
    // and binds tighter than or
    [
      'userName eq "a" or userName eq "b" and title eq "c"',
      "(lower(m.user_name) = lower(?) or (lower(m.user_name) = lower(?) and lower(m.attributes->>'title') = lower(?)))",
      ['a', 'b', 'c'],
    ],
    [
      '(userName eq "a" or userName eq "b") and title eq "c"',
      "((lower(m.user_name) = lower(?) or lower(m.user_name) = lower(?)) and lower(m.attributes->>'title') = lower(?))",
      ['a', 'b', 'c'],
    ],
    [
      'userName eq "a" AND userName eq "b" OR userName eq "c"',
      '((lower(m.user_name) = lower(?) and lower(m.user_name) = lower(?)) or lower(m.user_name) = lower(?))',
      ['a', 'b', 'c'],
    ],
    ['not (userName eq "x")', 'not coalesce(lower(m.user_name) = lower(?), false)', ['x']],
    [
      'NOT(title pr) and active eq true',
      "(not coalesce((m.attributes->>'title' is not null and m.attributes->>'title' <> ''), false) and (m.status = 'active') = ?)",
      [true],
    ],
    ['((((userName eq "a"))))', 'lower(m.user_name) = lower(?)', ['a']],
    ['emails pr', `exists (select 1 from ${EMAILS})`, []],
    ['emails co "@example.com"', `exists (select 1 from ${EMAILS} where lower(e->>'value') like lower(?))`, ['%@example.com%']],
    ['emails.Value co example.com', `exists (select 1 from ${EMAILS} where lower(e->>'value') like lower(?))`, ['%example.com%']],
    ['emails.primary eq true', `exists (select 1 from ${EMAILS} where (e->>'primary')::boolean = ?)`, [true]],
    ['emails[type eq "work"]', `exists (select 1 from ${EMAILS} where lower(e->>'type') = lower(?))`, ['work']],
    [
      'emails[type eq "work" and value co "@example.com"]',
      `exists (select 1 from ${EMAILS} where (lower(e->>'type') = lower(?) and lower(e->>'value') like lower(?)))`,
      ['work', '%@example.com%'],
    ],
    [
      'emails[TYPE eq "work" or (primary eq true)]',
      `exists (select 1 from ${EMAILS} where (lower(e->>'type') = lower(?) or (e->>'primary')::boolean = ?))`,
      ['work', true],
    ],
    [
      'emails[type eq "work"].value eq "a@b.c"',
      `exists (select 1 from ${EMAILS} where (lower(e->>'type') = lower(?) and lower(e->>'value') = lower(?)))`,
      ['work', 'a@b.c'],
    ],
    [
      'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
      `(lower(u.family_name) = lower(?) and (exists (select 1 from ${EMAILS} where lower(e->>'value') like lower(?)) or exists (select 1 from ${EMAILS} where lower(e->>'value') like lower(?))))`,
      ['Employee', '%example.com%', '%example.org%'],
    ],
    ['name[givenName eq "Bob"]', 'lower(u.given_name) = lower(?)', ['Bob']],
    [`${ENT}:department eq "Sales"`, `lower(m.attributes->'${ENT}'->>'department') = lower(?)`, ['Sales']],
    [`${ENT.toUpperCase()}:DEPARTMENT eq "Sales"`, `lower(m.attributes->'${ENT}'->>'department') = lower(?)`, ['Sales']],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"', 'lower(m.user_name) = lower(?)', ['x']],
    [
      `members.value eq "${UUID}"`,
      'exists (select 1 from group_member gm where gm.group_id = g.id and gm.membership_id = ?)',
      [UUID],
      groupColumns,
    ],
    [
      `members[value eq "${UUID}"]`,
      'exists (select 1 from group_member gm where gm.group_id = g.id and gm.membership_id = ?)',
      [UUID],
      groupColumns,
    ],
    ['members eq "string id 1"', 'exists (select 1 from group_member gm where gm.group_id = g.id and false)', [], groupColumns],
    [
      'displayName eq "Sales" and externalId eq "e1"',
      '(lower(g.display_name) = lower(?) and g.external_id = ?)',
      ['Sales', 'e1'],
      groupColumns,
    ],
  ];
  for (const [filter, expectedSql, params, columns] of table) {
    it(`${filter}`, () => {
      expect(sql(filter, columns)).toEqual({ sql: expectedSql, params });
    });
  }

  it('a custom column compiles its own SQL (e.g. a jsonb containment for a GIN index)', () => {
    const columns: ColumnMap = {
      'emails.value': {
        compile: (op, value) => {
          if (op !== 'eq') throw new Error('only eq');
          return { sql: "m.attributes->'emails' @> ?::jsonb", params: [JSON.stringify([{ value }])] };
        },
      },
    };
    expect(sql('emails.value eq "a@b.c"', columns)).toEqual({ sql: "m.attributes->'emails' @> ?::jsonb", params: ['[{"value":"a@b.c"}]'] });
  });
});

describe('filter grammar: parser AST', () => {
  it('keeps unquoted tokens as typed values with their raw text', () => {
    expect(parseFilter('x.version eq 42')).toEqual({
      type: 'compare',
      path: { attr: 'x', sub: 'version' },
      op: 'eq',
      value: 42,
      raw: '42',
    });
    expect(parseFilter('active eq FALSE')).toMatchObject({ value: false });
    expect(parseFilter('manager eq null')).toMatchObject({ value: null });
    expect(parseFilter('userName eq "42"')).toEqual({ type: 'compare', path: { attr: 'userName' }, op: 'eq', value: '42' });
  });

  it('parses value paths with relative sub-attribute names', () => {
    const f: Filter = parseFilter('emails[type eq "work"]');
    expect(f).toEqual({
      type: 'valuePath',
      path: { attr: 'emails' },
      filter: { type: 'compare', path: { attr: 'type' }, op: 'eq', value: 'work' },
    });
  });

  it('separates an extension URN from the attribute and strips the core URN', () => {
    expect(parseFilter(`${ENT}:manager.value eq "x"`)).toMatchObject({ path: { uri: ENT, attr: 'manager', sub: 'value' } });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName pr')).toEqual({
      type: 'present',
      path: { attr: 'name', sub: 'givenName' },
    });
  });

  it('builds left-associative and/or trees', () => {
    expect(parseFilter('a pr or b pr or c pr')).toEqual({
      type: 'or',
      left: { type: 'or', left: { type: 'present', path: { attr: 'a' } }, right: { type: 'present', path: { attr: 'b' } } },
      right: { type: 'present', path: { attr: 'c' } },
    });
  });
});

describe('filter grammar: invalid filters → invalidFilter', () => {
  const invalid = [
    '',
    '   ',
    'userName',
    'userName eq',
    'userName xx "a"',
    'userName eq "unterminated',
    'userName eq "bad \\x escape"',
    '(userName eq "a"',
    'userName eq "a")',
    'userName eq "a" and',
    'and userName eq "a"',
    'userName eq "a" userName eq "b"',
    '"userName" eq "a"',
    'userName pr "a"',
    'not userName eq "x"',
    'not ()',
    '()',
    'userName..x eq 1',
    'emails.value.foo eq 1',
    '.value eq 1',
    'emails[type eq "work"',
    'emails[type eq "work"]]',
    'emails[]',
    'emails[type eq "work"].',
    'emails[type eq "work"].value',
    'emails[type eq "work" and phoneNumbers[type eq "x"]]',
    'emails.value[type eq "work"]',
    'unknownAttr eq "x"',
    'name.middleName eq "x"',
    'emails[foo eq "x"]',
    'emails.foo eq "x"',
    'active gt true',
    'active co "t"',
    'active eq "maybe"',
    'active eq 1',
    'meta.created eq "not a date"',
    'meta.created gt 5',
    'meta.created co "2011"',
    'meta.created eq "2011-13-45T99:00:00Z"',
    'x.version co 5',
    'x.version eq "seven"',
    'userName gt null',
    `${ENT}:costCenter eq "x"`,
    'urn:foo eq "x"',
  ];
  for (const filter of invalid) {
    it(JSON.stringify(filter), () => {
      const e = scimErrorOf(() => sql(filter));
      expect(e.code).toMatch(/^SCIM_ERR_FILTER_/);
      expect(e.toBody()).toMatchObject({
        status: '400',
        scimType: 'invalidFilter',
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      });
      expect(e.message).toMatch(/^Invalid filter: /);
    });
  }

  it('refuses deep nesting and very long filters before recursing', () => {
    expect(scimErrorOf(() => parseFilter('('.repeat(5000) + 'a pr' + ')'.repeat(5000))).code).toBe('SCIM_ERR_FILTER_TOO_COMPLEX');
    expect(scimErrorOf(() => parseFilter('('.repeat(40) + 'a pr' + ')'.repeat(40))).scimType).toBe('invalidFilter');
    expect(scimErrorOf(() => parseFilter(`userName eq "${'x'.repeat(9000)}"`)).code).toBe('SCIM_ERR_FILTER_TOO_COMPLEX');
  });

  it('names the position of the problem', () => {
    expect(scimErrorOf(() => parseFilter('userName zz "a"')).message).toContain('position 9');
  });
});

describe('sortBy', () => {
  it('orders strings case-insensitively and honours sortOrder', () => {
    expect(sortSql('userName', undefined, userColumns)).toBe('lower(m.user_name) asc');
    expect(sortSql('name.familyName', 'descending', userColumns)).toBe('lower(u.family_name) desc');
    expect(sortSql('meta.created', 'Ascending', userColumns)).toBe('m.created_at asc');
    expect(sortSql('externalId', undefined, userColumns)).toBe('m.external_id asc');
  });
  it('refuses multi-valued, unknown attributes and bad orders', () => {
    expect(scimErrorOf(() => sortSql('emails', undefined, userColumns)).scimType).toBe('invalidPath');
    expect(scimErrorOf(() => sortSql('nope', undefined, userColumns)).scimType).toBe('invalidPath');
    expect(scimErrorOf(() => sortSql('userName', 'sideways', userColumns)).scimType).toBe('invalidValue');
  });
});

describe('in-memory evaluation (PATCH value paths, attribute filters)', () => {
  const user: JsonObject = {
    userName: 'bjensen',
    name: { familyName: 'Jensen' },
    active: true,
    emails: [
      { value: 'b@work.example', type: 'work', primary: true },
      { value: 'b@home.example', type: 'home' },
    ],
    meta: { created: '2020-01-01T00:00:00Z' },
  };
  const table: Array<[string, boolean]> = [
    ['userName eq "BJENSEN"', true],
    ['name.familyName sw "jen"', true],
    ['emails[type eq "work" and value ew "work.example"]', true],
    ['emails[type eq "work" and value ew "home.example"]', false],
    ['emails.value co "home"', true],
    ['emails co "home"', true],
    ['active eq "true"', true],
    ['active ne true', false],
    ['title pr', false],
    ['not (title pr)', true],
    ['title ne "x"', true],
    ['meta.created gt "2019-12-31T23:00:00-02:00"', false],
    ['meta.created lt "2019-12-31T23:00:00-02:00"', true],
  ];
  for (const [filter, expected] of table) {
    it(`${filter} → ${expected}`, () => {
      expect(matchesFilter(parseFilter(filter), user)).toBe(expected);
    });
  }
});
