#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isRosterError } from '@roster/core';
import {
  DEFAULT_PLUGINS,
  DEMO,
  DEMO_PLUGINS,
  allMigrations,
  createAdmin,
  createRoster,
  defaultConsoleDir,
  demoConfig,
  frontDoorOf,
  loadConfig,
  loadPluginSet,
  migrate,
  printSchemaOf,
  resolvePlugins,
  seedDemo,
} from '@roster/server';
import { PLUGIN_FACTORIES, pluginDirs } from './registry.js';
import { buildConsole, consoleBuiltFor, consoleEntries, consoleSources, sameSet, type ConsoleEntry } from './console-build.js';
import { newPlugin } from './new-plugin.js';
import { demoCommand } from './demo-scim/index.js';
import { wireDemoIdps } from './demo-idp.js';

const USAGE = `roster <command>
  serve [--demo]                         start the server (--demo seeds a demo team)
  migrate                                apply pending migrations to DATABASE_URL
  seed                                   create the demo team
  create-team --slug S --name N          create a team
  create-admin --email E --password P [--team SLUG]   team admin, or platform admin without --team
  schema                                 print the GraphQL SDL of the configured plugin set
  build-console [--demo]                 build the admin console with the console sections of the configured plugin set
  console-plugins [--demo]               print the plugins' console modules the console build composes (JSON)
  new-plugin NAME [--dir D]              write a new plugin package (route, resolver, migration, test) into D (default ./NAME)
  demo scim --as okta|entra [--users N] [--groups N]  an IdP-shaped SCIM provisioning cycle (demo scim --help)

Plugins: ROSTER_PLUGINS (first-party names, package names, paths) or roster.config.{js,mjs,json};
options from the config file and ROSTER_PLUGIN_<NAME>_<OPTION> (see packages/plugin-sdk/README.md).`;

/**
 * The console shows the sections of the plugins it was built with: a build made for another set
 * (ROSTER_PLUGINS or roster.config.* changed, or `--demo`) is rebuilt here when its sources are
 * (a checkout, outside production; Vite alone, about a second), else said loudly.
 */
function consoleForThisSet(entries: ConsoleEntry[], production: boolean): void {
  const dist = defaultConsoleDir();
  if (!dist) return;
  const built = consoleBuiltFor(dist);
  if (sameSet(built, entries)) return;
  const names = entries.map((e) => e.name).join(', ') || 'no plugin';
  if (!production && consoleSources()) {
    console.log(`Building the admin console for this plugin set (console sections of: ${names})…`);
    buildConsole(entries);
    return;
  }
  console.warn(
    `roster: the admin console in ${dist} was built for ${built ? built.join(', ') || 'no plugin' : 'an unknown plugin set'}, not for this one (${names}): run \`roster build-console\` with the same ROSTER_PLUGINS / roster.config.* as \`roster serve\`.`,
  );
}

