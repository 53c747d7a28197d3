import { isIP } from 'node:net';
import { RosterError } from '@roster/core';
import { pluginList } from './plugin-loader.js';

export interface ServerConfig {
  host: string;
  port: number;
  /** null → embedded PostgreSQL (PGlite) in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  dbPoolMax: number;
  secretKey: string;
  publicUrl: string;
  production: boolean;
  plugins: string[];
  allowedOrigins: string[];
  sessionCookie: string;
  sessionTtlSeconds: number;
  introspection: boolean;
  logLevel: string;
  maxQueryDepth: number;
  maxQueryFields: number;
  /** Lexical tokens per GraphQL document: the parser stops there. */
  maxQueryTokens: number;
  /** Items of any list in a GraphQL request (arguments and variables). */
  maxListLength: number;
  /**
   * Uses of one query document before it runs compiled (graphql-jit, `graphql-executor.ts`); 0
   * keeps every operation on graphql-js.
   */
  graphqlCompileAfter: number;
  /**
   * How long one SQL statement may run. PostgreSQL cancels it then (`statement_timeout`); the
   * client gives up a second later and drops the connection, for a server that does not answer at all.
   */
  dbStatementTimeoutMs: number;
  /** How long opening a database connection, or waiting for a free one in the pool, may take. */
  dbConnectTimeoutMs: number;
  /** How long a node may trust a verified bearer token without asking the database (0: always ask). */
  tokenCacheSeconds: number;
  /** Named prepared statements for the hot statements; off behind PgBouncer in transaction mode before 1.21. */
  dbPreparedStatements: boolean;
  /**
   * PostgreSQL's JIT compilation for Roster's connections (ROSTER_DB_JIT, off by default: sent as
   * the `options` startup parameter `-c jit=off`). Roster's statements are short; JIT only ever
   * started on over-estimated ones and cost 40 ms of compilation for a read that runs in 1 ms
   * (#19). `true` leaves the server's setting (e.g. behind a PgBouncer that refuses `options`).
   */
  dbJit: boolean;
  /** Days the event log keeps an event (ROSTER_EVENT_RETENTION_DAYS); older ones are pruned by a periodic job. */
  eventRetentionDays: number;
  /**
   * Whether changes write events (ROSTER_EVENTS=on|off, default on). A bench-only switch: the
   * outbox benchmark measures SCIM with and without the log in one run; refused in production.
   */
  events: boolean;
  /**
   * Fastify's `trustProxy`: which proxies may name the client in `X-Forwarded-For` (`request.ip`,
   * which password throttling counts per). A hop count or a list of proxy addresses is safer than
   * `true`, with which a client can choose its own address when the proxy appends to the header.
   */
  trustProxy: boolean | number | string[];
  /** Admin-supplied URLs (IdP metadata, OIDC discovery…) may reach loopback / private addresses: labs and tests only. */
  outboundAllowPrivate: boolean;
  /** Private addresses SSO plugins may reach one by one (an on-premises IdP). */
  outboundAllowAddresses: string[];
  /** Options handed to plugins by name (e.g. the platform Google connection for `oidc`). */
  pluginOptions: Record<string, unknown>;
}

const DEV_SECRET = 'roster-development-secret-do-not-use-in-production';
export const DEFAULT_PLUGINS = ['scim', 'saml', 'oidc', 'wsfed'];

