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
  WaitlistEntryType,
  type WaitlistConnection,
} from './types.js';
import { GRANT_ORDER, WAITING_FOR_SEAT } from '../services/seats.js';
import type { Team } from '../entities/index.js';
import type { AssignmentRef } from './loaders.js';
import { groupOf, licenseOf } from './member-fields.js';

const encode = (parts: string[]) => Buffer.from(parts.join('|')).toString('base64url');
function decode(cursor: string | undefined | null, n: number): string[] | null {
  if (!cursor) return null;
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== n || parts.some((p) => !p)) fail('BAD_USER_INPUT', 'Invalid cursor');
  return parts;
}

/** Every column of a member, as `alias.column`: the page's answer names each by its column (`p.<column>`). */
const MEMBER_COLUMN_LIST: readonly string[] = [
  'm.id',
  'm.team_id',
  'm.user_id',
  'm.user_name',
  'm.role',
  'm.status',
  'm.credit_limit',
  'm.external_id',
  'm.attributes',
  'm.created_at',
  'm.updated_at',
  'm.deactivated_at',
  'u.email',
  'u.given_name',
  'u.family_name',
  'u.display_name',
];
const MEMBER_COLUMNS = MEMBER_COLUMN_LIST.join(', ');

/** The column each Member field reads; `id` and `created_at` are always read (keyset, cursor); the team is the page's. */
const FIELD_COLUMNS: ReadonlyArray<readonly [field: string, column: string]> = [
  ['userId', 'm.user_id'],
  ['userName', 'm.user_name'],
  ['role', 'm.role'],
  ['status', 'm.status'],
  ['creditLimit', 'm.credit_limit'],
  ['externalId', 'm.external_id'],
  ['attributes', 'm.attributes'],
  ['updatedAt', 'm.updated_at'],
  ['deactivatedAt', 'm.deactivated_at'],
  ['email', 'u.email'],
  ['givenName', 'u.given_name'],
  ['familyName', 'u.family_name'],
  ['displayName', 'u.display_name'],
];
const READ_ANYWAY = new Set(['id', 'teamId', 'createdAt', 'groups', 'licenses', '__typename']);

/**
 * The columns a page reads for the Member fields its query may select (null: all of them). Every
 * column costs PostgreSQL its output and Node its parsing (a jsonb, a timestamp) on each of the
 * page's rows, so a page reads what is shown. A field this list does not know reads everything.
 */
function memberColumnList(fields: ReadonlySet<string> | null): readonly string[] {
  if (!fields || [...fields].some((f) => !READ_ANYWAY.has(f) && !FIELD_COLUMNS.some(([name]) => name === f))) return MEMBER_COLUMN_LIST;
  return ['m.id', 'm.created_at', ...FIELD_COLUMNS.filter(([f]) => fields.has(f)).map(([, c]) => c)];
}

/**
 * A member from a row. A page's row carries only the columns its query selects (memberColumnList):
 * the fields of absent columns stay undefined, and nothing reads them.
 */
export function toMember(r: Record<string, unknown>): MemberType {
  const m = new MemberType();
  m.id = r.id as string;
  m.teamId = r.team_id as string;
  m.userId = r.user_id as string;
  m.userName = r.user_name as string;
  m.email = (r.email as string) ?? null;
  m.givenName = (r.given_name as string) ?? null;
  m.familyName = (r.family_name as string) ?? null;
  m.displayName = (r.display_name as string) ?? null;
  m.role = r.role as MemberRoleEnum;
  m.status = r.status as MemberStatusEnum;
  if (r.credit_limit !== undefined) m.creditLimit = Number(r.credit_limit);
  m.externalId = (r.external_id as string) ?? null;
  m.attributes = r.attributes === undefined ? (undefined as never) : ((r.attributes as Record<string, unknown>) ?? {});
  if (r.created_at !== undefined) m.createdAt = asDate(r.created_at);
  if (r.updated_at !== undefined) m.updatedAt = asDate(r.updated_at);
  m.deactivatedAt = r.deactivated_at ? asDate(r.deactivated_at) : null;
  return m;
}

