import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { SYSTEM_ACTOR, hashPassword, User, type Core } from '@roster/core';
import type { RosterPlugin } from '@roster/plugin-sdk';
import { createRoster, type Roster } from '../app.js';
import { loadConfig, type ServerConfig } from '../config.js';

export { CONFORMANCE_ENV, CONFORMANCE_SUITES, conformanceDir, conformanceNotice, conformanceSuite } from './conformance.js';

/** Environment set by the test global setup (see test/support/global-setup.ts). */
export const TEST_ENV = {
  /** Admin URL of a real PostgreSQL server; each test file gets its own database from a migrated template. */
  pgUrl: 'ROSTER_TEST_PG_URL',
  templateDb: 'ROSTER_TEST_TEMPLATE_DB',
  /** Path of a migrated PGlite dump, used when no server is given. */
  pgliteDump: 'ROSTER_TEST_PGLITE_DUMP',
} as const;

/** True when the suite runs on a PostgreSQL server (several nodes can share it; PGlite serves one process). */
export function onPostgresServer(): boolean {
  return Boolean(process.env[TEST_ENV.pgUrl]);
}

export interface TestRoster {
  roster: Roster;
  core: Core;
  url: string;
  /** Which database the suite runs on. */
  database: 'postgresql' | 'pglite';
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    auth?: { token?: string; headers?: Record<string, string> },
  ): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }>;
  /** Creates a team (with its default license types) and an owner with a session token. */
  createTeam(
    slug?: string,
    seats?: Partial<Record<string, number>>,
  ): Promise<{ teamId: string; slug: string; ownerToken: string; ownerId: string }>;
  /** Adds a member with a password and returns a session token. */
  addMember(teamId: string, email: string, role?: 'owner' | 'admin' | 'member'): Promise<{ membershipId: string; token: string }>;
  platformAdminToken(): Promise<string>;
  /**
   * The server's log lines so far, parsed, oldest first; with a name, only those of that plugin
   * (its `ctx.logger`, and the host's lines about it: a failed hook, its boot line).
   */
  logs(plugin?: string): LogLine[];
  close(): Promise<void>;
}

/** One JSON log line (pino): `level` 10 trace … 30 info, 40 warn, 50 error, 60 fatal. */
export interface LogLine {
  level: number;
  msg: string;
  plugin?: string;
  [field: string]: unknown;
}

/** Lines the kit keeps per server: enough for any test, bounded for the long ones. */
const MAX_LOG_LINES = 20_000;

/**
 * Where the server under test logs: every line is kept for `logs()`; error lines also go to
 * stderr at once, so that a 500 in a test comes with its cause. With LOG_LEVEL set, every line
 * goes to stdout as well, as before the kit captured them.
 */
function captureLogs(extra: { write(line: string): void } | undefined, echoErrors: boolean) {
  const lines: string[] = [];
  const toStdout = Boolean(process.env.LOG_LEVEL);
  return {
    stream: {
      write(line: string) {
        if (lines.push(line) > MAX_LOG_LINES) lines.shift();
        extra?.write(line);
        if (toStdout) process.stdout.write(line);
        else if (echoErrors && /"level":(5|6)\d/.test(line)) process.stderr.write(`[roster test server] ${line}`);
      },
    },
    read(plugin?: string): LogLine[] {
      const parsed = lines.map((l) => JSON.parse(l) as LogLine);
      return plugin === undefined ? parsed : parsed.filter((l) => l.plugin === plugin);
    },
  };
}

/**
 * A database of its own for one test server. In Roster's suite (test/support/global-setup.ts) it
 * is a clone of a migrated template, or a migrated PGlite dump. Outside it (a plugin in its own
 * repository): an empty database on the server ROSTER_TEST_PG_URL names, else an in-memory
 * PGlite; the server migrates either at start.
 */
