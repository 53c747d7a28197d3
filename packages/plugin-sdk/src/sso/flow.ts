/**
 * Pending sign-ins of every protocol (OIDC `state`, SAML AuthnRequest ids, WS-Fed `wctx`): one
 * store, one browser binding, one order of checks.
 *
 * - The state lives in PostgreSQL (`core.flows`), so any node finishes a flow another started.
 * - It is bound to the connection (and team) it was started for: a response arriving on another
 *   connection's endpoint is refused (OIDC mix-up, RFC 9700 4.4).
 * - It is bound to the browser that started it: an HttpOnly cookie holds a hash of each pending
 *   key (never the key itself), a few at a time so parallel tabs work.
 * - `claim` consumes the pending request only after every check passed (binding, connection,
 *   team, the caller's own), so a refused response never burns the legitimate one that follows.
 */
import { createHash } from 'node:crypto';
import { parseCookieHeader, serializeCookie, type CookieAttributes } from './cookie.js';

/** `core.flows`, or a Map-backed store in protocol tests. */
export interface FlowStoreLike {
  put(namespace: string, key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /** Single use: the value once, then gone; null when unknown or expired. */
  take(namespace: string, key: string): Promise<unknown | null>;
  peek(namespace: string, key: string): Promise<unknown | null>;
}

/** What every pending sign-in records, plus the protocol's own `data`. */
export interface SsoFlow<D> {
  connectionId: string;
  /** Null only for a platform-level connection (the operator's Google sign-in). */
  teamId: string | null;
  /** Already checked with `checkReturnTo`. */
  returnTo: string | null;
  /** Seconds since the epoch. */
  createdAt: number;
  data: D;
}

export interface SsoFlowOptions<D> {
  /** Flow-store namespace, e.g. `oidc`, `saml-request`, `wsfed`. */
  namespace: string;
  /** The binding cookie: its name and path (scoped to the plugin's routes). */
  cookie: { name: string; path: string; sameSite: 'Lax' | 'None' };
  ttlSeconds: number;
  /** Pending sign-ins one browser may have at once (tabs); the oldest falls out. @default 4 */
  maxPending?: number;
  /** Reads the protocol's `data` back from the store (null: not a flow of this shape). */
  parseData(raw: unknown): D | null;
}

/** Keys are ours (random) or the IdP's echo of ours: anything else never reaches the store. */
const KEY = /^[A-Za-z0-9_.:-]{8,256}$/;
const HASH = /^[A-Za-z0-9_-]{22}$/;

/** What the binding cookie holds for a key: 128 bits of its SHA-256, never the key itself. */
export function flowKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

export type FlowClaim<D> =
  | { ok: true; flow: SsoFlow<D>; setCookie: string }
  /** `flow` is set when the pending request exists (to trace the refusal to its team); it was not consumed. */
  | { ok: false; reason: string; flow: SsoFlow<D> | null };

export interface ClaimExpectation<D> {
  /** The connection whose endpoint the response arrived on. */
  connectionId: string;
  /** Its team (null: the platform connection). */
  teamId: string | null;
  /**
   * The protocol's own checks, run once the pending request is known to be this browser's and
   * this connection's, before it is consumed (e.g. the signed response itself); a string is the
   * refusal reason.
   */
  check?: (flow: SsoFlow<D>) => string | null | Promise<string | null>;
}

export class SsoFlows<D> {
  private readonly maxPending: number;

  constructor(
    private readonly store: FlowStoreLike,
    private readonly options: SsoFlowOptions<D>,
    /** Secure context (https public URL or production): decides `Secure` and whether `SameSite=None` is kept. */
    private readonly secure: () => boolean,
  ) {
    this.maxPending = options.maxPending ?? 4;
  }

  /** Hashes of the keys this browser started, oldest first. */
  pending(cookieHeader: string | undefined): string[] {
    const value = parseCookieHeader(cookieHeader).get(this.options.cookie.name);
    if (!value) return [];
    return value
      .split('.')
      .filter((h) => HASH.test(h))
      .slice(-this.maxPending);
  }

