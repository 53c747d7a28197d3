import { randomUUID } from 'node:crypto';
import { boundRows, SYSTEM_ACTOR, textArrayLiteral, type Actor, type Em, type ReadFn } from '../context.js';
import { audit } from '../audit.js';
import type { SecretBox } from '../crypto.js';
import type { EventLog } from '../events.js';
import { nextAttemptAt, WEBHOOK_RETRY } from './schedule.js';
import { signatureHeader } from './signing.js';

export interface WebhookWorkerOptions {
  em: () => Em;
  read: ReadFn;
  secrets: SecretBox;
  events: EventLog;
  /** The operator's outbound policy (no private addresses unless allowed), as a fetch. */
  fetch: typeof fetch;
  /** The clock, in ms since the epoch (tests move it). @default Date.now */
  now?: () => number;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
  /** Time limit of one request, answer included. @default 10000 */
  timeoutMs?: number;
  /** Requests in flight at once on this node. @default 16 */
  concurrency?: number;
  /** Events read per fan-out step. @default 500 */
  fanOutBatch?: number;
  log?: { warn(obj: Record<string, unknown>, msg: string): void };
}

interface Claimed {
  id: string;
  endpointId: string;
  eventId: string;
  attempt: number;
  giveUpAt: number;
}

interface Target {
  url: string;
  secrets: string[];
}

interface Outcome {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** How long past the request's time limit a claimed delivery stays leased to the node that claimed it. */
const LEASE_MARGIN_MS = 60_000;
const MAX_ERROR_LENGTH = 500;
/** How often a node busy with slow receivers still looks for new events and due deliveries. */
const FAN_OUT_EVERY_MS = 200;
const DISABLED_REASON = 'Every delivery failed for three days; re-enable the endpoint once it answers 2xx again.';

/**
 * Delivers the event log to webhook endpoints from any number of nodes: fan-out (events →
 * deliveries) under one cursor row, delivery under per-row claims, both `for update skip
 * locked`, so nodes share the work without doing it twice. At least once: a delivery is
 * marked delivered only after a 2xx, and a node that stops or dies mid-request leaves it
 * leased, to be retried after the lease by whichever node comes first.
 */
export class WebhookWorker {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly stopping = new AbortController();

  constructor(private readonly opts: WebhookWorkerOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.concurrency = opts.concurrency ?? 16;
  }

  /**
   * One run of the periodic job: fan out new events, deliver what is due, `concurrency` requests
   * at a time, claiming more as requests finish, until nothing is due and nothing is in flight.
   * Fan-out goes on while requests are in flight, so a node waiting on slow receivers does not
   * hold back the events behind them (another node may be free to send them).
   */
  async run(): Promise<{ fannedOut: number; delivered: number }> {
    let fannedOut = 0;
    let delivered = 0;
    // Most deployments have no endpoint: one indexed read a second, and the log is not scanned.
    const [any] = await this.opts.read<{ yes: boolean }>('select exists (select 1 from webhook_endpoint where enabled) as yes');
    if (!any?.yes) return { fannedOut, delivered };
    const inflight = new Set<Promise<void>>();
    let lastFanOut = -Infinity;
    try {
      while (!this.stopping.signal.aborted) {
        if (performance.now() - lastFanOut >= FAN_OUT_EVERY_MS) {
          lastFanOut = performance.now();
          for (;;) {
            const step = await this.fanOut();
            fannedOut += step.deliveries;
            if (step.events < (this.opts.fanOutBatch ?? 500)) break;
          }
        }
        const free = this.concurrency - inflight.size;
        // Refill by halves, not one slot at a time: one claim and its reads serve several requests.
        if (inflight.size === 0 || free >= Math.ceil(this.concurrency / 2)) {
          const claimed = await this.claim(free);
          if (claimed.length > 0) {
            const targets = await this.targets(claimed);
            for (const c of claimed) {
              const p: Promise<void> = this.deliver(c, targets).finally(() => inflight.delete(p));
              inflight.add(p);
            }
            delivered += claimed.length;
            if (claimed.length === free) continue;
          }
          if (inflight.size === 0) break;
        }
        await Promise.race([...inflight, new Promise((resolve) => setTimeout(resolve, FAN_OUT_EVERY_MS))]);
      }
    } finally {
      await Promise.allSettled(inflight);
    }
    return { fannedOut, delivered };
  }

  /** Aborts the requests in flight without recording them: their leases bring them back, on another node. */
  stop(): void {
    this.stopping.abort();
  }

