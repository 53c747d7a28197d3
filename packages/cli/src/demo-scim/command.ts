/**
 * `roster demo scim --as okta|entra [--users N] [--groups N] [--team SLUG] [--url BASE] [--token T]`
 *
 * Everything goes over HTTP to a running Roster, as an IdP and an admin would: the embedded
 * database of `npm start` belongs to the server process, and the CLI never opens it beside it.
 * In demo mode (neither NODE_ENV=production nor DATABASE_URL) and without `--token`, the command
 * signs in as the demo team's admin, creates a SCIM token in GraphQL (R17), runs the cycle, and
 * revokes the token again. Outside demo mode it writes only where it is told: `--url` and
 * `--token` are required.
 */
import { parseArgs } from 'node:util';
import { DEMO, loadConfig } from '@roster/server';
import { runCycle, type CycleResult } from './cycle.js';
import { progress, type Output } from './progress.js';
import { ScimCallError } from './scim-client.js';
import { formatSummary } from './state.js';
import type { VendorName } from './vendors.js';

export const DEMO_SCIM_USAGE = `roster demo scim --as okta|entra [--users N] [--groups N] [--team SLUG] [--url BASE] [--token T]
  Runs an Okta- or Entra-shaped SCIM provisioning cycle (create, update, deactivate, group push,
  license groups) against a team of a running Roster, then prints what changed, read back from
  the API. Made-up people from a seeded generator: a second run changes nothing.
    --as       okta | entra            whose requests to send
    --users    N (default 60)          people in the directory
    --groups   N (default 4)           departments pushed as groups
    --team     SLUG or id (default "${DEMO.slug}")
    --url      BASE                    Roster's base URL (default: ROSTER_PUBLIC_URL, or http://HOST:PORT),
                                       or the team's SCIM base URL (…/scim/v2/<team>)
    --token    T                       a SCIM token of that team; in demo mode, without it,
                                       a token is created for the demo team and revoked at the end`;

export interface CommandIo {
  out: Output;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

function count(raw: string | undefined, fallback: number, name: string, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`--${name} must be a whole number from 0 to ${max}, not "${raw}"`);
  return n;
}

interface Target {
  base: string;
  team: string;
  server: string;
}

/** `--url` is Roster's base URL or a team's SCIM base URL (what the admin console shows). */
function targetOf(url: string, team: string): Target {
  const trimmed = url.replace(/\/+$/, '');
  const scim = /^(.*)\/scim\/v2\/([^/]+)$/.exec(trimmed);
  if (scim) return { base: trimmed, team: decodeURIComponent(scim[2]!), server: scim[1]! };
  return { base: `${trimmed}/scim/v2/${encodeURIComponent(team)}`, team, server: trimmed };
}

/** The directory's mail domain, one per team, so that two teams never claim one person (R2). */
function domainOf(team: string): string {
  const t = team.toLowerCase();
  const label = /^[0-9a-f]{8}-/.test(t) ? `team-${t.slice(0, 8)}` : t.replace(/[^a-z0-9-]/g, '') || 'team';
  return `${label}.example`;
}

async function fetchJson<T>(url: string, init: RequestInit, what: string): Promise<T> {
  let r: Response;
  try {
    r = await fetch(url, init);
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new UsageError(
      `No Roster answers at ${new URL(url).origin} (${cause}). Start it with \`npm start\` in another terminal, or pass --url.`,
    );
  }
  const body = (await r.json().catch(() => ({}))) as T & { errors?: Array<{ message: string }>; message?: string };
  if (!r.ok || body.errors)
    throw new UsageError(`${what} failed (${r.status}): ${body.errors?.[0]?.message ?? body.message ?? 'no detail'}`);
  return body;
}

