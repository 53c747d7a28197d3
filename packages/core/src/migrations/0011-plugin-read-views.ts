import type { Migration } from './types.js';

/**
 * #15.4: the read contract for plugins. The core's tables are its own and change with it; a
 * plugin reads members, groups and licenses only through these views, which are a promise
 * (packages/plugin-sdk/README.md, "The read contract"): a column is never removed, renamed or
 * retyped, only added; a breaking change is a new view name, the old one kept for a major
 * version. They live in their own schema, `roster_api`, so what a plugin may name is one prefix
 * away from what it may not, and so no view is ever mistaken for a tenant table (#19).
 *
 * Each view is a plain select (no aggregate, DISTINCT or window), so PostgreSQL inlines it into
 * the plugin's query and the planner sees the table and its indexes: `lower(user_name)` still
 * reaches membership_team_user_name_uq. `member` takes the person with a LEFT JOIN on the
 * primary key (membership.user_id is not null, so it is the inner join's answer): the planner
 * drops the join when a query reads no person column, so a team's count stays index-only.
 */
export const pluginReadViews: Migration = {
  name: 'core/0011-plugin-read-views',
  sql: `
create schema if not exists roster_api;

create view roster_api.member as
select m.id, m.team_id, m.user_name, u.email, u.given_name, u.family_name, u.display_name,
  m.external_id, m.status, (m.status = 'active') as active, m.role, m.attributes, m.version,
  m.created_at, m.updated_at, m.deactivated_at
from membership m left join "user" u on u.id = m.user_id;

create view roster_api."group" as
select g.id, g.team_id, g.display_name, g.external_id, g.license_type_id as license_id, g.version, g.created_at, g.updated_at
from "group" g;

create view roster_api.group_member as
select gm.team_id, gm.group_id, gm.membership_id as member_id, gm.created_at
from group_member gm;

create view roster_api.license as
select lt.id, lt.team_id, lt.key, lt.name, lt.seats, lt.created_at
from license_type lt;

create view roster_api.member_license as
select la.team_id, la.membership_id as member_id, la.license_type_id as license_id, la.state, la.requested_at, la.granted_at
from license_assignment la;`,
};
