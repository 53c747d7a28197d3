import 'reflect-metadata';
import type { FastifyInstance } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createCore, pendingMigrations, type Core, type Migration, type TxtResolver, type WebhookWorker } from '@roster/core';
import type { RosterPlugin } from '@roster/plugin-sdk';
import type { ServerConfig } from './config.js';
import { initOrm, migrate, pgTimeouts } from './orm.js';
import { startEmbedded, type EmbeddedDatabase } from './database.js';
import { allEntities, allMigrations, allResolverClasses, resolvePlugins, type LoadedPlugin } from './plugin-host.js';
import { bootError } from './errors.js';
import { buildRosterSchema, mountGraphql } from './graphql.js';
import { listenForRevocations } from './revocations.js';
import { authRoutes, makeViewerOf } from './auth.js';
import { csrfGuard } from './csrf.js';
import { registerFrontDoor } from './front-door.js';
import { consoleRoutes } from './console.js';
import { createHttpApp, metricsRoutes } from './http.js';
import { healthRoutes } from './health.js';
import { reportHookFailures } from './hooks.js';
import { createJobs } from './jobs.js';
import { setupPlugins } from './plugin-context.js';
import { signInMethodRegistry } from './sign-in-methods.js';
import { startWebhookWorker, webhookUrlCheck, type WebhookOptions } from './webhooks.js';
import type { GraphQLSchema } from 'graphql';

export interface RosterOptions {
  config: ServerConfig;
  plugins: RosterPlugin<unknown>[];
  pluginOptions?: Record<string, unknown>;
  /** Run pending migrations at start (the embedded default always does). */
  migrate?: boolean;
  resolveTxt?: TxtResolver;
  /** Tests pass a PGlite data dump to boot in ~0.5 s. */
  embeddedDump?: Blob;
  /** Where each plugin came from (`loadPluginSet().sources`), for the boot log. */
  pluginSources?: Record<string, string>;
  /** Where the JSON log goes (default stdout); tests read it. */
  logStream?: { write(line: string): void };
  /** Webhook delivery's clock, jitter and pace (tests). */
  webhooks?: WebhookOptions;
  /** The admin console's build folder (default: the workspace package's `dist/`; null: none). */
  consoleDir?: string | null;
}

export interface Roster {
  app: FastifyInstance;
  core: Core;
  orm: MikroORM;
  schema: GraphQLSchema;
  config: ServerConfig;
  databaseUrl: string;
  /** This node's webhook delivery worker (a periodic job); tests run it by hand too. */
  webhooks: WebhookWorker;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** The database a node uses: `DATABASE_URL`, or the embedded PostgreSQL (PGlite) in the data folder. */
async function openDatabase(
  cfg: ServerConfig,
  dump: Blob | undefined,
): Promise<{ url: string; poolMax: number; embedded: EmbeddedDatabase | null }> {
  if (cfg.databaseUrl) return { url: cfg.databaseUrl, poolMax: cfg.dbPoolMax, embedded: null };
  const embedded = await startEmbedded({ dataDir: dump ? undefined : cfg.dataDir, loadDataDir: dump });
  return { url: embedded.url, poolMax: embedded.poolMax, embedded };
}

/**
 * Runs pending migrations; a failure is logged at error level with the migration and the plugin
 * that owns it, and stops boot with `MIGRATION_FAILED` (a half-migrated plugin would otherwise
 * surface later as a bare 500 on its first query).
 */
async function migrateLoudly(app: FastifyInstance, url: string, migrations: Migration[], loaded: LoadedPlugin[]): Promise<void> {
  try {
    const applied = await migrate(url, migrations);
    if (applied.length) app.log.info({ migrations: applied }, `applied ${applied.length} migration(s)`);
  } catch (e) {
    const name = /^Migration "([^"]+)"/.exec((e as Error).message)?.[1];
    const owner = loaded.find(({ plugin }) => plugin.migrations?.some((m) => m.name === name))?.plugin.name;
    const message = `${(e as Error).message}${owner ? ` (a migration of plugin "${owner}")` : ''}; nothing after it ran. Fix the migration (or the database) and start again.`;
    app.log.error({ err: e, migration: name, plugin: owner }, message);
    throw bootError('MIGRATION_FAILED', message, { migration: name, plugin: owner });
  }
}

/** A node that does not migrate (production `serve`) says at boot what `roster migrate` has left to do. */
async function warnIfPending(app: FastifyInstance, core: Core, migrations: Migration[]): Promise<void> {
  try {
    const pending = await pendingMigrations(
      { execute: (sql, params) => core.em().execute(sql.replace(/\$\d+/g, '?'), params ?? []) },
      migrations,
    );
    if (pending.length)
      app.log.warn(
        { pendingMigrations: pending },
        `${pending.length} migration(s) not applied (${pending.join(', ')}): run \`roster migrate\`; /readyz answers 503 until then`,
      );
  } catch (e) {
    app.log.warn({ err: e }, 'could not check for pending migrations');
  }
}

