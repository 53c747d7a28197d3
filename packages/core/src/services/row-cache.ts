/**
 * Configuration rows kept by this node (an SSO connection read on every sign-in), so a hot path
 * does not spend a statement on a row that changes a few times a year. Same rules as TokenCache:
 * - **off** until the host says changes reach it (`setLive(true)`): the server does so while its
 *   `LISTEN` connection is up. Tables that opt in carry a trigger (`notifyRowChangesSql`) that
 *   announces every insert, update and delete on ROW_CHANGED_CHANNEL at commit, whichever code
 *   or person wrote the row, so no write path can forget to invalidate;
 * - an entry lives at most `ttlMs`, which bounds a listener that stalls silently;
 * - a change heard while a read was in flight makes that read not cache (`ticket`), so a read
 *   that raced a change cannot plant the old row.
 */
export class RowCache {
  private readonly entries = new Map<string, { value: unknown; until: number }>();
  private live = false;
  private seq = 0;

  constructor(private readonly opts: { ttlMs: number; maxEntries: number; now?: () => number }) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  get enabled(): boolean {
    return this.live && this.opts.ttlMs > 0;
  }

  /** The host's word on whether row changes reach this node; either way the cache starts empty. */
  setLive(live: boolean): void {
    this.live = live;
    this.clear();
  }

  /** A change announced on ROW_CHANGED_CHANNEL: payload `<table>:<id>`. */
  changed(key: string): void {
    this.seq++;
    this.entries.delete(key);
  }

  clear(): void {
    this.seq++;
    this.entries.clear();
  }

  /** A ticket to take before reading the database, for `set`. */
  ticket(): number {
    return this.seq;
  }

  get<V>(table: string, id: string): V | undefined {
    if (!this.enabled) return undefined;
    const key = `${table}:${id}`;
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value as V;
  }

  set<V>(table: string, id: string, value: V, ticket: number): void {
    if (!this.enabled || ticket !== this.seq) return;
    if (this.entries.size >= this.opts.maxEntries) this.entries.clear();
    this.entries.set(`${table}:${id}`, { value, until: this.now() + this.opts.ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The PostgreSQL channel on which changes of cached tables are announced (payload `<table>:<id>`). */
export const ROW_CHANGED_CHANNEL = 'roster_row_changed';

/**
 * DDL for a plugin migration: announce every change of `table` (which has an `id` column) on
 * ROW_CHANGED_CHANNEL. NOTIFY is transactional: the announcement leaves with the commit.
 */
export function notifyRowChangesSql(table: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a plain table name: ${table}`);
  return `create or replace function roster_notify_row_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('${ROW_CHANGED_CHANNEL}', tg_table_name || ':' || (case when tg_op = 'DELETE' then old.id else new.id end)::text);
  return null;
end $$;
drop trigger if exists ${table}_notify_changed on ${table};
create trigger ${table}_notify_changed after insert or update or delete on ${table}
  for each row execute function roster_notify_row_changed();`;
}
