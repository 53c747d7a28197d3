import { NodeCache } from './node-cache.js';

/**
 * Configuration rows kept by this node (an SSO connection read on every sign-in), so a hot path
 * does not spend a statement on a row that changes a few times a year (NodeCache: off until
 * changes reach this node, bounded life, no caching of a read that raced a change). Tables that
 * opt in carry a trigger (`notifyRowChangesSql`) that announces every insert, update and delete
 * on ROW_CHANGED_CHANNEL at commit, whichever code or person wrote the row, so no write path can
 * forget to invalidate.
 */
export class RowCache extends NodeCache<unknown> {
  /** A change announced on ROW_CHANGED_CHANNEL (payload `<table>:<id>`), or made by this node. */
  changed(key: string): void {
    this.forgetKey(key);
  }

  /** This node wrote the row itself: forget it now (the trigger's announcement follows at commit). */
  changedRow(table: string, id: string): void {
    this.changed(`${table}:${id}`);
  }

  get<V>(table: string, id: string): V | undefined {
    return this.entry(`${table}:${id}`) as V | undefined;
  }

  set<V>(table: string, id: string, value: V, ticket: number): void {
    this.store(`${table}:${id}`, value, ticket);
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
