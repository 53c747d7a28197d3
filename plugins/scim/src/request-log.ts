/**
 * #16 the live log of a team's latest SCIM requests, for the console's SCIM page: who called
 * (which token), what (method, path, the filter), the outcome (status, scimType, detail), the
 * resource concerned and how long it took.
 *
 * Off the request path (#19: a SCIM write is one autocommit statement and stays so): `record`
 * only appends to an in-memory buffer, and `flush` — on a short timer and at shutdown — writes
 * the buffer with one multi-row insert. A crash therefore loses the entries of the last flush
 * interval (a fraction of a second). That is acceptable because this is an operational log for
 * watching an IdP connect, not the audit trail: every change a SCIM request makes is audited
 * durably, in the transaction of the change (R19). Bounded everywhere: the buffer (entries
 * beyond it are counted and dropped), refusals per team per interval (a stranger sending bad
 * tokens cannot push the real entries out), and the table (`prune` keeps the latest entries of
 * each team that was written, through the (team_id, at desc) index).
 */
import type { PluginDatabase } from '@roster/plugin-sdk';
import type { ScimRequest, ScimResponse } from './handler/request.js';

export interface RequestLogEntry {
  teamId: string;
  at: Date;
  tokenId: string | null;
  method: string;
  /** Below the team's base URL, with the filter when there is one: `/Users?filter=userName eq "a"`. */
  path: string;
  status: number;
  scimType: string | null;
  detail: string | null;
  resourceId: string | null;
  /** userName of a user, displayName of a group. */
  resourceName: string | null;
  durationMs: number;
}

export interface RequestLogSettings {
  /** How often the buffer is written. */
  flushMs: number;
  /** Entries kept per team. */
  keepPerTeam: number;
  /** Entries held in memory between flushes; more are dropped (and counted). */
  maxBuffered: number;
  /** Refused (401) entries kept per team per flush interval. */
  maxRefusedPerFlush: number;
}

export const REQUEST_LOG_DEFAULTS: RequestLogSettings = { flushMs: 300, keepPerTeam: 1000, maxBuffered: 5000, maxRefusedPerFlush: 20 };

/** The most rows one insert carries (11 parameters each, far below PostgreSQL's 65535). */
const BATCH = 1000;
const TEXT_MAX = 500;

// PostgreSQL text cannot hold NUL, and a client can put one in a path or a body it sends: shown as U+FFFD.
const clip = (s: string | null | undefined): string | null =>
  s === null || s === undefined ? null : (s.length > TEXT_MAX ? `${s.slice(0, TEXT_MAX - 1)}…` : s).replaceAll('\u0000', '\uFFFD');
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The bits of a request and its response an entry keeps; never a header, a body or a query parameter other than the filter. */
export function entryOf(
  req: ScimRequest,
  res: ScimResponse,
  who: { teamId: string; tokenId: string | null },
  at: Date,
  durationMs: number,
): RequestLogEntry {
  const segments = req.path.split('/').filter((p) => p !== '');
  segments.shift(); // the team
  const filter = req.query.filter;
  const path = `/${segments.join('/')}${typeof filter === 'string' && filter !== '' ? `?filter=${filter}` : ''}`;
  const body = typeof res.body === 'object' && res.body !== null && !Array.isArray(res.body) ? (res.body as Record<string, unknown>) : {};
  const resourcePath = segments.length === 2 && /^(users|groups)$/i.test(segments[0]!) && !segments[1]!.startsWith('.');
  let resourceId: string | null = resourcePath ? segments[1]! : null;
  let resourceName: string | null = null;
  if (res.status < 300 && typeof body.id === 'string') {
    resourceId = body.id;
    resourceName = str(body.userName) ?? str(body.displayName);
  } else if (
    res.status >= 400 &&
    (req.method === 'POST' || req.method === 'PUT') &&
    segments.length <= 2 &&
    (req.body?.length ?? 0) <= 65_536
  ) {
    // A refused create or replace: the name the IdP sent is what its admin looks for.
    try {
      const sent = JSON.parse(req.body ?? '') as Record<string, unknown>;
      resourceName = str(sent.userName) ?? str(sent.displayName);
    } catch {
      // not JSON: the entry's detail says so
    }
  }
  return {
    teamId: who.teamId,
    at,
    tokenId: who.tokenId,
    method: req.method.toUpperCase().slice(0, 10),
    path: clip(path)!,
    status: res.status,
    scimType: res.status >= 400 ? clip(str(body.scimType)) : null,
    detail: res.status >= 400 ? clip(str(body.detail)) : null,
    resourceId: clip(resourceId),
    resourceName: clip(resourceName),
    durationMs: Math.max(0, Math.round(durationMs)),
  };
}

