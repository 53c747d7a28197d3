import type { Migration } from './types.js';

/**
 * SCIM writes without waiting on the kept member count (#19, SCIM write mix and initial sync).
 *
 * core/0013 split `member_count` into slots chosen by `pg_backend_pid() % 16`. With a pool of
 * ten connections two of them often share a slot, and a SCIM deactivation holds its slot rows
 * locked from its statement to its commit: under the Okta-like mix the trigger's upsert waited
 * 0.69 ms on average (pg_stat_statements), more than the rest of the statement.
 *
 * Now a writing transaction takes the first slot whose transaction-scoped advisory lock
 * (team, slot) it can get without waiting. A slot's row is then only ever written by the one
 * open transaction holding that lock, so no writer waits for another's commit, whatever the
 * number of connections or nodes, and the upsert stays exact (each transaction adds its own
 * delta to a row nobody else is changing). A transaction keeps its locks to its end; a second
 * write in it may land on another free slot, which it then also holds. Slots in use grow with
 * the number of a team's writers open at once (a reader sums their rows, `sum(n)`, as before);
 * if 256 were held at once the slot falls back to the backend's (the upsert then may wait, and
 * stays exact). Advisory locks in the two-key form are used nowhere else in Roster.
 */
export const scimWrites: Migration = {
  name: 'core/0015-scim-writes',
  sql: `
-- PL/pgSQL, not SQL: its expressions are evaluated without planning a query on every call.
create function member_count_slot(team uuid) returns smallint language plpgsql volatile as $$
declare
  k integer := hashtext('member_count ' || team::text);
begin
  for s in 0..255 loop
    if pg_try_advisory_xact_lock(k, s) then
      return s;
    end if;
  end loop;
  return pg_backend_pid() % 16;
end $$;

create or replace function member_count_insert() returns trigger language plpgsql as $$
begin
  insert into member_count (team_id, status, slot, n)
    select team_id, status, member_count_slot(team_id), count(*) from new_rows group by team_id, status order by team_id, status
    on conflict (team_id, status, slot) do update set n = member_count.n + excluded.n;
  return null;
end $$;

create or replace function member_count_delete() returns trigger language plpgsql as $$
begin
  insert into member_count (team_id, status, slot, n)
    select o.team_id, o.status, member_count_slot(o.team_id), -count(*) from old_rows o
      where exists (select 1 from team t where t.id = o.team_id)
      group by o.team_id, o.status order by o.team_id, o.status
    on conflict (team_id, status, slot) do update set n = member_count.n + excluded.n;
  return null;
end $$;

create or replace function member_count_update() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from new_rows n join old_rows o on o.id = n.id where o.status <> n.status or o.team_id <> n.team_id) then
    return null;
  end if;
  insert into member_count (team_id, status, slot, n)
    select team_id, status, member_count_slot(team_id), sum(d) from (
      select team_id, status, 1 as d from new_rows
      union all
      select team_id, status, -1 as d from old_rows
    ) x group by team_id, status having sum(d) <> 0 order by team_id, status
    on conflict (team_id, status, slot) do update set n = member_count.n + excluded.n;
  return null;
end $$;`,
};
