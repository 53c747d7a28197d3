import { randomUUID } from 'node:crypto';
import { fail, RosterError } from '../../errors.js';
import { audit, auditRefusal } from '../audit.js';
import { boundRows, textArrayLiteral, type Actor, type Em, type ReadFn } from '../context.js';
import type { SecretBox } from '../crypto.js';
import { newWebhookSecret } from './signing.js';

/**
 * Says why a webhook URL may not be used (the operator's outbound policy: scheme, credentials,
 * loopback / private addresses after DNS), or null when it may. The server injects the SSO
 * toolkit's policy; the core never decides this on its own.
 */
export type WebhookUrlCheck = (url: string) => Promise<string | null>;

export interface WebhookEndpointRow {
  id: string;
  /** null: a platform-wide endpoint (the host app), which receives every team's events. */
  teamId: string | null;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  failingSince: Date | null;
  /** Until when the previous secret still signs (a rotation's overlap), or null. */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveryRow {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  teamId: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  giveUpAt: Date;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface WebhookAttemptRow {
  deliveryId: string;
  attempt: number;
  at: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface WebhookEndpointInput {
  url?: string;
  eventTypes?: string[];
  description?: string;
  /** Re-enabling clears the reason and the failure streak, and makes waiting deliveries due now. */
  enabled?: boolean;
}

/** A team (or the platform) keeps at most this many endpoints: each event fans out to every one. */
export const MAX_WEBHOOK_ENDPOINTS = 20;
const MAX_EVENT_TYPES = 100;
// `member.created`, a plugin's `captures.lead_created`, or `*` for every type.
const EVENT_TYPE = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;
const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

const ENDPOINT_COLUMNS = `id, team_id, url, description, event_types, enabled, disabled_reason, disabled_at, failing_since,
  previous_secret_expires_at, created_at, updated_at`;
const DELIVERY_COLUMNS = `d.id, d.endpoint_id, d.event_id, d.event_type, d.team_id, d.status, d.attempts, d.next_attempt_at, d.give_up_at,
  d.last_status_code, d.last_duration_ms, d.last_error, d.created_at, d.delivered_at`;

/** Webhook endpoints (per team, or platform-wide), their secrets, and their delivery log. */
export class WebhookService {
  constructor(
    private readonly deps: {
      em: () => Em;
      read: ReadFn;
      secrets: SecretBox;
      checkUrl: WebhookUrlCheck;
    },
  ) {}

  async get(id: string): Promise<WebhookEndpointRow> {
    const rows = await this.deps.read<Record<string, unknown>>(`select ${ENDPOINT_COLUMNS} from webhook_endpoint where id = ?::uuid`, [
      uuidOrNil(id),
    ]);
    if (!rows[0]) fail('NOT_FOUND', 'No such webhook endpoint.');
    return toEndpoint(rows[0]);
  }

  async list(teamId: string | null): Promise<WebhookEndpointRow[]> {
    const rows = await this.deps.read<Record<string, unknown>>(
      `select ${ENDPOINT_COLUMNS} from webhook_endpoint where team_id is not distinct from ?::uuid order by created_at, id`,
      [teamId],
    );
    return rows.map(toEndpoint);
  }

  /** Creates an endpoint; the secret is returned here and on rotation only (stored encrypted). */
  async create(
    teamId: string | null,
    input: Required<Pick<WebhookEndpointInput, 'url' | 'eventTypes'>> & { description?: string },
    actor: Actor,
  ): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const action = 'webhook.endpoint.created';
    const url = await this.checkedUrl(teamId, input.url, action, actor);
    const eventTypes = await this.checkedTypes(teamId, input.eventTypes, action, actor);
    const description = checkedDescription(input.description ?? '');
    const secret = newWebhookSecret();
    const id = randomUUID();
    await this.deps.em().transactional(async (em) => {
      // The count and the insert under one lock per owner: two concurrent creates cannot both pass the limit.
      await boundRows(em, 'select pg_advisory_xact_lock(hashtext(?))', [`webhook_endpoint:${teamId ?? 'platform'}`]);
      const [count] = await boundRows<{ n: number }>(
        em,
        'select count(*)::int as n from webhook_endpoint where team_id is not distinct from ?::uuid',
        [teamId],
      );
      if ((count?.n ?? 0) >= MAX_WEBHOOK_ENDPOINTS) {
        await auditRefusal(em, actor, { teamId, action, reason: 'WEBHOOK_ENDPOINT_LIMIT', data: { url } });
        fail('WEBHOOK_ENDPOINT_LIMIT', undefined, { limit: MAX_WEBHOOK_ENDPOINTS });
      }
      await boundRows(
        em,
        `insert into webhook_endpoint (id, team_id, url, description, event_types, secret_sealed) values (?, ?, ?, ?, ?::text[], ?)`,
        [id, teamId, url, description, textArrayLiteral(eventTypes), this.deps.secrets.encrypt(secret)],
      );
      audit(em, actor, { teamId, action, target: { type: 'webhook_endpoint', id }, data: { url, eventTypes } });
    });
    return { endpoint: await this.get(id), secret };
  }

  async update(id: string, input: WebhookEndpointInput, actor: Actor): Promise<WebhookEndpointRow> {
    const current = await this.get(id);
    const action = 'webhook.endpoint.updated';
    const url = input.url === undefined ? current.url : await this.checkedUrl(current.teamId, input.url, action, actor, id);
    const eventTypes =
      input.eventTypes === undefined ? current.eventTypes : await this.checkedTypes(current.teamId, input.eventTypes, action, actor, id);
    const description = input.description === undefined ? current.description : checkedDescription(input.description);
    const enabled = input.enabled ?? current.enabled;
    await this.deps.em().transactional(async (em) => {
      await boundRows(
        em,
        `update webhook_endpoint set url = ?, event_types = ?::text[], description = ?, enabled = ?, updated_at = now(),
           disabled_reason = case when ? then null when enabled and not ? then 'disabled by an admin' else disabled_reason end,
           disabled_at = case when ? then null when enabled and not ? then now() else disabled_at end,
           failing_since = case when ? and not enabled then null else failing_since end
         where id = ?`,
        [url, textArrayLiteral(eventTypes), description, enabled, enabled, enabled, enabled, enabled, enabled, id],
      );
      // Deliveries that waited while the endpoint was off are due at once when it comes back, with a fresh retry window.
      if (enabled && !current.enabled)
        await boundRows(
          em,
          `update webhook_delivery set next_attempt_at = now(), give_up_at = greatest(give_up_at, now() + interval '3 days')
           where endpoint_id = ? and status = 'pending'`,
          [id],
        );
      audit(em, actor, {
        teamId: current.teamId,
        action,
        target: { type: 'webhook_endpoint', id },
        data: { url, eventTypes, enabled, ...(enabled !== current.enabled ? { was: current.enabled } : {}) },
      });
    });
    return this.get(id);
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const current = await this.get(id);
    await this.deps.em().transactional(async (em) => {
      await boundRows(em, 'delete from webhook_endpoint where id = ?', [id]);
      audit(em, actor, {
        teamId: current.teamId,
        action: 'webhook.endpoint.deleted',
        target: { type: 'webhook_endpoint', id },
        data: { url: current.url },
      });
    });
  }

  /**
   * A new secret signs from now on; the current one keeps signing too until the overlap ends
   * (each request then carries both signatures), so the receiver can switch at its own pace.
   * A second rotation within the overlap drops the oldest secret.
   */
  async rotateSecret(id: string, overlapSeconds: number, actor: Actor): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP_SECONDS)
      fail('BAD_USER_INPUT', `The overlap is a whole number of seconds from 0 to ${MAX_OVERLAP_SECONDS}.`);
    const current = await this.get(id);
    const secret = newWebhookSecret();
    await this.deps.em().transactional(async (em) => {
      await boundRows(
        em,
        `update webhook_endpoint set previous_secret_sealed = case when ? > 0 then secret_sealed end,
           previous_secret_expires_at = case when ? > 0 then now() + make_interval(secs => ?) end,
           secret_sealed = ?, updated_at = now()
         where id = ?`,
        [overlapSeconds, overlapSeconds, overlapSeconds, this.deps.secrets.encrypt(secret), id],
      );
      audit(em, actor, {
        teamId: current.teamId,
        action: 'webhook.secret.rotated',
        target: { type: 'webhook_endpoint', id },
        data: { overlapSeconds },
      });
    });
    return { endpoint: await this.get(id), secret };
  }

