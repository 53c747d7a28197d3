/**
 * Team groups as SCIM Groups, and the two things SCIM keeps about members beyond the core's
 * `group_member` rows (plugin-owned tables, see the scim/0001 migration):
 *
 * - `scim_group_member_display`: the `display` an IdP sent for a member, returned on GET
 *   (Microsoft's tests read it back). Keyed to the `group_member` row with a cascading foreign
 *   key, so it disappears with the membership whichever channel removes it.
 * - `scim_group_member_ref`: Entra compatibility — a member given as a bare string that names
 *   no user of the team is kept as an unresolved reference, returned on GET and removable,
 *   instead of being dropped while the PATCH answers 204.
 */
import { textArrayLiteral, type Actor, type AuditLog, type PluginEm as Em } from '@roster/plugin-sdk';
import { asDate, asString, page, uuidArray, type PageQuery, type Row, type Sql } from './sql.js';

export interface GroupMemberRecord {
  id: string;
  display: string | null;
}

export interface StoredGroup {
  id: string;
  displayName: string;
  externalId: string | null;
  licenseTypeId: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  members?: GroupMemberRecord[];
  /** Unresolved member references (Entra's bare-string members). */
  refs?: Array<{ value: string; display: string | null }>;
}

const FIELDS = 'g.id, g.display_name, g.external_id, g.license_id, g.version, g.created_at, g.updated_at';
// Each member's display by key lookups (correlated sub-selects): joined, the planner estimated a
// group at the fixture's average (thousands of members) and hashed the team's whole membership
// and user tables for every read — 107 ms for a new group of 100 in the initial sync (#19).
const MEMBERS = `(select coalesce(json_agg(json_build_object('id', gm.member_id, 'display', coalesce(
      (select d.display from scim_group_member_display d where d.group_id = gm.group_id and d.membership_id = gm.member_id),
      (select coalesce(m.display_name, m.user_name) from roster_api.member m where m.id = gm.member_id))) order by gm.created_at, gm.member_id), '[]'::json)
  from roster_api.group_member gm
  where gm.group_id = g.id) as members,
  (select coalesce(json_agg(json_build_object('value', r.value, 'display', r.display) order by r.created_at, r.value), '[]'::json)
  from scim_group_member_ref r where r.group_id = g.id) as refs`;
const SELECT_WITH_MEMBERS = `${FIELDS},\n  ${MEMBERS}`;
/** The read contract's view (core/0011), never the core's table (#15.4). */
const GROUP = 'roster_api."group" g';

function toStored(r: Row): StoredGroup {
  const g: StoredGroup = {
    id: String(r.id),
    displayName: String(r.display_name),
    externalId: asString(r.external_id),
    licenseTypeId: asString(r.license_id),
    createdAt: asDate(r.created_at),
    updatedAt: asDate(r.updated_at),
    version: Number(r.version),
  };
  if (Array.isArray(r.members)) g.members = r.members as GroupMemberRecord[];
  if (Array.isArray(r.refs)) g.refs = r.refs as Array<{ value: string; display: string | null }>;
  return g;
}

export async function findGroup(sql: Sql, teamId: string, id: string, withMembers: boolean): Promise<StoredGroup | null> {
  const rows = await sql.rows(
    `select ${withMembers ? SELECT_WITH_MEMBERS : FIELDS} from roster_api."group" g where g.id = ? and g.team_id = ?`,
    [id, teamId],
    true,
  );
  return rows[0] ? toStored(rows[0]) : null;
}

export async function listGroups(
  sql: Sql,
  teamId: string,
  q: PageQuery,
  withMembers: boolean,
): Promise<{ total: number; records: StoredGroup[] }> {
  const { total, rows } = await page(sql, q, {
    select: withMembers ? SELECT_WITH_MEMBERS : FIELDS,
    from: GROUP,
    teamWhere: 'g.team_id = ?',
    countFrom: GROUP,
    tieBreak: 'g.created_at, g.id',
    teamId,
  });
  return { total, records: rows.map(toStored) };
}

/**
 * Locks the group for the rest of the transaction (concurrent writes to one group queue) and
 * tells which of `ids` are members of the team, in one statement. Null: no such group.
 */