async function freshDatabase(): Promise<{ url: string | null; dump?: Blob; memory?: true; drop?: () => Promise<void> }> {
  const admin = process.env[TEST_ENV.pgUrl];
  if (admin) {
    const name = `roster_t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const template = process.env[TEST_ENV.templateDb];
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}${template ? ` template ${template}` : ''}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: async () => {
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const dumpPath = process.env[TEST_ENV.pgliteDump];
  if (!dumpPath) return { url: null, memory: true };
  return { url: null, dump: new Blob([await readFile(dumpPath)]) };
}

/** Polls `check` until it holds, for what another node hears through PostgreSQL (NOTIFY takes milliseconds). */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Boots a real Roster (real HTTP, real PostgreSQL or PGlite) with the given plugins. */
export async function startTestRoster(
  opts: {
    plugins?: RosterPlugin<unknown>[];
    pluginOptions?: Record<string, unknown>;
    config?: Partial<ServerConfig>;
    roster?: Partial<Parameters<typeof createRoster>[0]>;
    databaseUrl?: string;
    /** Copy the server's error lines to stderr as they come (default true). */
    echoErrors?: boolean;
  } = {},
): Promise<TestRoster> {
  const db = opts.databaseUrl ? { url: opts.databaseUrl } : await freshDatabase();
  // The in-process IdPs listen on 127.0.0.1: the test kit lets SSO plugins reach loopback
  // (ROSTER_OUTBOUND_ALLOW_PRIVATE), unless a test passes `outboundAllowPrivate: false`.
  // Logs are captured from `info` (LOG_LEVEL to change), for `logs()`.
  const config = loadConfig(
    { NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    {
      port: 0,
      databaseUrl: db.url,
      dbPoolMax: 5,
      outboundAllowPrivate: true,
      // Queries run compiled from their first use (production waits for a document's second), so
      // every test proves the engine that serves repeated queries; mutations stay on graphql-js.
      graphqlCompileAfter: 1,
      ...('memory' in db ? { dataDir: 'memory://' } : {}),
      ...opts.config,
    },
  );
  const logs = captureLogs(opts.roster?.logStream, opts.echoErrors !== false);
  let roster: Roster;
  try {
    roster = await createRoster({
      config,
      plugins: opts.plugins ?? [],
      pluginOptions: opts.pluginOptions,
      embeddedDump: 'dump' in db ? db.dump : undefined,
      // The template database holds the core and the first-party plugins; a plugin under test
      // (its own repository's, or a new one) is migrated here, on PostgreSQL as on PGlite.
      migrate: true,
      ...opts.roster,
      logStream: logs.stream,
    });
  } catch (e) {
    await db.drop?.().catch(() => undefined);
    throw e;
  }
  const address = await roster.listen();
  const url = address.replace('[::1]', '127.0.0.1');
  if (!opts.config?.publicUrl) {
    roster.config.publicUrl = url;
    roster.config.allowedOrigins = [new URL(url).origin, ...roster.config.allowedOrigins];
  }
  const core = roster.core;
  // One scrypt per test file: every test member gets the password "test-password".
  const testPasswordHash = hashPassword('test-password');
  const withPassword = async (teamId: string | null, email: string, role: 'owner' | 'admin' | 'member') => {
    const m = teamId
      ? await core.members.provision(
          teamId,
          { userName: email, email, role, givenName: 'Test', familyName: email.split('@')[0] },
          SYSTEM_ACTOR,
        )
      : null;
    const userId = m ? m.user.id : (await core.em().findOneOrFail(User, { login: email })).id;
    await core.em().nativeUpdate(User, { id: userId }, { passwordHash: await testPasswordHash });
    // A session straight from the store: password sign-in itself is tested over HTTP elsewhere.
    const { token } = await core.sessions.create(core.em(), { userId, teamId, membershipId: m?.id ?? null, method: 'password' });
    return { membershipId: m?.id ?? '', token };
  };
  return {
    roster,
    core,
    url,
    database: db.url ? 'postgresql' : 'pglite',
    async gql(query, variables, auth) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...auth?.headers };
      if (auth?.token) headers.authorization = `Bearer ${auth.token}`;
      const r = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return (await r.json()) as never;
    },
    async createTeam(slug = `t-${randomUUID().slice(0, 8)}`, seats) {
      const team = await core.teams.create({ slug, name: `Team ${slug}`, seats }, SYSTEM_ACTOR);
      const owner = await withPassword(team.id, `owner@${slug}.example.com`, 'owner');
      return { teamId: team.id, slug, ownerToken: owner.token, ownerId: owner.membershipId };
    },
    addMember: (teamId, email, role = 'member') => withPassword(teamId, email, role),
    async platformAdminToken() {
      const email = `platform-${randomUUID().slice(0, 8)}@roster.test`;
      const em = core.em();
      em.create(User, { login: email, email, platformAdmin: true });
      await em.flush();
      return (await withPassword(null, email, 'member')).token;
    },
    logs: (plugin) => logs.read(plugin),
    async close() {
      await roster.close();
      await db.drop?.();
    },
  };
}
