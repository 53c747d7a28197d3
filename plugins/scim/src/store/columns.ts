/**
 * Where each filterable / sortable SCIM attribute lives in SQL, over the read contract's views
 * (core/0011, #15.4): the user query reads `roster_api.member m`, the group query
 * `roster_api."group" g`. The views are inlined, so hot lookups hit the core's indexes:
 * `userName` → membership_team_user_name_uq (team_id, lower(user_name)), `externalId` →
 * membership_team_external_idx, `id` → the primary key, group `displayName` →
 * group_team_name_idx (team_id, lower(display_name)), group `externalId` → scim/0001's
 * group_team_external_idx, `members.value` → group_member's primary key.
 */
import type { ColumnMap, MultiValuedColumn, ScalarColumn } from '../protocol/index.js';
import { ENTERPRISE_USER_SCHEMA_ID, LICENSE_USER_SCHEMA_ID } from '../protocol/index.js';

/** A jsonb array stored in the member's attributes, as a row set (anything that is not an array is empty). */
const elements = (path: string, alias: string) =>
  `jsonb_array_elements(case when jsonb_typeof(${path}) = 'array' then ${path} else '[]'::jsonb end) ${alias}`;

const text = (sql: string): ScalarColumn => ({ sql, type: 'string' });
const attr = (name: string) => text(`m.attributes->>'${name}'`);
/** A boolean in jsonb; a missing or non-boolean value reads as false, as SCIM's `primary` means. */
const jsonFlag = (sql: string): ScalarColumn => ({ sql: `coalesce(${sql} = 'true'::jsonb, false)`, type: 'boolean' });

function multi(name: string, subs: string[]): MultiValuedColumn {
  const sub: Record<string, ScalarColumn> = {};
  for (const s of subs) sub[s.toLowerCase()] = s === 'primary' ? jsonFlag(`e->'primary'`) : text(`e->>'${s}'`);
  return { from: elements(`m.attributes->'${name}'`, 'e'), sub };
}

const ENT = ENTERPRISE_USER_SCHEMA_ID.toLowerCase();
const LIC = LICENSE_USER_SCHEMA_ID.toLowerCase();
const ext = (name: string) => text(`m.attributes->'${ENTERPRISE_USER_SCHEMA_ID}'->>'${name}'`);

export const USER_COLUMNS: ColumnMap = {
  id: { sql: 'm.id', type: 'uuid' },
  username: text('m.user_name'),
  externalid: { sql: 'm.external_id', type: 'string', caseExact: true },
  displayname: text('m.display_name'),
  active: { sql: 'm.active', type: 'boolean' },
  'name.givenname': text('m.given_name'),
  'name.familyname': text('m.family_name'),
  'name.formatted': text(`m.attributes->'name'->>'formatted'`),
  'name.middlename': text(`m.attributes->'name'->>'middleName'`),
  'name.honorificprefix': text(`m.attributes->'name'->>'honorificPrefix'`),
  'name.honorificsuffix': text(`m.attributes->'name'->>'honorificSuffix'`),
  nickname: attr('nickName'),
  profileurl: attr('profileUrl'),
  title: attr('title'),
  usertype: attr('userType'),
  preferredlanguage: attr('preferredLanguage'),
  locale: attr('locale'),
  timezone: attr('timezone'),
  'meta.created': { sql: 'm.created_at', type: 'datetime' },
  'meta.lastmodified': { sql: 'm.updated_at', type: 'datetime' },
  emails: multi('emails', ['value', 'display', 'type', 'primary']),
  phonenumbers: multi('phoneNumbers', ['value', 'display', 'type', 'primary']),
  addresses: multi('addresses', ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type', 'primary']),
  groups: {
    from: 'roster_api.group_member gf join roster_api."group" gg on gg.id = gf.group_id',
    where: 'gf.member_id = m.id',
    sub: { value: { sql: 'gf.group_id', type: 'uuid' }, display: text('gg.display_name') },
  },
  [`${ENT}:employeenumber`]: ext('employeeNumber'),
  [`${ENT}:costcenter`]: ext('costCenter'),
  [`${ENT}:organization`]: ext('organization'),
  [`${ENT}:division`]: ext('division'),
  [`${ENT}:department`]: ext('department'),
  [`${ENT}:manager.value`]: text(`m.attributes->'${ENTERPRISE_USER_SCHEMA_ID}'->'manager'->>'value'`),
  [`${LIC}:licenses`]: {
    from: 'roster_api.member_license lf join roster_api.license lft on lft.id = lf.license_id',
    where: 'lf.member_id = m.id',
    sub: {
      value: { sql: 'lft.key', type: 'string', caseExact: true },
      display: text('lft.name'),
      state: { sql: 'lf.state', type: 'string', caseExact: true },
    },
  },
};

export const GROUP_COLUMNS: ColumnMap = {
  id: { sql: 'g.id', type: 'uuid' },
  displayname: text('g.display_name'),
  externalid: { sql: 'g.external_id', type: 'string', caseExact: true },
  'meta.created': { sql: 'g.created_at', type: 'datetime' },
  'meta.lastmodified': { sql: 'g.updated_at', type: 'datetime' },
  members: { from: 'roster_api.group_member gf', where: 'gf.group_id = g.id', sub: { value: { sql: 'gf.member_id', type: 'uuid' } } },
};
