import { createHash, randomBytes } from 'node:crypto';
import type { PluginDatabase } from '@roster/plugin-sdk';

/** 32 random bytes, base64url: 43 characters, the only copy is in the email. */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

export const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Counter keys hold no address, only its hash. */
const counterKey = (kind: 'addr' | 'ip', value: string) => `${kind}:${createHash('sha256').update(value).digest('hex')}`;

export type ConsumeResult =
  | { ok: true; teamId: string; memberId: string; returnTo: string | null }
  | { ok: false; code: 'EMAIL_LINK_INVALID' | 'EMAIL_LINK_USED' | 'EMAIL_LINK_EXPIRED'; teamId: string | null; memberId: string | null };

/** Every statement is one atomic step: nodes share nothing but PostgreSQL. */
export class LinkStore {
  constructor(private readonly db: PluginDatabase) {}

  async issue(input: { teamId: string; memberId: string; returnTo: string | null; ttlSeconds: number }): Promise<string> {
    const token = newLinkToken();
    await this.db.read(
      `insert into email_link_token (token_hash, team_id, membership_id, return_to, expires_at)
       values (?, ?, ?, ?, now() + make_interval(secs => ?))`,
      [hashLinkToken(token), input.teamId, input.memberId, input.returnTo, input.ttlSeconds],
    );
    return token;
  }

  /**
   * Single use: one `update … where used_at is null and not expired … returning`, so of two
   * clicks at once on any nodes exactly one gets the row. A miss is then explained (for the
   * trace and the message), never retried.
   */
  async consume(token: string): Promise<ConsumeResult> {
    const hash = hashLinkToken(token);
    const [row] = await this.db.read<{ team_id: string; membership_id: string; return_to: string | null }>(
      `update email_link_token set used_at = now()
       where token_hash = ? and used_at is null and expires_at > now()
       returning team_id, membership_id, return_to`,
      [hash],
    );
    if (row) return { ok: true, teamId: row.team_id, memberId: row.membership_id, returnTo: row.return_to };
    const [spent] = await this.db.read<{ team_id: string; membership_id: string; used: boolean }>(
      'select team_id, membership_id, used_at is not null as used from email_link_token where token_hash = ?',
      [hash],
    );
    if (!spent) return { ok: false, code: 'EMAIL_LINK_INVALID', teamId: null, memberId: null };
    return { ok: false, code: spent.used ? 'EMAIL_LINK_USED' : 'EMAIL_LINK_EXPIRED', teamId: spent.team_id, memberId: spent.membership_id };
  }

  /**
   * Takes one hit on a fixed-window counter, atomically: no row back means the window is full
   * (and the hit is not counted). A window older than `windowSeconds` starts over.
   */
  async hit(kind: 'addr' | 'ip', value: string, limit: number, windowSeconds: number): Promise<boolean> {
    const rows = await this.db.read(
      `insert into email_link_rate as r (key, hits, window_start) values (?, 1, now())
       on conflict (key) do update set
         hits = case when r.window_start <= now() - make_interval(secs => ?) then 1 else r.hits + 1 end,
         window_start = case when r.window_start <= now() - make_interval(secs => ?) then now() else r.window_start end
       where r.window_start <= now() - make_interval(secs => ?) or r.hits < ?
       returning hits`,
      [counterKey(kind, value), windowSeconds, windowSeconds, windowSeconds, limit],
    );
    return rows.length === 1;
  }

  /** Housekeeping: links a day past their expiry, windows long over. Idempotent, any node. */
  async purge(windowSeconds: number): Promise<void> {
    await this.db.read("delete from email_link_token where expires_at < now() - interval '1 day'");
    await this.db.read('delete from email_link_rate where window_start < now() - make_interval(secs => ?)', [windowSeconds]);
  }
}