/** `pg` already parses timestamptz into a Date: no copy of it per row. */
function asDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(v as string);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A team by id, or null (an id that is no uuid names no team). One prepared statement: the
 * members page reads its team on every page, and the ORM's fork, query builder and identity map
 * cost more Node CPU than the lookup itself.
 */
export async function teamById(core: Core, id: string): Promise<TeamType | null> {
  if (!UUID.test(id)) return null;
  const [t] = await core.read<{ id: string; slug: string; name: string; sign_in_policy: TeamType['signInPolicy']; created_at: Date }>(
    'select id, slug, name, sign_in_policy, created_at from team where id = ?',
    [id],
    { prepare: true },
  );
  return t
    ? Object.assign(new TeamType(), { id: t.id, slug: t.slug, name: t.name, signInPolicy: t.sign_in_policy, createdAt: t.created_at })
    : null;
}

export function toTeam(t: Team): TeamType {
  return Object.assign(new TeamType(), { id: t.id, slug: t.slug, name: t.name, signInPolicy: t.signInPolicy, createdAt: t.createdAt });
}

/** The user's searched texts as one string: the expression `user_search_trgm` indexes (core/0014-members-read). */
const USER_SEARCH_TEXT = `lower(coalesce(su.email, '') || chr(10) || coalesce(su.given_name, '') || ' ' || coalesce(su.family_name, '') || chr(10) || coalesce(su.display_name, ''))`;

/** Whether a page's count is the kept per-status count: no filter, or a status alone. */
function keptCount(inputs: PageInputs): boolean {
  return !inputs.groupId && !inputs.licenseTypeId && !inputs.licenseState && !inputs.like;
}

/** What of a page the query selects beyond the members themselves: what is left out is not read. */
export interface MembersPageWants {
  /** The Member fields the query may select under `edges.node` (null: all of them). */
  fields: ReadonlySet<string> | null;
  totalCount: boolean;
  /** `pageInfo`: one more member is read to know whether a next page exists. */
  pageInfo: boolean;
  /** `edges.cursor`: with `pageInfo`, the members' creation times are read (the cursor holds it). */
  cursors: boolean;
  /** The Group fields under `edges.node.groups` (null: all of them), or false: groups are not read. */
  groups: ReadonlySet<string> | null | false;
  /** The MemberLicense fields under `edges.node.licenses` (null: all of them), or false: licenses are not read. */
  licenses: ReadonlySet<string> | null | false;
  /** The LicenseType fields under `edges.node.licenses.licenseType` (null: all of them). */
  licenseType?: ReadonlySet<string> | null;
}
const EVERYTHING: MembersPageWants = {
  fields: null,
  totalCount: true,
  pageInfo: true,
  cursors: true,
  groups: null,
  licenses: null,
  licenseType: null,
};

/**
 * Whether the query may select one of `fields` (or a field this code does not know) of the object
 * it fills: the JSON a page carries for its members' groups and licenses is what PostgreSQL builds
 * and Node parses, so it holds only what is shown.
 */
function wanted(selected: ReadonlySet<string> | null, known: ReadonlySet<string>, fields: readonly string[]): boolean {
  return !selected || fields.some((f) => selected.has(f)) || [...selected].some((f) => !known.has(f));
}
const GROUP_FIELDS = new Set([
  'id',
  'teamId',
  'displayName',
  'externalId',
  'licenseTypeId',
  'createdAt',
  'memberCount',
  'licenseType',
  '__typename',
]);
const LICENSE_FIELDS = new Set(['licenseType', 'state', 'requestedAt', 'grantedAt', '__typename']);
const LICENSE_TYPE_FIELDS = new Set(['id', 'key', 'name', '__typename']);

