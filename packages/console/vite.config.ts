import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// Roster serves the build at /admin (packages/server/src/console.ts). `pnpm dev` serves the
// sources with hot reload and forwards the API to a Roster started by `npm start` on :4000.
const roster = process.env.ROSTER_URL ?? 'http://127.0.0.1:4000';
const api = ['/graphql', '/auth', '/oidc', '/saml', '/wsfed'];

/** A plugin of the set, and the file its package.json names as its console module (`roster.console`). */
interface ConsoleEntry {
  name: string;
  entry: string;
}

const VIRTUAL = 'virtual:roster-console-plugins';
/** Written into dist/: the plugin set this build was made for (`roster serve` compares it with its own). */
const SET_FILE = 'roster-plugins.json';

/**
 * Which plugins' console modules to compose: `ROSTER_CONSOLE_PLUGINS` (JSON, set by `roster
 * build-console` and the test kit), else the set the CLI resolves exactly as `roster serve` would
 * (ROSTER_PLUGINS, roster.config.*, the default first-party set; `ROSTER_CONSOLE_DEMO=1` for the demo's).
 */
function consoleEntries(): ConsoleEntry[] {
  const given = process.env.ROSTER_CONSOLE_PLUGINS;
  if (given) return JSON.parse(given) as ConsoleEntry[];
  // The CLI of this workspace: the console cannot depend on it (the CLI serves the console).
  const cli = fileURLToPath(new URL('../cli/bin/roster.mjs', import.meta.url));
  if (!existsSync(fileURLToPath(new URL('../cli/dist/cli.js', import.meta.url))))
    throw new Error('The console composes the plugins the CLI resolves: build the CLI first (`pnpm run build` at the root).');
  const args = ['console-plugins', ...(process.env.ROSTER_CONSOLE_DEMO === '1' ? ['--demo'] : [])];
  return JSON.parse(execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8' })) as ConsoleEntry[];
}

/** `virtual:roster-console-plugins`: imports each plugin's console module, named after its plugin. */
function composePlugins(): Plugin {
  let entries: ConsoleEntry[] = [];
  return {
    name: 'roster-console-plugins',
    buildStart() {
      entries = consoleEntries();
    },
    resolveId: (id) => (id === VIRTUAL ? `\0${VIRTUAL}` : null),
    load(id) {
      if (id !== `\0${VIRTUAL}`) return null;
      const imports = entries.map((e, i) => `import plugin${i} from ${JSON.stringify(e.entry)};`);
      const list = entries.map((e, i) => `{ ...plugin${i}, name: ${JSON.stringify(e.name)} }`);
      return `${imports.join('\n')}\nexport default [${list.join(', ')}];\n`;
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: SET_FILE, source: `${JSON.stringify({ plugins: entries.map((e) => e.name) })}\n` });
    },
  };
}

export default defineConfig({
  base: '/admin/',
  plugins: [composePlugins()],
  // Plugins' console modules live in their own packages: one copy of React and urql for all.
  resolve: { dedupe: ['react', 'react-dom', 'urql', '@urql/core', 'gql.tada', '@roster/console-sdk'] },
  build: {
    target: 'es2022',
    outDir: process.env.ROSTER_CONSOLE_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    // Every browser the console supports has modulepreload; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { proxy: Object.fromEntries(api.map((path) => [path, roster])) },
});