/**
 * Reads and validates the environment once, at boot, with messages that say what to set.
 * Defaults live here and nowhere else.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if (raw !== 'true' && raw !== 'false') problems.push(`${name} must be "true" or "false" (got "${raw}")`);
    return raw === 'true';
  };
  const eventsSwitch = (): boolean => {
    const raw = env.ROSTER_EVENTS;
    if (raw === undefined || raw === '' || raw === 'on') return true;
    if (raw !== 'off') problems.push(`ROSTER_EVENTS must be "on" or "off" (got "${raw}")`);
    else if (production) problems.push('ROSTER_EVENTS=off is for the benchmarks only: production always writes its events');
    return false;
  };
  const port = int('PORT', 4000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// URL');
  const secretKey = env.ROSTER_SECRET_KEY || (production ? '' : DEV_SECRET);
  if (production && secretKey.length < 32)
    problems.push('ROSTER_SECRET_KEY must be set to at least 32 random characters in production (it encrypts secrets at rest)');
  if (production && !databaseUrl) problems.push('DATABASE_URL must be set in production (the embedded database is for development)');
  const port_ = Number.isInteger(port) ? port : 4000;
  const publicUrl = (env.ROSTER_PUBLIC_URL || `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port_}`).replace(/\/$/, '');
  try {
    const u = new URL(publicUrl);
    if (production && u.protocol !== 'https:') problems.push('ROSTER_PUBLIC_URL must be https in production');
  } catch {
    problems.push(`ROSTER_PUBLIC_URL is not a URL: "${publicUrl}"`);
  }
  const googleId = env.ROSTER_GOOGLE_CLIENT_ID;
  const googleSecret = env.ROSTER_GOOGLE_CLIENT_SECRET;
  if (Boolean(googleId) !== Boolean(googleSecret))
    problems.push('Set both ROSTER_GOOGLE_CLIENT_ID and ROSTER_GOOGLE_CLIENT_SECRET for Google sign-in, or neither');
  const pluginOptions: Record<string, unknown> =
    googleId && googleSecret ? { oidc: { google: { clientId: googleId, clientSecret: googleSecret } } } : {};
  const plugins = pluginList(env.ROSTER_PLUGINS ?? DEFAULT_PLUGINS.join(','));
  for (const a of (env.ROSTER_OUTBOUND_ALLOW_ADDRESSES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (isIP(a.replace(/^\[|\]$/g, '')) === 0) problems.push(`ROSTER_OUTBOUND_ALLOW_ADDRESSES must list IP addresses (got "${a}")`);
  }
  const allowedOrigins = (env.ROSTER_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const trustProxy = ((): boolean | number | string[] => {
    const raw = env.ROSTER_TRUST_PROXY?.trim();
    if (!raw) return production;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    if (/^\d+$/.test(raw)) return Number(raw);
    const list = raw
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (!list.every((x) => /^[0-9a-fA-F.:/]+$/.test(x)))
      problems.push(
        `ROSTER_TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses / CIDRs (got "${raw}")`,
      );
    return list;
  })();
  const cfg: ServerConfig = {
    host,
    port,
    databaseUrl,
    dataDir: env.ROSTER_DATA_DIR || '.roster-data',
    dbPoolMax: int('ROSTER_DB_POOL_MAX', 10, 1, 200),
    secretKey,
    publicUrl,
    production,
    plugins,
    allowedOrigins: [originOf(publicUrl), ...allowedOrigins].filter((o): o is string => o !== null),
    sessionCookie: 'roster_session',
    sessionTtlSeconds: int('ROSTER_SESSION_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    introspection: env.ROSTER_GRAPHQL_INTROSPECTION ? env.ROSTER_GRAPHQL_INTROSPECTION === 'true' : !production,
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    maxQueryDepth: int('ROSTER_GRAPHQL_MAX_DEPTH', 10, 2, 50),
    maxQueryFields: int('ROSTER_GRAPHQL_MAX_FIELDS', 500, 10, 2000),
    maxQueryTokens: int('ROSTER_GRAPHQL_MAX_TOKENS', 5000, 100, 100_000),
    maxListLength: int('ROSTER_GRAPHQL_MAX_LIST', 1000, 1, 100_000),
    graphqlCompileAfter: int('ROSTER_GRAPHQL_COMPILE_AFTER', 2, 0, 1_000_000),
    dbStatementTimeoutMs: int('ROSTER_DB_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
    dbConnectTimeoutMs: int('ROSTER_DB_CONNECT_TIMEOUT_MS', 3000, 100, 60_000),
    tokenCacheSeconds: int('ROSTER_TOKEN_CACHE_SECONDS', 15, 0, 300),
    dbPreparedStatements: bool('ROSTER_DB_PREPARED_STATEMENTS', true),
    dbJit: bool('ROSTER_DB_JIT', false),
    eventRetentionDays: int('ROSTER_EVENT_RETENTION_DAYS', 30, 1, 3650),
    events: eventsSwitch(),
    trustProxy,
    outboundAllowPrivate: bool('ROSTER_OUTBOUND_ALLOW_PRIVATE', false),
    outboundAllowAddresses: (env.ROSTER_OUTBOUND_ALLOW_ADDRESSES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    pluginOptions,
    ...overrides,
  };
  if (problems.length) throw new RosterError('CONFIG_INVALID', `Roster cannot start:\n  - ${problems.join('\n  - ')}`);
  return cfg;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
