import type { RosterPlugin } from '@roster/plugin-sdk';
import { capturesPlugin } from '@roster/plugin-example-captures';
import { demoIdpPlugin } from '@roster/plugin-demo-idp';
import { emailLinkPlugin } from '@roster/plugin-email-link';
import { wsfedPlugin } from '@roster/plugin-wsfed';
import { oidcPlugin } from '@roster/plugin-oidc';
import { samlPlugin } from '@roster/plugin-saml';
import { scimPlugin } from '@roster/plugin-scim';

/**
 * The first-party plugins the CLI can enable by name (ROSTER_PLUGINS). This is the
 * composition root, the one place that knows them; the core never imports a plugin.
 */
export const PLUGIN_FACTORIES: Record<string, () => RosterPlugin<unknown>> = {
  'example-captures': () => capturesPlugin() as RosterPlugin<unknown>,
  'demo-idp': () => demoIdpPlugin() as RosterPlugin<unknown>,
  'email-link': () => emailLinkPlugin() as RosterPlugin<unknown>,
  wsfed: () => wsfedPlugin() as RosterPlugin<unknown>,
  oidc: () => oidcPlugin() as RosterPlugin<unknown>,
  saml: () => samlPlugin() as RosterPlugin<unknown>,
  scim: () => scimPlugin() as RosterPlugin<unknown>,
};

export function pluginsByName(names: string[]): RosterPlugin<unknown>[] {
  return names.map((n) => {
    const make = PLUGIN_FACTORIES[n];
    if (!make) throw new Error(`Unknown plugin "${n}" in ROSTER_PLUGINS; known: ${Object.keys(PLUGIN_FACTORIES).join(', ')}`);
    return make();
  });
}
