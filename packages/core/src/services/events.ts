import { randomUUID } from 'node:crypto';
import { fail } from '../errors.js';
import { boundRows, textArrayLiteral, type Actor, type Em, type ReadFn } from './context.js';

/**
 * The event log (core/0008-events): what changed, for the host app and webhook delivery.
 * An outbox: every event is written by `publish` in the transaction of the change it
 * describes, so there is no event without its change and no change without its event.
 * Ordering and cursor correctness: see the migration and docs/events.md.
 */

/** The counter scope of platform events (no team): seq is per scope. */
export const PLATFORM_SCOPE = '00000000-0000-0000-0000-000000000000';

export interface EventInput {
  /** The team whose resource changed; null only for platform events. */
  teamId: string | null;
  /** `member.created`, `group.deleted`…; plugins use their own prefix (`captures.created`). */
  type: string;
  /** The resource as it now is, or `{ id }` when it was removed. */
  data: Record<string, unknown>;
  actor: Actor;
}

/** An event as the API answers it. */
export interface LoggedEvent {
  id: string;
  teamId: string | null;
  seq: number;
  type: string;
  occurredAt: Date;
  data: Record<string, unknown>;
  actor: EventActor;
  channel: string;
  /** Where a reader resumes after this event. */
  cursor: string;
}

export interface EventActor {
  type: string;
  id: string | null;
  label: string | null;
}

export interface EventPage {
  events: LoggedEvent[];
  /** The cursor to pass as `after` next time: the last event's, or `after` itself when nothing new. */
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface ListEventsInput {
  /** One team (ordered by its seq); omitted: every team and the platform (platform admins only). */
  teamId?: string | null;
  after?: string | null;
  types?: readonly string[] | null;
  first?: number | null;
}

export const EVENTS_PAGE_DEFAULT = 100;

/** JSON with object keys sorted at every depth: one spelling per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
export const EVENTS_PAGE_MAX = 1000;

const TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function actorJson(actor: Actor): EventActor {
  return { type: actor.type, id: actor.id ?? null, label: actor.label ?? null };
}

/**
 * A common table expression that writes one event, for statements that make their change and
 * write its event at once. `from` names a CTE of the change that returns one row when the change
 * happened and none when it did not: then nothing is written. `data` is an SQL expression over
 * `from`'s columns (the resource as the statement left it), merged with the event's own `data`.
 * Bind `events.params(…)` where the fragment stands. The event gets its seq after commit, from
 * the sequencer (core/0012): nothing here is shared with other writers.
 */
export function eventCte(from: string, opts: { name?: string; data?: string } = {}): string {
  const name = opts.name ?? 'ev';
  return `${name} as (
           insert into event (id, team_id, type, occurred_at, data, actor, channel)
           select ?::uuid, ?::uuid, ?, ?, ${opts.data ? `${opts.data} || ` : ''}?::jsonb, ?::jsonb, ? from ${from} where ?::boolean
         )`;
}

function checkType(type: string): void {
  if (!TYPE.test(type) || type.length > 100) fail('BAD_USER_INPUT', `"${type}" is not an event type (lower-case words joined by dots).`);
}

/** Writes a run of events of one team and actor, in order (their positions follow it), in one statement. */
const PUBLISH_SQL = `insert into event (id, team_id, type, occurred_at, data, actor, channel)
  select (x.e->>'id')::uuid, ?::uuid, x.e->>'type', ?, x.e->'data', ?::jsonb, ?
  from jsonb_array_elements(?::jsonb) with ordinality as x(e, ord) order by x.ord`;

/**
 * One sequencer run (core/0012), under the `event_sequencer` row lock, in a statement of its own
 * so that its snapshot follows the lock: numbers every committed event that has no seq yet, per
 * team (the platform's events under PLATFORM_SCOPE) in (tx, position) order after the team's
 * counter, and moves the horizon to this snapshot's xmin (every committed event below it is now
 * numbered). Unnumbered events are found through the partial index `event_unnumbered_idx`.
 */
export const SEQUENCE_SQL = `with todo as (
    select e.id, coalesce(e.team_id, ?::uuid) as scope, e.tx, e.position
    from event e
    where e.tx >= (select horizon from event_sequencer where id = 1) and e.seq is null
  ), numbered as (
    select id, scope, row_number() over (partition by scope order by tx, position) as n, count(*) over (partition by scope) as total
    from todo
  ), counted as (
    insert into event_counter (scope, seq) select scope, max(total) from numbered group by scope
    on conflict (scope) do update set seq = event_counter.seq + excluded.seq
    returning scope, seq
  ), numbering as (
    update event e set seq = c.seq - x.total + x.n
    from numbered x join counted c on c.scope = x.scope
    where e.id = x.id
    returning 1
  ), moved as (
    update event_sequencer set horizon = greatest(horizon, pg_snapshot_xmin(pg_current_snapshot())) where id = 1
  )
  select count(*)::int as n from numbering`;

/** Whether a reader must run the sequencer first: a committed event of its team that has no seq yet. */
const TEAM_PENDING_SQL = `select exists (
    select 1 from event e where e.tx >= (select horizon from event_sequencer where id = 1) and e.seq is null and e.team_id = ?::uuid
  ) as pending`;

/** Whether a cross-team reader must run the sequencer first: an event between the horizon and today's xmin. */
const ALL_PENDING_SQL = `select exists (
    select 1 from event e
    where e.tx >= (select horizon from event_sequencer where id = 1) and e.tx < pg_snapshot_xmin(pg_current_snapshot())
  ) as pending`;

export class EventLog {
  constructor(private readonly deps: { read: ReadFn; em: () => Em; enabled?: boolean }) {}

