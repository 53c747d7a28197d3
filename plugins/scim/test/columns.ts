/** Column maps shaped like the ones the handlers give `toSql` (membership m, user u, group g). */
import type { ColumnMap } from '../src/protocol/index.js';

export const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const userColumns: ColumnMap = {
  id: { sql: 'm.id', type: 'uuid' },
  username: { sql: 'm.user_name', type: 'string' },
  externalid: { sql: 'm.external_id', type: 'string', caseExact: true },
  displayname: { sql: 'u.display_name', type: 'string' },
  'name.familyname': { sql: 'u.family_name', type: 'string' },
  'name.givenname': { sql: 'u.given_name', type: 'string' },
  active: { sql: "(m.status = 'active')", type: 'boolean' },
  'meta.created': { sql: 'm.created_at', type: 'datetime' },
  'meta.lastmodified': { sql: 'm.updated_at', type: 'datetime' },
  title: { sql: "m.attributes->>'title'", type: 'string' },
  'x.version': { sql: 'm.version', type: 'number' },
  emails: {
    from: "jsonb_array_elements(m.attributes->'emails') e",
    sub: {
      value: { sql: "e->>'value'", type: 'string' },
      type: { sql: "e->>'type'", type: 'string' },
      primary: { sql: "(e->>'primary')::boolean", type: 'boolean' },
    },
  },
  [`${ENT}:department`.toLowerCase()]: { sql: `m.attributes->'${ENT}'->>'department'`, type: 'string' },
};

export const groupColumns: ColumnMap = {
  id: { sql: 'g.id', type: 'uuid' },
  displayname: { sql: 'g.display_name', type: 'string' },
  externalid: { sql: 'g.external_id', type: 'string', caseExact: true },
  members: { from: 'group_member gm', where: 'gm.group_id = g.id', sub: { value: { sql: 'gm.membership_id', type: 'uuid' } } },
};
