import { randomUUID } from 'node:crypto';
import { fail, type ErrorCode } from '../errors.js';
import { audit, auditRefusal } from './audit.js';
import type { Actor, Em, ReadFn } from './context.js';
import { hashToken, newSecret } from './crypto.js';

export type SetupScope = 'sso' | 'scim';
export const SETUP_SCOPES: readonly SetupScope[] = ['sso', 'scim'];
export const SETUP_LINK_DEFAULT_DAYS = 7;
const MAX_DAYS = 30;

export interface SetupLink {
  id: string;
  teamId: string;
  scopes: SetupScope[];
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface Row {
  id: string;
  team_id: string;
  scopes: string[];
  note: string | null;
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = 'id, team_id, scopes, note, created_by, created_at, expires_at, revoked_at, last_used_at';

const toLink = (r: Row): SetupLink => ({
  id: r.id,
  teamId: r.team_id,
  scopes: r.scopes as SetupScope[],
  note: r.note,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  expiresAt: new Date(r.expires_at),
  revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
});

// Writing last_used_at on every request would turn each read into a write; a minute is enough.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Self-serve setup links (#16): a team admin (or the host app with an API token) hands a link
 * to the customer's IT admin, who configures the team's SSO and/or SCIM without a Roster
 * account. The secret is shown once and kept as its SHA-256; a link expires (7 days by
 * default, 30 at most), can be revoked, and every creation, revocation and refused use is
 * audited (R19). What a link's viewer may reach is decided in `graphql/setup-scope.ts`.
 */
export class SetupLinkService {
  constructor(private readonly deps: { em: () => Em; read: ReadFn }) {}

  async create(
    teamId: string,
    input: { scopes: SetupScope[]; expiresInDays?: number | null; note?: string | null },
    actor: Actor,
  ): Promise<{ link: SetupLink; secret: string }> {
    const scopes = [...new Set(input.scopes)].filter((s) => SETUP_SCOPES.includes(s));
    if (scopes.length === 0) fail('BAD_USER_INPUT', 'A setup link needs at least one scope: SSO or SCIM.');
    const days = input.expiresInDays ?? SETUP_LINK_DEFAULT_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS)
      fail('BAD_USER_INPUT', `A setup link lasts 1–${MAX_DAYS} days (default ${SETUP_LINK_DEFAULT_DAYS}).`);
    const note = input.note?.trim() || null;
    if (note && note.length > 200) fail('BAD_USER_INPUT', 'The note is at most 200 characters.');
    const secret = newSecret('rsl');
    const id = randomUUID();
    return this.deps.em().transactional(async (em) => {
      const rows = await em.execute<Row[]>(
        `insert into setup_link (id, team_id, token_hash, scopes, note, created_by, expires_at)
         values (?, ?, ?, ?::text[], ?, ?, now() + make_interval(days => ?)) returning ${COLUMNS}`,
        [id, teamId, hashToken(secret), `{${scopes.join(',')}}`, note, actor.label ?? actor.id ?? null, days],
      );
      const link = toLink(rows[0]!);
      audit(em, actor, {
        teamId,
        action: 'setup_link.created',
        target: { type: 'setup_link', id },
        data: { scopes, expiresAt: link.expiresAt.toISOString(), note },
      });
      return { link, secret };
    });
  }

  /** Links not yet revoked nor expired, newest first. */
  async list(teamId: string): Promise<SetupLink[]> {
    const rows = await this.deps.read<Row>(
      `select ${COLUMNS} from setup_link where team_id = ? and revoked_at is null and expires_at > now() order by created_at desc`,
      [teamId],
    );
    return rows.map(toLink);
  }

  async revoke(teamId: string, id: string, actor: Actor): Promise<void> {
    await this.deps.em().transactional(async (em) => {
      const rows = await em.execute<Array<{ id: string }>>(
        'update setup_link set revoked_at = now() where id = ? and team_id = ? and revoked_at is null returning id',
        [id, teamId],
      );
      if (rows.length === 0) fail('NOT_FOUND', 'No such live setup link in this team.');
      audit(em, actor, { teamId, action: 'setup_link.revoked', target: { type: 'setup_link', id } });
    });
  }

  /**
   * The link a secret opens, or why it opens nothing: unknown, expired, revoked. Every refusal
   * is audited (on the link's team when the link exists).
   */
  async open(secret: string, requestId: string): Promise<{ ok: true; link: SetupLink } | { ok: false; code: ErrorCode }> {
    const rows = secret.startsWith('rsl_')
      ? await this.deps.read<Row>(`select ${COLUMNS} from setup_link where token_hash = ?`, [hashToken(secret)], { prepare: true })
      : [];
    const row = rows[0];
    const link = row ? toLink(row) : null;
    const code: ErrorCode | null = !link
      ? 'SETUP_LINK_INVALID'
      : link.revokedAt
        ? 'SETUP_LINK_REVOKED'
        : link.expiresAt.getTime() <= Date.now()
          ? 'SETUP_LINK_EXPIRED'
          : null;
    if (code || !link) {
      await auditRefusal(
        this.deps.em(),
        { type: 'token', channel: 'graphql', label: 'setup link', requestId, ...(link ? { id: link.id } : {}) },
        {
          teamId: link?.teamId ?? null,
          action: 'setup_link.refused',
          reason: code ?? 'SETUP_LINK_INVALID',
          ...(link ? { target: { type: 'setup_link', id: link.id } } : {}),
          data: { code },
        },
      );
      return { ok: false, code: code ?? 'SETUP_LINK_INVALID' };
    }
    if (!link.lastUsedAt || Date.now() - link.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS)
      await this.deps.read('update setup_link set last_used_at = now() where id = ?', [link.id]);
    return { ok: true, link };
  }
}
