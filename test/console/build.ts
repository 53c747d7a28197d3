import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLUGIN_FACTORIES, buildConsole, consoleBuiltFor, consoleEntries, pluginDirs, sameSet } from '@roster/cli';
import { DEFAULT_PLUGINS, loadPluginSet } from '@roster/server';

export const CONSOLE_DIR = fileURLToPath(new URL('../../packages/console', import.meta.url));
export const DIST = join(CONSOLE_DIR, 'dist');
const REPO = fileURLToPath(new URL('../../', import.meta.url));

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** What a console build is made from: its sources, its SDK's, every first-party plugin's console module, the schema. */
function sourcesChangedAt(): number {
  const console = ['src', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((p) => join(CONSOLE_DIR, p));
  const plugins = readdirSync(join(REPO, 'plugins')).map((p) => join(REPO, 'plugins', p, 'console'));
  return Math.max(...[...console, join(REPO, 'packages/console-sdk/src'), ...plugins, join(REPO, 'schema/schema.graphql')].map(newest));
}

/**
 * Builds the console when its build is missing, older than its sources, or made for another
 * plugin set, so the browser tests always drive the code in the tree (npm test and .ci/run need
 * no separate step). `plugins`: first-party names, resolved as `roster serve` resolves
 * ROSTER_PLUGINS (default: the default set); `outDir`: another folder than `dist/` (a second
 * build, for another set). The default build runs the console's full build (tsc included); others Vite only.
 */
export async function ensureBuilt(opts: { plugins?: string[]; outDir?: string } = {}): Promise<string> {
  const outDir = opts.outDir ?? DIST;
  // Test files run in parallel: one builds a folder while the others wait, then find it fresh.
  return withLock(outDir, () => buildIfStale(outDir, opts.plugins));
}

async function buildIfStale(outDir: string, plugins: string[] | undefined): Promise<string> {
  const set = await loadPluginSet({
    env: { ROSTER_PLUGINS: (plugins ?? DEFAULT_PLUGINS).join(',') },
    cwd: REPO,
    firstParty: PLUGIN_FACTORIES,
    firstPartyDirs: pluginDirs(),
  });
  const entries = consoleEntries(set);
  const index = join(outDir, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= sourcesChangedAt() && sameSet(consoleBuiltFor(outDir), entries)) return outDir;
  buildConsole(entries, { outDir, typecheck: outDir === DIST });
  return outDir;
}

/** A lock folder beside `path` (mkdir is atomic); one left by a killed run is taken over after 5 minutes. */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
