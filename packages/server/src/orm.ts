import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import { runMigrations, type Migration } from '@roster/core';

export async function initOrm(url: string, entities: Function[], poolMax: number): Promise<MikroORM> {
  return MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: url,
    entities,
    // Entities declare their column types explicitly: no reflection, no source-file scanning.
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    pool: { min: 0, max: poolMax },
    allowGlobalContext: false,
    debug: false,
    ensureDatabase: false,
  });
}

/** Migrations run on one dedicated connection (advisory lock + per-migration transaction). */
export async function migrate(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await runMigrations({ execute: async (sql, params) => (await client.query(sql, params as unknown[])).rows }, migrations);
  } finally {
    await client.end();
  }
}
