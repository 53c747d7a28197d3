import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { Registry, collectDefaultMetrics, Histogram } from 'prom-client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createCore, databaseUnavailable, isRosterError, pendingMigrations, type Core, type TxtResolver } from '@roster/core';
import type { ClassRef, PluginContext, RosterPlugin, SsoEntryPoint, SsoRegistry } from '@roster/plugin-sdk';
import type { ServerConfig } from './config.js';
import { initOrm, migrate, pgTimeouts } from './orm.js';
import { startEmbedded, type EmbeddedDatabase } from './database.js';
import { allEntities, allMigrations, allResolverClasses, resolvePlugins } from './plugin-host.js';
import { buildRosterSchema, mountGraphql } from './graphql.js';
import { listenForRevocations } from './revocations.js';
import { authRoutes, makeViewerOf, setSessionCookie } from './auth.js';
import { csrfGuard } from './csrf.js';
import { registerFrontDoor } from './front-door.js';
import { requestLogLine } from './log.js';
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
  /** Where the JSON log goes (default stdout); tests read it. */
  logStream?: { write(line: string): void };
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

/** How long `/readyz` waits for the database: a load balancer's probe must not hang with it. */
const READY_TIMEOUT_MS = 2000;

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
  const dbTimeouts = { statementMs: cfg.dbStatementTimeoutMs, connectMs: cfg.dbConnectTimeoutMs };
  const orm = await initOrm(url, allEntities(loaded), poolMax, dbTimeouts);
  const core = createCore({
    orm,
    secretKey: cfg.secretKey,
    sessionTtlSeconds: cfg.sessionTtlSeconds,
    resolveTxt: opts.resolveTxt,
    tokenCacheTtlMs: cfg.tokenCacheSeconds * 1000,
    rowCacheTtlMs: cfg.tokenCacheSeconds * 1000,
    preparedStatements: cfg.dbPreparedStatements,
  });

  const app = Fastify({
    logger: {
      level: cfg.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: { req: requestLogLine },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    // A hop count, as Fastify reads a number (its types take only the function form).
    trustProxy:
      typeof cfg.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, i: number) =>
              i < hops
          )(cfg.trustProxy)
        : cfg.trustProxy,
  });
  // Verified bearer tokens and SSO connections are cached only while changes reach this node:
  // through LISTEN on a PostgreSQL server (any node may change them). On the embedded database
  // only this process writes, and its token revocations drop the entry directly, so tokens are
  // cached there; connections change through triggers nobody can LISTEN to there (its single
  // connection is the pool's), so they are not.
  const revocations = embedded
    ? null
    : listenForRevocations(url, { tokens: core.tokens.cache, rows: core.rows }, app.log, pgTimeouts(dbTimeouts));
  if (embedded) core.tokens.cache.setLive(true);
  await app.register(cookie);
  await app.register(formbody);
  csrfGuard(app, core, cfg);

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const httpDuration = new Histogram({
    name: 'roster_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'],
    registers: [metrics],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  app.addHook('onResponse', async (request, reply) => {
    httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Domain errors thrown from routes keep their status and code; nothing a client sends is a 500.
  app.setErrorHandler((error, request, reply) => {
    if (isRosterError(error)) return reply.code(error.status).send({ error: error.code, message: error.message });
    if (databaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ error: 'SERVICE_UNAVAILABLE', message: 'The database is not answering; try again shortly.', requestId: request.id });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500)
      return reply.code(status).send({ error: (error as { code?: string }).code ?? 'BAD_REQUEST', message: (error as Error).message });
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: 'INTERNAL', message: 'Internal server error', requestId: request.id });
  });

  const viewerOf = makeViewerOf(core, cfg);
  // Liveness only: the process answers. It never asks the database, so a database outage does
  // not get healthy nodes restarted; readiness (below) is what takes a node out of rotation.
  app.get('/healthz', async () => ({ ok: true }));
  // Readiness: the database answers within READY_TIMEOUT_MS and every migration is applied. The
  // answer says what is wrong in words; the details (addresses, driver messages) go to the log.
  app.get('/readyz', async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS);
    });
    try {
      const pending = await Promise.race([
        pendingMigrations({ execute: (sql, params) => core.em().execute(sql.replace(/\$\d+/g, '?'), params ?? []) }, migrations),
        timeout,
      ]);
      if (pending === 'timeout') {
        request.log.warn({ timeoutMs: READY_TIMEOUT_MS }, 'readiness: the database did not answer in time');
        return reply.code(503).send({ ready: false, reason: 'database not answering' });
      }
      if (pending.length) {
        request.log.warn({ pendingMigrations: pending }, 'readiness: migrations pending');
        return reply.code(503).send({ ready: false, reason: 'migrations pending' });
      }
      return { ready: true };
    } catch (e) {
      request.log.warn({ err: e }, 'readiness: database unreachable');
      return reply.code(503).send({ ready: false, reason: 'database unreachable' });
    } finally {
      clearTimeout(timer);
    }
  });
  app.get('/metrics', async (_req, reply) => reply.header('content-type', metrics.contentType).send(await metrics.metrics()));
  await authRoutes(app, core, cfg);
  const frontDoor = registerFrontDoor(
    app,
    cfg,
    loaded.map(({ plugin }) => plugin),
  );
  await consoleRoutes(app);

  // Periodic jobs of the core and of plugins: no overlap, unref'd, awaited at shutdown.
  const jobs: Array<{ timer: NodeJS.Timeout; running: Promise<unknown> | null }> = [];
  const every = (name: string, intervalMs: number, task: () => Promise<unknown>): void => {
    const job: { timer: NodeJS.Timeout; running: Promise<unknown> | null } = {
      timer: setInterval(() => {
        if (job.running) return;
        job.running = task()
          .catch((e: unknown) => app.log.warn({ err: e, job: name }, 'periodic job failed'))
          .finally(() => {
            job.running = null;
          });
      }, intervalMs),
      running: null,
    };
    job.timer.unref();
    jobs.push(job);
  };
  // Housekeeping: expired one-time keys, flow state and sessions. Idempotent deletes, so any
  // number of nodes may run it.
  every('housekeeping', 10 * 60_000, () =>
    Promise.all([
      core.replay.purgeExpired(),
      core.flows.purgeExpired(),
      core.em().execute("delete from session where expires_at < now() - interval '1 day' or revoked_at < now() - interval '1 day'"),
      core.throttle.purgeExpired(),
    ]),
  );

  const instances = new Map<ClassRef, object>();
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
    get publicUrl() {
      return cfg.publicUrl;
    },
    get production() {
      return cfg.production;
    },
    get allowedOrigins() {
      return cfg.allowedOrigins;
    },
    get sessionCookie() {
      return cfg.sessionCookie;
    },
    get outbound() {
      return { allowPrivateAddresses: cfg.outboundAllowPrivate, allowAddresses: cfg.outboundAllowAddresses };
    },
  };
  for (const { plugin, options } of loaded) {
    const ctx: PluginContext<unknown> = {
      name: plugin.name,
      options,
      config: pluginConfig,
      logger: app.log.child({ plugin: plugin.name }),
      core,
      http: {
        register: (routes, o) => void app.register(async (child) => routes(child), { prefix: o?.prefix ?? `/${plugin.name}` }),
        advertise: (entry) => frontDoor.advertise(plugin.name, entry),
      },
      signIn: {
        complete: (identity) => core.signIn.complete(identity),
        refuse: (r) => core.signIn.refuse(r),
        attempts: (teamId, connectionId, limit) => core.signIn.attempts(teamId, connectionId, limit),
        startSession: (reply, token) => setSessionCookie(reply, cfg, token),
      },
      sso,
      every: (name, intervalMs, task) => every(`${plugin.name}:${name}`, intervalMs, task),
      addResolver: (instance) => void instances.set(instance.constructor as ClassRef, instance),
      on: (hook, handler) => core.hooks.on(hook, handler),
      viewerOf,
    };
    await plugin.setup?.(ctx);
  }
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
  });

  let closed = false;
  return {
    app,
    core,
    orm,
    schema,
    config: cfg,
    databaseUrl: url,
    async listen() {
      return app.listen({ port: cfg.port, host: cfg.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const job of jobs) clearInterval(job.timer);
      await Promise.allSettled(jobs.flatMap((j) => (j.running ? [j.running] : [])));
      await app.close();
      await revocations?.close();
      for (const { plugin } of [...loaded].reverse()) await plugin.close?.();
      await orm.close(true);
      await embedded?.close();
    },
  };
}
