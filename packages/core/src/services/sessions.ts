import { Session } from '../entities/index.js';
import { textArrayLiteral, type Em, type ReadFn } from './context.js';
import type { SsoSession } from './sign-in.js';
import { hashToken, newSecret } from './crypto.js';

export interface Viewer {
  userId: string;
  login: string;
  platformAdmin: boolean;
  teamId: string | null;
  membershipId: string | null;
  role: 'owner' | 'admin' | 'member' | null;
  /** How the request authenticated. */
  via: 'session' | 'token' | 'setup';
  sessionId?: string;
  tokenId?: string;
  tokenName?: string;
  /**
   * A setup link's viewer (`via: 'setup'`): admin of its one team, but only for these areas;
   * every GraphQL field outside them is refused (graphql/setup-scope.ts).
   */
  setupLinkId?: string;
  setupScopes?: readonly ('sso' | 'scim')[];
}

/**
 * Sessions live in PostgreSQL (hashed), so any node validates them and deactivation (R7)
 * revokes them at once: the lookup joins the membership and refuses inactive members.
 */
export class SessionService {
  constructor(private readonly deps: { em: () => Em; read: ReadFn; ttlSeconds: number }) {}

  /** A new secret, its hash and expiry, for callers that insert the session row themselves. */
  issue(): { token: string; tokenHash: string; expiresAt: Date } {
    const token = newSecret('rss');
    return { token, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + this.deps.ttlSeconds * 1000) };
  }

  async create(
    em: Em,
    input: { userId: string; teamId: string | null; membershipId: string | null; method: string; connectionId?: string },
  ): Promise<{ token: string; session: Session }> {
    const token = newSecret('rss');
    const s = em.create(Session, {
      tokenHash: hashToken(token),
      userId: input.userId,
      teamId: input.teamId,
      membershipId: input.membershipId,
      method: input.method,
      connectionId: input.connectionId ?? null,
      expiresAt: new Date(Date.now() + this.deps.ttlSeconds * 1000),
    });
    await em.flush();
    return { token, session: s };
  }

  async resolve(token: string): Promise<Viewer | null> {
    const rows = await this.deps.read(
      `select s.id, s.user_id, s.team_id, s.membership_id, u.login, u.platform_admin, m.role, m.status
       from session s join "user" u on u.id = s.user_id left join membership m on m.id = s.membership_id
       where s.token_hash = ? and s.revoked_at is null and s.expires_at > now()`,
      [hashToken(token)],
      { prepare: true },
    );
    const r = rows[0];
    if (!r) return null;
    if (r.membership_id && r.status !== 'active') return null;
    return {
      userId: String(r.user_id),
      login: String(r.login),
      platformAdmin: r.platform_admin === true,
      teamId: (r.team_id as string | null) ?? null,
      membershipId: (r.membership_id as string | null) ?? null,
      role: (r.role as Viewer['role']) ?? null,
      via: 'session',
      sessionId: String(r.id),
    };
  }

  async revoke(token: string): Promise<void> {
    await this.deps.em().execute('update session set revoked_at = now() where token_hash = ? and revoked_at is null', [hashToken(token)]);
  }

  /** Ends every session a connection issued (the connection was deleted or disabled). */
  async revokeForConnection(teamId: string, connectionId: string): Promise<number> {
    const rows = await this.deps
      .em()
      .execute<Array<{ id: string }>>(
        'update session set revoked_at = now() where team_id = ? and connection_id = ? and revoked_at is null returning id',
        [teamId, connectionId],
      );
    return rows.length;
  }

  /**
   * The IdP's handle of the session of `token` when it signed in through `connectionId`, taken
   * once (the session forgets it, so a second logout with the same cookie finds nothing).
   */
  async takeSso(token: string, connectionId: string): Promise<SsoSession | null> {
    const [taken] = await this.deps.read<{ sso: SsoSession | null }>(
      `update session s set sso = null
       from (select id, sso from session where token_hash = ? and connection_id = ? and sso is not null for update) old
       where s.id = old.id returning old.sso`,
      [hashToken(token), connectionId],
      { prepare: true },
    );
    return taken?.sso ?? null;
  }

  /**
   * IdP-initiated single logout: ends the live sessions of the connection whose handle names
   * `subject` (and one of `sessionIndexes`, when any are given). Returns how many ended.
   */
  async revokeBySso(connectionId: string, subject: string, sessionIndexes: readonly string[]): Promise<number> {
    const rows = await this.deps.read<{ id: string }>(
      `update session set revoked_at = now(), sso = null
       where connection_id = ? and sso is not null and sso->>'subject' = ? and revoked_at is null
         and (cardinality(?::text[]) = 0 or sso->>'sessionIndex' = any(?::text[]))
       returning id`,
      [connectionId, subject, textArrayLiteral(sessionIndexes), textArrayLiteral(sessionIndexes)],
      { prepare: true },
    );
    return rows.length;
  }

  async revokeForMembership(em: Em, membershipId: string): Promise<void> {
    await em.execute('update session set revoked_at = now() where membership_id = ? and revoked_at is null', [membershipId]);
  }
}
