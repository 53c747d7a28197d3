import type { MikroORM } from '@mikro-orm/postgresql';
import { HookBus, runBound, setPreparedStatements, type BoundOptions, type Em, type ReadFn } from './services/context.js';
import { SeatEngine } from './services/seats.js';
import { SessionService } from './services/sessions.js';
import { MemberService } from './services/members.js';
import { GroupService } from './services/groups.js';
import { TeamService } from './services/teams.js';
import { TokenService } from './services/tokens.js';
import { SetupLinkService } from './services/setup-links.js';
import { DomainService, type TxtResolver } from './services/domains.js';
import { SignInService } from './services/sign-in.js';
import { FlowStore, ReplayGuard } from './services/stores.js';
import { SecretBox } from './services/crypto.js';
import { RowCache } from './services/row-cache.js';
import { PasswordThrottle } from './services/throttle.js';
import { SignInMethodRegistry } from './services/sign-in-methods.js';
import { EventLog } from './services/events.js';
import { WebhookService, type WebhookUrlCheck } from './services/webhooks/endpoints.js';

export interface CoreOptions {
  orm: MikroORM;
  /** Encrypts secrets kept at rest (ROSTER_SECRET_KEY). */
  secretKey: string;
  sessionTtlSeconds?: number;
  resolveTxt?: TxtResolver;
  /** Longest a node trusts a verified bearer token without asking the database (0: never); the cache is off until the host says revocations reach it. */
  tokenCacheTtlMs?: number;
  /** Longest a node keeps a cached configuration row (RowCache; 0: never); off until the host says changes reach it. */
  rowCacheTtlMs?: number;
  /**
   * Named prepared statements for the hot fixed statements (default on). Off behind a pooler
   * that gives each transaction another server connection (PgBouncer in transaction mode < 1.21).
   */
  preparedStatements?: boolean;
  /** The sign-in methods of this deployment (built from the enabled plugins); `password` is always there. */
  signInMethods?: SignInMethodRegistry;
  /**
   * Whether changes write their events (default on). Off only in the outbox benchmark, which
   * measures the log's cost against the same build without it (ROSTER_EVENTS=off, bench-only).
   */
  events?: boolean;
  /**
   * Why a webhook URL may not be used, or null: the server passes the operator's outbound policy
   * (the SSO toolkit's). Without one every webhook URL is refused.
   */
  webhookUrlCheck?: WebhookUrlCheck;
  /** The plugins the host loaded (name and version), for `Query.plugins`. */
  plugins?: ReadonlyArray<{ name: string; version: string }>;
}

/** The composition root of the domain: every channel gets the same services. */
export function createCore(opts: CoreOptions) {
  const em = (): Em => opts.orm.em.fork() as Em;
  // Hot read paths skip the EntityManager: bound parameters, no fork, no client-side formatting.
  const knex = opts.orm.em.getConnection().getKnex();
  setPreparedStatements(opts.orm.em as Em, opts.preparedStatements !== false);
  const read: ReadFn = <T = Record<string, unknown>>(sql: string, params: readonly unknown[] = [], o: BoundOptions = {}): Promise<T[]> =>
    runBound<T>(knex, undefined, sql, params, o);
  const hooks = new HookBus();
  const events = new EventLog({ read, em, enabled: opts.events !== false });
  const seats = new SeatEngine({ events });
  const sessions = new SessionService({ em, read, ttlSeconds: opts.sessionTtlSeconds ?? 12 * 3600 });
  const members = new MemberService({ em, read, seats, sessions, hooks, events });
  const groups = new GroupService({ em, read, seats, events });
  const signInMethods = opts.signInMethods ?? new SignInMethodRegistry();
  const teams = new TeamService({ em, seats, hooks, methods: signInMethods, events });
  const tokens = new TokenService({ em, read, events, cacheTtlMs: opts.tokenCacheTtlMs });
  const domains = new DomainService({ em, events, resolveTxt: opts.resolveTxt });
  const throttle = new PasswordThrottle({ read, secretKey: opts.secretKey });
  const secrets = new SecretBox(opts.secretKey);
  const webhooks = new WebhookService({
    em,
    read,
    secrets,
    checkUrl: opts.webhookUrlCheck ?? (() => Promise.resolve('no outbound policy is configured for webhooks')),
  });
  const signIn = new SignInService({ em, read, members, sessions, throttle, methods: signInMethods, events });
  return {
    orm: opts.orm,
    em,
    read,
    hooks,
    /** The event log (outbox): services publish in the transaction of the change; the API lists it. */
    events,
    seats,
    sessions,
    members,
    groups,
    teams,
    tokens,
    /** Self-serve setup links for a customer's IT admin (#16). */
    setupLinks: new SetupLinkService({ em, read }),
    domains,
    signIn,
    /** Declared sign-in methods (R3): what team policies may list, and which count as SSO. */
    signInMethods,
    /** Password guessing limits (per login and source, with backstops that slow down), device cookies. */
    throttle,
    replay: new ReplayGuard(em, read),
    /** Configuration rows (SSO connections) kept per node, invalidated by NOTIFY: see RowCache. */
    rows: new RowCache({ ttlMs: opts.rowCacheTtlMs ?? 15_000, maxEntries: 10_000 }),
    flows: new FlowStore(em, read),
    secrets,
    /** Webhook endpoints and their delivery log; delivery itself runs in WebhookWorker (the server's periodic job). */
    webhooks,
    /** The plugins the host loaded: what the admin console may show sections for. */
    plugins: opts.plugins ?? [],
  };
}

export type Core = ReturnType<typeof createCore>;
