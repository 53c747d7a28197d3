import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { newPlugin } from '../src/new-plugin.js';
import { buildConsole, consoleBuiltFor } from '../src/console-build.js';

/**
 * `roster new-plugin` writes a package from packages/cli/template/plugin; the package's own test
 * runs here, in this file, so the template cannot rot: a change to the SDK or the test kit that
 * breaks a new plugin breaks this test.
 */
const dir = await mkdtemp(join(tmpdir(), 'roster-new-plugin-'));
const written = await newPlugin('hello-world', join(dir, 'hello-world'));
const pkg = written.dir;
// What `npm install` gives the package: the libraries its code imports (the SDK and the test kit
// resolve through the suite's aliases, to this checkout's sources).
const server = fileURLToPath(new URL('../../server/', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
await mkdir(join(pkg, 'node_modules'), { recursive: true });
for (const [name, from] of [
  ['type-graphql', server],
  ['graphql', server],
  ['vitest', root],
] as const)
  await symlink(await realpath(join(from, 'node_modules', name)), join(pkg, 'node_modules', name), 'dir');
// The console SDK too: the console module's tsconfig extends it (the bundler reads that file).
await mkdir(join(pkg, 'node_modules', '@roster'), { recursive: true });
await symlink(fileURLToPath(new URL('../../console-sdk', import.meta.url)), join(pkg, 'node_modules', '@roster', 'console-sdk'), 'dir');

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('roster new-plugin', () => {
  it('#15 (scaffold): writes a package with one route, one resolver, one migration and a test, names filled in', async () => {
    expect(written.files).toEqual([
      '.gitignore',
      'README.md',
      'console/index.tsx',
      'console/tsconfig.json',
      'package.json',
      'src/index.ts',
      'src/resolver.ts',
      'test/plugin.test.ts',
      'tsconfig.build.json',
      'tsconfig.json',
      'vitest.config.ts',
    ]);
    const index = await readFile(join(pkg, 'src/index.ts'), 'utf8');
    expect(index).toContain("name: 'hello-world'");
    expect(index).toContain('export function helloWorldPlugin()');
    expect(index).toContain('create table hello_world_hello');
    expect(index).toContain('ROSTER_PLUGIN_HELLO_WORLD_GREETING');
    expect(index).not.toMatch(/__[A-Z]+__/);
    expect(JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8'))).toMatchObject({ name: 'roster-plugin-hello-world' });
  });

  it('#16 Plugins: the new plugin brings an admin console page, which the console build composes', async () => {
    const manifest = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as { roster?: { console?: string } };
    expect(manifest.roster?.console).toBe('./console/index.tsx');
    const page = await readFile(join(pkg, 'console/index.tsx'), 'utf8');
    expect(page).toContain("path: '/hello-world'");
    expect(page).not.toMatch(/__[A-Z]+__/);
    // Composed like any plugin of a set: a build with it carries its page and its query.
    const out = join(dir, 'console-build');
    buildConsole([{ name: 'hello-world', entry: join(pkg, 'console/index.tsx') }], { outDir: out });
    expect(consoleBuiltFor(out)).toEqual(['hello-world']);
    const assets = await readdir(join(out, 'assets'));
    const js = await readFile(
      join(
        out,
        'assets',
        assets.find((f) => f.endsWith('.js'))!,
      ),
      'utf8',
    );
    expect(js).toContain('helloWorldGreeting');
    expect(js).toContain('/hello-world');
  }, 120_000);

  it('#15 (scaffold): refuses a bad name and a folder that is not empty', async () => {
    await expect(newPlugin('Hello', join(dir, 'x'))).rejects.toThrow(/not a plugin name/);
    await expect(newPlugin('again', pkg)).rejects.toThrow(/is not empty/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});

// The generated package's own test (a real server and database, its route, its GraphQL query, its logs).
await import(pathToFileURL(join(pkg, 'test/plugin.test.ts')).href);
