import type { Migration } from './types.js';

/**
 * The event log's per-team sequence, assigned after commit (issue 18, outbox cost).
 *
 * Before: every writer upserted its team's `event_counter` row in its own transaction, so all
 * writes of a team queued on that row from their event to their commit. Now writers insert the
 * event with only its global `position` and its transaction id `tx`; `seq` stays null until the
 * **sequencer** numbers it. The sequencer runs one at a time (the `event_sequencer` row, taken
 * `for update`), from the periodic job host, before webhook fan-out, and synchronously from a
 * reader that finds unsequenced events of its query (so `events(after:)` right after a change
 * sees it). One run is one statement in its own transaction, taken after the row lock: its
 * snapshot holds every event committed before it, and no transaction still running can have an
 * event in it. It numbers every unsequenced event it sees, per team in (tx, position) order,
 * continuing `event_counter` (only the sequencer writes it now), and moves `horizon` to its
 * snapshot's xmin.
 *
 * Why a team cursor (its seq) never skips: seqs are given by runs that never overlap; a run
 * commits all its numbers at once and numbers only committed events; each run's numbers for a
 * team are above every earlier run's. So once a reader has seen seq n, every event that later
 * becomes visible has a larger seq. Rolled-back changes are never seen, so never numbered.
 * Order: an event committed before a run is numbered before every event committed after it;
 * events of one team that committed between the same two runs are numbered in (tx, position)
 * order (see docs/events.md for what that means for overlapping transactions).
 *
 * Why the cross-team cursor (tx, position) never skips: it reads only `tx < horizon`. Every
 * transaction below the horizon had ended when the run that set it took its snapshot, so its
 * events are final and numbered, and any later transaction has a larger id.
 *
 * Existing rows keep their seq; the counter keeps counting from them (its `scope` keeps its name,
 * so nodes of the previous version still write during a rolling deploy).
 * Indexes: the (team_id, seq) index only holds numbered rows (a writer adds no entry to it);
 * (team_id, type, seq) goes: a types filter walks the team's seq index (docs/benchmarks.md);
 * a small partial index finds the unnumbered rows (without it the planner cannot bound
 * `tx >= horizon` and scans the table).
 */
export const eventSequencer: Migration = {
  name: 'core/0012-event-sequencer',
  sql: `
alter table event alter column seq drop not null;
drop index event_team_type_seq_idx;
drop index event_team_seq_uq;
create unique index event_team_seq_uq on event (team_id, seq) where seq is not null;
-- What the sequencer and a reader's "anything to number?" look for: only unnumbered rows stay live in it.
create index event_unnumbered_idx on event (tx, position) where seq is null;

create table event_sequencer (
  id integer primary key check (id = 1),
  horizon xid8 not null
);
-- Every event so far has its seq (the old writers numbered them).
insert into event_sequencer (id, horizon) values (1, pg_snapshot_xmin(pg_current_snapshot()));`,
};
