import { ApiToken, type TokenScope } from '../entities/index.js';
import { fail } from '../errors.js';
import { audit } from './audit.js';
import type { Actor, Em, ReadFn } from './context.js';
import { hashToken, newSecret } from './crypto.js';

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
  constructor(private readonly deps: { em: () => Em; read: ReadFn }) {}

  async create(teamId: string, name: string, scope: TokenScope, actor: Actor): Promise<{ token: ApiToken; secret: string }> {
    const clean = name.trim();
    if (!clean || clean.length > 100) fail('BAD_USER_INPUT', 'A token needs a name of 1–100 characters.');
    const secret = newSecret(`rst_${scope}`);
    return this.deps.em().transactional(async (em) => {
      const token = em.create(ApiToken, { teamId, name: clean, scope, tokenHash: hashToken(secret), prefix: secret.slice(0, 16), createdBy: actor.label ?? actor.id ?? null });
      audit(em, actor, { teamId, action: 'token.created', target: { type: 'token', id: token.id }, data: { name: clean, scope } });
      return { token, secret };
    });
  }

  list(teamId: string, scope: TokenScope): Promise<ApiToken[]> {
    return this.deps.em().find(ApiToken, { teamId, scope, revokedAt: null }, { orderBy: { createdAt: 'asc' } });
  }

  async revoke(teamId: string, tokenId: string, actor: Actor): Promise<void> {
    await this.deps.em().transactional(async (em) => {
      const t = await em.findOne(ApiToken, { id: tokenId, teamId, revokedAt: null });
      if (!t) fail('NOT_FOUND', 'No such live token in this team.');
      t.revokedAt = new Date();
      audit(em, actor, { teamId, action: 'token.revoked', target: { type: 'token', id: t.id }, data: { name: t.name, scope: t.scope } });
    });
  }

  /** Returns the token only if live and of the wanted scope; the caller checks the team. */
  async verify(secret: string, scope: TokenScope): Promise<VerifiedToken | null> {
    const rows = await this.deps.read<{ id: string; team_id: string; name: string; scope: string; last_used_at: Date | null }>(
      'select id, team_id, name, scope, last_used_at from api_token where token_hash = ? and revoked_at is null',
      [hashToken(secret)],
    );
    const r = rows[0];
    if (!r || r.scope !== scope) return null;
    if (!r.last_used_at || Date.now() - new Date(r.last_used_at).getTime() > LAST_USED_RESOLUTION_MS) {
      await this.deps.em().execute('update api_token set last_used_at = now() where id = ?', [r.id]);
    }
    return { id: r.id, teamId: r.team_id, name: r.name, scope: r.scope };
  }
}
