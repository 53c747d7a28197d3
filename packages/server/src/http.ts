import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { Registry, collectDefaultMetrics, Histogram } from 'prom-client';
import { databaseUnavailable, isRosterError } from '@roster/core';
import type { ServerConfig } from './config.js';
import { requestLogLine } from './log.js';

/** The Fastify instance every route hangs on: JSON logs with request ids, body limit, proxies. */
export async function createHttpApp(cfg: ServerConfig, logStream?: { write(line: string): void }): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: cfg.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: { req: requestLogLine },
      ...(logStream ? { stream: logStream } : {}),
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
  await app.register(cookie);
  await app.register(formbody);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  handleErrors(app);
  return app;
}

/** Domain errors thrown from routes keep their status and code; nothing a client sends is a 500. */
function handleErrors(app: FastifyInstance): void {
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
}

/** `GET /metrics` (Prometheus): the process's own figures and a request-duration histogram. */
export function metricsRoutes(app: FastifyInstance): Registry {
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
  app.get('/metrics', async (_req, reply) => reply.header('content-type', metrics.contentType).send(await metrics.metrics()));
  return metrics;
}