export class ScimRequestLog {
  private buffer: RequestLogEntry[] = [];
  private refused = new Map<string, number>();
  /** Teams written since the last prune: only they can have grown. */
  private touched = new Set<string>();
  /** Entries dropped because the buffer was full (for the server's log). */
  dropped = 0;
  /** Entries a write failed to store, and the last failure (for the server's log): a flush never throws. */
  failed = 0;
  lastError: unknown = null;

  constructor(
    /** Statements on their own (autocommit): the plugin's `core.db`. */
    private readonly db: Pick<PluginDatabase, 'read'>,
    readonly settings: RequestLogSettings = REQUEST_LOG_DEFAULTS,
  ) {}

  record(entry: RequestLogEntry): void {
    if (entry.status === 401) {
      const n = this.refused.get(entry.teamId) ?? 0;
      if (n >= this.settings.maxRefusedPerFlush) return;
      this.refused.set(entry.teamId, n + 1);
    }
    if (this.buffer.length >= this.settings.maxBuffered) {
      this.dropped++;
      return;
    }
    this.buffer.push(entry);
  }

  /**
   * Writes what is buffered: one insert of up to 1000 rows a statement. It never throws: the log
   * must not fail a request, a shutdown or the job host. A batch naming a team deleted meanwhile
   * (foreign key) is written again team by team, without that team's entries; any other failure
   * drops the batch and is counted in `failed`.
   */
  async flush(): Promise<number> {
    this.refused.clear();
    let written = 0;
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, BATCH);
      for (const e of batch) this.touched.add(e.teamId);
      try {
        await this.insert(batch);
        written += batch.length;
      } catch (error) {
        if ((error as { code?: string }).code !== '23503') {
          this.failed += batch.length;
          this.lastError = error;
          continue;
        }
        const byTeam = new Map<string, RequestLogEntry[]>();
        for (const e of batch) {
          const entries = byTeam.get(e.teamId);
          if (entries) entries.push(e);
          else byTeam.set(e.teamId, [e]);
        }
        for (const entries of byTeam.values()) {
          try {
            await this.insert(entries);
            written += entries.length;
          } catch (inner) {
            // The team is gone (its log went with it), or the database failed: not written.
            if ((inner as { code?: string }).code !== '23503') {
              this.failed += entries.length;
              this.lastError = inner;
            }
          }
        }
      }
    }
    return written;
  }

  private async insert(batch: readonly RequestLogEntry[]): Promise<void> {
    const params: unknown[] = [];
    for (const e of batch) {
      params.push(
        e.teamId,
        e.at.toISOString(),
        e.tokenId,
        e.method,
        e.path,
        e.status,
        e.scimType,
        e.detail,
        e.resourceId,
        e.resourceName,
        e.durationMs,
      );
    }
    const row = '(?::uuid, ?::timestamptz, ?::uuid, ?, ?, ?::smallint, ?, ?, ?, ?, ?::int)';
    await this.db.read(
      `insert into scim_request_log (team_id, at, token_id, method, path, status, scim_type, detail, resource_id, resource_name, duration_ms)
       values ${batch.map(() => row).join(', ')}`,
      params,
    );
  }

  /** Keeps the latest `keepPerTeam` entries of each team written since the last prune. */
  async prune(): Promise<void> {
    if (this.touched.size === 0) return;
    const teams = [...this.touched];
    this.touched.clear();
    await this.db.read(
      `delete from scim_request_log l
       using (select t.id, (select x.at from scim_request_log x where x.team_id = t.id order by x.at desc offset ? limit 1) as cutoff
              from unnest(?::uuid[]) as t (id)) c
       where l.team_id = c.id and l.at <= c.cutoff`,
      [this.settings.keepPerTeam, `{${teams.join(',')}}`],
    );
  }

  /** A team's latest entries, newest first (written ones: a node flushes its own buffer first). */
  async latest(teamId: string, first: number): Promise<RequestLogEntry[]> {
    await this.flush();
    const rows = await this.db.read<Record<string, unknown>>(
      `select team_id, at, token_id, method, path, status, scim_type, detail, resource_id, resource_name, duration_ms
       from scim_request_log where team_id = ? order by at desc, id desc limit ?`,
      [teamId, first],
    );
    return rows.map((r) => ({
      teamId: String(r.team_id),
      at: r.at instanceof Date ? r.at : new Date(String(r.at)),
      tokenId: str(r.token_id),
      method: String(r.method),
      path: String(r.path),
      status: Number(r.status),
      scimType: str(r.scim_type),
      detail: str(r.detail),
      resourceId: str(r.resource_id),
      resourceName: str(r.resource_name),
      durationMs: Number(r.duration_ms),
    }));
  }
}
