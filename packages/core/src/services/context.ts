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

/** A hook that threw or rejected: who registered it (a plugin's name), on which hook, with what. */
export interface HookFailure {
  hook: HookName;
  owner: string | undefined;
  event: HookEvents[HookName];
  error: unknown;
}

/**
 * Lifecycle hooks for plugins, run after the change commits. A hook cannot undo or fail the
 * change it hears about: one that throws or rejects is reported (the server logs it with the
 * plugin's name and counts it) and the next hook still runs, so the caller gets the answer of
 * the committed change, never a 500.
 */
export class HookBus {
  private readonly handlers = new Map<HookName, Array<{ handler: HookHandler<HookName>; owner: string | undefined }>>();
  private report: (failure: HookFailure) => void = (f) =>
    console.error(`roster: hook ${f.hook}${f.owner ? ` of plugin "${f.owner}"` : ''} failed:`, f.error);
  on<K extends HookName>(name: K, handler: HookHandler<K>, owner?: string): void {
    const list = this.handlers.get(name) ?? [];
    list.push({ handler: handler as HookHandler<HookName>, owner });
    this.handlers.set(name, list);
  }
  /** Where failures go (the server: its log and a metric). */
  onFailure(report: (failure: HookFailure) => void): void {
    this.report = report;
  }
  async emit<K extends HookName>(name: K, event: HookEvents[K]): Promise<void> {
    for (const { handler, owner } of this.handlers.get(name) ?? []) {
      try {
        await handler(event);
      } catch (error) {
        try {
          this.report({ hook: name, owner, event, error });
        } catch {
          // A failing reporter must not fail the change either.
        }
      }
    }
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

/** Prepared forms by SQL text. Only fixed texts are prepared, so this stays small; the cap is a guard. */
const preparedTexts = new Map<string, Prepared>();
const MAX_PREPARED = 256;

interface Prepared {
  name: string;
  /** The text with `$1…$n` placeholders, as knex's PostgreSQL client numbers them. */
  text: string;
}

interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface ConnectionSource {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<unknown>;
}

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

/** `sql`'s prepared form on `knex`'s database, or undefined to run it through knex unnamed. */
function preparedFor(knex: Knex, sql: string, params: readonly unknown[]): Prepared | undefined {
  if (unprepared.has(knex.client as object)) return undefined;
  // knex expands an array binding into one placeholder per element (the text would vary), and
  // `??` is its identifier binding: those stay with knex.
  if (params.some(Array.isArray) || sql.includes('??')) return undefined;
  let prepared = preparedTexts.get(sql);
  if (!prepared) {
    if (preparedTexts.size >= MAX_PREPARED) return undefined;
    let n = 0;
    // knex's numbering: `\?` is a literal question mark, every other `?` the next placeholder.
    const text = sql.replace(/(\\*)(\?)/g, (_match, escapes: string) => (escapes.length % 2 ? '?' : `$${++n}`));
    prepared = { name: `roster_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`, text };
    preparedTexts.set(sql, prepared);
  }
  return prepared;
}

/**
 * Runs one statement with bound `?` parameters on `knex` (in `trx` when given). A prepared
 * statement goes straight to the pooled `pg` connection (the transaction's own connection in a
 * transaction): knex would only compile the same text again on every call.
 */
export async function runBound<T>(
  knex: Knex,
  trx: Knex.Transaction | undefined,
  sql: string,
  params: readonly unknown[],
  opts: BoundOptions,
): Promise<T[]> {
  const prepared = opts.prepare ? preparedFor(knex, sql, params) : undefined;
  if (!prepared) {
    const raw = knex.raw(sql, params as never);
    return ((await (trx ? raw.transacting(trx) : raw)) as { rows: T[] }).rows;
  }
  const source = (trx ?? knex).client as unknown as ConnectionSource;
  const connection = await source.acquireConnection();
  try {
    return (await connection.query({ name: prepared.name, text: prepared.text, values: params as unknown[] })).rows as T[];
  } finally {
    await source.releaseConnection(connection);
  }
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
export async function boundRows<T = Record<string, unknown>>(
  em: Em,
  sql: string,
  params: readonly unknown[],
  opts: BoundOptions = {},
): Promise<T[]> {
  return runBound<T>(em.getKnex(), em.getTransactionContext<Knex.Transaction>(), sql, params, opts);
}

/**
 * A PostgreSQL text[] literal with every element quoted, for `= any(?::text[])`: one bound
 * parameter whatever the number of values (knex would expand a JS array into one placeholder each).
 */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