  /** The endpoint's deliveries, newest first; `before` is the id of the last one of the previous page. */
  async deliveries(
    endpointId: string,
    opts: { status?: WebhookDeliveryStatus; first: number; before?: string },
  ): Promise<WebhookDeliveryRow[]> {
    if (!Number.isInteger(opts.first) || opts.first < 1 || opts.first > 500) fail('BAD_USER_INPUT', '`first` is from 1 to 500.');
    const rows = await this.deps.read<Record<string, unknown>>(
      `select ${DELIVERY_COLUMNS} from webhook_delivery d
       where d.endpoint_id = ? and (?::text is null or d.status = ?)
         and (?::uuid is null or (d.created_at, d.id) < (select created_at, id from webhook_delivery where id = ?::uuid))
       order by d.created_at desc, d.id desc limit ?`,
      [
        endpointId,
        opts.status ?? null,
        opts.status ?? null,
        opts.before ? uuidOrNil(opts.before) : null,
        opts.before ? uuidOrNil(opts.before) : null,
        opts.first,
      ],
    );
    return rows.map(toDelivery);
  }

  async delivery(id: string): Promise<WebhookDeliveryRow> {
    const rows = await this.deps.read<Record<string, unknown>>(`select ${DELIVERY_COLUMNS} from webhook_delivery d where d.id = ?::uuid`, [
      uuidOrNil(id),
    ]);
    if (!rows[0]) fail('NOT_FOUND', 'No such webhook delivery.');
    return toDelivery(rows[0]);
  }

