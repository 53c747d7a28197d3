import type { FastifyInstance } from 'fastify';
import { pendingMigrations, type Core, type Migration } from '@roster/core';

/** How long `/readyz` waits for the database: a load balancer's probe must not hang with it. */
const READY_TIMEOUT_MS = 2000;

/**
 * `/healthz` is liveness only: the process answers. It never asks the database, so a database
 * outage does not get healthy nodes restarted; readiness is what takes a node out of rotation.
 * `/readyz`: the database answers within READY_TIMEOUT_MS and every migration is applied. The
 * answer says what is wrong in words; the details (addresses, driver messages) go to the log.
 */
export function healthRoutes(app: FastifyInstance, core: Core, migrations: readonly Migration[]): void {
  app.get('/healthz', async () => ({ ok: true }));
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
}