export async function lockGroup(
  sql: Sql,
  teamId: string,
  groupId: string,
  ids: readonly string[],
): Promise<{ version: number; known: Set<string> } | null> {
  const rows = await sql.rows(
    `select g.version, array(select mm.id::text from roster_api.member mm where mm.team_id = g.team_id and mm.id = any(?::uuid[])) as known
     from roster_api."group" g where g.id = ? and g.team_id = ? for update of g`,
    [uuidArray(ids), groupId, teamId],
    true,
  );
  const r = rows[0];
  return r ? { version: Number(r.version), known: new Set((r.known as string[] | null) ?? []) } : null;
}

/** Which of `ids` are members of the team (for a group being created). */
export async function knownMembers(sql: Sql, teamId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql.rows(
    'select id::text as id from roster_api.member where team_id = ? and id = any(?::uuid[])',
    [teamId, uuidArray(ids)],
    true,
  );
  return new Set(rows.map((r) => String(r.id)));
}

/** Stores the `display` values sent for current members (members not in the group are skipped). */
export async function saveDisplays(
  sql: Sql,
  teamId: string,
  groupId: string,
  displays: ReadonlyArray<{ id: string; display: string }>,
): Promise<void> {
  if (displays.length === 0) return;
  if (displays.length === 1) {
    // One display (an IdP's everyday add) as scalars: the recordset form's generic plan looked
    // dearer than a custom one, so it was planned again on every execution (0.14 ms each).
    const [d] = displays;
    await sql.rows(
      `insert into scim_group_member_display (team_id, group_id, membership_id, display)
       select ?, gm.group_id, gm.member_id, ?::text
       from roster_api.group_member gm where gm.group_id = ? and gm.member_id = ?::uuid
       on conflict (group_id, membership_id) do update set display = excluded.display
       where scim_group_member_display.display is distinct from excluded.display`,
      [teamId, d!.display, groupId, d!.id],
      true,
    );
    return;
  }
  await sql.rows(
    `insert into scim_group_member_display (team_id, group_id, membership_id, display)
     select ?, gm.group_id, gm.member_id, x.display
     from jsonb_to_recordset(?::jsonb) as x(id uuid, display text)
     join roster_api.group_member gm on gm.group_id = ? and gm.member_id = x.id
     on conflict (group_id, membership_id) do update set display = excluded.display
     where scim_group_member_display.display is distinct from excluded.display`,
    [teamId, JSON.stringify(displays), groupId],
    true,
  );
}

/** PUT / replace: members the client sent without a display lose the one stored. */
export async function keepDisplaysOf(sql: Sql, groupId: string, ids: readonly string[]): Promise<void> {
  await sql.rows(
    'delete from scim_group_member_display where group_id = ? and not (membership_id = any(?::uuid[]))',
    [groupId, uuidArray(ids)],
    true,
  );
}

/** Adds unresolved references; returns the values that were new. */
export async function addRefs(
  sql: Sql,
  teamId: string,
  groupId: string,
  refs: ReadonlyArray<{ value: string; display: string | null }>,
): Promise<string[]> {
  if (refs.length === 0) return [];
  const rows = await sql.rows(
    `insert into scim_group_member_ref (team_id, group_id, value, display)
     select ?, ?, x.value, x.display from jsonb_to_recordset(?::jsonb) as x(value text, display text)
     on conflict (group_id, value) do update set display = coalesce(excluded.display, scim_group_member_ref.display)
     returning value, (xmax = 0) as inserted`,
    [teamId, groupId, JSON.stringify(refs)],
    true,
  );
  return rows.filter((r) => r.inserted !== false).map((r) => String(r.value));
}

/** Removes unresolved references by value (all of them when `values` is undefined); returns those removed. */
export async function removeRefs(sql: Sql, groupId: string, values?: readonly string[]): Promise<string[]> {
  if (values && values.length === 0) return [];
  const rows = values
    ? await sql.rows(
        'delete from scim_group_member_ref where group_id = ? and value = any(?::text[]) returning value',
        [groupId, textArrayLiteral(values)],
        true,
      )
    : await sql.rows('delete from scim_group_member_ref where group_id = ? returning value', [groupId], true);
  return rows.map((r) => String(r.value));
}

/** The audit event of reference changes, in the same transaction as the change. */
export function auditRefs(
  audit: AuditLog,
  em: Em,
  actor: Actor,
  teamId: string,
  groupId: string,
  added: string[],
  removed: string[],
): void {
  if (added.length === 0 && removed.length === 0) return;
  audit.record(em, actor, {
    teamId,
    action: 'group.unresolved_members_changed',
    target: { type: 'group', id: groupId },
    data: { added, removed },
  });
}
