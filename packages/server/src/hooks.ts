import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { Core } from '@roster/core';

/**
 * What happens when a plugin's `ctx.on` hook throws or rejects: the change it heard about has
 * committed and stands (the caller gets its normal answer), the failure is logged at error
 * level with the plugin and the hook, and counted in `roster_plugin_hook_failures_total`
 * (labels `plugin`, `hook`) for alerting. It is not audited: the audit log records what happened
 * to members and teams, and that did happen; a hook failure is an operator's matter.
 */
export function reportHookFailures(app: FastifyInstance, core: Core, metrics: Registry): void {
  const failures = new Counter({
    name: 'roster_plugin_hook_failures_total',
    help: 'Plugin hooks (ctx.on) that threw or rejected; the change they heard about stood',
    labelNames: ['plugin', 'hook'],
    registers: [metrics],
  });
  core.hooks.onFailure(({ hook, owner, event, error }) => {
    const plugin = owner ?? 'unknown';
    failures.inc({ plugin, hook });
    app.log.error({ err: error, plugin, hook, event }, `plugin ${plugin}: hook ${hook} failed (the change stands)`);
  });
}
