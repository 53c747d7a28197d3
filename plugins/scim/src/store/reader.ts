/**
 * The read path of the hot endpoints (GET by id, `filter` lookups): a statement on a pooled
 * connection of the ORM's own pool, without an EntityManager fork or the query builder, and
 * with PostgreSQL prepared statements for the fixed statements (parsed and planned once per
 * connection). Writes always go through the domain services. Falls back to `em.execute` when
 * the pool is not reachable this way.
 */
import { createHash } from 'node:crypto';
import { preparedStatements, type Core } from '@roster/core';
import type { Row, Sql } from './sql.js';

interface PgConnection {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
}
interface PoolClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

/** `?` placeholders (knex style, as every SQL string in this plugin uses) → `$1…$n`. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export class Reader implements Sql {
  private readonly texts = new Map<string, { text: string; name: string }>();
  private readonly client: PoolClient | null;

  constructor(private readonly core: Core) {
    const knex = core.orm.em.getConnection().getKnex() as unknown as { client?: Partial<PoolClient> };
    const c = knex.client;
    this.client = c && typeof c.acquireConnection === 'function' && typeof c.releaseConnection === 'function' ? (c as PoolClient) : null;
  }

  /**
   * Runs a read. `prepare` makes it a prepared statement (named after a hash of its text): only
   * for statements whose text is one of a fixed few, never for text shaped by client input.
   */
  async rows(sql: string, params: unknown[], prepare?: boolean): Promise<Row[]> {
    if (!this.client) return this.core.em().execute<Row[]>(sql, params);
    let known = this.texts.get(sql);
    if (known === undefined) {
      known = { text: numbered(sql), name: `scim_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}` };
      if (this.texts.size < 200) this.texts.set(sql, known);
    }
    const connection = await this.client.acquireConnection();
    try {
      const named = prepare === true && preparedStatements(this.core.orm.em);
      const result = await connection.query(named ? { name: known.name, text: known.text, values: params } : { text: known.text, values: params });
      return result.rows;
    } finally {
      await this.client.releaseConnection(connection);
    }
  }
}
