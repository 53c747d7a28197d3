import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { AuditChannel } from '../entities/index.js';

/** Who is acting, and through which channel: every audit event is written from this. */
export interface Actor {
  type: 'user' | 'token' | 'system' | 'idp';
  id?: string;
  label?: string;
  channel: AuditChannel;
  requestId?: string;
  /** Team admins edit through GraphQL; the IdP (SCIM) is the source of truth and is not frozen by R8. */
  isAdminConsole?: boolean;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', channel: 'system', label: 'system' };

export interface HookEvents {
  teamCreated: { teamId: string };
  memberProvisioned: { teamId: string; membershipId: string };
  memberDeactivated: { teamId: string; membershipId: string };
  memberReactivated: { teamId: string; membershipId: string };
  memberRemoved: { teamId: string; membershipId: string; userId: string };
}

export type HookName = keyof HookEvents;
export type HookHandler<K extends HookName> = (event: HookEvents[K]) => void | Promise<void>;

/** Lifecycle hooks for plugins, run after the change commits. */
export class HookBus {
  private readonly handlers = new Map<HookName, Array<HookHandler<HookName>>>();
  on<K extends HookName>(name: K, handler: HookHandler<K>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as HookHandler<HookName>);
    this.handlers.set(name, list);
  }
  async emit<K extends HookName>(name: K, event: HookEvents[K]): Promise<void> {
    for (const h of this.handlers.get(name) ?? []) await h(event);
  }
}

export type Em = EntityManager;

/** Runs a read-only statement outside any transaction, with bound `?` parameters. */
export type ReadFn = <T = Record<string, unknown>>(sql: string, params?: readonly unknown[]) => Promise<T[]>;

/**
 * Runs SQL with bound `?` parameters and answers the rows (extended protocol; in `em`'s
 * transaction when it has one). `em.execute` inlines the values into the text instead, which
 * costs formatting here and a fresh parse in PostgreSQL for every call: noticeable on the hot
 * SCIM and sign-in paths.
 */
export async function boundRows<T = Record<string, unknown>>(em: Em, sql: string, params: readonly unknown[]): Promise<T[]> {
  const raw = em.getKnex().raw(sql, params as never);
  const trx = em.getTransactionContext<Knex.Transaction>();
  return ((await (trx ? raw.transacting(trx) : raw)) as { rows: T[] }).rows;
}
