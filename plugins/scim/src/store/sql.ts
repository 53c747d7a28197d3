/** Shared SQL plumbing: the query runner type and paging of filtered lists. */
import type { PluginDatabase, PluginEm as Em } from '@roster/plugin-sdk';
import type { SqlFragment } from '../protocol/index.js';

export type Row = Record<string, unknown>;

/**
 * Runs SQL with `?` placeholders and answers the rows. `prepare` (fixed statements only) lets
 * an implementation prepare the statement once per connection.
 */
export interface Sql {
  rows(sql: string, params: unknown[], prepare?: boolean): Promise<Row[]>;
}

/**
 * An EntityManager (in a transaction, its fork) as `Sql`: bound parameters on its connection (in
 * its transaction when it has one). `em.execute` would inline the values into the SQL text.
 */
export const emSql = (db: PluginDatabase, em: Em): Sql => ({
  rows: (sql, params, prepare) => db.rows<Row>(em, sql, params, { prepare: prepare === true }),
});

export interface PageQuery {
  /** Extra condition (a translated filter) besides the team. */
  where?: SqlFragment | undefined;
  /** ORDER BY expression before the stable tie-breakers. */
  order?: string | undefined;
  /** 1-based. */
  startIndex: number;
  count: number;
  /** The page's SQL text is one of a fixed few (an IdP's lookup): it may be a prepared statement. */
  prepare?: boolean | undefined;
}

/**
 * A page of a team's resources and the total. With a filter the total comes from a window
 * count in the same statement (filters select few rows: `userName eq`, `displayName eq`); the
 * whole team is counted on its own, from the index alone, instead of joining every row.
 */
export async function page(
  sql: Sql,
  q: PageQuery,
  parts: { select: string; from: string; teamWhere: string; countFrom: string; tieBreak: string; teamId: string },
): Promise<{ total: number; rows: Row[] }> {
  const where = q.where ? `${parts.teamWhere} and ${q.where.sql}` : parts.teamWhere;
  const params: unknown[] = [parts.teamId, ...(q.where?.params ?? [])];
  const countSql = `select count(*)::int as n from ${q.where ? parts.from : parts.countFrom} where ${where}`;
  if (q.count === 0) {
    const [c] = await sql.rows(countSql, params);
    return { total: Number(c?.n ?? 0), rows: [] };
  }
  const order = q.order ? `${q.order}, ${parts.tieBreak}` : parts.tieBreak;
  const offset = q.startIndex - 1;
  if (q.where) {
    const rows = await sql.rows(
      `select ${parts.select}, count(*) over() as total_results from ${parts.from} where ${where} order by ${order} limit ? offset ?`,
      [...params, q.count, offset],
      q.prepare,
    );
    if (rows.length > 0) return { total: Number(rows[0]!.total_results), rows };
    if (offset === 0) return { total: 0, rows };
    const [c] = await sql.rows(countSql, params);
    return { total: Number(c?.n ?? 0), rows };
  }
  const [rows, counted] = await Promise.all([
    sql.rows(`select ${parts.select} from ${parts.from} where ${where} order by ${order} limit ? offset ?`, [...params, q.count, offset]),
    sql.rows(countSql, params),
  ]);
  return { total: Number(counted[0]?.n ?? 0), rows };
}

export const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
export const asString = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A PostgreSQL array literal of UUID-shaped strings, for `= any(?::uuid[])` (knex would expand a JS array). */
export const uuidArray = (ids: readonly string[]): string => `{${ids.join(',')}}`;
