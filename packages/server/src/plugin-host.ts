import { RosterError, coreMigrations, coreEntities, coreResolvers, type Migration } from '@roster/core';
import type { ClassRef, RosterPlugin } from '@roster/plugin-sdk';

export interface LoadedPlugin {
  plugin: RosterPlugin<unknown>;
  options: unknown;
}

/**
 * Register-time checks, before anything listens: duplicate names, missing dependencies and
 * invalid options fail with a code. Returns plugins ordered so dependencies set up first.
 */
export function resolvePlugins(plugins: RosterPlugin<unknown>[], options: Record<string, unknown> = {}): LoadedPlugin[] {
  const byName = new Map<string, RosterPlugin<unknown>>();
  for (const p of plugins) {
    if (byName.has(p.name)) throw new RosterError('PLUGIN_DUPLICATE', `Plugin "${p.name}" is registered twice.`);
    byName.set(p.name, p);
  }
  for (const p of plugins) {
    for (const dep of p.dependsOn ?? []) {
      if (!byName.has(dep))
        throw new RosterError('PLUGIN_MISSING_DEPENDENCY', `Plugin "${p.name}" needs plugin "${dep}", which is not enabled.`);
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

export function allMigrations(plugins: LoadedPlugin[]): Migration[] {
  return [...coreMigrations, ...plugins.flatMap((p) => p.plugin.migrations ?? [])];
}

export function allEntities(plugins: LoadedPlugin[]): ClassRef[] {
  return [...coreEntities, ...plugins.flatMap((p) => p.plugin.entities ?? [])];
}

export function allResolverClasses(plugins: LoadedPlugin[]): ClassRef[] {
  return [...coreResolvers, ...plugins.flatMap((p) => p.plugin.resolvers ?? [])];
}
