import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { Registry, collectDefaultMetrics, Histogram } from 'prom-client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createCore, isRosterError, pendingMigrations, type Core, type TxtResolver } from '@roster/core';
import type { PluginContext, RosterPlugin, SsoEntryPoint, SsoRegistry } from '@roster/plugin-sdk';
import type { ServerConfig } from './config.js';
import { initOrm, migrate } from './orm.js';
import { startEmbedded, type EmbeddedDatabase } from './database.js';
import { allEntities, allMigrations, allResolverClasses, resolvePlugins } from './plugin-host.js';
import { buildRosterSchema, mountGraphql } from './graphql.js';
import { listenForRevocations } from './revocations.js';
import { authRoutes, makeViewerOf, setSessionCookie } from './auth.js';
import { consoleRoutes } from './console.js';
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
}

export interface Roster {
  app: FastifyInstance;
  core: Core;
  orm: MikroORM;
  schema: GraphQLSchema;
  config: ServerConfig;
  databaseUrl: string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Builds a whole Roster node: database, domain, plugins, HTTP and GraphQL. Nothing listens yet. */
export async function createRoster(opts: RosterOptions): Promise<Roster> {
  const cfg = opts.config;
  const loaded = resolvePlugins(opts.plugins, opts.pluginOptions);
  let embedded: EmbeddedDatabase | null = null;
  let url = cfg.databaseUrl;
  let poolMax = cfg.dbPoolMax;
  if (!url) {
    embedded = await startEmbedded({ dataDir: opts.embeddedDump ? undefined : cfg.dataDir, loadDataDir: opts.embeddedDump });
    url = embedded.url;
    poolMax = embedded.poolMax;
  }
  const migrations = allMigrations(loaded);
  if (opts.migrate || embedded) await migrate(url, migrations);
  const orm = await initOrm(url, allEntities(loaded), poolMax);
  const core = createCore({ orm, secretKey: cfg.secretKey, sessionTtlSeconds: cfg.sessionTtlSeconds, resolveTxt: opts.resolveTxt, tokenCacheTtlMs: cfg.tokenCacheSeconds * 1000, rowCacheTtlMs: cfg.tokenCacheSeconds * 1000, preparedStatements: cfg.dbPreparedStatements });

  const app = Fastify({
    logger: { level: cfg.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: cfg.production,
  });
  // Verified bearer tokens and SSO connections are cached only while changes reach this node:
  // through LISTEN on a PostgreSQL server (any node may change them). On the embedded database
  // only this process writes, and its token revocations drop the entry directly, so tokens are
  // cached there; connections change through triggers nobody can LISTEN to there (its single
  // connection is the pool's), so they are not.
  const revocations = embedded ? null : listenForRevocations(url, { tokens: core.tokens.cache, rows: core.rows }, app.log);
  if (embedded) core.tokens.cache.setLive(true);
  await app.register(cookie);
  await app.register(formbody);

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const httpDuration = new Histogram({ name: 'roster_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'], registers: [metrics], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
  app.addHook('onResponse', async (request, reply) => {
    httpDuration.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Domain errors thrown from routes keep their status and code; nothing a client sends is a 500.
  app.setErrorHandler((error, request, reply) => {
    if (isRosterError(error)) return reply.code(error.status).send({ error: error.code, message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: (error as { code?: string }).code ?? 'BAD_REQUEST', message: (error as Error).message });
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: 'INTERNAL', message: 'Internal server error', requestId: request.id });
  });

  const viewerOf = makeViewerOf(core, cfg);
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    try {
      const pending = await pendingMigrations({ execute: (sql, params) => core.em().execute(sql.replace(/\$\d+/g, '?'), params ?? []) }, migrations);
      if (pending.length) return reply.code(503).send({ ok: false, pendingMigrations: pending });
      return { ok: true };
    } catch (e) {
      return reply.code(503).send({ ok: false, error: (e as Error).message });
    }
  });
  app.get('/metrics', async (_req, reply) => reply.header('content-type', metrics.contentType).send(await metrics.metrics()));
  await authRoutes(app, core, cfg);
  await consoleRoutes(app);

  // Periodic jobs of the core and of plugins: no overlap, unref'd, awaited at shutdown.
  const jobs: Array<{ timer: NodeJS.Timeout; running: Promise<unknown> | null }> = [];
  const every = (name: string, intervalMs: number, task: () => Promise<unknown>): void => {
    const job: { timer: NodeJS.Timeout; running: Promise<unknown> | null } = { timer: setInterval(() => {
      if (job.running) return;
      job.running = task()
        .catch((e: unknown) => app.log.warn({ err: e, job: name }, 'periodic job failed'))
        .finally(() => { job.running = null; });
    }, intervalMs), running: null };
    job.timer.unref();
    jobs.push(job);
  };
  // Housekeeping: expired one-time keys, flow state and sessions. Idempotent deletes, so any
  // number of nodes may run it.
  every('housekeeping', 10 * 60_000, () => Promise.all([
    core.replay.purgeExpired(),
    core.flows.purgeExpired(),
    core.em().execute("delete from session where expires_at < now() - interval '1 day' or revoked_at < now() - interval '1 day'"),
  ]));

  const instances = new Map<Function, object>();
  const ssoSources: Array<(teamId: string) => Promise<SsoEntryPoint[]>> = [];
  const sso: SsoRegistry = {
    addEntryPoints: (source) => void ssoSources.push(source),
    async entryPoints(teamId) {
      const all: SsoEntryPoint[] = [];
      for (const source of ssoSources) {
        try {
          all.push(...(await source(teamId)));
        } catch (e) {
          app.log.error({ err: e, teamId }, 'an SSO entry point source failed');
        }
      }
      return all;
    },
  };
  // A live view: the public URL may be known only once the server listens (port 0 in tests).
  const pluginConfig = {
    get publicUrl() { return cfg.publicUrl; },
    get production() { return cfg.production; },
    get allowedOrigins() { return cfg.allowedOrigins; },
    get sessionCookie() { return cfg.sessionCookie; },
  };
  for (const { plugin, options } of loaded) {
    const ctx: PluginContext<unknown> = {
      name: plugin.name,
      options,
      config: pluginConfig,
      logger: app.log.child({ plugin: plugin.name }),
      core,
      http: { register: (routes, o) => void app.register(async (child) => routes(child), { prefix: o?.prefix ?? `/${plugin.name}` }) },
      signIn: {
        complete: (identity) => core.signIn.complete(identity),
        refuse: (r) => core.signIn.refuse(r),
        attempts: (teamId, connectionId, limit) => core.signIn.attempts(teamId, connectionId, limit),
        startSession: (reply, token) => setSessionCookie(reply, cfg, token),
      },
      sso,
      every: (name, intervalMs, task) => every(`${plugin.name}:${name}`, intervalMs, task),
      addResolver: (instance) => void instances.set(instance.constructor, instance),
      on: (hook, handler) => core.hooks.on(hook, handler),
      viewerOf,
    };
    await plugin.setup?.(ctx);
  }
  const resolverClasses = [...new Set([...allResolverClasses(loaded), ...instances.keys()])];
  const schema = await buildRosterSchema(resolverClasses, instances);
  await mountGraphql(app, { schema, core, introspection: cfg.introspection, maxDepth: cfg.maxQueryDepth, maxFields: cfg.maxQueryFields, viewerOf });

  let closed = false;
  return {
    app, core, orm, schema, config: cfg, databaseUrl: url,
    async listen() {
      return app.listen({ port: cfg.port, host: cfg.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const job of jobs) clearInterval(job.timer);
      await Promise.allSettled(jobs.map((j) => j.running));
      await app.close();
      await revocations?.close();
      for (const { plugin } of [...loaded].reverse()) await plugin.close?.();
      await orm.close(true);
      await embedded?.close();
    },
  };
}
