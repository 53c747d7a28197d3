/**
 * /Groups: team groups (R13–R16) through the core's GroupService. Memberships are rows changed
 * set-wise inside one transaction that first locks the group, so concurrent PATCHes of one group
 * queue and never lose a member; membership of a license group goes through the seat engine
 * (R13, R14) because the core's `changeMembers` does. Renames keep the license link (R15).
 */
import { isRosterError, type PluginEm as Em } from '@roster/plugin-sdk';
import {
  GROUP_RESOURCE,
  ScimError,
  etag,
  listResponse,
  normalisePatch,
  parseGroup,
  renderGroup,
  toGroupChanges,
  type GroupChange,
  type GroupRecord,
  type JsonObject,
  type ListQuery,
  type Projection,
} from '../protocol/index.js';
import { findKey, isObject } from '../protocol/json.js';
import { GROUP_COLUMNS } from '../store/columns.js';
import {
  addRefs,
  auditRefs,
  findGroup,
  keepDisplaysOf,
  knownMembers,
  listGroups,
  lockGroup,
  removeRefs,
  saveDisplays,
  type StoredGroup,
} from '../store/groups.js';
import { emSql } from '../store/sql.js';
import { compileList, groupShowsMembers, notFound, type Scope } from './context.js';
import { checkIfMatch, conditionalGet, header, isUuid, json, noContent, type ScimResponse } from './request.js';
import { wantsRepresentation } from './users.js';

const location = (s: Scope, id: string) => `${s.baseUrl}/Groups/${id}`;

export function renderStoredGroup(g: StoredGroup, s: Pick<Scope, 'baseUrl'>): JsonObject {
  const rec: GroupRecord = {
    id: g.id,
    displayName: g.displayName,
    externalId: g.externalId,
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
    version: g.version,
  };
  if (g.members) rec.members = g.members;
  const out = renderGroup(rec, s);
  if (!g.refs || g.refs.length === 0) return out;
  // Unresolved references (Entra compatibility) are shown as sent: a value, its display, no $ref.
  const { meta, ...rest } = out;
  const members = [
    ...((rest.members as JsonObject[] | undefined) ?? []),
    ...g.refs.map((r): JsonObject => (r.display ? { value: r.value, display: r.display } : { value: r.value })),
  ];
  return { ...rest, members, meta: meta! };
}

export async function listGroupResources(s: Scope, q: ListQuery): Promise<{ total: number; resources: JsonObject[]; startIndex: number }> {
  const { page, project } = compileList(q, GROUP_COLUMNS, GROUP_RESOURCE, s.settings.maxResults);
  const { total, records } = await listGroups(s.reader, s.teamId, page, groupShowsMembers(q));
  return { total, resources: records.map((g) => project(renderStoredGroup(g, s))), startIndex: page.startIndex };
}

export async function listGroupsResponse(s: Scope, q: ListQuery): Promise<ScimResponse> {
  const { total, resources, startIndex } = await listGroupResources(s, q);
  return json(200, listResponse(resources, { totalResults: total, startIndex }));
}

export async function getGroup(s: Scope, id: string, q: ListQuery, project: Projection): Promise<ScimResponse> {
  const g = isUuid(id) ? await findGroup(s.reader, s.teamId, id, groupShowsMembers(q)) : null;
  if (!g) throw notFound('Group', id);
  return conditionalGet(s.req, g.version, location(s, g.id), () => project(renderStoredGroup(g, s)));
}

async function readBack(s: Scope, id: string, q: ListQuery, project: Projection, status: number): Promise<ScimResponse> {
  const g = await findGroup(s.reader, s.teamId, id, groupShowsMembers(q));
  if (!g) throw notFound('Group', id);
  return json(status, project(renderStoredGroup(g, s)), { etag: etag(g.version), location: location(s, g.id) });
}

// ---- member references -------------------------------------------------------------------

const MEMBERS_PATH = /^\s*(urn:ietf:params:scim:schemas:core:2\.0:group:)?members\s*$/i;

/** The member values a body sent as bare strings (`"value": "id"` instead of `{"value": "id"}`): Entra's form. */
function bareStrings(v: unknown, into: Set<string>): void {
  if (typeof v === 'string') into.add(v.trim());
  else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') into.add(x.trim());
}

function bareInPatch(body: unknown): Set<string> {
  const out = new Set<string>();
  const ops = isObject(body) ? body[findKey(body, 'Operations') ?? 'Operations'] : undefined;
  if (!Array.isArray(ops)) return out;
  for (const op of ops) {
    if (!isObject(op)) continue;
    const path = op[findKey(op, 'path') ?? 'path'];
    const value = op[findKey(op, 'value') ?? 'value'];
    if (typeof path === 'string' && MEMBERS_PATH.test(path)) bareStrings(value, out);
    else if ((path === undefined || path === null || path === '') && isObject(value))
      bareStrings(value[findKey(value, 'members') ?? 'members'], out);
  }
  return out;
}

