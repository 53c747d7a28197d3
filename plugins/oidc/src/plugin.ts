/**
 * `oidcPlugin(options?)`: OpenID Connect sign-in for teams (R18), the platform Google sign-in
 * (R3) and home-realm discovery (R4), on top of the framework-free relying party in
 * `./protocol`. It verifies the provider's answer and hands the identity to the core
 * (`ctx.signIn.complete`); the core applies policy, inactive members, JIT and the session.
 */
import { createOutboundFetch, definePlugin } from '@roster/plugin-sdk';
import { OIDC_MIGRATIONS, OidcConnectionRecord } from './entity.js';
import { OidcConnectionResolver, OidcTeamResolver } from './graphql.js';
import { parseOptions, type OidcPluginOptions, type ParsedOidcOptions } from './options.js';
import { DiscoveryCache } from './protocol/discovery.js';
import { discoveryRoute, oidcRoutes } from './routes.js';
import { OidcService } from './service.js';

export const OIDC_PLUGIN_NAME = 'oidc';

export function oidcPlugin(options: OidcPluginOptions = {}) {
  return definePlugin<ParsedOidcOptions>({
    name: OIDC_PLUGIN_NAME,
    version: '0.2.0',
    parseOptions: (raw) => parseOptions(raw, options),
    entities: [OidcConnectionRecord],
    migrations: OIDC_MIGRATIONS,
    signInMethods: [
      { id: 'oidc', label: 'OpenID Connect', sso: true, allowedByDefault: true },
      // The platform-level "Sign in with Google": anyone's Google account, not the team's IdP.
      { id: 'google', label: 'Google', sso: false, allowedByDefault: true },
    ],
    setup(ctx) {
      // One discovery/JWKS cache per node, shared by every connection of every team. Every request
      // to a provider (discovery, JWKS, token, userinfo) goes through the SSO toolkit's outbound
      // policy: issuers are admin input, so no private addresses unless the operator allows them.
      const discovery = new DiscoveryCache({
        fetch:
          ctx.options.fetch ??
          createOutboundFetch({
            ...ctx.config.outbound,
            allowHttp: ctx.options.allowInsecureIssuers,
            timeoutMs: 10_000,
            maxBytes: 1024 * 1024,
          }),
      });
      const service = new OidcService({
        core: ctx.core,
        options: ctx.options,
        config: ctx.config,
        logger: ctx.logger,
        signIn: ctx.signIn,
        discovery,
        sso: ctx.sso,
        events: ctx.events,
      });
      ctx.sso.addEntryPoints(async (teamId) =>
        (await service.enabledFor(teamId)).map((c) => ({
          protocol: 'oidc',
          connectionId: c.id,
          name: c.name,
          loginUrl: service.loginUrl(c.id),
        })),
      );
      ctx.http.register(oidcRoutes(service));
      // Home-realm discovery also answers at the platform path the front-end calls.
      ctx.http.advertise({ label: 'SSO discovery: the sign-in options for an email', path: '/auth/discover?email={email}' });
      ctx.http.register(discoveryRoute(service), { prefix: '/auth' });
      ctx.addResolver(new OidcTeamResolver(service));
      ctx.addResolver(new OidcConnectionResolver(service));
    },
  });
}