  /** Stores a new pending sign-in under `key` and returns the binding cookie to set. */
  async begin(key: string, flow: Omit<SsoFlow<D>, 'createdAt'>, cookieHeader: string | undefined): Promise<{ setCookie: string }> {
    if (!KEY.test(key)) throw new Error(`flow key "${key}" is not a valid key`);
    const record: SsoFlow<D> = { ...flow, createdAt: Math.floor(Date.now() / 1000) };
    await this.store.put(this.options.namespace, key, record, this.options.ttlSeconds);
    const hash = flowKeyHash(key);
    return { setCookie: this.cookie([...this.pending(cookieHeader).filter((h) => h !== hash), hash].slice(-this.maxPending)) };
  }

  /** Reads a pending sign-in without consuming it (to trace a refusal to its team). */
  async peek(key: string | undefined): Promise<SsoFlow<D> | null> {
    if (key === undefined || !KEY.test(key)) return null;
    return this.parse(await this.store.peek(this.options.namespace, key));
  }

  /**
   * Finishes a pending sign-in: browser binding → known key → same connection and team → the
   * caller's check → consumed (single use, so of two racing callers only one wins).
   */
  async claim(key: string | undefined, cookieHeader: string | undefined, expect: ClaimExpectation<D>): Promise<FlowClaim<D>> {
    if (key === undefined || key === '') return { ok: false, reason: 'the response carries no sign-in state', flow: null };
    if (!KEY.test(key)) return { ok: false, reason: 'the sign-in state is malformed', flow: null };
    const hash = flowKeyHash(key);
    const pending = this.pending(cookieHeader);
    // Checked before the store is touched: a response replayed in another browser learns nothing.
    if (!pending.includes(hash))
      return { ok: false, reason: 'the sign-in was not started in this browser (its binding cookie is missing)', flow: null };
    const flow = await this.peek(key);
    if (!flow) return { ok: false, reason: 'unknown, expired or already used sign-in state', flow: null };
    if (Date.now() / 1000 - flow.createdAt > this.options.ttlSeconds)
      return { ok: false, reason: 'the sign-in took too long; start again', flow };
    if (flow.connectionId !== expect.connectionId || flow.teamId !== expect.teamId) {
      return {
        ok: false,
        reason:
          flow.teamId !== expect.teamId ? 'the sign-in was started for another team' : 'the sign-in was started for another connection',
        flow,
      };
    }
    const problem = (await expect.check?.(flow)) ?? null;
    if (problem) return { ok: false, reason: problem, flow };
    if (!this.parse(await this.store.take(this.options.namespace, key)))
      return { ok: false, reason: 'unknown, expired or already used sign-in state', flow: null };
    return { ok: true, flow, setCookie: this.cookie(pending.filter((h) => h !== hash)) };
  }

  /** The binding cookie holding `hashes` (none: deleted). */
  private cookie(hashes: string[]): string {
    const { name, path, sameSite } = this.options.cookie;
    const attributes: CookieAttributes = { path, maxAge: hashes.length ? this.options.ttlSeconds : 0, secure: this.secure(), sameSite };
    return serializeCookie(name, hashes.join('.'), attributes);
  }

  private parse(raw: unknown): SsoFlow<D> | null {
    if (!raw || typeof raw !== 'object') return null;
    const v = raw as Record<string, unknown>;
    const ok =
      typeof v.connectionId === 'string' &&
      (typeof v.teamId === 'string' || v.teamId === null) &&
      (typeof v.returnTo === 'string' || v.returnTo === null) &&
      typeof v.createdAt === 'number';
    if (!ok) return null;
    const data = this.options.parseData(v.data);
    if (data === null) return null;
    return {
      connectionId: v.connectionId as string,
      teamId: v.teamId as string | null,
      returnTo: v.returnTo as string | null,
      createdAt: v.createdAt as number,
      data,
    };
  }
}