  /**
   * Whether changes write events. Always on but in the outbox benchmark, which measures the
   * cost of the log against the same build without it (ROSTER_EVENTS=off, a bench-only switch).
   */
  get enabled(): boolean {
    return this.deps.enabled !== false;
  }

  /**
   * Writes one event in `em`'s transaction, which must be the transaction of the change:
   * publishing outside one would break the outbox promise, so it is refused. It takes no lock:
   * the event is numbered after commit (`sequence`).
   */
  async publish(em: Em, input: EventInput): Promise<void> {
    await this.publishAll(em, [input]);
  }

  /**
   * Publishes the event unless one of the same team and type was already published with this
   * `match` (one warning per certificate, not one per node and pass); true when it published.
   * The match is a key in `event_once` (core/0018): one index probe whatever the log's size,
   * nodes trying at once take turns on it, and it outlives the log's retention.
   */
  async publishOnce(em: Em, input: EventInput, match: Record<string, unknown>): Promise<boolean> {
    if (!em.isInTransaction()) throw new Error('EventLog.publishOnce runs in the transaction of the change it describes');
    checkType(input.type);
    if (!this.enabled) return true;
    // The key is a primary key (core/0018): a concurrent transaction with the same key waits on
    // the index entry until this one ends, then finds it taken. Keys are canonical JSON, so
    // `{ a, b }` and `{ b, a }` are one key.
    const key = `${input.teamId ?? 'platform'}:${input.type}:${canonicalJson(match)}`;
    const taken = await boundRows(
      em,
      'insert into event_once (key, team_id, event_type) values (?, ?::uuid, ?) on conflict (key) do nothing returning 1 as taken',
      [key, input.teamId, input.type],
    );
    if (taken.length === 0) return false;
    await this.publish(em, input);
    return true;
  }

  /** Several events of one transaction, in order (one statement per run of one team and actor). */
  async publishAll(em: Em, inputs: readonly EventInput[]): Promise<void> {
    if (!em.isInTransaction()) throw new Error('EventLog.publish runs in the transaction of the change it describes');
    for (const i of inputs) checkType(i.type);
    if (!this.enabled) return;
    const at = new Date();
    for (let start = 0; start < inputs.length;) {
      const head = inputs[start]!;
      let end = start + 1;
      while (end < inputs.length && inputs[end]!.teamId === head.teamId && inputs[end]!.actor === head.actor) end++;
      const run = inputs.slice(start, end).map((i) => ({ id: randomUUID(), type: i.type, data: i.data }));
      await boundRows(em, PUBLISH_SQL, [head.teamId, at, JSON.stringify(actorJson(head.actor)), head.actor.channel, JSON.stringify(run)], {
        prepare: true,
      });
      start = end;
    }
  }

  /** The values of `eventCte`'s placeholders, in order. */
  params(input: EventInput, at: Date = new Date()): unknown[] {
    checkType(input.type);
    return [
      randomUUID(),
      input.teamId,
      input.type,
      at,
      JSON.stringify(input.data),
      JSON.stringify(actorJson(input.actor)),
      input.actor.channel,
      this.enabled,
    ];
  }

  /**
   * Numbers the committed events that have no seq yet (core/0012), one run at a time across
   * nodes. `wait: false` (the periodic job, fan-out) skips when another run holds the lock;
   * `wait: true` (a reader that must see what committed before it) waits for that run and then
   * runs itself, since the other run's snapshot may be older than the reader's. Answers how
   * many events it numbered.
   */
  async sequence(opts: { wait: boolean } = { wait: false }): Promise<number> {
    return this.deps.em().transactional(async (em) => {
      const lock = await boundRows(em, `select 1 from event_sequencer where id = 1 for update${opts.wait ? '' : ' skip locked'}`, [], {
        prepare: true,
      });
      if (lock.length === 0) return 0;
      const [r] = await boundRows<{ n: number }>(em, SEQUENCE_SQL, [PLATFORM_SCOPE], { prepare: true });
      return r?.n ?? 0;
    });
  }

