#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isRosterError } from '@roster/core';
import {
  DEMO,
  allMigrations,
  createAdmin,
  createRoster,
  demoConfig,
  frontDoorOf,
  loadConfig,
  migrate,
  resolvePlugins,
  seedDemo,
} from '@roster/server';
import { pluginsByName } from './registry.js';
import { wireDemoIdps } from './demo-idp.js';

const USAGE = `roster <command>
  serve [--demo]                         start the server (--demo seeds a demo team)
  migrate                                apply pending migrations to DATABASE_URL
  seed                                   create the demo team
  create-team --slug S --name N          create a team
  create-admin --email E --password P [--team SLUG]   team admin, or platform admin without --team`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      demo: { type: 'boolean' },
      slug: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      team: { type: 'string' },
    },
  });
  const command = positionals[0];
  const loaded = loadConfig();
  // The demo adds the worked example of a product plugin and the test IdPs (demo.ts), which production leaves off.
  const config = values.demo ? demoConfig(loaded) : loaded;
  const plugins = pluginsByName(config.plugins);
  if (command === 'migrate') {
    if (!config.databaseUrl) throw new Error('Set DATABASE_URL (the embedded database migrates itself at start).');
    const applied = await migrate(config.databaseUrl, allMigrations(resolvePlugins(plugins)));
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Nothing to apply.');
    return;
  }
  if (!['serve', 'seed', 'create-team', 'create-admin'].includes(command ?? '')) {
    console.log(USAGE);
    process.exitCode = command ? 1 : 0;
    return;
  }
  const roster = await createRoster({
    config,
    plugins,
    pluginOptions: config.pluginOptions,
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
      console.log(`  Plugin ${plugin.name}${plugin.entryPoints.length ? ':' : ''}`);
      for (const entry of plugin.entryPoints) console.log(`    ${entry.url}  ${entry.label}`);
    }
    if (values.demo) {
      console.log(
        `  Demo team "${DEMO.slug}": sign in with POST ${config.publicUrl}/auth/login {"email":"${DEMO.email}","password":"${DEMO.password}"}`,
      );
      for (const line of await wireDemoIdps(roster)) console.log(`  ${line}`);
      // What an IdP admin pastes into Okta or Entra; the token comes from createScimToken (shown once).
      if (config.plugins.includes('scim'))
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
  console.error(isRosterError(e) ? e.message : e);
  process.exit(1);
});
