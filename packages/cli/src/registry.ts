import { fileURLToPath } from 'node:url';
import type { RosterPlugin } from '@roster/plugin-sdk';
import { findPackageDir } from '@roster/server';
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

/** The package of each first-party plugin, by the same names. */
const PLUGIN_PACKAGES: Record<string, string> = {
  'example-captures': '@roster/plugin-example-captures',
  'demo-idp': '@roster/plugin-demo-idp',
  'email-link': '@roster/plugin-email-link',
  wsfed: '@roster/plugin-wsfed',
  oidc: '@roster/plugin-oidc',
  saml: '@roster/plugin-saml',
  scim: '@roster/plugin-scim',
};

/**
 * The folder of each first-party plugin's package, as this package's dependencies resolve
 * (`loadPluginSet`'s `firstPartyDirs`): its package.json declares its console module, if any.
 */
export function pluginDirs(): Record<string, string> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dirs: Record<string, string> = {};
  for (const [name, pkg] of Object.entries(PLUGIN_PACKAGES)) {
    const dir = findPackageDir(pkg, here);
    if (dir) dirs[name] = dir;
  }
  return dirs;
}

export function pluginsByName(names: string[]): RosterPlugin<unknown>[] {
  return names.map((n) => {
    const make = PLUGIN_FACTORIES[n];
    if (!make) throw new Error(`Unknown plugin "${n}" in ROSTER_PLUGINS; known: ${Object.keys(PLUGIN_FACTORIES).join(', ')}`);
    return make();
  });
}
