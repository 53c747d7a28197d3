import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { allMigrations, migrate, resolvePlugins, startEmbedded } from '@roster/server';
import { PLUGIN_FACTORIES } from '@roster/cli';
import { TEST_ENV, conformanceNotice } from '@roster/server/testing';

/**
 * Migrates one template database with the core and every first-party plugin, once per run:
 * a PostgreSQL template database when ROSTER_TEST_PG_URL is set (each test file then clones
 * it in ~50 ms), else a PGlite dump that each file loads.
 */
export default async function setup(): Promise<() => Promise<void>> {
  // One line per run (scripts/test.mjs silences the first of its two passes), not one per file.
  const notice = conformanceNotice();
  if (notice && process.env.ROSTER_TEST_QUIET_NOTICES !== '1') console.log(`\n${notice}\n`);
  const migrations = allMigrations(resolvePlugins(Object.values(PLUGIN_FACTORIES).map((f) => f())));
  const admin = process.env[TEST_ENV.pgUrl];
  if (admin) {
    const template = `roster_template_${process.pid}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`drop database if exists ${template} with (force)`);
    await client.query(`create database ${template}`);
    const url = new URL(admin);
    url.pathname = `/${template}`;
    await migrate(url.toString(), migrations);
    process.env[TEST_ENV.templateDb] = template;
    return async () => {
      await client.query(`drop database if exists ${template} with (force)`);
      await client.end();
    };
  }
  const db = await startEmbedded({ dataDir: 'memory://' });
  await migrate(db.url, migrations);
  const dir = await mkdtemp(join(tmpdir(), 'roster-pglite-'));
  const file = join(dir, 'template.tar');
  await writeFile(file, Buffer.from(await (await db.dump()).arrayBuffer()));
  await db.close();
  process.env[TEST_ENV.pgliteDump] = file;
  return async () => {};
}
