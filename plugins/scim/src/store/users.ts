/**
 * Reading members as SCIM Users: one statement per resource or page, with the groups and the
 * license state as correlated JSON sub-selects only when the response shows them.
 */
import type { MemberRecord } from '@roster/plugin-sdk';
import type { UserRecord } from '../protocol/index.js';
import { asDate, asString, page, type PageQuery, type Row, type Sql } from './sql.js';

/** What a response shows besides the member row (decided from `attributes` / `excludedAttributes`). */
export interface UserIncludes {
  groups: boolean;
  licenses: boolean;
}

const FIELDS = `m.id, m.user_name, m.active, m.external_id, m.attributes, m.version, m.created_at, m.updated_at,
  m.email, m.given_name, m.family_name, m.display_name`;
const GROUPS = `(select coalesce(json_agg(json_build_object('id', g.id, 'displayName', g.display_name) order by g.created_at, g.id), '[]'::json)
  from roster_api.group_member gm join roster_api."group" g on g.id = gm.group_id where gm.member_id = m.id) as groups`;
const LICENSES = `(select coalesce(json_agg(json_build_object('key', lt.key, 'name', lt.name, 'state', la.state, 'grantedAt', la.granted_at) order by lt.key), '[]'::json)
  from roster_api.member_license la join roster_api.license lt on lt.id = la.license_id where la.member_id = m.id) as licenses`;
/** The read contract's views (core/0011), never the core's tables (#15.4). */
const FROM = 'roster_api.member m';

// The four select lists, built once.
const SELECTS = new Map<string, string>(
  [false, true].flatMap((groups) =>
    [false, true].map(
      (licenses) =>
        [`${groups}${licenses}`, [FIELDS, groups ? GROUPS : '', licenses ? LICENSES : ''].filter(Boolean).join(',\n  ')] as const,
    ),
  ),
);
const selectFor = (inc: UserIncludes): string => SELECTS.get(`${inc.groups}${inc.licenses}`)!;

interface GroupJson {
  id: string;
  displayName: string;
}
interface LicenseJson {
  key: string;
  name: string;
  state: 'GRANTED' | 'PENDING_SEAT';
  grantedAt: string | null;
}

function toRecord(r: Row): UserRecord {
  const rec: UserRecord = {
    id: String(r.id),
    userName: String(r.user_name),
    active: r.active === true,
    externalId: asString(r.external_id),
    displayName: asString(r.display_name),
    givenName: asString(r.given_name),
    familyName: asString(r.family_name),
    email: asString(r.email),
    attributes: (r.attributes as Record<string, unknown> | null) ?? {},
    createdAt: asDate(r.created_at),
    updatedAt: asDate(r.updated_at),
    version: Number(r.version),
  };
  if (Array.isArray(r.groups)) rec.groups = r.groups as GroupJson[];
  if (Array.isArray(r.licenses)) {
    rec.licenses = (r.licenses as LicenseJson[]).map((l) => ({
      key: l.key,
      name: l.name,
      state: l.state,
      grantedAt: l.grantedAt ? new Date(l.grantedAt) : null,
    }));
  }
  return rec;
}

/** The member as a record, from the entity a domain service returned (no read back). */
export function recordOfMembership(m: MemberRecord, extra: Pick<UserRecord, 'groups' | 'licenses'> = {}): UserRecord {
  return {
    id: m.id,
    userName: m.userName,
    active: m.status === 'active',
    externalId: m.externalId,
    displayName: m.displayName,
    givenName: m.givenName,
    familyName: m.familyName,
    email: m.email,
    attributes: m.attributes,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    version: m.version,
    ...extra,
  };
}

export async function findUser(sql: Sql, teamId: string, id: string, inc: UserIncludes): Promise<UserRecord | null> {
  const rows = await sql.rows(`select ${selectFor(inc)} from ${FROM} where m.id = ? and m.team_id = ?`, [id, teamId], true);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function listUsers(
  sql: Sql,
  teamId: string,
  q: PageQuery,
  inc: UserIncludes,
): Promise<{ total: number; records: UserRecord[] }> {
  const { total, rows } = await page(sql, q, {
    select: selectFor(inc),
    from: FROM,
    teamWhere: 'm.team_id = ?',
    countFrom: FROM,
    tieBreak: 'm.created_at, m.id',
    teamId,
  });
  return { total, records: rows.map(toRecord) };
}
