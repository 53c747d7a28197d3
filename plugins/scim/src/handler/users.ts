/**
 * /Users: members of the team (R5–R7, R10) through the core's MemberService only. Reads are
 * one SQL statement; writes are one core transaction each.
 */
import type { MemberRecord } from '@roster/plugin-sdk';
import {
  USER_RESOURCE,
  applyPatchToResource,
  etag,
  listResponse,
  mergeStoredAttributes,
  normalisePatch,
  parseUser,
  renderUser,
  type JsonObject,
  type ListQuery,
  type ParsedUser,
  type PatchOperation,
  type Projection,
} from '../protocol/index.js';
import { USER_COLUMNS } from '../store/columns.js';
import { findUser, listUsers, recordOfMembership } from '../store/users.js';
import { compileList, notFound, userIncludes, type Scope } from './context.js';
import { checkIfMatch, conditionalGet, header, isUuid, json, noContent, type ScimResponse } from './request.js';

type SyncInput = Exclude<Parameters<Scope['core']['members']['sync']>[2], (...args: never[]) => unknown>;

/** The member fields a full SCIM User sets; `attributes` keeps what other channels stored there. */
function syncInput(parsed: ParsedUser, current: MemberRecord): SyncInput {
  const input: SyncInput = {
    userName: parsed.userName,
    externalId: parsed.externalId,
    displayName: parsed.displayName,
    givenName: parsed.givenName,
    familyName: parsed.familyName,
    email: parsed.email,
    attributes: mergeStoredAttributes(current.attributes, parsed.attributes),
  };
  // PUT without `active` keeps the member's state: an IdP that omits it does not mean "deactivate".
  if (parsed.active !== undefined) input.active = parsed.active;
  return input;
}

const location = (s: Scope, id: string) => `${s.baseUrl}/Users/${id}`;

export async function listUserResources(s: Scope, q: ListQuery): Promise<{ total: number; resources: JsonObject[]; startIndex: number }> {
  const { page, project } = compileList(q, USER_COLUMNS, USER_RESOURCE, s.settings.maxResults);
  const { total, records } = await listUsers(s.reader, s.teamId, page, userIncludes(q));
  return { total, resources: records.map((r) => project(renderUser(r, s))), startIndex: page.startIndex };
}

export async function listUsersResponse(s: Scope, q: ListQuery): Promise<ScimResponse> {
  const { total, resources, startIndex } = await listUserResources(s, q);
  return json(200, listResponse(resources, { totalResults: total, startIndex }));
}

export async function getUser(s: Scope, id: string, q: ListQuery, project: Projection): Promise<ScimResponse> {
  const rec = isUuid(id) ? await findUser(s.reader, s.teamId, id, userIncludes(q)) : null;
  if (!rec) throw notFound('User', id);
  return conditionalGet(s.req, rec.version, location(s, rec.id), () => project(renderUser(rec, s)));
}

/** R5: SCIM create adds the person to the team directly; R2: a person of another team → 409 uniqueness. */
export async function createUser(s: Scope, body: unknown, project: Projection): Promise<ScimResponse> {
  const parsed = parseUser(body);
  const input = {
    userName: parsed.userName,
    email: parsed.email,
    givenName: parsed.givenName,
    familyName: parsed.familyName,
    displayName: parsed.displayName,
    externalId: parsed.externalId,
    attributes: parsed.attributes,
    ...(parsed.active !== undefined ? { active: parsed.active } : {}),
  };
  const m = await s.core.members.provision(s.teamId, input, s.actor);
  const rec = recordOfMembership(m, { groups: [], licenses: [] });
  return json(201, project(renderUser(rec, s)), { etag: etag(rec.version), location: location(s, rec.id) });
}

/** Read back after a write, for the 200 answers of PUT (and PATCH when asked to). */
async function readBack(s: Scope, id: string, q: ListQuery, project: Projection): Promise<ScimResponse> {
  const rec = await findUser(s.reader, s.teamId, id, userIncludes(q));
  if (!rec) throw notFound('User', id);
  return json(200, project(renderUser(rec, s)), { etag: etag(rec.version), location: location(s, rec.id) });
}

/** PUT: the whole profile (R6) and `active` (R7) in one transaction. */
export async function replaceUser(s: Scope, id: string, body: unknown, q: ListQuery, project: Projection): Promise<ScimResponse> {
  if (!isUuid(id)) throw notFound('User', id);
  const parsed = parseUser(body, { replace: true });
  const ifMatch = header(s.req, 'if-match');
  await s.core.members.sync(
    s.teamId,
    id,
    (current) => {
      checkIfMatch(ifMatch, current.version);
      return syncInput(parsed, current);
    },
    s.actor,
  );
  return readBack(s, id, q, project);
}

/**
 * PATCH: the operations are validated and normalised before anything is read; then, on the
 * locked member, applied to its SCIM form and written like a PUT. An operation that cannot be
 * applied fails the whole request (400 with its scimType) and nothing changes.
 * Answers 204 (RFC 7644 §3.5.2 allows it; Entra and Okta accept it, Microsoft's tests expect
 * it), or 200 with the resource when the client asks (`Prefer: return=representation`, or
 * `attributes` / `excludedAttributes` in the query).
 */
export async function patchUser(s: Scope, id: string, body: unknown, q: ListQuery, project: Projection): Promise<ScimResponse> {
  if (!isUuid(id)) throw notFound('User', id);
  const ops = normalisePatch(body, USER_RESOURCE, { resourceId: id });
  const ifMatch = header(s.req, 'if-match');
  const active = ifMatch === undefined ? onlyActive(ops) : undefined;
  if (active !== undefined) {
    // Okta's deactivate / reactivate and Entra's disable: no read-modify-write of the profile.
    const r = await s.core.members.changeActive(s.teamId, id, active, s.actor);
    if (wantsRepresentation(s, q)) return readBack(s, id, q, project);
    return noContent({ etag: etag(r.version) });
  }
  const result = await s.core.members.sync(
    s.teamId,
    id,
    (current) => {
      checkIfMatch(ifMatch, current.version);
      const resource = renderUser(recordOfMembership(current), s);
      const parsed = parseUser(applyPatchToResource(resource, ops, USER_RESOURCE));
      return syncInput(parsed, current);
    },
    s.actor,
  );
  if (wantsRepresentation(s, q)) return readBack(s, id, q, project);
  return noContent({ etag: etag(result.member.version) });
}

/** R10: the member leaves the team; the resource then answers 404. */
export async function deleteUser(s: Scope, id: string): Promise<ScimResponse> {
  if (!isUuid(id)) throw notFound('User', id);
  const ifMatch = header(s.req, 'if-match');
  const guard = ifMatch ? { guard: (current: MemberRecord) => checkIfMatch(ifMatch, current.version) } : {};
  await s.core.members.remove(s.teamId, id, s.actor, guard);
  return noContent();
}

/** The value when every operation only sets `active` (the last one wins), else undefined. */
function onlyActive(ops: readonly PatchOperation[]): boolean | undefined {
  let value: boolean | undefined;
  for (const op of ops) {
    const t = op.target;
    if (
      op.op === 'remove' ||
      t.attr !== 'active' ||
      t.extension !== undefined ||
      t.filter !== undefined ||
      t.sub !== undefined ||
      typeof op.value !== 'boolean'
    )
      return undefined;
    value = op.value;
  }
  return value;
}

export function wantsRepresentation(s: Scope, q: ListQuery): boolean {
  const prefer = header(s.req, 'prefer');
  if (prefer !== undefined && /return\s*=\s*representation/i.test(prefer)) return true;
  return Boolean(q.attributes || q.excludedAttributes);
}
