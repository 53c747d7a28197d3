import type { Core } from '../core.js';
import { fail } from '../errors.js';
import {
  AuditEventType,
  MemberType,
  type MembersFilter,
  type MemberRoleEnum,
  type MemberStatusEnum,
  LicenseSummaryType,
  TeamType,
} from './types.js';
import type { Team } from '../entities/index.js';

const encode = (parts: string[]) => Buffer.from(parts.join('|')).toString('base64url');
function decode(cursor: string | undefined | null, n: number): string[] | null {
  if (!cursor) return null;
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== n || parts.some((p) => !p)) fail('BAD_USER_INPUT', 'Invalid cursor');
  return parts;
}

const MEMBER_COLUMNS = `m.id, m.team_id, m.user_id, m.user_name, m.role, m.status, m.credit_limit, m.external_id, m.attributes,
  m.created_at, m.updated_at, m.deactivated_at, u.email, u.given_name, u.family_name, u.display_name`;

export function toMember(r: Record<string, unknown>): MemberType {
  return Object.assign(new MemberType(), {
    id: r.id as string,
    teamId: r.team_id as string,
    userId: r.user_id as string,
    userName: r.user_name as string,
    email: (r.email as string) ?? null,
    givenName: (r.given_name as string) ?? null,
    familyName: (r.family_name as string) ?? null,
    displayName: (r.display_name as string) ?? null,
    role: r.role as MemberRoleEnum,
    status: r.status as MemberStatusEnum,
    creditLimit: Number(r.credit_limit),
    externalId: (r.external_id as string) ?? null,
    attributes: (r.attributes as Record<string, unknown>) ?? {},
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
    deactivatedAt: r.deactivated_at ? new Date(r.deactivated_at as string) : null,
  });
}

export function toTeam(t: Team): TeamType {
  return Object.assign(new TeamType(), { id: t.id, slug: t.slug, name: t.name, signInPolicy: t.signInPolicy, createdAt: t.createdAt });
}

/** Whether a filter's count is the kept per-status count: no filter, or a status alone. */
function keptCount(filter: MembersFilter | undefined): boolean {
  return !filter?.groupId && !filter?.licenseTypeId && !filter?.licenseState && !filter?.search?.trim();
}