/** The parts of a group or license a page reads, in the order of its JSON values. */
type GroupPart = 'id' | 'displayName' | 'licenseTypeId' | 'externalId' | 'createdAt';
type LicensePart = 'licenseTypeId' | 'key' | 'name' | 'state' | 'requestedAt' | 'grantedAt';
const GROUP_COLUMNS: ReadonlyArray<readonly [GroupPart, string]> = [
  ['id', 'g.id'],
  ['displayName', 'g.display_name'],
  ['licenseTypeId', 'g.license_type_id'],
  ['externalId', 'g.external_id'],
  ['createdAt', 'g.created_at'],
];
const LICENSE_COLUMNS: ReadonlyArray<readonly [LicensePart, string]> = [
  ['licenseTypeId', 'la.license_type_id'],
  ['key', 'lt.key'],
  ['name', 'lt.name'],
  ['state', 'la.state'],
  ['requestedAt', 'la.requested_at'],
  ['grantedAt', 'la.granted_at'],
];

function groupParts(f: ReadonlySet<string> | null): GroupPart[] {
  const parts: GroupPart[] = [];
  if (wanted(f, GROUP_FIELDS, ['id', 'memberCount'])) parts.push('id');
  if (wanted(f, GROUP_FIELDS, ['displayName'])) parts.push('displayName');
  if (wanted(f, GROUP_FIELDS, ['licenseTypeId', 'licenseType'])) parts.push('licenseTypeId');
  if (wanted(f, GROUP_FIELDS, ['externalId'])) parts.push('externalId');
  if (wanted(f, GROUP_FIELDS, ['createdAt'])) parts.push('createdAt');
  return parts;
}
function licenseParts(f: ReadonlySet<string> | null, typeFields: ReadonlySet<string> | null): LicensePart[] {
  const typed = !f || f.has('licenseType') || [...f].some((x) => !LICENSE_FIELDS.has(x));
  const t = typed ? typeFields : new Set<string>();
  const parts: LicensePart[] = [];
  if (wanted(t, LICENSE_TYPE_FIELDS, ['id'])) parts.push('licenseTypeId');
  if (wanted(t, LICENSE_TYPE_FIELDS, ['key'])) parts.push('key');
  if (wanted(t, LICENSE_TYPE_FIELDS, ['name'])) parts.push('name');
  if (wanted(f, LICENSE_FIELDS, ['state'])) parts.push('state');
  if (wanted(f, LICENSE_FIELDS, ['requestedAt'])) parts.push('requestedAt');
  if (wanted(f, LICENSE_FIELDS, ['grantedAt'])) parts.push('grantedAt');
  return parts;
}

/**
 * One member's groups or licenses as JSON: an array of bare values when one part is read (the
 * members page's group names), of arrays of the parts otherwise; `null` for none.
 */
function jsonOf<P extends string>(parts: readonly P[], columns: ReadonlyArray<readonly [P, string]>, order: string): string {
  const cols = parts.map((p) => columns.find(([name]) => name === p)![1]);
  const value = cols.length === 0 ? 'null' : cols.length === 1 ? cols[0]! : `json_build_array(${cols.join(', ')})`;
  return `json_agg(${value} order by ${order})`;
}

/**
 * The page's members' groups and licenses, aggregated per member (JSON arrays, in this order).
 * `membership_id = any(array(select id from page))` is one index scan for the whole page; a
 * correlated subquery per member, or `in (select id from page)`, costs two to three times more.
 */
function groupsCte(parts: readonly GroupPart[]): string {
  return `groups_of as (
       select gm.membership_id, ${jsonOf(parts, GROUP_COLUMNS, 'g.display_name, g.id')} as j
       from group_member gm join "group" g on g.id = gm.group_id
       where gm.membership_id = any(array(select id from page)) group by gm.membership_id
     )`;
}
function licensesCte(parts: readonly LicensePart[]): string {
  return `licenses_of as (
       select la.membership_id, ${jsonOf(parts, LICENSE_COLUMNS, 'lt.key')} as j
       from license_assignment la join license_type lt on lt.id = la.license_type_id
       where la.membership_id = any(array(select id from page)) group by la.membership_id
     )`;
}

