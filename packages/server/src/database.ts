import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

export interface EmbeddedDatabase {
  url: string;
  /** PGlite serves one connection: the ORM pool must not exceed it. */
  poolMax: number;
  /** A tarball of the data folder, to boot copies quickly (tests). */
  dump(): Promise<Blob>;
  close(): Promise<void>;
}

/**
 * PostgreSQL without installing anything: PGlite (PostgreSQL compiled to WASM) in a data
 * folder, served over the PostgreSQL wire protocol on loopback, so the ORM uses the same
 * driver, dialect and migrations as production.
 */
export async function startEmbedded(opts: { dataDir?: string; loadDataDir?: Blob | File }): Promise<EmbeddedDatabase> {
  if (opts.dataDir && !opts.dataDir.startsWith('memory://')) mkdirSync(opts.dataDir, { recursive: true });
  // pg_trgm: the members search's indexes (core/0014-members-read).
  const db = await PGlite.create({ dataDir: opts.dataDir, loadDataDir: opts.loadDataDir, extensions: { pg_trgm } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const conn = server.getServerConn();
  const port = Number(conn.split(':').pop());
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    poolMax: 1,
    dump: () => db.dumpDataDir('none'),
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
