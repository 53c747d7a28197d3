import type { Migration } from './types.js';

/**
 * The members page at 100k members (#19).
 *
 * `member_count` keeps how many members a team has per status, so an unfiltered (or status-only)
 * `totalCount` reads a few rows instead of counting the team's memberships on every page. It is
 * kept by statement triggers on `membership`, so every writer (services, SCIM, the bench's SQL
 * seed) keeps it exact in its own transaction, and a bulk insert costs one upsert per
 * (team, status), not one per row.
 *
 * A single row per team would serialise concurrent creates of one team on that row until each
 * transaction commits. The count is therefore split in `slot`s chosen by the writing backend
 * (`pg_backend_pid() % 16`): two transactions only wait for each other when their backends share
 * a slot, and a reader sums at most 2 × 16 rows. Slots may go negative (a member counted in one
 * slot, removed from another); only the sum means anything.
 *
 * The delete trigger skips teams that no longer exist: a team's deletion cascades to its
 * memberships, and its `member_count` rows go with it.
 *
 * The groups and licenses batches of a page read `group_member` and `license_assignment` by
 * `membership_id`; the indexes below carry what those batches need, so they are index-only scans
 * once the visibility map is set.
 */
export const membersPage: Migration = {
  name: 'core/0013-members-page',
  sql: `
create table member_count (
  team_id uuid not null references team (id) on delete cascade,
  status text not null,
  slot smallint not null,
  n bigint not null,
  primary key (team_id, status, slot)
);

create function member_count_insert() returns trigger language plpgsql as $$
begin
  insert into member_count (team_id, status, slot, n)
    select team_id, status, (pg_backend_pid() % 16)::smallint, count(*) from new_rows group by team_id, status order by team_id, status
    on conflict (team_id, status, slot) do update set n = member_count.n + excluded.n;
  return null;
end $$;

create function member_count_delete() returns trigger language plpgsql as $$
begin
  insert into member_count (team_id, status, slot, n)
    select o.team_id, o.status, (pg_backend_pid() % 16)::smallint, -count(*) from old_rows o
      where exists (select 1 from team t where t.id = o.team_id)
      group by o.team_id, o.status order by o.team_id, o.status
    on conflict (team_id, status, slot) do update set n = member_count.n + excluded.n;
  return null;
end $$;

-- Transition tables cannot be limited to a column list, so this runs on every update of
-- membership; rows whose team and status did not change cancel out and write nothing.
create function member_count_update() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from new_rows n join old_rows o on o.id = n.id where o.status <> n.status or o.team_id <> n.team_id) then
    return null;
  end if;
  insert into member_count (team_id, status, slot, n)
    select team_id, status, (pg_backend_pid() % 16)::smallint, sum(d) from (
      select team_id, status, 1 as d from new_rows
      union all
      select team_id, status, -1 as d from old_rows
    ) x group by team_id, status having sum(d) <> 0 order by team_id, status
    on conflict (team_id, status, slot) do update set n = member_count.n + excluded.n;
  return null;
end $$;

create trigger member_count_insert after insert on membership referencing new table as new_rows
  for each statement execute function member_count_insert();
create trigger member_count_delete after delete on membership referencing old table as old_rows
  for each statement execute function member_count_delete();
create trigger member_count_update after update on membership referencing new table as new_rows old table as old_rows
  for each statement execute function member_count_update();

insert into member_count (team_id, status, slot, n)
  select team_id, status, 0, count(*) from membership group by team_id, status;

create index group_member_membership_group_idx on group_member (membership_id, group_id);
drop index group_member_membership_idx;
create unique index license_assignment_member_type_state_uq on license_assignment (membership_id, license_type_id) include (state);
drop index license_assignment_member_type_uq;`,
};
