import type { Migration } from './types.js';

/**
 * The event log (issue 18): an outbox written in the same transaction as the change it
 * describes, read by the host app through GraphQL `events` and by webhook delivery.
 *
 * Ordering. `seq` is taken from the team's row in `event_counter` by an upsert in the writing
 * transaction; the row stays locked until that transaction ends, so the next writer of the team
 * gets `seq + 1` only after this one committed (or rolled back, giving the number back). Per
 * team, seq order is therefore commit order, and a reader that has seen seq n never later sees
 * a seq ≤ n appear: reading a team `after` a seq is exact under concurrent writers. The cost is
 * that writes of one team serialise on that row from the moment they publish to their commit,
 * which is why services publish last, just before commit (see docs/events.md).
 *
 * Across teams (platform admins), there is no such lock: `tx` is the writing transaction's id
 * and the reader only returns rows whose transaction is older than every transaction still
 * running (`tx < pg_snapshot_xmin(pg_current_snapshot())`), ordered by (tx, position). Rows
 * behind that horizon are final, and any transaction that starts later gets a larger id, so a
 * cursor (tx, position) never skips an event that commits after it was read.
 */
export const events: Migration = {
  name: 'core/0008-events',
  sql: `
create table event_counter (
  scope uuid primary key,
  seq bigint not null
);

create table event (
  id uuid primary key,
  position bigint generated always as identity,
  team_id uuid,
  seq bigint not null,
  tx xid8 not null default pg_current_xact_id(),
  type text not null,
  occurred_at timestamptz not null default now(),
  data jsonb not null,
  actor jsonb not null,
  channel text not null
);
create unique index event_team_seq_uq on event (team_id, seq);
create index event_team_type_seq_idx on event (team_id, type, seq);
create index event_tx_position_idx on event (tx, position);
-- Retention deletes by time; rows arrive in time order, so a BRIN index is enough and costs the writers nothing.
create index event_occurred_at_brin on event using brin (occurred_at);`,
};
