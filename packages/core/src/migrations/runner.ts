import type { Migration } from './types.js';

/** One dedicated connection (a `pg` Client): the lock and each transaction must stay on it. */
export interface SqlExecutor {
  execute(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
}

// Any fixed number works; it only has to be the same on every node.
const LOCK_KEY = 7_402_113;

/**
 * Applies pending migrations in the given order, each in its own transaction, under a
 * PostgreSQL advisory lock so that several nodes booting at once apply each migration once.
 * Forward-only: a migration that was applied is never edited, a new one is added.
 */
export async function runMigrations(db: SqlExecutor, migrations: readonly Migration[]): Promise<string[]> {
  const names = new Set<string>();
  for (const m of migrations) {
    if (names.has(m.name)) throw new Error(`Migration "${m.name}" is listed twice`);
    names.add(m.name);
  }
  await db.execute('select pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    await db.execute('create table if not exists roster_migration (name text primary key, applied_at timestamptz not null default now())');
    const rows = await db.execute('select name from roster_migration');
    const done = new Set(rows.map((r) => String(r.name)));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await db.execute('begin');
      try {
        await db.execute(m.sql);
        await db.execute('insert into roster_migration (name) values ($1)', [m.name]);
        await db.execute('commit');
      } catch (e) {
        await db.execute('rollback');
        throw new Error(`Migration "${m.name}" failed: ${(e as Error).message}`, { cause: e });
      }
      applied.push(m.name);
    }
    return applied;
  } finally {
    await db.execute('select pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}

/** Names of the given migrations not yet applied (for /readyz). */
export async function pendingMigrations(db: SqlExecutor, migrations: readonly Migration[]): Promise<string[]> {
  const exists = await db.execute("select to_regclass('roster_migration') as t");
  if (!exists[0]?.t) return migrations.map((m) => m.name);
  const rows = await db.execute('select name from roster_migration');
  const done = new Set(rows.map((r) => String(r.name)));
  return migrations.filter((m) => !done.has(m.name)).map((m) => m.name);
}