/**
 * A part of one group's or license's JSON value, by its index in the parts read (-1: not read):
 * the value itself when only one part is read.
 */
function partOf(value: unknown, index: number, single: boolean): unknown {
  return index < 0 ? undefined : single ? value : (value as unknown[])[index];
}

/** An edge whose cursor is only encoded when the query asks for it. */
class Edge {
  constructor(readonly node: MemberType) {}
  get cursor(): string {
    return encode([this.node.createdAt.toISOString(), this.node.id]);
  }
}

export interface MembersPage {
  edges: Edge[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * One page of members in one statement, whatever the filter: the keyset page, its count (the
 * kept per-status count when it can be, `count(*)` under the filter otherwise) and, when the
 * query asks for them, each member's groups and licenses aggregated from the covering indexes of
 * core/0013. The text depends only on which filters and parts are present, so it runs as a
 * named prepared statement: parsed and planned once per connection, not on every page.
 */
export async function membersPage(
  core: Core,
  teamId: string,
  filter: MembersFilter | undefined,
  first: number,
  after?: string | null,
  wants: MembersPageWants = EVERYTHING,
): Promise<MembersPage> {
  const statement = membersPageStatement(teamId, filter, first, after, wants);
  const rows = await core.read<Record<string, unknown>>(statement.sql, statement.params, { prepare: statement.prepare });
  const totalCount = (rows[0]?.total_count as number | null) ?? 0;
  const members = rows[0]?.id ? rows : [];
  const hasNextPage = members.length > first;
  if (hasNextPage) members.length = first;
  const gp = statement.groupParts;
  const lp = statement.licenseParts;
  const gOne = gp?.length === 1;
  const { id: gId, displayName: gName, licenseTypeId: gType, externalId: gExternal, createdAt: gCreated } = statement.groupAt;
  const lOne = lp?.length === 1;
  const { licenseTypeId: lType, key: lKey, name: lName, state: lState, requestedAt: lRequested, grantedAt: lGranted } = statement.licenseAt;
  const edges = members.map((r) => {
    const member = toMember(r);
    // Every member of the page is of this team: the column is not read.
    member.teamId = teamId;
    if (gp)
      member.readGroups = ((r.groups_json as unknown[] | null) ?? []).map((v) => {
        const createdAt = partOf(v, gCreated, gOne) as string | undefined;
        return groupOf(
          member,
          partOf(v, gId, gOne) as string,
          partOf(v, gName, gOne) as string,
          (partOf(v, gType, gOne) as string | null | undefined) ?? null,
          (partOf(v, gExternal, gOne) as string | null | undefined) ?? null,
          createdAt === undefined ? (undefined as never) : new Date(createdAt),
        );
      });
    if (lp)
      member.readLicenses = ((r.licenses_json as unknown[] | null) ?? []).map((v) => {
        const requestedAt = partOf(v, lRequested, lOne) as string | undefined;
        const grantedAt = partOf(v, lGranted, lOne) as string | null | undefined;
        return licenseOf(
          partOf(v, lType, lOne) as string,
          partOf(v, lKey, lOne) as string,
          partOf(v, lName, lOne) as string,
          partOf(v, lState, lOne) as AssignmentRef['state'],
          requestedAt === undefined ? (undefined as never) : new Date(requestedAt),
          grantedAt ? new Date(grantedAt) : null,
        );
      });
    return new Edge(member);
  });
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage,
      // Encoded when asked for: a page that shows no cursor does not read its members' creation times.
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}

/**
 * Page sizes whose statement is prepared. The page size is written into the text, not bound:
 * with `limit $n` PostgreSQL's generic plan assumes a tenth of the team (a parallel scan, 30 ms at
 * 100,000 members), so it plans every page anew (half the statement's CPU); with the number in
 * the text the generic plan is the custom one, planned once per connection. The sizes clients use
 * are few; any other size runs unprepared, so odd sizes cannot fill the prepared-statement cache.
 */
const PREPARED_PAGE_SIZES = new Set([1, 5, 10, 20, 25, 50, 100, 200, 250, 500]);

/** One members page's statement: its text (`?` placeholders), parameters, and how to read its rows. */
export interface MembersPageStatement {
  sql: string;
  params: unknown[];
  /** Whether to run it as a named prepared statement (PREPARED_PAGE_SIZES). */
  prepare: boolean;
  /** The parts of each group (of each license) the JSON holds, in order; null when not read. */
  groupParts: GroupPart[] | null;
  licenseParts: LicensePart[] | null;
  /** Each part's position in those, -1 when not read: computed with the cached shape, not per page. */
  groupAt: Record<GroupPart, number>;
  licenseAt: Record<LicensePart, number>;
}

/** The position of each part of `columns` in `parts` (-1: not read). */
function positions<P extends string>(columns: ReadonlyArray<readonly [P, string]>, parts: readonly P[] | null): Record<P, number> {
  return Object.fromEntries(columns.map(([part]) => [part, parts?.indexOf(part) ?? -1])) as Record<P, number>;
}

/** The values a page's parameters take, by name: a statement's shape lists the names it binds, in order. */
interface PageInputs {
  team: string;
  status?: string;
  licenseTypeId?: string;
  licenseState?: string;
  /** The search as a LIKE pattern. */
  like?: string;
  groupId?: string;
  cursorAt?: string;
  cursorId?: string;
}

/** A statement without its values: the text and the names of its parameters, in order. */
interface PageShape extends Omit<MembersPageStatement, 'params'> {
  binds: ReadonlyArray<keyof PageInputs>;
}

/**
 * Shapes built, per wants (one per query document position, team-resolver.ts) and variant (page
 * size, which filters are set, a cursor): the text of a page repeats, only its values change.
 * Prepared sizes only, at most MAX_SHAPES variants each, so a client varying its requests cannot
 * grow it.
 */
const shapes = new WeakMap<MembersPageWants, Map<number, PageShape>>();
const MAX_SHAPES = 64;

/**
 * The statement of one members page and how to read it. Exported for the benchmark's same-SQL
 * baseline, which runs exactly this text.
 */
export function membersPageStatement(
  teamId: string,
  filter: MembersFilter | undefined,
  first: number,
  after?: string | null,
  wants: MembersPageWants = EVERYTHING,
): MembersPageStatement {
  if (!Number.isInteger(first) || first < 1 || first > 500) fail('BAD_USER_INPUT', 'first must be between 1 and 500');
  const cursor = decode(after, 2);
  const search = filter?.search?.trim();
  const inputs: PageInputs = {
    team: teamId,
    status: filter?.status,
    licenseTypeId: filter?.licenseTypeId,
    licenseState: filter?.licenseState,
    like: search ? `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined,
    groupId: filter?.groupId,
    cursorAt: cursor?.[0],
    cursorId: cursor?.[1],
  };
  const variant =
    first * 64 +
    (inputs.status ? 1 : 0) +
    (inputs.licenseTypeId ? 2 : 0) +
    (inputs.licenseState ? 4 : 0) +
    (inputs.like ? 8 : 0) +
    (inputs.groupId ? 16 : 0) +
    (cursor ? 32 : 0);
  let known = shapes.get(wants);
  let shape = known?.get(variant);
  if (!shape) {
    shape = pageShape(inputs, first, !!cursor, wants);
    if (shape.prepare) {
      if (!known) shapes.set(wants, (known = new Map()));
      if (known.size < MAX_SHAPES) known.set(variant, shape);
    }
  }
  const { binds, ...statement } = shape;
  return { ...statement, params: binds.map((name) => inputs[name]) };
}

/** The text of a page for the filters set in `inputs` (their values are bound, not read here). */
function pageShape(inputs: PageInputs, first: number, withCursor: boolean, wants: MembersPageWants): PageShape {
  const where = ['m.team_id = ?'];
  const binds: Array<keyof PageInputs> = ['team'];
  if (inputs.status) {
    where.push('m.status = ?');
    binds.push('status');
  }
  if (inputs.licenseTypeId || inputs.licenseState) {
    const cond = ['la.membership_id = m.id'];
    if (inputs.licenseTypeId) {
      cond.push('la.license_type_id = ?');
      binds.push('licenseTypeId');
    }
    if (inputs.licenseState) {
      cond.push('la.state = ?');
      binds.push('licenseState');
    }
    where.push(`exists (select 1 from license_assignment la where ${cond.join(' and ')})`);
  }
  // The search's matches are found once (a trigram index each half, core/0014-members-read) and
  // read by both the page and its count; USER_SEARCH_TEXT holds the user's three texts, each
  // checked on its own after it.
  let matches = '';
  const matchBinds: Array<keyof PageInputs> = [];
  if (inputs.like) {
    matches = `search_matches as materialized (
       select sm.id from membership sm where sm.team_id = ? and lower(sm.user_name) like ?
       union
       select sm.id from "user" su join membership sm on sm.user_id = su.id where sm.team_id = ? and ${USER_SEARCH_TEXT} like ?
         and (lower(su.email) like ? or lower(coalesce(su.given_name, '') || ' ' || coalesce(su.family_name, '')) like ? or lower(su.display_name) like ?)
     ), `;
    matchBinds.push('team', 'like', 'team', 'like', 'like', 'like', 'like');
    where.push('m.id in (select id from search_matches)');
  }
  // The count of a group's members starts from the group (group_member's primary key) and checks
  // each member with its membership's primary key: the planner, left to itself, counts by a scan
  // of all the team's memberships (30–190 ms at 100,000 members for a group of 5,000).
  const memberWhere = where.join(' and ');
  const memberBinds = [...binds];
  if (inputs.groupId) {
    where.push('m.id in (select gm.membership_id from group_member gm where gm.group_id = ?)');
    binds.push('groupId');
  }
  const filterWhere = where.join(' and ');
  const filterBinds = [...binds];
  if (withCursor) {
    where.push('(m.created_at, m.id) > (?::timestamptz, ?::uuid)');
    binds.push('cursorAt', 'cursorId');
  }

  let count = 'null::int';
  if (wants.totalCount && keptCount(inputs)) {
    // A team's members per status are kept in member_count (migration 0013): a few rows, not a scan.
    count = `(select coalesce(sum(n), 0)::int from member_count where team_id = ?${inputs.status ? ' and status = ?' : ''})`;
    binds.push(...(inputs.status ? (['team', 'status'] as const) : (['team'] as const)));
  } else if (wants.totalCount && inputs.groupId) {
    // A scalar subquery is never turned into a join: one primary-key probe per member of the group.
    count = `(select count(*)::int from group_member gm where gm.group_id = ?
       and (select true from membership m where m.id = gm.membership_id and ${memberWhere}))`;
    binds.push('groupId', ...memberBinds);
  } else if (wants.totalCount) {
    count = `(select count(*)::int from membership m where ${filterWhere})`;
    binds.push(...filterBinds);
  }
  // The page's columns for the answer: the creation time only for a cursor or `createdAt` (it
  // orders the page either way), the team never (it is the page's).
  const columns = memberColumnList(wants.fields);
  const withCreatedAt = wants.cursors || wants.pageInfo || columns === MEMBER_COLUMN_LIST || !!wants.fields?.has('createdAt');
  const output = columns
    .filter((c) => (withCreatedAt || c !== 'm.created_at') && c !== 'm.team_id')
    .map((c) => `p.${c.slice(2)}`)
    .join(', ');
  const groupParts_ = wants.groups !== false ? groupParts(wants.groups) : null;
  const licenseParts_ = wants.licenses !== false ? licenseParts(wants.licenses, wants.licenseType ?? null) : null;
  // `(select 1) left join`: one row even for an empty page, so the count always comes back. The
  // page size is a checked integer (membersPageStatement), written into the text (PREPARED_PAGE_SIZES).
  return {
    sql: `with ${matches}page as (
       select ${columns.join(', ')} from membership m join "user" u on u.id = m.user_id
       where ${where.join(' and ')} order by m.created_at, m.id limit ${wants.pageInfo ? first + 1 : first}
     )${groupParts_ ? `, ${groupsCte(groupParts_)}` : ''}${licenseParts_ ? `, ${licensesCte(licenseParts_)}` : ''}
     select ${count} as total_count, ${output}${groupParts_ ? ', groups_of.j as groups_json' : ''}${licenseParts_ ? ', licenses_of.j as licenses_json' : ''}
     from (select 1) one left join page p on true${groupParts_ ? ' left join groups_of on groups_of.membership_id = p.id' : ''}${
       licenseParts_ ? ' left join licenses_of on licenses_of.membership_id = p.id' : ''
     }
     order by p.created_at, p.id`,
    binds: [...matchBinds, ...binds],
    prepare: PREPARED_PAGE_SIZES.has(first),
    groupParts: groupParts_,
    licenseParts: licenseParts_,
    groupAt: positions(GROUP_COLUMNS, groupParts_),
    licenseAt: positions(LICENSE_COLUMNS, licenseParts_),
  };
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
      teamId,
    }),
  );
}

/**
 * One page of a license type's waitlist, in the order the seat engine grants seats: the same
 * condition and order as its rebalance (WAITING_FOR_SEAT, GRANT_ORDER), on
 * `license_assignment_queue_idx`. The cursor keeps `requested_at` to the microsecond (a Date
 * would round it, and two requests of one millisecond would skip or repeat); a page's first
 * position is counted from the index up to its cursor, so positions stay true as the list moves.
 */
export async function waitlistPage(core: Core, licenseTypeId: string, first: number, after?: string | null): Promise<WaitlistConnection> {
  if (!Number.isInteger(first) || first < 1 || first > 500) fail('BAD_USER_INPUT', 'first must be between 1 and 500');
  if (!UUID.test(licenseTypeId)) fail('NOT_FOUND', 'No such license type.');
  const cursor = decode(after, 2);
  if (cursor && (!UUID.test(cursor[1] ?? '') || Number.isNaN(Date.parse(cursor[0] ?? '')))) fail('BAD_USER_INPUT', 'Invalid cursor');
  const order = GRANT_ORDER.join(', ');
  const from = 'license_assignment la join membership m on m.id = la.membership_id';
  const keyset = `(${order}) > (?::timestamptz, ?::uuid)`;
  const rows = await core.read<Record<string, unknown>>(
    `with page as (
       select la.id as assignment_id, la.requested_at as requested_at_,
         to_char(la.requested_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as requested_key, ${MEMBER_COLUMNS}
       from ${from} join "user" u on u.id = m.user_id
       where ${WAITING_FOR_SEAT}${cursor ? ` and ${keyset}` : ''}
       order by ${order} limit ?
     )
     select (select count(*)::int from ${from} where ${WAITING_FOR_SEAT}) as total_count,
       ${cursor ? `(select count(*)::int from ${from} where ${WAITING_FOR_SEAT} and not ${keyset})` : '0'} as before, p.*
     from (select 1) one left join page p on true
     order by p.requested_at_, p.assignment_id`,
    [licenseTypeId, ...(cursor ?? []), first + 1, licenseTypeId, ...(cursor ? [licenseTypeId, ...cursor] : [])],
  );
  const totalCount = Number(rows[0]?.total_count ?? 0);
  const before = Number(rows[0]?.before ?? 0);
  const entries = rows[0]?.assignment_id ? rows : [];
  const hasNextPage = entries.length > first;
  if (hasNextPage) entries.length = first;
  const edges = entries.map((r, i) => ({
    cursor: encode([r.requested_key as string, r.assignment_id as string]),
    node: Object.assign(new WaitlistEntryType(), {
      position: before + i + 1,
      requestedAt: asDate(r.requested_at_),
      member: toMember(r),
    }),
  }));
  return { edges, totalCount, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
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
export function like(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
