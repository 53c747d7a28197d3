import type { EntityManager } from '@mikro-orm/postgresql';
import type {
  Actor,
  ApiTokenRecord,
  ApiTokenScope,
  AuditInput,
  GroupRecord,
  MemberRecord,
  ProvisionMemberInput,
  SsoHandle,
  SyncMemberInput,
  TeamRecord,
  TeamSignInPolicy,
  VerifiedApiToken,
} from './types.js';
import type { SignInMethodDefinition } from '../sign-in-methods.js';

/**
 * A MikroORM unit of work on the host's database (`@mikro-orm/postgresql`, a peer dependency).
 * A plugin uses it for its own entities and tables, and hands it to the calls below that take a
 * `tx` so that their writes join the plugin's transaction. Core tables are not a promise: read
 * and write them through the interfaces, not through the EntityManager.
 */
export type PluginEm = EntityManager;

/** Options of a single statement. */
export interface ReadOptions {
  /** Run as a named prepared statement (for fixed texts on hot paths; the host may turn this off behind a pooler). */
  prepare?: boolean;
}

/** Database access for the plugin's own tables. */
export interface PluginDatabase {
  /** A fresh unit of work (forked EntityManager); `em().transactional(fn)` runs `fn` in one transaction. */
  em(): PluginEm;
  /** One statement on its own (autocommit, outside any transaction), with bound `?` parameters. */
  read<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], opts?: ReadOptions): Promise<T[]>;
  /** One statement inside `tx`'s transaction (or on its own when `tx` has none), with bound `?` parameters. */
  rows<T = Record<string, unknown>>(tx: PluginEm, sql: string, params?: readonly unknown[], opts?: ReadOptions): Promise<T[]>;
}

/** R19: every change and every refusal leaves an audit event. */
export interface AuditLog {
  /** Queues the event in `tx`: the flush that writes the change writes the event, in the same transaction. */
  record(tx: PluginEm, actor: Actor, event: AuditInput): void;
  /** Writes the event now, on its own (a refusal, where there is no change to join). */
  write(actor: Actor, event: AuditInput): Promise<void>;
}

/**
 * Team members (R2, R5–R10). Each call is one transaction that checks the rules, writes its audit
 * event and, after commit, runs the hooks. Errors are RosterErrors with stable codes
 * (NOT_FOUND, CONFLICT, BAD_USER_INPUT, SEAT_LIMIT…).
 */
export interface MembersApi {
  get(teamId: string, membershipId: string): Promise<MemberRecord>;
  /** Creates a member (or attaches the existing person by email/userName rules). */
  provision(teamId: string, input: ProvisionMemberInput, actor: Actor): Promise<MemberRecord>;
  /**
   * The identity provider's write: profile, userName and active, in one transaction on the locked
   * member. `change` may be computed from the locked current member, and may throw to refuse
   * (e.g. an ETag precondition). Only fields that really change are written and audited.
   */
  sync(
    teamId: string,
    membershipId: string,
    change: SyncMemberInput | ((current: MemberRecord) => SyncMemberInput),
    actor: Actor,
  ): Promise<{ member: MemberRecord; changed: string[] }>;
  /** Activates or deactivates (R7: deactivation ends the member's sessions). `changed` false: it already was. */
  changeActive(teamId: string, membershipId: string, active: boolean, actor: Actor): Promise<{ changed: boolean; version: number }>;
  /** Removes the member; `guard` sees the locked current member and may throw to refuse. */
  remove(teamId: string, membershipId: string, actor: Actor, opts?: { guard?: (current: MemberRecord) => void }): Promise<void>;
}

/** Team groups (R13–R16). Calls that take `tx` join its transaction; without it each is its own. */
export interface GroupsApi {
  create(
    teamId: string,
    input: { displayName: string; externalId?: string | null; memberIds?: string[] },
    actor: Actor,
    tx?: PluginEm,
  ): Promise<GroupRecord>;
  update(
    teamId: string,
    groupId: string,
    input: { displayName?: string; externalId?: string | null },
    actor: Actor,
    tx?: PluginEm,
  ): Promise<GroupRecord>;
  remove(teamId: string, groupId: string, actor: Actor, tx?: PluginEm): Promise<void>;
  /**
   * Adds, removes or replaces members, in `tx`; with `tx` null, on its own (an add or a remove
   * alone of a group without a license type is then one statement, no transaction). Unknown
   * member ids fail with NOT_FOUND and `details.missing` listing them.
   */
  changeMembers(
    tx: PluginEm | null,
    teamId: string,
    groupId: string,
    change: { add?: string[]; remove?: string[]; replace?: string[] },
    actor: Actor,
  ): Promise<void>;
}