  /** Every attempt of these deliveries, oldest first (the delivery log). */
  async attempts(deliveryIds: readonly string[]): Promise<WebhookAttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    const rows = await this.deps.read<Record<string, unknown>>(
      `select delivery_id, attempt, at, status_code, duration_ms, error from webhook_attempt
       where delivery_id = any(?::uuid[]) order by delivery_id, attempt, at`,
      [textArrayLiteral(deliveryIds)],
    );
    return rows.map((r) => ({
      deliveryId: String(r.delivery_id),
      attempt: Number(r.attempt),
      at: new Date(r.at as string),
      statusCode: r.status_code === null ? null : Number(r.status_code),
      durationMs: Number(r.duration_ms),
      error: (r.error as string | null) ?? null,
    }));
  }

  /** Manual redelivery: the delivery is due again now, with a fresh three-day retry window, whatever its state. */
  async redeliver(id: string, actor: Actor): Promise<WebhookDeliveryRow> {
    const d = await this.delivery(id);
    await this.deps.em().transactional(async (em) => {
      await boundRows(
        em,
        `update webhook_delivery set status = 'pending', next_attempt_at = now(), give_up_at = now() + interval '3 days' where id = ?`,
        [id],
      );
      audit(em, actor, {
        teamId: d.teamId,
        action: 'webhook.delivery.redelivered',
        target: { type: 'webhook_delivery', id },
        data: { endpointId: d.endpointId, eventId: d.eventId, was: d.status },
      });
    });
    return this.delivery(id);
  }

  private async checkedUrl(teamId: string | null, raw: string, action: string, actor: Actor, id?: string): Promise<string> {
    const url = raw.trim();
    const problem = url.length > 2000 ? 'the URL is longer than 2000 characters' : await this.deps.checkUrl(url);
    if (problem === null) return url;
    await auditRefusal(this.deps.em(), actor, {
      teamId,
      action,
      reason: 'WEBHOOK_URL_REFUSED',
      ...(id ? { target: { type: 'webhook_endpoint', id } } : {}),
      data: { url: url.slice(0, 2000), problem },
    });
    throw new RosterError('WEBHOOK_URL_REFUSED', `This webhook URL is refused: ${problem}.`, { problem });
  }

  private async checkedTypes(
    teamId: string | null,
    types: readonly string[],
    action: string,
    actor: Actor,
    id?: string,
  ): Promise<string[]> {
    const unique = [...new Set(types.map((t) => t.trim()))];
    const bad = unique.find((t) => !EVENT_TYPE.test(t) || t.length > 100);
    if (unique.length > 0 && unique.length <= MAX_EVENT_TYPES && bad === undefined) return unique.sort();
    await auditRefusal(this.deps.em(), actor, {
      teamId,
      action,
      reason: 'WEBHOOK_EVENT_TYPES_INVALID',
      ...(id ? { target: { type: 'webhook_endpoint', id } } : {}),
      data: { eventTypes: unique.slice(0, MAX_EVENT_TYPES).map((t) => t.slice(0, 100)) },
    });
    throw new RosterError(
      'WEBHOOK_EVENT_TYPES_INVALID',
      bad === undefined
        ? `Choose from 1 to ${MAX_EVENT_TYPES} event types.`
        : `"${bad.slice(0, 100)}" is not an event type (like member.created, or * for every type).`,
    );
  }
}

function checkedDescription(raw: string): string {
  const d = raw.trim();
  if (d.length > 500) fail('BAD_USER_INPUT', 'A description has at most 500 characters.');
  return d;
}

/** A malformed id finds nothing (NOT_FOUND), instead of a cast error from PostgreSQL. */
function uuidOrNil(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : '00000000-0000-0000-0000-000000000000';
}

const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

function toEndpoint(r: Record<string, unknown>): WebhookEndpointRow {
  return {
    id: String(r.id),
    teamId: (r.team_id as string | null) ?? null,
    url: String(r.url),
    description: String(r.description),
    eventTypes: r.event_types as string[],
    enabled: Boolean(r.enabled),
    disabledReason: (r.disabled_reason as string | null) ?? null,
    disabledAt: dateOrNull(r.disabled_at),
    failingSince: dateOrNull(r.failing_since),
    previousSecretExpiresAt: dateOrNull(r.previous_secret_expires_at),
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

export function toDelivery(r: Record<string, unknown>): WebhookDeliveryRow {
  return {
    id: String(r.id),
    endpointId: String(r.endpoint_id),
    eventId: String(r.event_id),
    eventType: String(r.event_type),
    teamId: (r.team_id as string | null) ?? null,
    status: r.status as WebhookDeliveryStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: r.status === 'pending' ? dateOrNull(r.next_attempt_at) : null,
    giveUpAt: new Date(r.give_up_at as string),
    lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
    lastDurationMs: r.last_duration_ms === null ? null : Number(r.last_duration_ms),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: new Date(r.created_at as string),
    deliveredAt: dateOrNull(r.delivered_at),
  };
}