  /**
   * Events after a cursor, oldest first. With a team: that team's events by seq (commit order).
   * Without: every event below the sequencer's horizon, by (transaction, position): a later
   * commit can never land before a cursor already handed out. Either way, events committed
   * before the call are numbered first (the sequencer, synchronously, when some are not).
   */
  async list(input: ListEventsInput): Promise<EventPage> {
    const first = input.first ?? EVENTS_PAGE_DEFAULT;
    if (!Number.isInteger(first) || first < 1 || first > EVENTS_PAGE_MAX)
      fail('BAD_USER_INPUT', `first must be a whole number from 1 to ${EVENTS_PAGE_MAX}.`);
    const types = input.types?.length ? [...new Set(input.types)] : null;
    for (const t of types ?? []) checkType(t);
    const after = input.after ? decodeCursor(input.after) : null;
    const [pending] = await this.deps.read<{ pending: boolean }>(
      input.teamId ? TEAM_PENDING_SQL : ALL_PENDING_SQL,
      input.teamId ? [input.teamId] : [],
      { prepare: true },
    );
    if (pending?.pending) await this.sequence({ wait: true });
    const params: unknown[] = [];
    let where: string;
    let order: string;
    if (input.teamId) {
      if (after && (after.kind !== 'team' || after.teamId !== input.teamId))
        fail('BAD_USER_INPUT', 'This cursor belongs to another events query.');
      where = 'team_id = ?::uuid and seq > ?';
      params.push(input.teamId, after?.kind === 'team' ? after.seq : '0');
      // Qualified: the output columns of the same names are text.
      order = 'event.seq';
    } else {
      if (after && after.kind !== 'all') fail('BAD_USER_INPUT', 'This cursor belongs to another events query.');
      where = 'tx < (select horizon from event_sequencer where id = 1) and (tx, position) > (?::xid8, ?::bigint)';
      params.push(after?.kind === 'all' ? after.tx : '0', after?.kind === 'all' ? after.position : '0');
      order = 'event.tx, event.position';
    }
    if (types) {
      where += ' and type = any(?::text[])';
      params.push(textArrayLiteral(types));
    }
    params.push(first + 1);
    const rows = await this.deps.read<EventRow>(
      `select id, team_id, seq::text as seq, tx::text as tx, position::text as position, type, occurred_at, data, actor, channel
       from event where ${where} order by ${order} limit ?`,
      params,
    );
    const hasNextPage = rows.length > first;
    const events = rows.slice(0, first).map((r) => toEvent(r, input.teamId ? 'team' : 'all'));
    return { events, endCursor: events.at(-1)?.cursor ?? input.after ?? null, hasNextPage };
  }

  /** Retention: deletes events older than `before`, a batch at a time; answers how many went. */
  async prune(before: Date, batch = 10_000): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.deps.read<{ n: number }>(
        `with d as (delete from event where id in (select id from event where occurred_at < ? limit ?) returning 1)
         select count(*)::int as n from d`,
        [before, batch],
      );
      const n = rows[0]?.n ?? 0;
      total += n;
      if (n < batch) return total;
    }
  }
}

interface EventRow {
  id: string;
  team_id: string | null;
  seq: string;
  tx: string;
  position: string;
  type: string;
  occurred_at: Date | string;
  data: Record<string, unknown> | string;
  actor: EventActor | string;
  channel: string;
}

type Cursor = { kind: 'team'; teamId: string; seq: string } | { kind: 'all'; tx: string; position: string };

function toEvent(r: EventRow, kind: Cursor['kind']): LoggedEvent {
  const cursor: Cursor =
    kind === 'team' ? { kind, teamId: r.team_id ?? PLATFORM_SCOPE, seq: r.seq } : { kind, tx: r.tx, position: r.position };
  return {
    id: r.id,
    teamId: r.team_id,
    seq: Number(r.seq),
    type: r.type,
    occurredAt: new Date(r.occurred_at),
    data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
    actor: typeof r.actor === 'string' ? (JSON.parse(r.actor) as EventActor) : r.actor,
    channel: r.channel,
    cursor: encodeCursor(cursor),
  };
}

/** Opaque to clients: `t:<team>:<seq>` or `a:<tx>:<position>` in base64url. */
function encodeCursor(c: Cursor): string {
  const text = c.kind === 'team' ? `t:${c.teamId}:${c.seq}` : `a:${c.tx}:${c.position}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DIGITS = /^[0-9]{1,18}$/;

function decodeCursor(cursor: string): Cursor {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (parts.length === 3 && parts[0] === 't' && UUID.test(parts[1]!) && DIGITS.test(parts[2]!))
    return { kind: 'team', teamId: parts[1]!, seq: parts[2]! };
  if (parts.length === 3 && parts[0] === 'a' && DIGITS.test(parts[1]!) && DIGITS.test(parts[2]!))
    return { kind: 'all', tx: parts[1]!, position: parts[2]! };
  fail('BAD_USER_INPUT', 'The events cursor is not valid.');
}