/** Builds a whole Roster node: database, domain, plugins, HTTP and GraphQL. Nothing listens yet. */
export async function createRoster(opts: RosterOptions): Promise<Roster> {
  const cfg = opts.config;
  const loaded = resolvePlugins(opts.plugins, opts.pluginOptions);
  const app = await createHttpApp(cfg, opts.logStream);
  // One line per plugin at boot: what runs here, in which version, from where.
  for (const { plugin } of loaded)
    app.log.info(
      { plugin: plugin.name, version: plugin.version, host: plugin.host, from: opts.pluginSources?.[plugin.name] },
      `plugin ${plugin.name} ${plugin.version}`,
    );
  const signInMethods = signInMethodRegistry(loaded);
  const { url, poolMax, embedded } = await openDatabase(cfg, opts.embeddedDump);
  const migrations = allMigrations(loaded);
  if (opts.migrate || embedded) {
    try {
      await migrateLoudly(app, url, migrations, loaded);
    } catch (e) {
      await embedded?.close();
      throw e;
    }
  }
  const dbTimeouts = { statementMs: cfg.dbStatementTimeoutMs, connectMs: cfg.dbConnectTimeoutMs };
  // The embedded PGlite has no JIT, and its socket server is not asked to understand `options`.
  const orm = await initOrm(url, allEntities(loaded), poolMax, dbTimeouts, { jit: cfg.dbJit || embedded !== null });
  const core = createCore({
    orm,
    secretKey: cfg.secretKey,
    sessionTtlSeconds: cfg.sessionTtlSeconds,
    resolveTxt: opts.resolveTxt,
    tokenCacheTtlMs: cfg.tokenCacheSeconds * 1000,
    rowCacheTtlMs: cfg.tokenCacheSeconds * 1000,
    preparedStatements: cfg.dbPreparedStatements,
    signInMethods,
    events: cfg.events,
    webhookUrlCheck: webhookUrlCheck(cfg),
    plugins: loaded.map(({ plugin }) => ({ name: plugin.name, version: plugin.version })),
  });

  if (!opts.migrate && !embedded) await warnIfPending(app, core, migrations);
  // Verified bearer tokens and SSO connections are cached only while changes reach this node:
  // through LISTEN on a PostgreSQL server (any node may change them). On the embedded database
  // only this process writes, and its token revocations drop the entry directly, so tokens are
  // cached there; connections change through triggers nobody can LISTEN to there (its single
  // connection is the pool's), so they are not.
  const revocations = embedded
    ? null
    : listenForRevocations(url, { tokens: core.tokens.cache, rows: core.rows }, app.log, pgTimeouts(dbTimeouts));
  if (embedded) core.tokens.cache.setLive(true);
  csrfGuard(app, core, cfg);
  const metrics = metricsRoutes(app);
  reportHookFailures(app, core, metrics);

  const viewerOf = makeViewerOf(core, cfg);
  healthRoutes(app, core, migrations);
  await authRoutes(app, core, cfg);
  const frontDoor = registerFrontDoor(
    app,
    cfg,
    loaded.map(({ plugin }) => plugin),
  );
  await consoleRoutes(app, { dir: opts.consoleDir });

  const jobs = createJobs(app.log);
  // Housekeeping: expired one-time keys, flow state and sessions. Idempotent deletes, so any
  // number of nodes may run it.
  jobs.every('housekeeping', 10 * 60_000, () =>
    Promise.all([
      core.replay.purgeExpired(),
      core.flows.purgeExpired(),
      core.em().execute("delete from session where expires_at < now() - interval '1 day' or revoked_at < now() - interval '1 day'"),
      core.throttle.purgeExpired(),
    ]),
  );
  // The event sequencer (core/0012): numbers committed events per team, one node at a time (the
  // others skip). Readers and webhook fan-out also run it when they need to, so this bounds the lag;
  // it keeps webhook delivery's pace (tests that count statements slow both).
  jobs.every('event-sequencer', opts.webhooks?.intervalMs ?? 1000, () => core.events.sequence());
  // Event retention (ROSTER_EVENT_RETENTION_DAYS): batched deletes of old events, idempotent too.
  jobs.every('event-retention', 60 * 60_000, () => core.events.prune(new Date(Date.now() - cfg.eventRetentionDays * 86_400_000)));

  // Delivery runs only here, never in a request: a slow receiver costs a worker slot, not a request.
  const webhooks = startWebhookWorker(core, cfg, jobs, app.log, opts.webhooks);

  const instances = await setupPlugins(loaded, { app, cfg, core, jobs, frontDoor, viewerOf });
  const resolverClasses = [...new Set([...allResolverClasses(loaded), ...instances.keys()])];
  const schema = await buildRosterSchema(resolverClasses, instances);
  await mountGraphql(app, {
    schema,
    core,
    viewerOf,
    introspection: cfg.introspection,
    // Suggestions name real fields: not for strangers to a production schema, nor where introspection is off.
    hideSchemaDetails: cfg.production || !cfg.introspection,
    limits: { maxTokens: cfg.maxQueryTokens, maxDepth: cfg.maxQueryDepth, maxFields: cfg.maxQueryFields, maxListLength: cfg.maxListLength },
    compileAfter: cfg.graphqlCompileAfter,
    metrics,
  });

  let closed = false;
  return {
    app,
    core,
    orm,
    schema,
    config: cfg,
    databaseUrl: url,
    webhooks,
    async listen() {
      return app.listen({ port: cfg.port, host: cfg.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      webhooks.stop();
      await jobs.stop();
      await app.close();
      await revocations?.close();
      for (const { plugin } of [...loaded].reverse()) await plugin.close?.();
      await orm.close(true);
      await embedded?.close();
    },
  };
}
