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

/** Builds the row; callers persist it in the same transaction as the change it describes. */
export function auditEvent(actor: Actor, input: AuditInput): AuditEvent {
  const e = new AuditEvent();
  e.teamId = input.teamId;
  e.channel = actor.channel;
  e.action = input.action;
  e.outcome = input.outcome ?? 'success';
  e.actorType = actor.type;
  e.actorId = actor.id ?? null;
  e.actorLabel = actor.label ?? null;
  e.targetType = input.target?.type ?? null;
  e.targetId = input.target?.id ?? null;
  e.reason = input.reason ?? null;
  e.requestId = actor.requestId ?? null;
  e.data = input.data ?? {};
  return e;
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
export function auditValues(ev: AuditEvent): unknown[] {
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
export function auditParams(ev: AuditEvent): unknown[] {
  return [...auditValues(ev), JSON.stringify(ev.data)];
}