/** One page of members: two statements (page + count), whatever the filter. */
export async function membersPage(core: Core, teamId: string, filter: MembersFilter | undefined, first: number, after?: string | null) {
  if (!Number.isInteger(first) || first < 1 || first > 500) fail('BAD_USER_INPUT', 'first must be between 1 and 500');
  const where = ['m.team_id = ?'];
  const params: unknown[] = [teamId];
  if (filter?.status) {
    where.push('m.status = ?');
    params.push(filter.status);
  }
  if (filter?.groupId) {
    where.push('exists (select 1 from group_member gm where gm.membership_id = m.id and gm.group_id = ?)');
    params.push(filter.groupId);
  }
  if (filter?.licenseTypeId || filter?.licenseState) {
    const cond = ['la.membership_id = m.id'];
    if (filter.licenseTypeId) {
      cond.push('la.license_type_id = ?');
      params.push(filter.licenseTypeId);
    }
    if (filter.licenseState) {
      cond.push('la.state = ?');
      params.push(filter.licenseState);
    }
    where.push(`exists (select 1 from license_assignment la where ${cond.join(' and ')})`);
  }
  if (filter?.search?.trim()) {
    const like = `%${filter.search
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      `(lower(m.user_name) like ? or lower(u.email) like ? or lower(coalesce(u.given_name, '') || ' ' || coalesce(u.family_name, '')) like ? or lower(u.display_name) like ?)`,
    );
    params.push(like, like, like, like);
  }
  const countParams = [...params];
  const cursor = decode(after, 2);
  if (cursor) {
    where.push('(m.created_at, m.id) > (?::timestamptz, ?::uuid)');
    params.push(cursor[0], cursor[1]);
  }
  const sqlWhere = where.join(' and ');
  const countWhere = cursor ? where.slice(0, -1).join(' and ') : sqlWhere;
  const [rows, [count]] = await Promise.all([
    core.read<Record<string, unknown>>(
      `select ${MEMBER_COLUMNS} from membership m join "user" u on u.id = m.user_id where ${sqlWhere} order by m.created_at, m.id limit ?`,
      [...params, first + 1],
    ),
    keptCount(filter)
      ? // A team's members per status are kept in member_count (migration 0013): a few rows, not a scan.
        core.read<{ n: number }>(
          `select coalesce(sum(n), 0)::int as n from member_count where team_id = ?${filter?.status ? ' and status = ?' : ''}`,
          filter?.status ? [teamId, filter.status] : [teamId],
        )
      : // The join is needed only to search names; other filters need membership alone.
        core.read<{ n: number }>(
          `select count(*)::int as n from ${filter?.search?.trim() ? 'membership m join "user" u on u.id = m.user_id' : 'membership m'} where ${countWhere}`,
          countParams,
        ),
  ]);
  const page = rows.slice(0, first);
  const edges = page.map((r) => ({ cursor: encode([new Date(r.created_at as string).toISOString(), r.id as string]), node: toMember(r) }));
  return { edges, totalCount: count?.n ?? 0, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

export async function memberById(core: Core, id: string): Promise<MemberType | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [r] = await core.read<Record<string, unknown>>(
    `select ${MEMBER_COLUMNS} from membership m join "user" u on u.id = m.user_id where m.id = ?`,
    [id],
  );
  return r ? toMember(r) : null;
}

export async function licenseSummaries(core: Core, teamId: string): Promise<LicenseSummaryType[]> {
  const rows = await core.read<Record<string, unknown>>(
    `select lt.id, lt.key, lt.name, lt.entitlements, lt.seats,
       (select count(*)::int from license_assignment la where la.license_type_id = lt.id and la.state = 'GRANTED') as used,
       (select count(*)::int from license_assignment la join membership m on m.id = la.membership_id
         where la.license_type_id = lt.id and la.state = 'PENDING_SEAT' and m.status = 'active') as pending,
       (select g.id from "group" g where g.license_type_id = lt.id) as group_id
     from license_type lt where lt.team_id = ? order by lt.created_at, lt.key`,
    [teamId],
  );
  return rows.map((r) =>
    Object.assign(new LicenseSummaryType(), {
      id: r.id,
      key: r.key,
      name: r.name,
      entitlements: r.entitlements as string[],
      purchased: Number(r.seats),
      used: Number(r.used),
      pending: Number(r.pending),
      available: Math.max(0, Number(r.seats) - Number(r.used)),
      groupId: (r.group_id as string) ?? null,
    }),
  );
}

export async function auditPage(
  core: Core,
  teamId: string,
  opts: {
    first: number;
    after?: string | null;
    action?: string | null;
    channel?: string | null;
    targetId?: string | null;
    actor?: string | null;
    outcome?: string | null;
    since?: Date | null;
    until?: Date | null;
  },
) {
  if (!Number.isInteger(opts.first) || opts.first < 1 || opts.first > 500) fail('BAD_USER_INPUT', 'first must be between 1 and 500');
  const where = ['team_id = ?'];
  const params: unknown[] = [teamId];
  if (opts.action) {
    where.push('action like ?');
    params.push(`${like(opts.action)}%`);
  }
  if (opts.channel) {
    where.push('channel = ?');
    params.push(opts.channel);
  }
  if (opts.targetId) {
    where.push('target_id = ?');
    params.push(opts.targetId);
  }
  if (opts.actor) {
    where.push('(actor_id = ? or actor_label ilike ?)');
    params.push(opts.actor, `%${like(opts.actor)}%`);
  }
  if (opts.outcome) {
    where.push('outcome = ?');
    params.push(opts.outcome);
  }
  if (opts.since) {
    where.push('at >= ?::timestamptz');
    params.push(opts.since.toISOString());
  }
  if (opts.until) {
    where.push('at < ?::timestamptz');
    params.push(opts.until.toISOString());
  }
  const cursor = decode(opts.after, 2);
  if (cursor) {
    where.push('(at, id) < (?::timestamptz, ?::uuid)');
    params.push(cursor[0], cursor[1]);
  }
  const rows = await core.read<Record<string, unknown>>(
    `select * from audit_event where ${where.join(' and ')} order by at desc, id desc limit ?`,
    [...params, opts.first + 1],
  );
  const edges = rows.slice(0, opts.first).map((r) => ({
    cursor: encode([new Date(r.at as string).toISOString(), r.id as string]),
    node: Object.assign(new AuditEventType(), {
      id: r.id,
      at: new Date(r.at as string),
      channel: r.channel,
      action: r.action,
      outcome: r.outcome,
      actorType: r.actor_type,
      actorId: r.actor_id ?? null,
      actorLabel: r.actor_label ?? null,
      targetType: r.target_type ?? null,
      targetId: r.target_id ?? null,
      reason: r.reason ?? null,
      requestId: r.request_id ?? null,
      data: (r.data as Record<string, unknown>) ?? {},
    }),
  }));
  return { edges, pageInfo: { hasNextPage: rows.length > opts.first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** A LIKE pattern's literal part: `%`, `_` and `\` match themselves. */
function like(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