export interface TeamsApi {
  /** The team, or NOT_FOUND. */
  get(teamId: string): Promise<TeamRecord>;
  /** The team, or null (e.g. deleted meanwhile). */
  find(teamId: string): Promise<TeamRecord | null>;
  bySlug(slug: string): Promise<TeamRecord | null>;
}

/** Verified email domains (R4). */
export interface DomainsApi {
  /** The team that verified the domain of `email`, or null. */
  teamForEmail(email: string): Promise<string | null>;
}

/** Bearer API tokens (R17): shown once, stored hashed, revocable. */
export interface ApiTokensApi {
  create(teamId: string, name: string, scope: ApiTokenScope, actor: Actor): Promise<{ token: ApiTokenRecord; secret: string }>;
  /** Live tokens of the team with that scope. */
  list(teamId: string, scope: ApiTokenScope): Promise<ApiTokenRecord[]>;
  /** A live token of the team by id, or null. */
  find(teamId: string, tokenId: string, scope: ApiTokenScope): Promise<ApiTokenRecord | null>;
  revoke(teamId: string, tokenId: string, actor: Actor): Promise<void>;
  /** The token behind a bearer secret, when it is live and has `scope`; else null. */
  verify(secret: string, scope: ApiTokenScope): Promise<VerifiedApiToken | null>;
}

/** Browser sessions (stored hashed; any node checks them). */
export interface SessionsApi {
  /** Ends the session of this cookie value (nothing if it is unknown). */
  revoke(token: string): Promise<void>;
  /** Ends every session signed in through the connection; returns how many. */
  revokeForConnection(teamId: string, connectionId: string): Promise<number>;
  /**
   * The IdP's handle of the session of `token` when it was signed in through `connectionId`,
   * taken once: the session forgets it, so a second logout does not find it again.
   */
  takeSsoHandle(token: string, connectionId: string): Promise<SsoHandle | null>;
  /**
   * IdP-initiated single logout: ends the live sessions of `connectionId` whose handle names
   * `subject` (and one of `sessionIndexes`, when any are given). Returns how many ended.
   */
  revokeBySsoHandle(connectionId: string, subject: string, sessionIndexes: readonly string[]): Promise<number>;
}

/** Short-lived state shared by every node (an SSO flow between redirect and callback). */
export interface FlowStore {
  put(namespace: string, key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /** The value, once: it is gone afterwards. Null when unknown or expired. */
  take(namespace: string, key: string): Promise<unknown | null>;
  peek(namespace: string, key: string): Promise<unknown | null>;
}

/** One-time use of protocol messages (assertion ids, nonces) across nodes. */
export interface ReplayCache {
  /** True the first time `key` is claimed in `namespace` before `expiresAt`; false on a replay. */
  claim(namespace: string, key: string, expiresAt: Date): Promise<boolean>;
}

/** The deployment's secret box (AES-256-GCM under the server's secret key). */
export interface Secrets {
  encrypt(plaintext: string): string;
  /** Throws on a value that was not sealed by this deployment's key. */
  decrypt(sealed: string): string;
}

/**
 * Configuration rows kept per node (an SSO connection read on every sign-in). Tables that opt in
 * carry the trigger of `notifyRowChangesSql` (a migration helper), so every change of a row drops
 * it on every node at commit.
 */
export interface ConfigCache {
  /** Take before reading the row; `set` ignores a value read before a change that raced it. */
  ticket(): number;
  get<V>(table: string, id: string): V | undefined;
  set<V>(table: string, id: string, value: V, ticket: number): void;
  /** This node wrote the row: forget it now (the trigger's announcement follows at commit). */
  changedRow(table: string, id: string): void;
}

/** Everything of the host's domain a plugin may use: `ctx.core`. */
/** The sign-in methods this deployment knows (R3), fixed at boot; each enabled plugin's are declared on its definition. */
export interface SignInMethodsApi {
  /** A declared method, with who declared it (`core` or a plugin name), or null. */
  get(id: string): (SignInMethodDefinition & { declaredBy: string }) | null;
  /** Why `policy` keeps members out of `methodId` (a stable code and words), or null when it lets them in. */
  policyRefusal(policy: TeamSignInPolicy, methodId: string): { code: string; reason: string } | null;
}

export interface PluginCore {
  readonly db: PluginDatabase;
  readonly audit: AuditLog;
  readonly members: MembersApi;
  readonly groups: GroupsApi;
  readonly teams: TeamsApi;
  readonly domains: DomainsApi;
  readonly tokens: ApiTokensApi;
  readonly sessions: SessionsApi;
  readonly flows: FlowStore;
  readonly replay: ReplayCache;
  readonly secrets: Secrets;
  readonly rows: ConfigCache;
  readonly signInMethods: SignInMethodsApi;
}
