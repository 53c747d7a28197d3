/**
 * #15.4: first-party plugins prove the SDK is enough — they depend on @roster/plugin-sdk, never on
 * the core, and share the host's frameworks as peer dependencies (one copy of each at run time).
 * The lint rule (`no-restricted-imports` for plugins/**) catches an import; this catches a manifest.
 */
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const SHARED = ['fastify', 'graphql', 'type-graphql', '@mikro-orm/core', '@mikro-orm/postgresql'];

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const manifest = async (dir: string): Promise<Manifest> => JSON.parse(await readFile(`${repo}${dir}/package.json`, 'utf8')) as Manifest;

describe('#15.4: the SDK is the whole contract', async () => {
  const plugins = (await readdir(`${repo}plugins`, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => `plugins/${d.name}`);

  it('#15.4: there are first-party plugins to check', () => {
    expect(plugins).toEqual(
      expect.arrayContaining(['plugins/saml', 'plugins/oidc', 'plugins/wsfed', 'plugins/scim', 'plugins/example-captures']),
    );
  });

  it.each(plugins)('#15.4: %s depends on @roster/plugin-sdk and not on @roster/core', async (dir) => {
    const m = await manifest(dir);
    expect(m.dependencies?.['@roster/plugin-sdk']).toBeDefined();
    for (const deps of [m.dependencies, m.devDependencies, m.peerDependencies]) expect(deps?.['@roster/core']).toBeUndefined();
  });

  it.each(['packages/plugin-sdk', ...plugins])('#15.4: %s takes the host frameworks as peer dependencies', async (dir) => {
    const m = await manifest(dir);
    for (const name of SHARED) {
      expect(m.peerDependencies?.[name], `${dir}: ${name} as a peer dependency`).toBeDefined();
      expect(m.dependencies?.[name], `${dir}: ${name} not as a dependency`).toBeUndefined();
    }
  });
});

/**
 * #16 Plugins: a plugin's console module (`roster.console` in its package.json) reaches the admin
 * console through @roster/console-sdk only, with react and urql, never the console's internals,
 * the core or the server-side SDK. The lint rule catches an import in an editor; this catches it
 * in any file of the module, and in the manifest.
 */
describe('#16 Plugins: a console module uses @roster/console-sdk only', async () => {
  const plugins = (await readdir(`${repo}plugins`, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => `plugins/${d.name}`);
  const withConsole: Array<{ dir: string; entry: string }> = [];
  for (const dir of plugins) {
    const m = (await manifest(dir)) as Manifest & { roster?: { console?: string } };
    if (m.roster?.console) withConsole.push({ dir, entry: m.roster.console });
  }
  const ALLOWED = [/^@roster\/console-sdk$/, /^react(\/.*)?$/, /^urql$/];

  it('#16 Plugins: the protocol plugins and the worked example bring console modules', () => {
    expect(withConsole.map((c) => c.dir)).toEqual(
      expect.arrayContaining(['plugins/saml', 'plugins/oidc', 'plugins/wsfed', 'plugins/scim', 'plugins/example-captures']),
    );
  });

  it.each(withConsole)(
    '#16 Plugins: $dir declares @roster/console-sdk, react and urql as optional peers, never @roster/console',
    async ({ dir }) => {
      const m = (await manifest(dir)) as Manifest & { peerDependenciesMeta?: Record<string, { optional?: boolean }> };
      for (const name of ['@roster/console-sdk', 'react', 'urql']) {
        expect(m.peerDependencies?.[name], `${dir}: ${name} as a peer dependency`).toBeDefined();
        expect(m.peerDependenciesMeta?.[name]?.optional, `${dir}: ${name} optional (a server without the console needs none)`).toBe(true);
        expect(m.dependencies?.[name], `${dir}: ${name} not as a dependency`).toBeUndefined();
      }
      for (const deps of [m.dependencies, m.devDependencies, m.peerDependencies]) expect(deps?.['@roster/console']).toBeUndefined();
    },
  );

  it.each(withConsole)(
    '#16 Plugins: every import of $dir/$entry and its files is its own, @roster/console-sdk, react or urql',
    async ({ dir, entry }) => {
      const root = `${repo}${dir}/${entry.replace(/^\.\//, '').split('/')[0]}`;
      const files = (await readdir(root, { recursive: true })).filter((f) => /\.(ts|tsx)$/.test(f));
      expect(files.length).toBeGreaterThan(0);
      const refused: string[] = [];
      for (const file of files) {
        const source = await readFile(`${root}/${file}`, 'utf8');
        for (const [, spec] of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) {
          const own =
            spec!.startsWith('./') || (spec!.startsWith('../') && !relative(root, join(root, dirname(file), spec!)).startsWith('..'));
          if (!own && !ALLOWED.some((a) => a.test(spec!))) refused.push(`${file}: ${spec}`);
        }
      }
      expect(refused).toEqual([]);
    },
  );
});
