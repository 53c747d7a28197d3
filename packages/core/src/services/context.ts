import { createHash } from 'node:crypto';
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

/** Runs one statement on its own (autocommit, outside any transaction), with bound `?` parameters. */
export type ReadFn = <T = Record<string, unknown>>(sql: string, params?: readonly unknown[], opts?: BoundOptions) => Promise<T[]>;

/**
 * Databases (knex clients) on which named prepared statements are off: behind a pooler that
 * hands each transaction a different server connection (PgBouncer in transaction mode before
 * 1.21), a statement prepared on one connection is unknown on the next.
 */
const unprepared = new WeakSet<object>();

/** Statement names by SQL text. Only fixed texts are prepared, so this stays small; the cap is a guard. */
const statementNames = new Map<string, string>();
const MAX_PREPARED = 256;

/** Turns named prepared statements on or off for the database behind `em` (on by default). */
export function setPreparedStatements(em: Em, enabled: boolean): void {
  const client = em.getKnex().client as object;
  if (enabled) unprepared.delete(client);
  else unprepared.add(client);
}

/** Whether named prepared statements are on for the database behind `em`. */
export function preparedStatements(em: Em): boolean {
  return !unprepared.has(em.getKnex().client as object);
}

/** The name to prepare `sql` under on `knex`'s database, or undefined to run it unnamed. */
export function statementName(knex: Knex, sql: string, params: readonly unknown[]): string | undefined {
  if (unprepared.has(knex.client as object)) return undefined;
  // knex expands an array binding into one placeholder per element: the text would vary.
  if (params.some(Array.isArray)) return undefined;
  let name = statementNames.get(sql);
  if (!name) {
    if (statementNames.size >= MAX_PREPARED) return undefined;
    name = `roster_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return name;
}

export interface BoundOptions {
  /**
   * The text is fixed (or one of a fixed few): run it as a named prepared statement, parsed and
   * planned once per connection. For the hot statements that roughly halves their PostgreSQL
   * CPU (a multi-table CTE spends more time in parse and plan than in execution).
   */
  prepare?: boolean;
}

/**
 * Runs SQL with bound `?` parameters and answers the rows (extended protocol; in `em`'s
 * transaction when it has one). `em.execute` inlines the values into the text instead, which
 * costs formatting here and a fresh parse in PostgreSQL for every call: noticeable on the hot
 * SCIM and sign-in paths.
 */
export async function boundRows<T = Record<string, unknown>>(em: Em, sql: string, params: readonly unknown[], opts: BoundOptions = {}): Promise<T[]> {
  const knex = em.getKnex();
  const raw = knex.raw(sql, params as never);
  const name = opts.prepare ? statementName(knex, sql, params) : undefined;
  if (name) raw.options({ name });
  const trx = em.getTransactionContext<Knex.Transaction>();
  return ((await (trx ? raw.transacting(trx) : raw)) as { rows: T[] }).rows;
}
