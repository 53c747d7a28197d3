import { NodeCache } from './node-cache.js';
import type { VerifiedToken } from './tokens.js';

/**
 * Verified bearer tokens kept by this node (NodeCache: off until revocations reach it, bounded
 * life, no caching of a read that raced a revocation). The embedded database, which only this
 * process reaches, turns it on directly: its revocations drop the entry here.
 */
export class TokenCache extends NodeCache<{ token: VerifiedToken; lastUsedAt: number }> {
  /** A token id was revoked (here or on another node). */
  revoked(tokenId: string): void {
    this.forget((_hash, e) => e.token.id === tokenId);
  }

  get(hash: string): { token: VerifiedToken; lastUsedAt: number } | null {
    return this.entry(hash) ?? null;
  }

  set(hash: string, token: VerifiedToken, lastUsedAt: number, ticket: number): void {
    this.store(hash, { token, lastUsedAt }, ticket);
  }

  /** Records that `last_used_at` was just written for this entry. */
  touched(hash: string, at: number): void {
    const e = this.entry(hash);
    if (e) e.lastUsedAt = at;
  }
}

/**
 * The PostgreSQL channel on which revocations are announced to every node (payload: token id), by
 * api_token's triggers (core/0006): every write path, raw SQL included.
 */
export const TOKEN_REVOKED_CHANNEL = 'roster_token_revoked';
