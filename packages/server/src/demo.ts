import { Membership, SYSTEM_ACTOR, hashPassword, User, type Core } from '@roster/core';

export const DEMO = { slug: 'demo', name: 'Demo Team', email: 'admin@demo.roster.test', password: 'roster-demo-password' };

/** Plugins the demo adds to the defaults: the worked example of a product plugin, off in production. */
export const DEMO_PLUGINS = ['example-captures'];

/** The plugins `serve --demo` runs: the defaults plus the demo's, unless ROSTER_PLUGINS chose. */
export function demoPlugins(plugins: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.ROSTER_PLUGINS !== undefined) return plugins;
  return [...plugins, ...DEMO_PLUGINS.filter((name) => !plugins.includes(name))];
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
