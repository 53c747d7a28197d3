import { ApiToken, type TokenScope } from '../entities/index.js';
import { fail } from '../errors.js';
import { audit } from './audit.js';
import type { Actor, Em, ReadFn } from './context.js';
import { hashToken, newSecret } from './crypto.js';
import { TokenCache } from './token-cache.js';
import type { EventLog } from './events.js';
import { tokenResource } from './resources.js';

/** `scim.token.created`, `api.token.revoked`…: the event type of a token change. */
const tokenEvent = (scope: TokenScope, what: 'created' | 'revoked') => `${scope}.token.${what}`;

export interface VerifiedToken {
  id: string;
  teamId: string;
  name: string;
  scope: TokenScope;
}

// Writing last_used_at on every request would turn each read into a write; a minute is enough for "last use".
const LAST_USED_RESOLUTION_MS = 60_000;

/** R17: bearer tokens shown once, stored as SHA-256, listed by name and last use, revocable. */
export class TokenService {
  /** Off until the host turns it on (`cache.setLive`): see TokenCache for when that is safe. */
  readonly cache: TokenCache;

  constructor(private readonly deps: { em: () => Em; read: ReadFn; events: EventLog; cacheTtlMs?: number }) {
    this.cache = new TokenCache({ ttlMs: deps.cacheTtlMs ?? 15_000, maxEntries: 10_000 });
  }

  async create(teamId: string, name: string, scope: TokenScope, actor: Actor): Promise<{ token: ApiToken; secret: string }> {
    const clean = name.trim();
    if (!clean || clean.length > 100) fail('BAD_USER_INPUT', 'A token needs a name of 1–100 characters.');
    const secret = newSecret(`rst_${scope}`);
    return this.deps.em().transactional(async (em) => {
      const token = em.create(ApiToken, {
        teamId,
        name: clean,
        scope,
        tokenHash: hashToken(secret),
        prefix: secret.slice(0, 16),
        createdBy: actor.label ?? actor.id ?? null,
      });
      audit(em, actor, { teamId, action: 'token.created', target: { type: 'token', id: token.id }, data: { name: clean, scope } });
      await em.flush();
      await this.deps.events.publish(em, { teamId, type: tokenEvent(scope, 'created'), data: tokenResource(token), actor });
      return { token, secret };
    });
  }

  list(teamId: string, scope: TokenScope): Promise<ApiToken[]> {
    return this.deps.em().find(ApiToken, { teamId, scope, revokedAt: null }, { orderBy: { createdAt: 'asc' } });
  }

  /**
   * Ends the token on every node: api_token's trigger (core/0006) sends NOTIFY with the commit to
   * every node's listener, as it does for a token revoked or deleted in SQL by anyone.
   */
  async revoke(teamId: string, tokenId: string, actor: Actor): Promise<void> {
    await this.deps.em().transactional(async (em) => {
      const t = await em.findOne(ApiToken, { id: tokenId, teamId, revokedAt: null });
      if (!t) fail('NOT_FOUND', 'No such live token in this team.');
      t.revokedAt = new Date();
      audit(em, actor, { teamId, action: 'token.revoked', target: { type: 'token', id: t.id }, data: { name: t.name, scope: t.scope } });
      await em.flush();
      await this.deps.events.publish(em, { teamId, type: tokenEvent(t.scope, 'revoked'), data: tokenResource(t), actor });
    });
    this.cache.revoked(tokenId);
  }

  /** Returns the token only if live and of the wanted scope; the caller checks the team. */
  async verify(secret: string, scope: TokenScope): Promise<VerifiedToken | null> {
    const hash = hashToken(secret);
    const hit = this.cache.get(hash);
    if (hit) {
      if (hit.token.scope !== scope) return null;
      await this.touch(hash, hit.token.id, hit.lastUsedAt);
      return hit.token;
    }
    const ticket = this.cache.ticket();
    const rows = await this.deps.read<{ id: string; team_id: string; name: string; scope: string; last_used_at: Date | null }>(
      'select id, team_id, name, scope, last_used_at from api_token where token_hash = ? and revoked_at is null',
      [hash],
      { prepare: true },
    );
    const r = rows[0];
    if (!r || r.scope !== scope) return null;
    const token: VerifiedToken = { id: r.id, teamId: r.team_id, name: r.name, scope: r.scope };
    const lastUsedAt = await this.touch(hash, r.id, r.last_used_at ? new Date(r.last_used_at).getTime() : 0);
    this.cache.set(hash, token, lastUsedAt, ticket);
    return token;
  }

  /** Writes last_used_at when the stored one is older than the resolution; answers the one now stored. */
  private async touch(hash: string, tokenId: string, lastUsedAt: number): Promise<number> {
    const now = Date.now();
    if (now - lastUsedAt <= LAST_USED_RESOLUTION_MS) return lastUsedAt;
    this.cache.touched(hash, now);
    await this.deps.em().execute('update api_token set last_used_at = now() where id = ?', [tokenId]);
    return now;
  }
}
