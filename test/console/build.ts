import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSOLE_DIR = fileURLToPath(new URL('../../packages/console', import.meta.url));
export const DIST = join(CONSOLE_DIR, 'dist');
const SCHEMA = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * Builds the console when dist/ is missing or older than its sources, so the browser test
 * always drives the code in the tree (npm test and .ci/run need no separate step).
 */
export function ensureBuilt(): void {
  const index = join(DIST, 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((p) => join(CONSOLE_DIR, p));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(newest(SCHEMA), ...sources.map(newest))) return;
  // vitest sets NODE_ENV=test, which Vite would keep: React's development build (twice the bytes) would be served and measured.
  const r = spawnSync('pnpm', ['run', 'build'], { cwd: CONSOLE_DIR, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) throw new Error(`Building the console failed:\n${r.stdout}\n${r.stderr}`);
}
