import { randomUUID } from 'node:crypto';
import { AuditEvent, type AuditOutcome } from '../entities/index.js';
import type { Actor, Em } from './context.js';

export interface AuditInput {
  teamId: string | null;
  action: string;
  outcome?: AuditOutcome;
  target?: { type: string; id: string };
  reason?: string;
  data?: Record<string, unknown>;
}

/** An audit event's values, without the entity: what the one-statement writes bind (#19). */
export type AuditRow = Pick<
  AuditEvent,
  | 'id'
  | 'teamId'
  | 'at'
  | 'channel'
  | 'action'
  | 'outcome'
  | 'actorType'
  | 'actorId'
  | 'actorLabel'
  | 'targetType'
  | 'targetId'
  | 'reason'
  | 'requestId'
  | 'data'
>;

/** The event's values, for statements that write it themselves (AUDIT_INSERT_COLUMNS). */
export function auditRow(actor: Actor, input: AuditInput): AuditRow {
  return {
    id: randomUUID(),
    teamId: input.teamId,
    at: new Date(),
    channel: actor.channel,
    action: input.action,
    outcome: input.outcome ?? 'success',
    actorType: actor.type,
    actorId: actor.id ?? null,
    actorLabel: actor.label ?? null,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    reason: input.reason ?? null,
    requestId: actor.requestId ?? null,
    data: input.data ?? {},
  };
}

/** Builds the entity; callers persist it in the same transaction as the change it describes. */
export function auditEvent(actor: Actor, input: AuditInput): AuditEvent {
  return Object.assign(new AuditEvent(), auditRow(actor, input));
}

export function audit(em: Em, actor: Actor, input: AuditInput): void {
  em.persist(auditEvent(actor, input));
}

/** A refusal is recorded on its own: the change it refused rolled back. */
export async function auditRefusal(em: Em, actor: Actor, input: AuditInput): Promise<void> {
  const fork = em.fork();
  await fork.persistAndFlush(auditEvent(actor, { ...input, outcome: 'failure' }));
}

/** `insert into audit_event (…)` for statements that write their event in the same statement as the change. */
export const AUDIT_INSERT_COLUMNS =
  'insert into audit_event (id, team_id, at, channel, action, outcome, actor_type, actor_id, actor_label, target_type, target_id, reason, request_id, data)';

/** An event's values in AUDIT_INSERT_COLUMNS order, but `data` (a statement may build it in SQL). */
export function auditValues(ev: AuditRow): unknown[] {
  return [
    ev.id,
    ev.teamId,
    ev.at,
    ev.channel,
    ev.action,
    ev.outcome,
    ev.actorType,
    ev.actorId,
    ev.actorLabel,
    ev.targetType,
    ev.targetId,
    ev.reason,
    ev.requestId,
  ];
}

/** Every value in AUDIT_INSERT_COLUMNS order, `data` as JSON (bind it with `?::jsonb`). */
export function auditParams(ev: AuditRow): unknown[] {
  return [...auditValues(ev), JSON.stringify(ev.data)];
}
