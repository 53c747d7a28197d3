/**
 * Composes the admin console for a plugin set (#16): each plugin's package.json may declare a
 * console module (`"roster": { "console": "./console/index.tsx" }`); the console's Vite build
 * imports the modules of the set it is given and records the set in `dist/roster-plugins.json`.
 * The set is the one `roster serve` resolves (`loadPluginSet`: ROSTER_PLUGINS, roster.config.*,
 * the defaults), so the console shows the sections of the plugins the server runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultConsoleDir, type PluginSet } from '@roster/server';

/** A plugin of the set that brings a console module, and that module's file. */
export interface ConsoleEntry {
  name: string;
  entry: string;
}

/** The set's console modules, in the order the plugins load. */
export function consoleEntries(set: Pick<PluginSet, 'plugins' | 'consoleEntries'>): ConsoleEntry[] {
  return set.plugins.flatMap((p) => (set.consoleEntries[p.name] ? [{ name: p.name, entry: set.consoleEntries[p.name]! }] : []));
}

/** The console package's folder when its sources are here (a checkout, not an install of the built files), else null. */
export function consoleSources(): string | null {
  const dist = defaultConsoleDir();
  const dir = dist ? dirname(dist) : null;
  return dir && existsSync(join(dir, 'vite.config.ts')) ? dir : null;
}

/** The plugins a console build was made for (`roster-plugins.json`), or null when there is no build or it does not say. */
export function consoleBuiltFor(distDir: string): string[] | null {
  try {
    const recorded = JSON.parse(readFileSync(join(distDir, 'roster-plugins.json'), 'utf8')) as { plugins?: unknown };
    return Array.isArray(recorded.plugins) ? recorded.plugins.map(String) : null;
  } catch {
    return null;
  }
}

/** Whether a build made for `built` shows the sections of `entries` (same plugins, same order). */
export function sameSet(built: string[] | null, entries: ConsoleEntry[]): boolean {
  return built !== null && built.join(',') === entries.map((e) => e.name).join(',');
}

/**
 * Builds the console for these console modules into `outDir` (default its `dist/`). `typecheck`
 * runs the console's full `build` script (gql.tada's schema types, then tsc over the console, its
 * SDK and the first-party plugins' modules) before Vite; without it only Vite runs (a second).
 */
export function buildConsole(entries: ConsoleEntry[], opts: { outDir?: string; typecheck?: boolean } = {}): void {
  const dir = consoleSources();
  if (!dir) throw new Error('The admin console sources are not here (packages/console): it cannot be built from this installation.');
  const args = opts.typecheck ? ['run', 'build'] : ['exec', 'vite', 'build', '--logLevel', 'warn'];
  const r = spawnSync('pnpm', args, {
    cwd: dir,
    encoding: 'utf8',
    // NODE_ENV=production: a test runner's NODE_ENV=test would make Vite bundle React's development build.
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ROSTER_CONSOLE_PLUGINS: JSON.stringify(entries),
      ...(opts.outDir ? { ROSTER_CONSOLE_OUT_DIR: opts.outDir } : {}),
    },
  });
  if (r.status !== 0) throw new Error(`Building the admin console failed:\n${r.stdout}\n${r.stderr}`);
}
