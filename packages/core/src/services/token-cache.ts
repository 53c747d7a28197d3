import type { VerifiedToken } from './tokens.js';

/**
 * Verified bearer tokens kept by this node, so that a SCIM or API request does not spend a
 * statement on its token (on the machines measured, each statement is a large share of a
 * request's cost: docs/benchmarks.md).
 *
 * It never decides on its own that a token is live for long:
 * - it is **off** until the host says revocations reach it (`setLive(true)`): the server does so
 *   while its `LISTEN` connection is up (every revocation committed by any node is then announced
 *   to it), or for the embedded database, which only this process can reach. When the listener
 *   drops, the host calls `setLive(false)`: everything is forgotten and every request checks
 *   the database again until the listener is back;
 * - an entry lives at most `ttlMs`, which bounds the damage of a listener that stalls silently;
 * - a revocation seen while a verification was reading the database makes that verification
 *   not cache (`seq`), so a read that raced a revocation cannot plant a stale entry.
 * Only positive answers are kept: an unknown secret always asks the database.
 */
export class TokenCache {
  private readonly entries = new Map<string, { token: VerifiedToken; until: number; lastUsedAt: number }>();
  private live = false;
  /** Bumped by every revocation and reset; a verification caches only if it did not move. */
  private seq = 0;

  constructor(private readonly opts: { ttlMs: number; maxEntries: number; now?: () => number }) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  get enabled(): boolean {
    return this.live && this.opts.ttlMs > 0;
  }

  /** The host's word on whether revocations reach this node; either way the cache starts empty. */
  setLive(live: boolean): void {
    this.live = live;
    this.clear();
  }

  /** A token id was revoked (here or on another node). */
  revoked(tokenId: string): void {
    this.seq++;
    for (const [hash, e] of this.entries) if (e.token.id === tokenId) this.entries.delete(hash);
  }

  clear(): void {
    this.seq++;
    this.entries.clear();
  }

  /** A ticket to take before reading the database, for `set`. */
  ticket(): number {
    return this.seq;
  }

  get(hash: string): { token: VerifiedToken; lastUsedAt: number } | null {
    if (!this.enabled) return null;
    const e = this.entries.get(hash);
    if (!e) return null;
    if (e.until <= this.now()) {
      this.entries.delete(hash);
      return null;
    }
    return e;
  }

  set(hash: string, token: VerifiedToken, lastUsedAt: number, ticket: number): void {
    if (!this.enabled || ticket !== this.seq) return;
    if (this.entries.size >= this.opts.maxEntries) this.entries.clear();
    this.entries.set(hash, { token, until: this.now() + this.opts.ttlMs, lastUsedAt });
  }

  /** Records that `last_used_at` was just written for this entry. */
  touched(hash: string, at: number): void {
    const e = this.entries.get(hash);
    if (e) e.lastUsedAt = at;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The PostgreSQL channel on which revocations are announced to every node (payload: token id). */
export const TOKEN_REVOKED_CHANNEL = 'roster_token_revoked';
