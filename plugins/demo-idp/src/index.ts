import { join } from 'node:path';
import { definePlugin } from '@roster/plugin-sdk';
import type Provider from 'oidc-provider';
import { loadOrCreateKeys } from './keys.js';
import { createOpenIdProvider } from './oidc-idp.js';
import { parseOptions, refusalReason, type DemoIdpOptions, type ParsedDemoIdpOptions } from './options.js';
import { idpUrls, oidcRoutes, PREFIX, samlAndWsFedRoutes } from './routes.js';

export { DEMO_DOMAIN, PEOPLE, type DemoPerson } from './people.js';
export { refusalReason, type DemoIdpOptions } from './options.js';
export { idpUrls } from './routes.js';
export { connectDemoTeam, type DemoWiring } from './connect.js';
export { OIDC_CLIENT_ID } from './oidc-idp.js';

/**
 * Test identity providers for the demo: a SAML 2.0 IdP, an OpenID Provider and a WS-Federation
 * IdP at `/demo-idp/…`, signing in made-up people. Demo only: in production, on a shared
 * database, or without a data folder for its keys, it mounts nothing and says why in the log.
 */
export function demoIdpPlugin(given: DemoIdpOptions = {}) {
  return definePlugin<ParsedDemoIdpOptions>({
    name: 'demo-idp',
    version: '0.1.0',
    parseOptions: (raw) => parseOptions(raw, given),
    async setup(ctx) {
      const reason = refusalReason(ctx.options, { production: ctx.config.production });
      if (reason) {
        ctx.logger.error({ reason }, `demo-idp: the test identity providers are NOT mounted: ${reason}. They are for the demo only.`);
        return;
      }
      const keys = await loadOrCreateKeys(join(ctx.options.dataDir!, 'demo-idp'));
      // Built on first use: the issuer is Roster's public URL, which may be known only once it listens.
      let provider: { url: string; op: Promise<Provider> } | null = null;
      const env = {
        publicUrl: () => ctx.config.publicUrl,
        keys,
        provider: () => {
          const url = idpUrls(ctx.config.publicUrl).oidcIssuer;
          if (provider?.url !== url) provider = { url, op: createOpenIdProvider({ issuer: url, publicUrl: ctx.config.publicUrl, keys }) };
          return provider.op;
        },
      };
      ctx.http.register(samlAndWsFedRoutes(env), { prefix: PREFIX });
      ctx.http.register(oidcRoutes(env), { prefix: `${PREFIX}/oidc` });
      ctx.http.advertise({ label: 'Test identity providers (demo only): who can sign in', path: `${PREFIX}/` });
      ctx.http.advertise({ label: 'Test SAML 2.0 IdP metadata', path: `${PREFIX}/saml/metadata` });
      ctx.http.advertise({
        label: 'Test SAML IdP-initiated sign-in',
        path: `${PREFIX}/saml/idp-initiated?connection={SAML connection id}`,
      });
      ctx.http.advertise({ label: 'Test OpenID Provider (discovery)', path: `${PREFIX}/oidc/.well-known/openid-configuration` });
      ctx.http.advertise({ label: 'Test WS-Federation IdP', path: `${PREFIX}/wsfed` });
      ctx.logger.info({ keys: join(ctx.options.dataDir!, 'demo-idp') }, 'demo-idp: test identity providers mounted at /demo-idp');
    },
  });
}
