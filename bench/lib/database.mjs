// The benchmark database: a throwaway PostgreSQL 15 cluster (scripts/pg-cluster.mjs), or a fresh
// database created on the server given by BENCH_PG_URL (dropped afterwards unless BENCH_KEEP_DB=1).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pgAvailable, startCluster } from '../../scripts/pg-cluster.mjs';

export async function startDatabase(env = process.env) {
  if (env.BENCH_PG_URL) {
    const admin = env.BENCH_PG_URL;
    const name = `roster_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      kind: `BENCH_PG_URL (database ${name})`,
      async stop() {
        if (env.BENCH_KEEP_DB === '1') return console.log(`Kept database ${name}.`);
        const d = new pg.Client({ connectionString: admin });
        await d.connect();
        await d.query(`drop database if exists ${name} with (force)`);
        await d.end();
      },
    };
  }
  if (!pgAvailable()) {
    throw new Error('No PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin or PG_BIN): set BENCH_PG_URL to an admin URL of a server.');
  }
  const cluster = await startCluster();
  return {
    url: cluster.url,
    kind: 'throwaway cluster (scripts/pg-cluster.mjs: fsync=off, synchronous_commit=off)',
    async stop() {
      cluster.stop();
    },
  };
}

export async function serverVersion(pool) {
  const { rows } = await pool.query('show server_version');
  return rows[0].server_version;
}