/** An admin's way to a SCIM token: password sign-in, then createScimToken in GraphQL (R17). */
async function mintDemoToken(server: string, name: string): Promise<{ secret: string; revoke: () => Promise<void> }> {
  const json = { 'content-type': 'application/json' };
  const login = await fetchJson<{ token: string; teamId: string }>(
    `${server}/auth/login`,
    { method: 'POST', headers: json, body: JSON.stringify({ email: DEMO.email, password: DEMO.password }) },
    `Signing in as the demo admin ${DEMO.email} (is this \`roster serve --demo\`?)`,
  );
  const headers = { ...json, authorization: `Bearer ${login.token}` };
  const gql = <T>(query: string, variables: Record<string, string>, what: string) =>
    fetchJson<{ data: T }>(`${server}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) }, what);
  const created = await gql<{ createScimToken: { secret: string; token: { id: string } } }>(
    'mutation($t: ID!, $n: String!) { createScimToken(teamId: $t, name: $n) { secret token { id } } }',
    { t: login.teamId, n: name },
    'Creating a SCIM token for the demo team',
  );
  return {
    secret: created.data.createScimToken.secret,
    async revoke() {
      await gql(
        'mutation($t: ID!, $id: ID!) { revokeScimToken(teamId: $t, id: $id) }',
        { t: login.teamId, id: created.data.createScimToken.token.id },
        'Revoking the demo SCIM token',
      );
      await fetch(`${server}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${login.token}` } });
    },
  };
}

/** Runs the command; `args` follow `demo` (`['scim', '--as', 'okta', …]`). Returns the exit code. */
export async function demoCommand(args: string[], io: CommandIo = { out: process.stdout, env: process.env }): Promise<number> {
  const say = (line = '') => io.out.write(`${line}\n`);
  try {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        as: { type: 'string' },
        users: { type: 'string' },
        groups: { type: 'string' },
        team: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
    if (values.help || positionals[0] !== 'scim' || positionals.length > 1) {
      say(DEMO_SCIM_USAGE);
      return values.help ? 0 : 1;
    }
    if (values.as !== 'okta' && values.as !== 'entra') throw new UsageError('--as must be okta or entra');
    const vendor: VendorName = values.as;
    const users = count(values.users, 60, 'users', 10_000);
    const groups = count(values.groups, 4, 'groups', 50);
    const demoMode = io.env.NODE_ENV !== 'production' && !io.env.DATABASE_URL;
    if (!demoMode && (!values.url || !values.token))
      throw new UsageError(
        `Refusing to run outside demo mode (${io.env.NODE_ENV === 'production' ? 'NODE_ENV=production' : 'DATABASE_URL is set'}) without --url and --token: ` +
          'the simulator writes made-up people into a team, so it only does so where it is told. Pass --url (Roster, or the ' +
          "team's SCIM base URL) and --token (a SCIM token of that team, from createScimToken), or run it against `npm start`.",
      );
    const target = targetOf(values.url ?? loadConfig(io.env).publicUrl, values.team ?? DEMO.slug);
    if (!values.token && target.team !== DEMO.slug)
      throw new UsageError(
        `Without --token the simulator creates a token for the demo team "${DEMO.slug}" only; pass a SCIM token of "${target.team}".`,
      );

    const minted = values.token ? null : await mintDemoToken(target.server, `roster demo scim (${vendor})`);
    say(
      `${vendor === 'okta' ? 'Okta' : 'Microsoft Entra ID'}-shaped provisioning of ${users} people and ${groups} groups into ${target.base}`,
    );
    if (minted) say('  (a SCIM token was created for this run as the demo admin; it is revoked at the end)');
    let result: CycleResult;
    try {
      result = await runCycle({
        vendor,
        base: target.base,
        token: values.token ?? minted!.secret,
        users,
        groups,
        domain: domainOf(target.team),
        progress: progress(io.out),
      });
    } finally {
      await minted?.revoke();
    }
    const sent = Object.entries(result.sent)
      .map(([m, n]) => `${m} ${n}`)
      .join(', ');
    say(`What changed (read back from the SCIM API):`);
    for (const line of formatSummary(result.summary)) say(line);
    for (const w of result.warnings) say(`  warning: ${w}`);
    say(`  requests ${sent}`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ScimCallError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      say(`roster demo scim: ${(e as Error).message}`);
      return 1;
    }
    throw e;
  }
}