  /**
   * Turns the next events behind the sequencer's horizon (numbered, final) into deliveries, one
   * per matching enabled endpoint (its team's, and platform-wide ones), and moves the cursor.
   * Another node holding the cursor row means it is doing this right now: skip.
   */
  async fanOut(): Promise<{ events: number; deliveries: number }> {
    const now = new Date(this.now());
    // Number what committed since the last run, so the payloads carry their seq (skipped if another node is at it).
    await this.opts.events.sequence();
    return this.opts.em().transactional(async (em) => {
      const [cursor] = await boundRows<{ after_tx: string; after_position: string }>(
        em,
        'select after_tx::text as after_tx, after_position::text as after_position from webhook_fanout where id = 1 for update skip locked',
        [],
      );
      if (!cursor) return { events: 0, deliveries: 0 };
      const batch = await boundRows<{ id: string; tx: string; position: string }>(
        em,
        `select id, tx::text as tx, position::text as position from event
         where tx < (select horizon from event_sequencer where id = 1) and (tx, position) > (?::xid8, ?::bigint)
         order by tx, position limit ?`,
        [cursor.after_tx, cursor.after_position, this.opts.fanOutBatch ?? 500],
      );
      const last = batch.at(-1);
      if (!last) return { events: 0, deliveries: 0 };
      const inserted = await boundRows<{ id: string }>(
        em,
        `insert into webhook_delivery (id, endpoint_id, event_id, event_type, team_id, next_attempt_at, give_up_at)
         select gen_random_uuid(), ep.id, ev.id, ev.type, ev.team_id, ?::timestamptz, ?::timestamptz
         from event ev join webhook_endpoint ep
           on (ep.team_id = ev.team_id or ep.team_id is null) and ep.enabled and ep.created_at <= ev.occurred_at
             and (ev.type = any(ep.event_types) or '*' = any(ep.event_types))
         where ev.id = any(?::uuid[])
         on conflict (endpoint_id, event_id) do nothing
         returning id`,
        [now, new Date(now.getTime() + WEBHOOK_RETRY.giveUpAfterMs), textArrayLiteral(batch.map((e) => e.id))],
      );
      await boundRows(em, 'update webhook_fanout set after_tx = ?::xid8, after_position = ? where id = 1', [last.tx, last.position]);
      return { events: batch.length, deliveries: inserted.length };
    });
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const now = this.now();
    const rows = await this.opts.read<{ id: string; endpoint_id: string; event_id: string; attempts: number; give_up_at: Date }>(
      `with due as (
         select d.id from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id
         where d.status = 'pending' and d.next_attempt_at <= ? and e.enabled
         order by d.next_attempt_at limit ?
         for update of d skip locked
       )
       update webhook_delivery d set attempts = d.attempts + 1, next_attempt_at = ?
       from due where d.id = due.id
       returning d.id, d.endpoint_id, d.event_id, d.attempts, d.give_up_at`,
      [new Date(now), limit, new Date(now + this.timeoutMs + LEASE_MARGIN_MS)],
    );
    return rows.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      eventId: r.event_id,
      attempt: Number(r.attempts),
      giveUpAt: new Date(r.give_up_at).getTime(),
    }));
  }

  /** The endpoints (URL, live secrets) and the bodies (events) of a claimed batch. */
  private async targets(claimed: Claimed[]): Promise<{ endpoints: Map<string, Target>; bodies: Map<string, string> }> {
    const endpointRows = await this.opts.read<{
      id: string;
      url: string;
      secret_sealed: string;
      previous_secret_sealed: string | null;
      previous_secret_expires_at: Date | null;
    }>(
      'select id, url, secret_sealed, previous_secret_sealed, previous_secret_expires_at from webhook_endpoint where id = any(?::uuid[])',
      [textArrayLiteral([...new Set(claimed.map((c) => c.endpointId))])],
    );
    const now = this.now();
    const endpoints = new Map<string, Target>();
    for (const r of endpointRows) {
      const secrets = [this.opts.secrets.decrypt(r.secret_sealed)];
      if (r.previous_secret_sealed && r.previous_secret_expires_at && new Date(r.previous_secret_expires_at).getTime() > now)
        secrets.push(this.opts.secrets.decrypt(r.previous_secret_sealed));
      endpoints.set(r.id, { url: r.url, secrets });
    }
    const eventRows = await this.opts.read<Record<string, unknown>>(
      `select id, type, team_id, seq::text as seq, occurred_at, data, actor, channel from event where id = any(?::uuid[])`,
      [textArrayLiteral([...new Set(claimed.map((c) => c.eventId))])],
    );
    const bodies = new Map<string, string>();
    for (const r of eventRows) bodies.set(String(r.id), payloadOf(r));
    return { endpoints, bodies };
  }

  private async deliver(c: Claimed, t: { endpoints: Map<string, Target>; bodies: Map<string, string> }): Promise<void> {
    const target = t.endpoints.get(c.endpointId);
    const body = t.bodies.get(c.eventId);
    // Deleted meanwhile (endpoint, or the event by retention): the cascade removed the delivery too.
    if (!target || !body) return;
    const outcome = await this.send(c.eventId, target, body);
    if (this.stopping.signal.aborted) return;
    try {
      if (outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300) await this.delivered(c, outcome);
      else await this.failed(c, outcome);
    } catch (e) {
      // The database is away: the lease runs out and the delivery is tried again (at least once).
      this.opts.log?.warn({ err: e, delivery: c.id }, 'webhook delivery result not recorded');
    }
  }

  private async send(eventId: string, target: Target, body: string): Promise<Outcome> {
    const timestamp = Math.floor(this.now() / 1000);
    const started = performance.now();
    try {
      const response = await this.opts.fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Roster-Webhooks/1',
          'webhook-id': eventId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(target.secrets, eventId, timestamp, body),
        },
        body,
        // A redirect is an answer that is not 2xx: the endpoint's URL is what the admin set.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.stopping.signal]),
      });
      await response.body?.cancel().catch(() => undefined);
      return { statusCode: response.status, durationMs: Math.round(performance.now() - started), error: null };
    } catch (e) {
      return { statusCode: null, durationMs: Math.round(performance.now() - started), error: describe(e) };
    }
  }

  /** One statement (the hot path): the attempt logged, the delivery done, the endpoint's failure streak over. */
  private async delivered(c: Claimed, o: Outcome): Promise<void> {
    await this.opts.read(
      `with attempt as (
         insert into webhook_attempt (id, delivery_id, team_id, attempt, at, status_code, duration_ms, error)
         select ?, d.id, d.team_id, ?, ?, ?, ?, null from webhook_delivery d where d.id = ?
       ), done as (
         update webhook_delivery set status = 'delivered', delivered_at = ?, last_status_code = ?, last_duration_ms = ?, last_error = null
         where id = ? and status = 'pending'
       )
       update webhook_endpoint set failing_since = null where id = ? and failing_since is not null`,
      [
        randomUUID(),
        c.attempt,
        new Date(this.now()),
        o.statusCode,
        o.durationMs,
        c.id,
        new Date(this.now()),
        o.statusCode,
        o.durationMs,
        c.id,
        c.endpointId,
      ],
      { prepare: true },
    );
  }

  private async failed(c: Claimed, o: Outcome): Promise<void> {
    const now = this.now();
    const next = nextAttemptAt(c.attempt, now, c.giveUpAt, this.random());
    await this.opts.em().transactional(async (em) => {
      await this.logAttempt(em, c, o, new Date(now));
      // Only the claim that holds the current attempt schedules the next one (a late answer after the lease does not).
      await boundRows(
        em,
        `update webhook_delivery set status = ?, next_attempt_at = coalesce(?::timestamptz, next_attempt_at),
           last_status_code = ?, last_duration_ms = ?, last_error = ?
         where id = ? and attempts = ? and status = 'pending'`,
        [next === null ? 'failed' : 'pending', next === null ? null : new Date(next), o.statusCode, o.durationMs, o.error, c.id, c.attempt],
      );
      const [endpoint] = await boundRows<{ failing_since: Date; enabled: boolean; team_id: string | null; url: string }>(
        em,
        'update webhook_endpoint set failing_since = coalesce(failing_since, ?) where id = ? returning failing_since, enabled, team_id, url',
        [new Date(now), c.endpointId],
      );
      if (!endpoint?.enabled || now - new Date(endpoint.failing_since).getTime() < WEBHOOK_RETRY.giveUpAfterMs) return;
      const disabled = await boundRows(
        em,
        'update webhook_endpoint set enabled = false, disabled_reason = ?, disabled_at = ?, updated_at = ? where id = ? and enabled returning id',
        [DISABLED_REASON, new Date(now), new Date(now), c.endpointId],
      );
      if (disabled.length === 0) return;
      const actor: Actor = { ...SYSTEM_ACTOR, label: 'webhook delivery' };
      const data = {
        id: c.endpointId,
        url: endpoint.url,
        reason: DISABLED_REASON,
        failingSince: new Date(endpoint.failing_since).toISOString(),
      };
      audit(em, actor, {
        teamId: endpoint.team_id,
        action: 'webhook.endpoint.disabled',
        target: { type: 'webhook_endpoint', id: c.endpointId },
        data,
      });
      await this.opts.events.publish(em, { teamId: endpoint.team_id, type: 'webhook.endpoint_disabled', data, actor });
    });
  }

  private async logAttempt(em: Em, c: Claimed, o: Outcome, at: Date): Promise<void> {
    await boundRows(
      em,
      `insert into webhook_attempt (id, delivery_id, team_id, attempt, at, status_code, duration_ms, error)
       select ?, d.id, d.team_id, ?, ?, ?, ?, ? from webhook_delivery d where d.id = ?`,
      [randomUUID(), c.attempt, at, o.statusCode, o.durationMs, o.error, c.id],
    );
  }
}

/** The body every endpoint receives for an event: the event as the events API shows it. */
function payloadOf(r: Record<string, unknown>): string {
  const json = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
  return JSON.stringify({
    id: r.id,
    type: r.type,
    teamId: r.team_id ?? null,
    sequence: Number(r.seq),
    occurredAt: new Date(r.occurred_at as string).toISOString(),
    actor: json(r.actor),
    channel: r.channel,
    data: json(r.data),
  });
}

function describe(e: unknown): string {
  const err = e as { name?: string; kind?: string; message?: string };
  const text = err?.kind
    ? `${err.kind}: ${err.message}`
    : err?.name === 'TimeoutError'
      ? 'timeout: the request timed out'
      : String(err?.message ?? e);
  return text.slice(0, MAX_ERROR_LENGTH);
}
