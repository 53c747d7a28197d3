import { definePlugin, type RosterPlugin } from '@roster/plugin-sdk';
import { WsFedConnectionEntity } from './entity.js';
import { WsFedConnectionResolver, WsFedTeamResolver } from './graphql/resolvers.js';
import { wsfedMigrations } from './migrations.js';
import { parseWsFedOptions, type WsFedPluginInput, type WsFedPluginOptions } from './options.js';
import { wsfedRoutes } from './routes.js';
import { WsFedConnections } from './service.js';

export interface WsFedMetadataScheduler {
  /** Runs one refresh pass on every Roster this plugin object was set up in (tests, ops tooling). */
  runOnce(): Promise<{ claimed: number; refreshed: number; failed: number }>;
}

export type WsFedPlugin = RosterPlugin<WsFedPluginOptions> & { metadataRefresh: WsFedMetadataScheduler };

/**
 * WS-Federation sign-in (passive requestor profile) for ADFS and Entra ID: per-team connections,
 * GraphQL administration, `/wsfed` routes and a scheduled metadata refresh. The identity it verifies
 * is handed to the core's sign-in call, which decides (R3, R7, JIT) and issues the session.
 */
export function wsfedPlugin(options: WsFedPluginInput = {}): WsFedPlugin {
  const services = new Set<WsFedConnections>();

  const plugin = definePlugin<WsFedPluginOptions>({
    name: 'wsfed',
    version: '0.2.0',
    parseOptions: (raw) => parseWsFedOptions(raw, options),
    entities: [WsFedConnectionEntity],
    migrations: wsfedMigrations,
    signInMethods: [{ id: 'wsfed', label: 'WS-Federation', sso: true, allowedByDefault: true }],
    setup(ctx) {
      const svc = new WsFedConnections({
        core: ctx.core,
        config: ctx.config,
        options: ctx.options,
        logger: ctx.logger,
        events: ctx.events,
      });
      services.add(svc);
      ctx.addResolver(new WsFedTeamResolver(svc));
      ctx.addResolver(new WsFedConnectionResolver(ctx.signIn));
      ctx.http.advertise({ label: 'WS-Federation sign-in of a connection', path: '/wsfed/{connection}/login' });
      ctx.http.register(wsfedRoutes(ctx, svc), { prefix: '/wsfed' });
      // Home-realm discovery (R4) lists the team's enabled WS-Fed connections.
      ctx.sso.addEntryPoints(async (teamId) =>
        (await svc.list(teamId))
          .filter((c) => c.enabled)
          .map((c) => ({ protocol: 'wsfed', connectionId: c.id, name: c.name, loginUrl: svc.spDefaults(c.id).loginUrl })),
      );

      if (ctx.options.metadataRefreshIntervalSeconds > 0) {
        ctx.every('metadata-refresh', ctx.options.metadataCheckEveryMs, async () => {
          const r = await svc.refreshDue();
          if (r.claimed) ctx.logger.info(r, 'WS-Fed metadata refresh pass');
        });
      }
    },
    async close() {
      services.clear();
    },
  });

  return Object.assign(plugin, {
    metadataRefresh: {
      async runOnce() {
        const total = { claimed: 0, refreshed: 0, failed: 0 };
        for (const svc of services) {
          const r = await svc.refreshDue();
          total.claimed += r.claimed;
          total.refreshed += r.refreshed;
          total.failed += r.failed;
        }
        return total;
      },
    },
  });
}
