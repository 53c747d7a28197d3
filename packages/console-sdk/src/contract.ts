/**
 * The console extension contract: what a plugin's console module (`roster.console` in its
 * package.json) default-exports. Composed at build time (the console's Vite build imports the
 * module of every plugin of the set the server runs), shown at run time only when the server
 * loaded that plugin (`Query.plugins`).
 */
import type { ComponentType } from 'react';
import type { SsoProtocol } from './sso.ts';

/** What a page is handed. */
export interface PageProps {
  /** The team whose pages these are. */
  teamId: string;
  /** The current path, relative to the console (`/scim`, `/captures/abc`). */
  path: string;
  /**
   * Where this page is mounted: its `path` in the admin console, `/setup/<link>/<path>` in a setup
   * link's portal. Link to `${base}/…` for the page's own sub-pages.
   */
  base: string;
}

/** A page of the team's console, with its entry in the navigation. */
export interface ConsolePage {
  /** `/captures`: the page answers this path and every path under it. Unique across plugins. */
  path: `/${string}`;
  /** Its entry in the navigation. */
  label: string;
  component: ComponentType<PageProps>;
  /**
   * A setup link with this scope (`createSetupLink(input: { scopes })`) lists this page as one of
   * its steps, for the customer's IT admin. The API decides what the link may reach; this only
   * places the page.
   */
  setupScope?: string;
  /** Its name among a setup link's steps (default: `label`). */
  setupLabel?: string;
}

/** A plugin's console module. */
export interface ConsolePlugin {
  /** Pages of the team's console (and of setup links, with `setupScope`). */
  pages?: ConsolePage[];
  /** SSO protocols: their connections join the console's SSO section, their presets its wizard. */
  sso?: SsoProtocol[];
}

/** A plugin's console module, typed (an identity function, like `definePlugin`). */
export function defineConsolePlugin(plugin: ConsolePlugin): ConsolePlugin {
  return plugin;
}

/** A console module as the build composed it: with the name of the server plugin it belongs to. */
export interface ComposedConsolePlugin extends ConsolePlugin {
  name: string;
}
