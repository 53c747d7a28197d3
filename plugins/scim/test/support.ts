/** Shared set-up of the SCIM HTTP tests: a real Roster with the plugin, empty teams, tokens, a tiny client. */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SYSTEM_ACTOR } from '@roster/plugin-sdk';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { scimPlugin, type ScimPluginOptions } from '../src/index.js';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LICENSE = 'urn:roster:params:scim:schemas:extension:license:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The repository root, where the conformance runners (`pnpm exec newman`) run. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A Roster with the SCIM plugin; its migrations run on the test database (the shared template has only the registered plugins). */
export function startScimRoster(options: ScimPluginOptions = {}): Promise<TestRoster> {
  // No webhook endpoints here: the delivery worker looks once an hour instead of every second, so
  // its look never lands inside a statement count (countStatements counts the whole pool). The
  // request log (#16) likewise flushes once an hour unless a test asks otherwise: reading it
  // through GraphQL flushes first, and its timer must not land in a count either.
  const plugin = scimPlugin({ requestLogFlushMs: 60 * 60_000, ...options });
  return startTestRoster({ plugins: [plugin as never], roster: { migrate: true, webhooks: { intervalMs: 60 * 60_000 } } });
}

export interface ScimTeam {
  teamId: string;
  slug: string;
  token: string;
  tokenId: string;
  /** `${url}/scim/v2/${slug}` */
  base: string;
}

/** An empty team (no owner: the conformance suites count users) and a SCIM token named `tokenName`. */
export async function emptyTeam(
  t: TestRoster,
  opts: { seats?: Partial<Record<string, number>>; tokenName?: string } = {},
): Promise<ScimTeam> {
  const slug = `scim-${randomUUID().slice(0, 8)}`;
  const team = await t.core.teams.create({ slug, name: `SCIM ${slug}`, ...(opts.seats ? { seats: opts.seats } : {}) }, SYSTEM_ACTOR);
  const { token, secret } = await t.core.tokens.create(team.id, opts.tokenName ?? 'okta', 'scim', SYSTEM_ACTOR);
  return { teamId: team.id, slug, token: secret, tokenId: token.id, base: `${t.url}/scim/v2/${slug}` };
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

export type Json = Record<string, unknown>;

/** A SCIM client bound to a team: `c.get('/Users')`, `c.patch('/Users/id', body)`. */
export function client(team: Pick<ScimTeam, 'base' | 'token'>, defaults: Record<string, string> = {}) {
  const call = async <T = Json>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> => {
    const h: Record<string, string> = { authorization: `Bearer ${team.token}`, ...defaults, ...headers };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/scim+json';
    }
    const r = await fetch(`${team.base}${path}`, { method, headers: h, body: payload });
    const text = await r.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: r.status, headers: r.headers, text, json: parsed as T };
  };
  return {
    call,
    get: <T = Json>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = Json>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('POST', path, body, headers),
    put: <T = Json>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('PUT', path, body, headers),
    patch: <T = Json>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('PATCH', path, body, headers),
    delete: <T = Json>(path: string, headers?: Record<string, string>) => call<T>('DELETE', path, undefined, headers),
  };
}

export type ScimClient = ReturnType<typeof client>;

export const patchOp = (...ops: Array<Record<string, unknown>>) => ({ schemas: [PATCH_OP], Operations: ops });

export function user(userName: string, extra: Json = {}): Json {
  const local = userName.split('@')[0]!;
  return {
    schemas: [CORE_USER],
    userName,
    name: { givenName: local, familyName: 'Tester' },
    emails: [{ value: userName.includes('@') ? userName : `${userName}@example.com`, type: 'work', primary: true }],
    displayName: `${local} Tester`,
    active: true,
    ...extra,
  };
}

/** Counts the SQL statements sent on the ORM's pool (every pg `Client#query`) while `fn` runs. */
export async function countStatements(t: TestRoster, fn: () => Promise<unknown>): Promise<number> {
  const knex = t.roster.orm.em.getConnection().getKnex() as unknown as {
    client: { driver: { Client: { prototype: { query: (...args: unknown[]) => unknown } } } };
  };
  const proto = knex.client.driver.Client.prototype;
  const original = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    proto.query = original;
  }
  return n;
}

// ---- the admin's GraphQL view ----------------------------------------------------------------

export interface MemberView {
  id: string;
  userName: string;
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  status: 'active' | 'inactive';
  externalId: string | null;
  attributes: Json;
  groups: string[];
  licenses: Record<string, 'GRANTED' | 'PENDING_SEAT'>;
}

export interface TeamView {
  members: Record<string, MemberView>;
  groups: Record<string, { id: string; memberCount: number; licenseType: string | null }>;
  licenses: Record<string, { purchased: number; used: number; pending: number; available: number; groupId: string | null }>;
}

const VIEW = `query($id: ID!) { team(id: $id) {
  members(first: 500) { totalCount edges { node {
    id userName email givenName familyName displayName status externalId attributes
    groups { displayName } licenses { state licenseType { key } } } } }
  groups { id displayName memberCount licenseType { key } }
  licenses { key purchased used pending available groupId }
} }`;

export async function gqlOk<T>(t: TestRoster, query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const r = await t.gql<T>(query, variables, { token });
  if (r.errors) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

/** What a team admin sees in GraphQL: members by userName (lower-case), groups by name, licenses by key. */
export async function teamView(t: TestRoster, teamId: string, adminToken: string): Promise<TeamView> {
  interface Raw {
    team: {
      members: {
        edges: Array<{
          node: Omit<MemberView, 'groups' | 'licenses'> & {
            groups: Array<{ displayName: string }>;
            licenses: Array<{ state: 'GRANTED' | 'PENDING_SEAT'; licenseType: { key: string } }>;
          };
        }>;
      };
      groups: Array<{ id: string; displayName: string; memberCount: number; licenseType: { key: string } | null }>;
      licenses: Array<{ key: string; purchased: number; used: number; pending: number; available: number; groupId: string | null }>;
    };
  }
  const d = await gqlOk<Raw>(t, VIEW, { id: teamId }, adminToken);
  const members: Record<string, MemberView> = {};
  for (const { node } of d.team.members.edges) {
    members[node.userName.toLowerCase()] = {
      ...node,
      groups: node.groups.map((g) => g.displayName).sort(),
      licenses: Object.fromEntries(node.licenses.map((l) => [l.licenseType.key, l.state])),
    };
  }
  return {
    members,
    groups: Object.fromEntries(
      d.team.groups.map((g) => [g.displayName, { id: g.id, memberCount: g.memberCount, licenseType: g.licenseType?.key ?? null }]),
    ),
    licenses: Object.fromEntries(
      d.team.licenses.map((l) => [
        l.key,
        { purchased: l.purchased, used: l.used, pending: l.pending, available: l.available, groupId: l.groupId },
      ]),
    ),
  };
}

export interface AuditView {
  action: string;
  channel: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  requestId: string | null;
  targetId: string | null;
  outcome: string;
  data: Json;
}

export async function auditEvents(t: TestRoster, teamId: string, adminToken: string, first = 200): Promise<AuditView[]> {
  const d = await gqlOk<{ team: { auditEvents: { edges: Array<{ node: AuditView }> } } }>(
    t,
    'query($id: ID!, $n: Int!) { team(id: $id) { auditEvents(first: $n) { edges { node { action channel actorType actorId actorLabel requestId targetId outcome data } } } } }',
    { id: teamId, n: first },
    adminToken,
  );
  return d.team.auditEvents.edges.map((e) => e.node);
}
