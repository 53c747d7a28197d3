import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_FACTORIES, pluginDirs } from '@roster/cli';
import { DEFAULT_PLUGINS, ServerErrorCodes, loadPluginSet, resolvePlugins, type LoadPluginsOptions } from '@roster/server';
import { startTestRoster } from '@roster/server/testing';

const SDK = fileURLToPath(new URL('../packages/plugin-sdk', import.meta.url));

/**
 * A plugin the way a third party ships it: its own folder outside the workspace, its own
 * package.json, one ESM file importing @roster/plugin-sdk, a migration and a route. Nothing in
 * Roster knows it; it is enabled by package name (installed in the app's node_modules) or path.
 */
const ACME = `import { definePlugin } from '@roster/plugin-sdk';

export default function acmeHello() {
  return definePlugin({
    name: 'acme-hello',
    version: '1.2.3',
    host: '^0.1',
    parseOptions(raw) {
      const o = raw ?? {};
      if (o.greeting !== undefined && typeof o.greeting !== 'string') throw new Error('greeting must be a string');
      return { greeting: o.greeting ?? 'hello', times: o.times ?? 1 };
    },
    migrations: [{ name: 'acme-hello/0001-hit', sql: 'create table acme_hello_hit (id bigserial primary key)' }],
    setup(ctx) {
      ctx.http.register(async (app) => {
        app.get('/hi', async () => {
          await ctx.core.db.read('insert into acme_hello_hit default values');
          const [row] = await ctx.core.db.read('select count(*)::int as n from acme_hello_hit');
          return { greeting: ctx.options.greeting, times: ctx.options.times, hits: row.n };
        });
      });
      ctx.logger.info('acme ready');
    },
  });
}
`;

