import type { ClassRef } from '@roster/plugin-sdk';
import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import { runMigrations, type Migration } from '@roster/core';

/** How long the database may take: per statement, and to open a connection or hand one out. */
export interface DbTimeouts {
  statementMs: number;
  connectMs: number;
}

/**
 * Connection settings for every client of a Roster node. PostgreSQL cancels a statement after
 * `statement_timeout` and the connection stays usable; a server that does not answer at all
 * (hung, stopped, a dead network path) cancels nothing, so the client gives up on its own a
 * second later (`query_timeout`), and on connecting after `connectionTimeoutMillis`.
 */
export function pgTimeouts(
  t: DbTimeouts,
): Pick<pg.ClientConfig, 'statement_timeout' | 'query_timeout' | 'connectionTimeoutMillis' | 'keepAlive' | 'keepAliveInitialDelayMillis'> {
  // TCP keepalive finds a dead network path to an idle connection (the LISTEN one) in about a minute.
  return {
    statement_timeout: t.statementMs,
    query_timeout: t.statementMs + 1000,
    connectionTimeoutMillis: t.connectMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/** A pooled pg client as far as this file needs it; knex marks one it must not hand out again with `__knex__disposed`. */
interface PooledPgClient {
  query: (...args: unknown[]) => unknown;
  end(): Promise<void>;
  __knex__disposed?: unknown;
}

/**
 * A query that timed out on the client (`query_timeout`: the server did not answer at all) leaves
 * its connection waiting for an answer that may never come, with every later query queued
 * behind it. Such a connection is closed (pg destroys the socket of a client with a query in
 * flight) and marked, so that the pool destroys it instead of handing it out again. A statement
 * that PostgreSQL cancelled (statement_timeout) leaves a healthy connection: that one stays.
 */
function discardOnTimeout(conn: PooledPgClient): void {
  // The prototype's query, looked up at each call: whoever instruments pg.Client.prototype (the
  // tests count statements that way) still sees every query.
  const proto = Object.getPrototypeOf(conn) as PooledPgClient;
  const check = (err: unknown) => {
    if (!(err instanceof Error) || err.message !== 'Query read timeout' || conn.__knex__disposed) return;
    conn.__knex__disposed = err;
    conn.end().catch(() => undefined);
  };
  conn.query = function (this: unknown, ...args: unknown[]) {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (err: unknown, res: unknown) => {
        check(err);
        return (callback as (e: unknown, r: unknown) => unknown)(err, res);
      };
      return proto.query.apply(this, args);
    }
    const result = proto.query.apply(this, args);
    if (result instanceof Promise) result.catch(check);
    return result;
  };
}

export async function initOrm(
  url: string,
  entities: ClassRef[],
  poolMax: number,
  timeouts: DbTimeouts,
  opts: { jit?: boolean } = {},
): Promise<MikroORM> {
  return MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: url,
    entities,
    // Entities declare their column types explicitly: no reflection, no source-file scanning.
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    pool: {
      min: 0,
      max: poolMax,
      afterCreate: (conn: PooledPgClient, done: (err: Error | null, conn: PooledPgClient) => void) => {
        discardOnTimeout(conn);
        done(null, conn);
      },
    },
    // A request waits this long for a free connection, then fails (503) rather than queueing on.
    // JIT off unless asked for (config.ts, dbJit): a startup parameter, so no statement and no round trip.
    driverOptions: {
      connection: { ...pgTimeouts(timeouts), ...(opts.jit ? {} : { options: '-c jit=off' }) },
      acquireConnectionTimeout: timeouts.connectMs,
    },
    allowGlobalContext: false,
    debug: false,
    ensureDatabase: false,
  });
}

/**
 * Migrations run on one dedicated connection (advisory lock + per-migration transaction), with
 * no statement timeout: building an index on a large table may take long, and runs once.
 */
export async function migrate(url: string, migrations: Migration[], connectTimeoutMs = 10_000): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  await client.connect();
  try {
    return await runMigrations({ execute: async (sql, params) => (await client.query(sql, params as unknown[])).rows }, migrations);
  } finally {
    await client.end();
  }
}