function bareInResource(body: unknown): Set<string> {
  const out = new Set<string>();
  if (isObject(body)) bareStrings(body[findKey(body, 'members') ?? 'members'], out);
  return out;
}

/** Member ids as the database spells them (lower-case UUIDs); anything else is kept as sent. */
const canonical = (id: string): string => (isUuid(id) ? id.toLowerCase() : id);
const uuidsOf = (ids: Iterable<string>): string[] => [...new Set([...ids].filter(isUuid).map((i) => i.toLowerCase()))];

interface MemberPlan {
  /** Members of the team, for `group_member`. */
  real: string[];
  /** Entra's bare-string values that name no member: kept as unresolved references. */
  refs: Array<{ value: string; display: string | null }>;
  displays: Array<{ id: string; display: string }>;
}

/**
 * Sorts the members to add into team members and unresolved references. A member given as an
 * object (the RFC form) must be a user of this team, else the request fails with
 * invalidValue and nothing changes — a membership the server cannot apply is never answered
 * with a 2xx. Only Entra's bare-string form is kept as a reference when it names nobody.
 */
function plan(
  ids: readonly string[],
  displays: Readonly<Record<string, string>> | undefined,
  known: Set<string>,
  bare: Set<string>,
): MemberPlan {
  const out: MemberPlan = { real: [], refs: [], displays: [] };
  const unknown: string[] = [];
  for (const raw of ids) {
    const id = canonical(raw);
    const display = displays?.[raw] ?? null;
    if (known.has(id)) {
      out.real.push(id);
      if (display !== null) out.displays.push({ id, display });
    } else if (bare.has(raw)) {
      out.refs.push({ value: raw, display });
    } else {
      unknown.push(raw);
    }
  }
  if (unknown.length > 0) {
    throw new ScimError(
      'SCIM_ERR_VALUE_INVALID',
      `members: ${unknown.map((u) => JSON.stringify(u)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a User of this team; nothing was changed.`,
    );
  }
  return out;
}

/** The ids a list of group changes names, for one lookup of which are team members. */
function idsIn(changes: readonly GroupChange[]): string[] {
  return changes.flatMap((c) => ('ids' in c ? c.ids : []));
}

/** The missing member ids of a core NOT_FOUND, if that is what `e` is. */
function missingMembers(e: unknown): string[] | undefined {
  return isRosterError(e) && e.code === 'NOT_FOUND' && Array.isArray(e.details.missing) ? (e.details.missing as string[]) : undefined;
}

function notUsers(ids: readonly string[]): ScimError {
  return new ScimError(
    'SCIM_ERR_VALUE_INVALID',
    `members: ${ids.map((u) => JSON.stringify(u)).join(', ')} ${ids.length === 1 ? 'is' : 'are'} not a User of this team; nothing was changed.`,
  );
}

/**
 * Applies the member changes in order inside the caller's transaction. `known` (which ids are
 * team members) is given when the group was locked and the ids looked up first — needed for
 * Entra's bare strings; otherwise the core's `changeMembers` locks and checks the members itself.
 */
