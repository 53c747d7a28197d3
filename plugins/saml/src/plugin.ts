import { definePlugin, type RosterPlugin } from '@roster/plugin-sdk';
import { SamlConnectionEntity } from './entity.js';
import { SamlConnectionResolver, SamlTeamResolver } from './graphql/resolvers.js';
import { SamlLogout } from './logout.js';
import { samlMigrations } from './migrations.js';
import { parseSamlOptions, type SamlPluginInput, type SamlPluginOptions } from './options.js';
import { samlRoutes } from './routes.js';
import { SamlConnections } from './service.js';
import { SamlSignIn } from './sign-in.js';
import { CERTIFICATE_CHECK_EVERY_MS, reportExpiringCertificates } from './certificate-expiry.js';

export interface SamlMetadataScheduler {
  /** Runs one refresh pass on every Roster this plugin object was set up in (tests, ops tooling). */
  runOnce(): Promise<{ claimed: number; refreshed: number; failed: number }>;
}

/** The framework-free handlers of the last Roster this plugin object was set up in (benchmarks). */
export interface SamlHandlers {
  connections: SamlConnections;
  signIn: SamlSignIn;
  logout: SamlLogout;
}

export type SamlPlugin = RosterPlugin<SamlPluginOptions> & { metadataRefresh: SamlMetadataScheduler; handlers(): SamlHandlers | null };

/**
 * SAML 2.0 single sign-on for teams (issue 4; R1, R3, R7, R18, R19): per-team connections managed
 * through GraphQL, `/saml` routes (metadata, login, ACS, single logout) and a scheduled IdP
 * metadata refresh. The identity it verifies is handed to the core's sign-in call, which applies
 * the team's policy and issues the session.
 */
export function samlPlugin(options: SamlPluginInput = {}): SamlPlugin {
  const services = new Set<SamlConnections>();
  let last: SamlHandlers | null = null;

  const plugin = definePlugin<SamlPluginOptions>({
    name: 'saml',
    version: '0.2.0',
    parseOptions: (raw) => parseSamlOptions(raw, options),
    entities: [SamlConnectionEntity],
    migrations: samlMigrations,
    signInMethods: [{ id: 'saml', label: 'SAML 2.0', sso: true, allowedByDefault: true }],
    setup(ctx) {
      const connections = new SamlConnections({
        core: ctx.core,
        config: ctx.config,
        options: ctx.options,
        logger: ctx.logger,
        events: ctx.events,
      });
      const signIn = new SamlSignIn(connections, { core: ctx.core, config: ctx.config, options: ctx.options, signIn: ctx.signIn });
      const logout = new SamlLogout(connections, { core: ctx.core, config: ctx.config, options: ctx.options });
      services.add(connections);
      last = { connections, signIn, logout };
      ctx.addResolver(new SamlTeamResolver(connections));
      ctx.addResolver(new SamlConnectionResolver(ctx.signIn));
      ctx.http.advertise({ label: 'SAML 2.0 service-provider metadata of a connection', path: '/saml/{connection}/metadata' });
      ctx.http.register(samlRoutes(ctx, signIn, logout), { prefix: '/saml' });
      // Home-realm discovery (R4) lists the team's enabled SAML connections.
      ctx.sso.addEntryPoints(async (teamId) =>
        (await connections.list(teamId))
          .filter((c) => c.enabled)
          .map((c) => ({ protocol: 'saml', connectionId: c.id, name: c.name, loginUrl: connections.urls(c.id).loginUrl })),
      );

      // connection.certificate_expiring for the host app (issue 18), once per certificate.
      ctx.every('certificate-expiry', CERTIFICATE_CHECK_EVERY_MS, async () => {
        const n = await reportExpiringCertificates({ core: ctx.core, events: ctx.events });
        if (n) ctx.logger.info({ published: n }, 'SAML certificates expiring soon');
      });
      if (ctx.options.metadataRefreshIntervalSeconds > 0) {
        ctx.every('metadata-refresh', ctx.options.metadataCheckEveryMs, async () => {
          const r = await connections.refreshDue();
          if (r.claimed) ctx.logger.info(r, 'SAML metadata refresh pass');
        });
      }
    },
    async close() {
      services.clear();
      last = null;
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
    handlers: () => last,
  });
}
