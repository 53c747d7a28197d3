import type { Migration } from './types.js';

/**
 * `publishOnce` keys (e.g. "this certificate's expiry warning was published"), one row each.
 *
 * Before, `publishOnce` took an advisory lock and searched the event log for an event whose data
 * contained the key (`data @> …`). No index serves that search (core/0012 dropped the
 * (team, type, seq) index and made the team index partial), so every node's hourly certificate
 * check scanned the whole log, which grows with every SCIM write. Now the key is a primary key:
 * the first transaction to insert it publishes, a concurrent one waits on the index entry and
 * then finds it taken, and it costs one index probe whatever the log's size. The key outlives
 * the log's retention, so "once" stays once.
 *
 * `team_id` is null for platform events; a team's keys go with the team.
 */
export const eventOnce: Migration = {
  name: 'core/0018-event-once',
  sql: `
create table event_once (
  key text primary key,
  team_id uuid references team (id) on delete cascade,
  event_type text not null,
  created_at timestamptz not null default now()
);
create index event_once_team_idx on event_once (team_id) where team_id is not null;`,
};