async function main(): Promise<void> {
  // The simulator speaks HTTP to a running Roster and has options of its own: it needs no server here.
  if (process.argv[2] === 'demo') {
    process.exitCode = await demoCommand(process.argv.slice(3));
    return;
  }
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      demo: { type: 'boolean' },
      slug: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      team: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command === 'new-plugin') {
    const name = positionals[1];
    if (!name) throw new Error('new-plugin needs a NAME (lower case, digits and dashes), e.g. `roster new-plugin hello`');
    const written = await newPlugin(name, values.dir ?? name);
    console.log(`Plugin "${name}" written to ${written.dir}:`);
    for (const file of written.files) console.log(`  ${file}`);
    console.log(`\nNext: cd ${written.dir} && npm install && npm test (see its README.md).`);
    return;
  }
  const known = ['serve', 'seed', 'create-team', 'create-admin', 'migrate', 'schema', 'build-console', 'console-plugins'];
  if (!known.includes(command ?? '')) {
    console.log(USAGE);
    process.exitCode = command ? 1 : 0;
    return;
  }
  const loaded = loadConfig();
  // The demo adds the worked example of a product plugin and the test IdPs (demo.ts), which production leaves off.
  const config = values.demo ? demoConfig(loaded) : loaded;
  const set = await loadPluginSet({
    firstParty: PLUGIN_FACTORIES,
    defaults: DEFAULT_PLUGINS,
    extra: values.demo ? DEMO_PLUGINS : [],
    options: config.pluginOptions,
    firstPartyDirs: pluginDirs(),
  });
  for (const v of set.unusedVariables) console.warn(`roster: ${v} names no enabled plugin; it is ignored.`);
  const plugins = set.plugins;
  if (command === 'console-plugins') {
    // stdout is the JSON's alone: the console's Vite build reads it.
    process.stdout.write(`${JSON.stringify(consoleEntries(set))}\n`);
    return;
  }
  if (command === 'build-console') {
    const entries = consoleEntries(set);
    buildConsole(entries, { typecheck: true });
    console.log(`Admin console built with the console sections of: ${entries.map((e) => e.name).join(', ') || 'no plugin'}.`);
    return;
  }
  if (command === 'serve') consoleForThisSet(consoleEntries(set), config.production);
  if (command === 'schema') {
    // The SDL is what the plugins' setup builds: boot them on a throwaway in-memory database.
    const roster = await createRoster({
      config: { ...config, databaseUrl: null, dataDir: 'memory://', logLevel: 'warn' },
      plugins,
      pluginOptions: set.options,
      // stdout is the SDL's alone.
      logStream: process.stderr,
    });
    try {
      process.stdout.write(`${printSchemaOf(roster.schema)}\n`);
    } finally {
      await roster.close();
    }
    return;
  }
  if (command === 'migrate') {
    if (!config.databaseUrl) throw new Error('Set DATABASE_URL (the embedded database migrates itself at start).');
    const applied = await migrate(config.databaseUrl, allMigrations(resolvePlugins(plugins, set.options)));
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Nothing to apply.');
    return;
  }
  const roster = await createRoster({
    config,
    plugins,
    pluginOptions: set.options,
    pluginSources: set.sources,
    migrate: command !== 'serve' || !config.production,
  });
  if (command === 'serve') {
    if (values.demo) await seedDemo(roster.core);
    const address = await roster.listen();
    const shutdown = async (signal: string) => {
      roster.app.log.info({ signal }, 'shutting down');
      await roster.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    console.log(`\nRoster is running at ${config.publicUrl} (listening on ${address})`);
    console.log(`  Database: ${config.databaseUrl ? 'PostgreSQL from DATABASE_URL' : `embedded PostgreSQL in ${config.dataDir}`}`);
    // The same links as the front page (GET /).
    const door = frontDoorOf(roster.app);
    for (const link of door?.links() ?? []) console.log(`  ${link.method.padEnd(4)} ${link.url}  ${link.label}`);
    if (door) console.log(`  Admin console: ${door.adminConsole()}`);
    for (const plugin of door?.plugins() ?? []) {
      console.log(`  Plugin ${plugin.name} ${plugin.version}${plugin.entryPoints.length ? ':' : ''}`);
      for (const entry of plugin.entryPoints) console.log(`    ${entry.url}  ${entry.label}`);
    }
    if (values.demo) {
      console.log(
        `  Demo team "${DEMO.slug}": sign in with POST ${config.publicUrl}/auth/login {"email":"${DEMO.email}","password":"${DEMO.password}"}`,
      );
      for (const line of await wireDemoIdps(roster)) console.log(`  ${line}`);
      // What an IdP admin pastes into Okta or Entra; the token comes from createScimToken (shown once).
      if (plugins.some((p) => p.name === 'scim'))
        console.log(`  SCIM base URL of the demo team: ${config.publicUrl}/scim/v2/${DEMO.slug} (token: mutation createScimToken)`);
      console.log('');
    }
    return;
  }
  try {
    if (command === 'seed') {
      const r = await seedDemo(roster.core);
      console.log(r.created ? `Demo team created (${r.teamId}); admin ${DEMO.email}` : 'Demo team exists.');
    } else if (command === 'create-team') {
      if (!values.slug || !values.name) throw new Error('create-team needs --slug and --name');
      const t = await roster.core.teams.create({ slug: values.slug, name: values.name }, { type: 'system', channel: 'cli', label: 'cli' });
      console.log(`Team ${t.slug} created: ${t.id}`);
    } else {
      if (!values.email || !values.password) throw new Error('create-admin needs --email and --password');
      const team = values.team ? await roster.core.teams.bySlug(values.team) : null;
      if (values.team && !team) throw new Error(`No team "${values.team}"`);
      await createAdmin(roster.core, team?.id ?? null, values.email, values.password);
      console.log(team ? `Admin ${values.email} added to ${team.slug}` : `Platform admin ${values.email} created`);
    }
  } finally {
    await roster.close();
  }
}

main().catch((e: unknown) => {
  console.error(isRosterError(e) ? `roster: ${e.code}: ${e.message}` : e);
  process.exit(1);
});
