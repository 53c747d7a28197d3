/**
 * #15.4: first-party plugins prove the SDK is enough — they depend on @roster/plugin-sdk, never on
 * the core, and share the host's frameworks as peer dependencies (one copy of each at run time).
 * The lint rule (`no-restricted-imports` for plugins/**) catches an import; this catches a manifest.
 */
import { readFile, readdir } from 'node:fs/promises';
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