async function applyMemberChanges(
  em: Em,
  s: Scope,
  groupId: string,
  changes: readonly GroupChange[],
  known: Set<string> | undefined,
  bare: Set<string>,
): Promise<void> {
  const groups = s.core.groups;
  const refsAdded: string[] = [];
  const refsRemoved: string[] = [];
  /** A change every id of which must be a team member (else 400 invalidValue, and the transaction rolls back). */
  const strict = async (change: { add?: string[]; replace?: string[] }) => {
    try {
      await groups.changeMembers(em, s.teamId, groupId, change, s.actor);
    } catch (e) {
      const missing = missingMembers(e);
      if (missing) throw notUsers(missing);
      throw e;
    }
  };
  const displaysOf = (c: { ids: string[]; displays?: Record<string, string> }) =>
    c.ids.flatMap((raw) => (c.displays?.[raw] !== undefined ? [{ id: canonical(raw), display: c.displays[raw]! }] : []));
  for (const c of changes) {
    switch (c.kind) {
      case 'addMembers': {
        if (known) {
          const p = plan(c.ids, c.displays, known, bare);
          if (p.real.length > 0) await groups.changeMembers(em, s.teamId, groupId, { add: p.real }, s.actor);
          await saveDisplays(emSql(s.core.db, em), s.teamId, groupId, p.displays);
          refsAdded.push(...(await addRefs(emSql(s.core.db, em), s.teamId, groupId, p.refs)));
        } else {
          await strict({ add: c.ids.map(canonical) });
          await saveDisplays(emSql(s.core.db, em), s.teamId, groupId, displaysOf(c));
        }
        break;
      }
      case 'removeMembers': {
        // Removing a member that is not (or no longer) there is already done: no error.
        let absent: string[];
        if (known) {
          const real = c.ids.map(canonical).filter((id) => known.has(id));
          if (real.length > 0) await groups.changeMembers(em, s.teamId, groupId, { remove: real }, s.actor);
          absent = c.ids.filter((id) => !known.has(canonical(id)));
        } else {
          const ids = c.ids.map(canonical);
          try {
            await groups.changeMembers(em, s.teamId, groupId, { remove: ids }, s.actor);
            absent = [];
          } catch (e) {
            const missing = missingMembers(e);
            if (!missing) throw e;
            const rest = ids.filter((id) => !missing.includes(id));
            if (rest.length > 0) await groups.changeMembers(em, s.teamId, groupId, { remove: rest }, s.actor);
            absent = missing;
          }
        }
        refsRemoved.push(...(await removeRefs(emSql(s.core.db, em), groupId, absent)));
        break;
      }
      case 'replaceMembers': {
        let p: MemberPlan;
        if (known) {
          p = plan(c.ids, c.displays, known, bare);
          await groups.changeMembers(em, s.teamId, groupId, { replace: p.real }, s.actor);
        } else {
          p = { real: c.ids.map(canonical), refs: [], displays: displaysOf(c) };
          await strict({ replace: p.real });
        }
        await keepDisplaysOf(
          emSql(s.core.db, em),
          groupId,
          p.displays.map((d) => d.id),
        );
        await saveDisplays(emSql(s.core.db, em), s.teamId, groupId, p.displays);
        const before = await removeRefs(emSql(s.core.db, em), groupId);
        const after = await addRefs(emSql(s.core.db, em), s.teamId, groupId, p.refs);
        refsRemoved.push(...before.filter((v) => !p.refs.some((r) => r.value === v)));
        refsAdded.push(...after.filter((v) => !before.includes(v)));
        break;
      }
      case 'removeAllMembers': {
        await groups.changeMembers(em, s.teamId, groupId, { replace: [] }, s.actor);
        refsRemoved.push(...(await removeRefs(emSql(s.core.db, em), groupId)));
        break;
      }
      default:
        break;
    }
  }
  auditRefs(s.core.audit, em, s.actor, s.teamId, groupId, refsAdded, refsRemoved);
}

/** Folds the rename / externalId changes into one core update (run last: it reloads the group). */
async function applyAttributeChanges(em: Em, s: Scope, groupId: string, changes: readonly GroupChange[]): Promise<void> {
  const input: { displayName?: string; externalId?: string | null } = {};
  for (const c of changes) {
    if (c.kind === 'rename') input.displayName = c.displayName;
    else if (c.kind === 'externalId') input.externalId = c.externalId;
  }
  if (input.displayName !== undefined || input.externalId !== undefined) await s.core.groups.update(s.teamId, groupId, input, s.actor, em);
}

// ---- endpoints -----------------------------------------------------------------------------

export async function createGroup(s: Scope, body: unknown, q: ListQuery, project: Projection): Promise<ScimResponse> {
  const parsed = parseGroup(body);
  const bare = bareInResource(body);
  const members = parsed.members ?? [];
  const id = await s.core.db.em().transactional(async (em) => {
    const known = await knownMembers(emSql(s.core.db, em), s.teamId, uuidsOf(members.map((m) => m.value)));
    const displays = Object.fromEntries(members.filter((m) => m.display !== undefined).map((m) => [m.value, m.display!]));
    const p = plan(
      members.map((m) => m.value),
      displays,
      known,
      bare,
    );
    const g = await s.core.groups.create(s.teamId, { displayName: parsed.displayName, externalId: parsed.externalId }, s.actor, em);
    if (p.real.length > 0) await s.core.groups.changeMembers(em, s.teamId, g.id, { add: p.real }, s.actor);
    await saveDisplays(emSql(s.core.db, em), s.teamId, g.id, p.displays);
    auditRefs(s.core.audit, em, s.actor, s.teamId, g.id, await addRefs(emSql(s.core.db, em), s.teamId, g.id, p.refs), []);
    return g.id;
  });
  return readBack(s, id, q, project, 201);
}

