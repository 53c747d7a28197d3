import { isIP } from 'node:net';
import { Membership, SYSTEM_ACTOR, hashPassword, User, type Core } from '@roster/core';
import type { ServerConfig } from './config.js';

export const DEMO = { slug: 'demo', name: 'Demo Team', email: 'admin@demo.roster.test', password: 'roster-demo-password' };

/**
 * Plugins the demo adds to the defaults: the worked example of a product plugin, and the test
 * identity providers (`demo-idp`, which refuses to mount in production or on DATABASE_URL).
 */
export const DEMO_PLUGINS = ['example-captures', 'demo-idp'];

/** The plugins `serve --demo` runs: the defaults plus the demo's, unless ROSTER_PLUGINS chose. */
export function demoPlugins(plugins: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.ROSTER_PLUGINS !== undefined) return plugins;
  return [...plugins, ...DEMO_PLUGINS.filter((name) => !plugins.includes(name))];
}

/**
 * The configuration `serve --demo` runs with: the demo's plugins, the data folder the test IdPs
 * keep their keys in, and what lets Roster's SSO plugins reach those IdPs on this machine (its
 * own address for outbound requests, plain-http OIDC issuers). Production never gets here: the
 * CLI asks for it only with `--demo`, and the demo-idp plugin refuses production on its own.
 */
export function demoConfig(config: ServerConfig, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const plugins = demoPlugins(config.plugins, env);
  if (!plugins.includes('demo-idp')) return { ...config, plugins };
  const sharedDatabase = config.databaseUrl !== null;
  const pluginOptions = {
    ...config.pluginOptions,
    'demo-idp': { dataDir: sharedDatabase ? null : config.dataDir, sharedDatabase },
  };
  // Where the test IdPs refuse to mount, nothing is loosened for them.
  if (config.production || sharedDatabase) return { ...config, plugins, pluginOptions };
  const host = new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '');
  const own = isIP(host) ? [host] : host === 'localhost' ? ['127.0.0.1', '::1'] : [];
  const oidc = (config.pluginOptions.oidc ?? {}) as Record<string, unknown>;
  return {
    ...config,
    plugins,
    outboundAllowAddresses: [...new Set([...config.outboundAllowAddresses, ...own])],
    pluginOptions: { ...pluginOptions, oidc: { ...oidc, allowInsecureIssuers: true } },
  };
}

/**
 * Adds and verifies an email domain of the demo team, once: what a platform operator does for a
 * domain whose DNS they cannot publish (the test IdPs' people live under `.test`).
 */
export async function verifyDemoDomain(core: Core, teamId: string, domain: string): Promise<void> {
  const actor = { ...SYSTEM_ACTOR, channel: 'cli' };
  const existing = (await core.domains.list(teamId)).find((d) => d.domain === domain);
  const d = existing ?? (await core.domains.add(teamId, domain, actor));
  if (!d.verifiedAt) await core.domains.verify(teamId, d.id, actor, true);
}

/** Seeds the demo team with an owner account and a few seats, once. */
export async function seedDemo(core: Core): Promise<{ teamId: string; created: boolean }> {
  const existing = await core.teams.bySlug(DEMO.slug);
  if (existing) return { teamId: existing.id, created: false };
  const team = await core.teams.create(
    { slug: DEMO.slug, name: DEMO.name, seats: { salesperson: 10, 'prep-user': 5, manager: 2 } },
    { ...SYSTEM_ACTOR, channel: 'cli' },
  );
  await createAdmin(core, team.id, DEMO.email, DEMO.password, 'owner');
  return { teamId: team.id, created: true };
}

export async function createAdmin(
  core: Core,
  teamId: string | null,
  email: string,
  password: string,
  role: 'owner' | 'admin' = 'admin',
): Promise<string> {
  const actor = { ...SYSTEM_ACTOR, channel: 'cli' };
  const hash = await hashPassword(password);
  if (teamId) {
    const m = await core.members.provision(teamId, { userName: email, email, role, givenName: 'Demo', familyName: 'Admin' }, actor);
    await core.em().nativeUpdate(User, { id: m.user.id }, { passwordHash: hash });
    return m.id;
  }
  const em = core.em();
  const login = email.trim().toLowerCase();
  const user = (await em.findOne(User, { login })) ?? em.create(User, { login, email: login });
  // Platform admins are operator accounts, never members of a team (docs/security.md).
  if (await em.count(Membership, { user: user.id }))
    throw new Error(`${login} is a member of a team; a platform admin needs an address of its own`);
  user.passwordHash = hash;
  user.platformAdmin = true;
  await em.flush();
  return user.id;
}
