import { RosterError, coreMigrations, coreEntities, coreResolvers, type Migration } from '@roster/core';
import type { ClassRef, RosterPlugin } from '@roster/plugin-sdk';
import semver from 'semver';
import { bootError } from './errors.js';
import { SERVER_VERSION } from './version.js';

export interface LoadedPlugin {
  plugin: RosterPlugin<unknown>;
  options: unknown;
}

/**
 * Register-time checks, before anything listens: duplicate names, missing dependencies and
 * invalid options fail with a code. Returns plugins ordered so dependencies set up first.
 */
export function resolvePlugins(
  plugins: RosterPlugin<unknown>[],
  options: Record<string, unknown> = {},
  hostVersion: string = SERVER_VERSION,
): LoadedPlugin[] {
  const byName = new Map<string, RosterPlugin<unknown>>();
  for (const p of plugins) {
    checkHost(p, hostVersion);
    if (byName.has(p.name)) throw new RosterError('PLUGIN_DUPLICATE', `Plugin "${p.name}" is registered twice: enable it once.`);
    byName.set(p.name, p);
  }
  for (const p of plugins) {
    for (const dep of p.dependsOn ?? []) {
      if (!byName.has(dep))
        throw new RosterError(
          'PLUGIN_MISSING_DEPENDENCY',
          `Plugin "${p.name}" needs plugin "${dep}", which is not enabled: add "${dep}" to ROSTER_PLUGINS (or the plugins of roster.config), or leave "${p.name}" off.`,
        );
    }
  }
  const ordered: RosterPlugin<unknown>[] = [];
  const visiting = new Set<string>();
  const visit = (p: RosterPlugin<unknown>) => {
    if (ordered.includes(p)) return;
    if (visiting.has(p.name)) throw new RosterError('PLUGIN_MISSING_DEPENDENCY', `Plugin dependency cycle through "${p.name}".`);
    visiting.add(p.name);
    for (const d of p.dependsOn ?? []) visit(byName.get(d)!);
    ordered.push(p);
  };
  plugins.forEach(visit);
  return ordered.map((plugin) => {
    let parsed: unknown = options[plugin.name];
    if (plugin.parseOptions) {
      try {
        parsed = plugin.parseOptions(options[plugin.name] ?? {});
      } catch (e) {
        throw new RosterError('PLUGIN_INVALID_OPTIONS', `Plugin "${plugin.name}" options: ${(e as Error).message}`);
      }
    }
    return { plugin, options: parsed };
  });
}

/**
 * A plugin's `host` range must include this server's version. Pre-releases of the server count
 * as their release (`includePrerelease`), so `^0.2` accepts `0.2.0-rc.1`.
 */
function checkHost(plugin: RosterPlugin<unknown>, hostVersion: string): void {
  if (plugin.host === undefined) return;
  if (typeof plugin.host !== 'string' || semver.validRange(plugin.host) === null)
    throw bootError(
      'PLUGIN_HOST_MISMATCH',
      `Plugin "${plugin.name}" declares host "${String(plugin.host)}", which is not a semver range (e.g. "^0.1"); ask its author to fix it.`,
      { plugin: plugin.name },
    );
  if (!semver.satisfies(hostVersion, plugin.host, { includePrerelease: true }))
    throw bootError(
      'PLUGIN_HOST_MISMATCH',
      `Plugin "${plugin.name}" ${plugin.version} needs Roster ${plugin.host}, and this is Roster ${hostVersion}: install a version of the plugin made for Roster ${hostVersion}, or a Roster in ${plugin.host}.`,
      { plugin: plugin.name, host: plugin.host, server: hostVersion },
    );
}

export function allMigrations(plugins: LoadedPlugin[]): Migration[] {
  return [...coreMigrations, ...plugins.flatMap((p) => p.plugin.migrations ?? [])];
}

export function allEntities(plugins: LoadedPlugin[]): ClassRef[] {
  return [...coreEntities, ...plugins.flatMap((p) => p.plugin.entities ?? [])];
}

export function allResolverClasses(plugins: LoadedPlugin[]): ClassRef[] {
  return [...coreResolvers, ...plugins.flatMap((p) => p.plugin.resolvers ?? [])];
}