/** PUT replaces displayName, externalId and the members; a body without `members` clears them (RFC 7644 §3.5.1). */
export async function replaceGroup(s: Scope, id: string, body: unknown, q: ListQuery, project: Projection): Promise<ScimResponse> {
  if (!isUuid(id)) throw notFound('Group', id);
  const parsed = parseGroup(body);
  const bare = bareInResource(body);
  const members = parsed.members ?? [];
  const displays = Object.fromEntries(members.filter((m) => m.display !== undefined).map((m) => [m.value, m.display!]));
  const changes: GroupChange[] = [
    { kind: 'replaceMembers', ids: members.map((m) => m.value), displays },
    { kind: 'rename', displayName: parsed.displayName },
    { kind: 'externalId', externalId: parsed.externalId },
  ];
  await write(s, id, changes, bare);
  return readBack(s, id, q, project, 200);
}

/**
 * PATCH: normalised (Okta's `{id, displayName}` renames, Entra's capitalised ops and bare
 * string ids, `members[value eq "…"]` removals) and validated before the transaction; applied
 * in the order sent. Answers 204, or 200 with the group when asked (see `wantsRepresentation`).
 */
export async function patchGroup(s: Scope, id: string, body: unknown, q: ListQuery, project: Projection): Promise<ScimResponse> {
  if (!isUuid(id)) throw notFound('Group', id);
  const changes = toGroupChanges(normalisePatch(body, GROUP_RESOURCE, { resourceId: id }));
  await write(s, id, changes, bareInPatch(body));
  if (wantsRepresentation(s, q)) return readBack(s, id, q, project, 200);
  return noContent();
}

/**
 * The IdPs' everyday group PATCH — one add or one remove of members named by id, no
 * precondition — without a transaction (#19): the core changes the members in one statement of
 * its own (in a transaction of its own for a license group, whose seats follow), then the
 * displays sent are stored by a second statement; a display is what GET shows, no rule depends
 * on it. False when the request needs the full path, which gives every precise answer (e.g. ids
 * that are not members of the team: nothing was changed here).
 */
async function memberChangeAlone(s: Scope, id: string, changes: readonly GroupChange[], bare: Set<string>): Promise<boolean> {
  const c = changes.length === 1 ? changes[0]! : undefined;
  if (!c || (c.kind !== 'addMembers' && c.kind !== 'removeMembers')) return false;
  if (header(s.req, 'if-match') !== undefined || bare.size > 0 || c.ids.length === 0 || !c.ids.every(isUuid)) return false;
  const ids = c.ids.map(canonical);
  try {
    await s.core.groups.changeMembers(null, s.teamId, id, c.kind === 'addMembers' ? { add: ids } : { remove: ids }, s.actor);
  } catch (e) {
    if (missingMembers(e)) return false;
    throw e;
  }
  if (c.kind === 'addMembers') {
    const displays = c.ids.flatMap((raw) => (c.displays?.[raw] !== undefined ? [{ id: canonical(raw), display: c.displays[raw]! }] : []));
    // The plugin's own table, in a statement of its own (the reader runs one autocommit statement).
    await saveDisplays(s.reader, s.teamId, id, displays);
  }
  return true;
}

/**
 * One transaction: member changes in order, then attributes. The group is locked and the ids
 * looked up first when a precondition (If-Match) or Entra's bare strings need it; otherwise the
 * core's `changeMembers` locks and checks in its first statement, and a rename loads the group,
 * so a missing group is a 404 either way.
 */
async function write(s: Scope, id: string, changes: readonly GroupChange[], bare: Set<string>): Promise<void> {
  if (await memberChangeAlone(s, id, changes, bare)) return;
  const ifMatch = header(s.req, 'if-match');
  const ids = idsIn(changes);
  const lockFirst =
    ifMatch !== undefined ||
    bare.size > 0 ||
    ids.some((i) => !isUuid(i)) ||
    !changes.some((c) => 'ids' in c || c.kind === 'rename' || c.kind === 'externalId');
  await s.core.db.em().transactional(async (em) => {
    let known: Set<string> | undefined;
    if (lockFirst) {
      const lock = await lockGroup(emSql(s.core.db, em), s.teamId, id, uuidsOf(ids));
      if (!lock) throw notFound('Group', id);
      checkIfMatch(ifMatch, lock.version);
      known = lock.known;
    }
    await applyMemberChanges(em, s, id, changes, known, bare);
    await applyAttributeChanges(em, s, id, changes);
  });
}

export async function deleteGroup(s: Scope, id: string): Promise<ScimResponse> {
  if (!isUuid(id)) throw notFound('Group', id);
  const ifMatch = header(s.req, 'if-match');
  if (ifMatch === undefined) {
    await s.core.groups.remove(s.teamId, id, s.actor);
  } else {
    await s.core.db.em().transactional(async (em) => {
      const lock = await lockGroup(emSql(s.core.db, em), s.teamId, id, []);
      if (!lock) throw notFound('Group', id);
      checkIfMatch(ifMatch, lock.version);
      await s.core.groups.remove(s.teamId, id, s.actor, em);
    });
  }
  return noContent();
}