let dir = '';
let app = '';
const files: Record<string, string> = {
  'acme-hello/package.json': JSON.stringify({
    name: 'acme-roster-hello',
    version: '1.2.3',
    type: 'module',
    exports: { '.': { import: './index.mjs' } },
    peerDependencies: { '@roster/plugin-sdk': '^0.1.0' },
    roster: { console: './console/index.tsx' },
  }),
  'acme-hello/index.mjs': ACME,
  'acme-hello/console/index.tsx': 'export default { pages: [] };',
  'plugins/not-a-plugin.mjs': 'export default "hello";',
  'plugins/no-default.mjs': 'export const plugin = { name: "x", version: "1" };',
  'plugins/throws.mjs': 'throw new Error("cannot start: no licence key");',
  'plugins/needs-scim.mjs': 'export default { name: "needs-scim", version: "1.0.0", dependsOn: ["scim"] };',
  'plugins/future.mjs': 'export default { name: "future", version: "3.0.0", host: "^9.0.0" };',
  'plugins/bad-host.mjs': 'export default { name: "bad-host", version: "1.0.0", host: "the latest" };',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roster-plugins-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  // What `npm install` leaves: the plugin's own copy of the SDK, and the app's copy of the plugin.
  await mkdir(join(dir, 'acme-hello/node_modules/@roster'), { recursive: true });
  await symlink(SDK, join(dir, 'acme-hello/node_modules/@roster/plugin-sdk'), 'dir');
  app = join(dir, 'app');
  await mkdir(join(app, 'node_modules'), { recursive: true });
  await symlink(join(dir, 'acme-hello'), join(app, 'node_modules/acme-roster-hello'), 'dir');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const load = (env: NodeJS.ProcessEnv, opts: Partial<LoadPluginsOptions> = {}) =>
  loadPluginSet({ env, cwd: app, firstParty: PLUGIN_FACTORIES, defaults: DEFAULT_PLUGINS, ...opts });

async function failure(p: Promise<unknown> | (() => unknown)): Promise<{ code?: string; message: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
  throw new Error('expected a failure');
}

describe('loading plugins (ROSTER_PLUGINS, roster.config, ROSTER_PLUGIN_*)', () => {
  it('#15.3: a plugin outside the workspace, enabled by package name, boots with its options from ROSTER_PLUGIN_* and serves', async () => {
    const set = await load({
      ROSTER_PLUGINS: 'scim, acme-roster-hello',
      ROSTER_PLUGIN_ACME_HELLO_GREETING: 'Howdy',
      ROSTER_PLUGIN_ACME_HELLO_TIMES: '3',
    });
    expect(set.plugins.map((p) => p.name)).toEqual(['scim', 'acme-hello']);
    expect(set.sources).toEqual({ scim: 'first-party', 'acme-hello': 'acme-roster-hello' });
    expect(set.options['acme-hello']).toEqual({ greeting: 'Howdy', times: 3 });
    const t = await startTestRoster({ plugins: set.plugins, pluginOptions: set.options, roster: { pluginSources: set.sources } });
    try {
      // Its migration ran (on PostgreSQL as on PGlite), its route answers with the parsed options.
      expect(await (await fetch(`${t.url}/acme-hello/hi`)).json()).toEqual({ greeting: 'Howdy', times: 3, hits: 1 });
      expect(await (await fetch(`${t.url}/acme-hello/hi`)).json()).toMatchObject({ hits: 2 });
      // #15.6: its version is read: the boot log line and the front page list it.
      const boot = t.logs('acme-hello').find((l) => l.msg === 'plugin acme-hello 1.2.3');
      expect(boot).toMatchObject({ version: '1.2.3', host: '^0.1', from: 'acme-roster-hello' });
      expect(t.logs('acme-hello').map((l) => l.msg)).toContain('acme ready');
      const front = (await (await fetch(`${t.url}/`, { headers: { accept: 'application/json' } })).json()) as {
        plugins: Array<{ name: string; version: string }>;
      };
      expect(front.plugins).toContainEqual(expect.objectContaining({ name: 'acme-hello', version: '1.2.3' }));
    } finally {
      await t.close();
    }
  });

  it('#15.3: by path from roster.config.mjs with options; ROSTER_PLUGIN_* overrides the file key by key', async () => {
    await writeFile(
      join(app, 'roster.config.mjs'),
      `export default { plugins: ['scim', ['../acme-hello/index.mjs', { greeting: 'From the file', times: 1 }]] };`,
    );
    try {
      const set = await load({ ROSTER_PLUGIN_ACME_HELLO_TIMES: '2' });
      expect(set.configFile).toBe(join(app, 'roster.config.mjs'));
      expect(set.plugins.map((p) => p.name)).toEqual(['scim', 'acme-hello']);
      expect(set.sources['acme-hello']).toBe(join(dir, 'acme-hello/index.mjs'));
      expect(set.options['acme-hello']).toEqual({ greeting: 'From the file', times: 2 });
      const t = await startTestRoster({ plugins: set.plugins, pluginOptions: set.options });
      try {
        expect(await (await fetch(`${t.url}/acme-hello/hi`)).json()).toEqual({ greeting: 'From the file', times: 2, hits: 1 });
      } finally {
        await t.close();
      }
      // ROSTER_PLUGINS replaces the file's list; the file's options still reach an entry written the same way.
      const chosen = await load({ ROSTER_PLUGINS: '../acme-hello/index.mjs' });
      expect(chosen.plugins.map((p) => p.name)).toEqual(['acme-hello']);
      // Relative to the cwd here: app/../acme-hello is the same file.
      expect(chosen.options['acme-hello']).toEqual({ greeting: 'From the file', times: 1 });
    } finally {
      await rm(join(app, 'roster.config.mjs'));
    }
  });

  it('#15.3: ROSTER_CONFIG names a JSON file; absolute paths; no list anywhere means the defaults', async () => {
    await writeFile(join(dir, 'elsewhere.json'), JSON.stringify({ plugins: [[join(dir, 'acme-hello'), { greeting: 'json' }]] }));
    const set = await load({ ROSTER_CONFIG: '../elsewhere.json' });
    expect(set.configFile).toBe(join(dir, 'elsewhere.json'));
    expect(set.plugins.map((p) => p.name)).toEqual(['acme-hello']);
    expect(set.options['acme-hello']).toEqual({ greeting: 'json' });
    expect((await load({})).plugins.map((p) => p.name)).toEqual(DEFAULT_PLUGINS);
    expect((await load({}, { extra: ['example-captures'] })).plugins.map((p) => p.name)).toEqual([...DEFAULT_PLUGINS, 'example-captures']);
    expect((await load({ ROSTER_PLUGINS: '' }, { extra: ['example-captures'] })).plugins).toEqual([]);
  });

  it('#15.3: option values are JSON when they parse as JSON, else text; __ goes one level down', async () => {
    const set = await load({
      ROSTER_PLUGINS: 'acme-roster-hello',
      ROSTER_PLUGIN_ACME_HELLO_TIMES: '5',
      ROSTER_PLUGIN_ACME_HELLO_ENABLED: 'true',
      ROSTER_PLUGIN_ACME_HELLO_CODE: '"007"',
      ROSTER_PLUGIN_ACME_HELLO_TEXT: 'hello world',
      ROSTER_PLUGIN_ACME_HELLO_LIST: '["a","b"]',
      ROSTER_PLUGIN_ACME_HELLO_SMTP__HOST_NAME: 'mail.example.com',
      ROSTER_PLUGIN_ACME_HELLO_SMTP__PORT: '2525',
      ROSTER_PLUGIN_OTHER_THING: 'x',
    });
    expect(set.options['acme-hello']).toEqual({
      times: 5,
      enabled: true,
      code: '007',
      text: 'hello world',
      list: ['a', 'b'],
      smtp: { hostName: 'mail.example.com', port: 2525 },
    });
    expect(set.unusedVariables).toEqual(['ROSTER_PLUGIN_OTHER_THING']);
  });

  it('#15.3: every failure stops boot with a code of the server catalogue and a message naming the plugin and what to do', async () => {
    const notInstalled = await failure(load({ ROSTER_PLUGINS: '@acme/roster-missing' }));
    expect(notInstalled.code).toBe('PLUGIN_NOT_FOUND');
    expect(notInstalled.message).toContain('"@acme/roster-missing" (from ROSTER_PLUGINS)');
    expect(notInstalled.message).toContain('npm install @acme/roster-missing');
    expect(notInstalled.message).toContain('first-party plugins: ');

    const noFile = await failure(load({ ROSTER_PLUGINS: './plugins/nope.mjs' }));
    expect(noFile).toMatchObject({ code: 'PLUGIN_NOT_FOUND', message: expect.stringContaining(join(app, 'plugins/nope.mjs')) });

    const notAPlugin = await failure(load({ ROSTER_PLUGINS: '../plugins/not-a-plugin.mjs' }));
    expect(notAPlugin.code).toBe('PLUGIN_NOT_A_PLUGIN');
    expect(notAPlugin.message).toContain('its default export is string');
    expect(notAPlugin.message).toContain('export default definePlugin');
    expect((await failure(load({ ROSTER_PLUGINS: '../plugins/no-default.mjs' }))).message).toContain('its default export is missing');

    const throws = await failure(load({ ROSTER_PLUGINS: '../plugins/throws.mjs' }));
    expect(throws.code).toBe('PLUGIN_LOAD_FAILED');
    expect(throws.message).toContain('no licence key');

    const twice = await failure(load({ ROSTER_PLUGINS: 'acme-roster-hello,../acme-hello/index.mjs' }));
    expect(twice.code).toBe('PLUGIN_DUPLICATE');
    expect(twice.message).toContain('"acme-hello" is enabled twice');

    const bad = await load({ ROSTER_PLUGINS: 'acme-roster-hello', ROSTER_PLUGIN_ACME_HELLO_GREETING: '42' });
    const badOptions = await failure(() => resolvePlugins(bad.plugins, bad.options));
    expect(badOptions).toEqual({ code: 'PLUGIN_INVALID_OPTIONS', message: 'Plugin "acme-hello" options: greeting must be a string' });

    const lonely = await load({ ROSTER_PLUGINS: '../plugins/needs-scim.mjs' });
    const missing = await failure(() => resolvePlugins(lonely.plugins, lonely.options));
    expect(missing.code).toBe('PLUGIN_MISSING_DEPENDENCY');
    expect(missing.message).toContain('add "scim" to ROSTER_PLUGINS');

    await writeFile(join(app, 'roster.config.json'), JSON.stringify({ plugin: ['scim'] }));
    try {
      const typo = await failure(load({}));
      expect(typo.code).toBe('PLUGIN_CONFIG_INVALID');
      expect(typo.message).toContain('unknown keys (plugin)');
    } finally {
      await rm(join(app, 'roster.config.json'));
    }
    expect((await failure(load({ ROSTER_CONFIG: 'nowhere.mjs' }))).code).toBe('PLUGIN_CONFIG_INVALID');

    for (const code of ['PLUGIN_NOT_FOUND', 'PLUGIN_NOT_A_PLUGIN', 'PLUGIN_LOAD_FAILED', 'PLUGIN_HOST_MISMATCH', 'PLUGIN_CONFIG_INVALID'])
      expect(Object.keys(ServerErrorCodes)).toContain(code);
  });

  it('#15.6: a plugin whose host range excludes this Roster stops boot with PLUGIN_HOST_MISMATCH', async () => {
    const future = await load({ ROSTER_PLUGINS: '../plugins/future.mjs' });
    const mismatch = await failure(() => resolvePlugins(future.plugins, future.options));
    expect(mismatch.code).toBe('PLUGIN_HOST_MISMATCH');
    expect(mismatch.message).toMatch(/^Plugin "future" 3\.0\.0 needs Roster \^9\.0\.0, and this is Roster 0\.\d+\.\d+/);
    await expect(startTestRoster({ plugins: future.plugins })).rejects.toMatchObject({ code: 'PLUGIN_HOST_MISMATCH' });
    const badRange = await load({ ROSTER_PLUGINS: '../plugins/bad-host.mjs' });
    expect((await failure(() => resolvePlugins(badRange.plugins))).message).toContain('"the latest", which is not a semver range');
    // A range that includes it passes, pre-releases of the server included.
    expect(resolvePlugins(future.plugins, {}, '9.1.0')).toHaveLength(1);
    expect(resolvePlugins(future.plugins, {}, '9.2.0-rc.1')).toHaveLength(1);
  });

  it('#16 Plugins: the set names each plugin’s console module (package.json `roster.console`): by package name, by folder, first-party; a single file has none', async () => {
    const entry = await realpath(join(dir, 'acme-hello/console/index.tsx'));
    const byName = await load({ ROSTER_PLUGINS: 'acme-roster-hello' }, { cwd: app });
    expect(byName.consoleEntries).toEqual({ 'acme-hello': entry });
    const byFolder = await load({ ROSTER_PLUGINS: join(dir, 'acme-hello') });
    expect(byFolder.consoleEntries).toEqual({ 'acme-hello': entry });
    const byFile = await load({ ROSTER_PLUGINS: join(dir, 'acme-hello/index.mjs') });
    expect(byFile.consoleEntries).toEqual({});
    const firstParty = await load({ ROSTER_PLUGINS: 'scim,demo-idp,example-captures' }, { firstPartyDirs: pluginDirs() });
    expect(Object.keys(firstParty.consoleEntries)).toEqual(['scim', 'example-captures']);
    expect(firstParty.consoleEntries.scim).toMatch(/plugins\/scim\/console\/index\.tsx$/);
  });
});
