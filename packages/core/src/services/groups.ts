import { assertIdentifierLength } from '../text.js';
import { Group, LicenseType, Team } from '../entities/index.js';
import { fail, foreignKeyViolation } from '../errors.js';
import { AUDIT_INSERT_COLUMNS, audit, auditRow, auditValues } from './audit.js';
import { boundRows as bound, type Actor, type Em, type ReadFn } from './context.js';
import { eventCte } from './events.js';
import type { SeatEngine } from './seats.js';
import type { EventLog } from './events.js';
import { groupResource } from './resources.js';

/** How many unknown ids an error lists. */
const MISSING_SHOWN = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Only UUIDs can be member ids; anything else is reported as not a member, never a database error. */
const isUuid = (id: string) => UUID.test(id);
/** Member ids as the database spells them. */
const canonical = (ids: string[] | undefined) => ids?.map((id) => (isUuid(id) ? id.toLowerCase() : id));
/** A PostgreSQL uuid[] literal (the values are checked UUIDs), for `= any(?::uuid[])`. */
const uuidArray = (ids: string[]) => `{${ids.filter(isUuid).join(',')}}`;

/**
 * Team groups (R13–R16). Memberships are rows, added and removed with set-based SQL, so
 * concurrent changes to one group never lose a member; every change re-syncs license requests.
 */
export class GroupService {
  constructor(private readonly deps: { em: () => Em; read: ReadFn; seats: SeatEngine; events: EventLog }) {}

  /** `em`: run inside the caller's transaction (a SCIM request that also writes its own rows), else in a new one. */
  async create(
    teamId: string,
    input: { displayName: string; externalId?: string | null; memberIds?: string[] },
    actor: Actor,
    em?: Em,
  ): Promise<Group> {
    const name = input.displayName?.trim();
    if (!name) fail('BAD_USER_INPUT', 'displayName is required');
    assertIdentifierLength('displayName', name);
    assertIdentifierLength('externalId', input.externalId);
    return this.inTransaction(em, async (em) => {
      const g = em.create(Group, { team: em.getReference(Team, teamId), displayName: name, externalId: input.externalId ?? null });
      await em.flush();
      audit(em, actor, { teamId, action: 'group.created', target: { type: 'group', id: g.id }, data: { displayName: name } });
      await this.deps.events.publish(em, { teamId, type: 'group.created', data: groupResource(g), actor });
      if (input.memberIds?.length) await this.changeMembers(em, teamId, g.id, { add: input.memberIds }, actor);
      return g;
    });
  }

  async get(teamId: string, groupId: string, em: Em = this.deps.em()): Promise<Group> {
    const g = await em.findOne(Group, { id: groupId, team: teamId });
    if (!g) fail('NOT_FOUND', 'No such group in this team.');
    return g;
  }

  /** R15: renaming keeps the license link, which follows the id. `em`: as for `create`. */
  async update(
    teamId: string,
    groupId: string,
    input: { displayName?: string; externalId?: string | null },
    actor: Actor,
    em?: Em,
  ): Promise<Group> {
    return this.inTransaction(em, async (em) => {
      // Reloaded: member changes earlier in the caller's transaction bump the version in SQL.
      const g = await em.findOne(Group, { id: groupId, team: teamId }, { refresh: true });
      if (!g) fail('NOT_FOUND', 'No such group in this team.');
      const changes: Record<string, unknown> = {};
      if (input.displayName !== undefined) {
        const name = input.displayName.trim();
        if (!name) fail('BAD_USER_INPUT', 'displayName cannot be empty');
        assertIdentifierLength('displayName', name);
        if (name !== g.displayName) changes.displayName = { from: g.displayName, to: name };
        g.displayName = name;
      }
      if (input.externalId !== undefined && input.externalId !== g.externalId) {
        assertIdentifierLength('externalId', input.externalId);
        changes.externalId = input.externalId;
        g.externalId = input.externalId;
      }
      if (Object.keys(changes).length) {
        g.updatedAt = new Date();
        audit(em, actor, { teamId, action: 'group.updated', target: { type: 'group', id: g.id }, data: changes });
        await em.flush();
        await this.deps.events.publish(em, { teamId, type: 'group.updated', data: groupResource(g), actor });
      }
      return g;
    });
  }

  async remove(teamId: string, groupId: string, actor: Actor, em?: Em): Promise<void> {
    await this.inTransaction(em, async (em) => {
      const g = await this.get(teamId, groupId, em);
      if (g.licenseType) fail('CONFLICT', 'This group holds a license type; unlink it first.');
      const members = await em.execute<Array<{ membership_id: string }>>('select membership_id from group_member where group_id = ?', [
        g.id,
      ]);
      await em.execute('delete from "group" where id = ? and team_id = ?', [g.id, teamId]);
      audit(em, actor, { teamId, action: 'group.deleted', target: { type: 'group', id: g.id }, data: { displayName: g.displayName } });
      await this.deps.events.publish(em, { teamId, type: 'group.deleted', data: { id: g.id }, actor });
      await this.deps.seats.syncMembers(
        em,
        teamId,
        members.map((m) => m.membership_id),
        actor,
      );
    });
  }

  /**
   * Applies add/remove/replace; returns the members that changed. `em`: the caller's transaction.
   * An add or a remove alone is one statement (`addOrRemove`); with `em` null it runs outside any
   * transaction when the group holds no license type (#19), else in a transaction of its own.
   * Other changes take two statements for one kind of change: lock the group and check the
   * members, then the set-based change together with the version bump.
   */
  async changeMembers(
    em: Em | null,
    teamId: string,
    groupId: string,
    requestedChange: { add?: string[]; remove?: string[]; replace?: string[] },
    actor: Actor,
  ): Promise<string[]> {
    const change = {
      add: canonical(requestedChange.add),
      remove: canonical(requestedChange.remove),
      replace: canonical(requestedChange.replace),
    };
    const requested = [...new Set([...(change.add ?? []), ...(change.remove ?? []), ...(change.replace ?? [])])];
    const single = change.replace ? undefined : !change.remove?.length ? 'add' : !change.add?.length ? 'remove' : undefined;
    if (!em) {
      const done = single && requested.length ? await this.addOrRemove(null, teamId, groupId, single, requested, actor) : null;
      return done ?? this.deps.em().transactional((tx) => this.changeMembers(tx, teamId, groupId, requestedChange, actor));
    }
    if (single && requested.length) return (await this.addOrRemove(em, teamId, groupId, single, requested, actor))!;
    // Lock the group row: concurrent replaces of one group serialise; adds/removes are set-based anyway.
    const [g] = await bound<{ id: string; license_type_id: string | null; found: Array<{ id: string; status: string }> }>(
      em,
      `select g.id, g.license_type_id,
         coalesce((select json_agg(json_build_object('id', m.id, 'status', m.status)) from membership m
                   where m.team_id = g.team_id and m.id = any(?::uuid[])), '[]'::json) as found
       from "group" g where g.id = ? and g.team_id = ? for update of g`,
      [uuidArray(requested.filter(isUuid)), groupId, teamId],
      { prepare: true },
    );
    if (!g) fail('NOT_FOUND', 'No such group in this team.');
    this.assertMembersOfTeam(requested, g.found, actor);
    const steps: Array<{ sql: string; params: unknown[]; adds: boolean }> = [];
    let add = change.add;
    if (change.replace) {
      const keep = [...new Set(change.replace)];
      steps.push({
        sql: 'delete from group_member where group_id = ? and not (membership_id = any(?::uuid[])) returning membership_id',
        params: [groupId, uuidArray(keep)],
        adds: false,
      });
      add = keep;
    }
    if (change.remove?.length) {
      steps.push({
        sql: 'delete from group_member where group_id = ? and membership_id = any(?::uuid[]) returning membership_id',
        params: [groupId, uuidArray([...new Set(change.remove)])],
        adds: false,
      });
    }
    if (add?.length) {
      steps.push({
        sql: `insert into group_member (team_id, group_id, membership_id)
              select ?, ?, m.id from membership m where m.team_id = ? and m.id = any(?::uuid[])
              on conflict do nothing returning membership_id`,
        params: [teamId, groupId, teamId, uuidArray([...new Set(add)])],
        adds: true,
      });
    }
    const touched = new Set<string>();
    const added = new Set<string>();
    const removed = new Set<string>();
    const ev = auditRow(actor, { teamId, action: 'group.members_changed', target: { type: 'group', id: groupId } });
    for (const [i, step] of steps.entries()) {
      // The last change also bumps the group's version and writes the audit event, when anything
      // changed (its own rows or earlier ones): one statement for the common single change.
      const rows =
        i < steps.length - 1
          ? await bound<{ membership_id: string }>(em, step.sql, step.params, { prepare: true })
          : await bound<{ membership_id: string }>(
              em,
              `with t as (${step.sql}),
           changed as (select membership_id::text as id from t union select unnest(?::text[])),
           bump as (update "group" set version = version + 1, updated_at = greatest(updated_at, clock_timestamp())
                    where id = ? and exists (select 1 from changed)),
           a as (${AUDIT_INSERT_COLUMNS}
                 select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, jsonb_build_object('changed', (select jsonb_agg(id order by id) from changed))
                 where exists (select 1 from changed))
           select membership_id from t`,
              [...step.params, `{${[...touched].join(',')}}`, groupId, ...auditValues(ev)],
              { prepare: true },
            );
      rows.forEach((r) => {
        touched.add(r.membership_id);
        (step.adds ? added : removed).add(r.membership_id);
      });
    }
    if (touched.size) {
      // A member removed then added back in one request (replace + add) is in the group: not removed.
      for (const id of added) removed.delete(id);
      await this.deps.events.publish(em, {
        teamId,
        type: 'group.members_changed',
        data: { id: groupId, added: [...added].sort(), removed: [...removed].sort() },
        actor,
      });
    }
    if (touched.size && g.license_type_id) await this.deps.seats.syncMembers(em, teamId, [...touched], actor);
    return [...touched];
  }

  /**
   * An add or a remove alone (an IdP's PATCH, the console's add / remove) in one statement: the
   * team check of the members, the change, the version bump, the audit and the event. No lock is
   * taken before the change: concurrent adds and removes are set-based, and the version bump
   * locks the group row only from this statement to the commit, instead of from a first locking
   * round trip (#19: PATCHes of one group queued on it for the whole transaction). When a
   * requested id is not a member of the team (or the console moves an inactive member, R8)
   * nothing changes and the same refusal as the locking path is raised from what the statement
   * found. Without a transaction (`em` null) only a group without a license type is changed
   * (its seats are rebalanced in the change's transaction): null for a license group.
   */
  private async addOrRemove(
    em: Em | null,
    teamId: string,
    groupId: string,
    kind: 'add' | 'remove',
    requested: string[],
    actor: Actor,
  ): Promise<string[] | null> {
    const ids = requested.filter(isUuid);
    const ev = auditRow(actor, { teamId, action: 'group.members_changed', target: { type: 'group', id: groupId } });
    // One member (an IdP's everyday PATCH) is matched as a scalar: with an array parameter
    // PostgreSQL's generic plan looked dearer than a custom one, so the prepared statement was
    // planned again on every execution (pg_stat_statements in the bench: 5,034 plans for 5,024
    // adds, 0.5 ms each); with a scalar it is planned once per connection.
    const one = ids.length === 1;
    const isRequested = (column: string) => (one ? `${column} = ?::uuid` : `${column} = any(?::uuid[])`);
    const idsParam = one ? ids[0] : uuidArray(ids);
    const change =
      kind === 'add'
        ? `insert into group_member (team_id, group_id, membership_id)
             select g.team_id, g.id, f.id from g, found f where exists (select 1 from ok)
             on conflict do nothing returning membership_id`
        : `delete from group_member gm using g where gm.group_id = g.id and ${isRequested('gm.membership_id')}
             and exists (select 1 from ok) returning gm.membership_id`;
    type Outcome = {
      group_found: boolean;
      license_type_id: string | null;
      found: Array<{ id: string; status: string }>;
      changed: string[] | null;
    };
    // Outside a transaction (em null): one autocommit statement on the pool, no EntityManager forked.
    const run = <T>(sql: string, params: readonly unknown[]) =>
      em ? bound<T>(em, sql, params, { prepare: true }) : this.deps.read<T>(sql, params, { prepare: true });
    const [r] = await run<Outcome>(
      `with g as (select id, team_id, license_type_id from "group" where id = ? and team_id = ?),
         found as (select m.id, m.status from membership m where m.team_id = ? and ${isRequested('m.id')}),
         ok as (select 1 from g where (select count(*) from found) = ?::int
                  and not (?::boolean and exists (select 1 from found where status = 'inactive'))
                  and (?::boolean or g.license_type_id is null)),
         t as (${change}),
         bump as (update "group" set version = version + 1, updated_at = greatest(updated_at, clock_timestamp())
                  where id = ? and exists (select 1 from t)),
         a as (${AUDIT_INSERT_COLUMNS}
               select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, jsonb_build_object('changed', (select jsonb_agg(membership_id::text order by membership_id::text) from t))
               where exists (select 1 from t)),
         ${eventCte('(select 1 where exists (select 1 from t)) x', {
           data: `jsonb_build_object('${kind === 'add' ? 'added' : 'removed'}', (select jsonb_agg(membership_id::text order by membership_id::text) from t))`,
         })}
       select exists (select 1 from g) as group_found, (select license_type_id from g) as license_type_id,
         coalesce((select json_agg(json_build_object('id', f.id, 'status', f.status)) from found f), '[]'::json) as found,
         array(select membership_id::text from t) as changed`,
      [
        groupId,
        teamId,
        teamId,
        idsParam,
        requested.length,
        actor.isAdminConsole === true,
        em !== null,
        ...(kind === 'remove' ? [idsParam] : []),
        groupId,
        ...auditValues(ev),
        ...this.deps.events.params({
          teamId,
          type: 'group.members_changed',
          data: kind === 'add' ? { id: groupId, removed: [] } : { id: groupId, added: [] },
          actor,
        }),
      ],
    ).catch((e: unknown): Outcome[] => {
      // The group or a member was deleted by a transaction that committed while this one checked them.
      if (foreignKeyViolation(e)) fail('NOT_FOUND', 'No such group or member in this team.');
      throw e;
    });
    if (!r?.group_found) fail('NOT_FOUND', 'No such group in this team.');
    if (!em && r.license_type_id) return null;
    const changed = r.changed ?? [];
    if (changed.length === 0) this.assertMembersOfTeam(requested, r.found, actor);
    if (em && changed.length && r.license_type_id) await this.deps.seats.syncMembers(em, teamId, changed, actor);
    return changed;
  }

  async setMembers(
    teamId: string,
    groupId: string,
    change: { add?: string[]; remove?: string[]; replace?: string[] },
    actor: Actor,
  ): Promise<string[]> {
    return this.deps.em().transactional((em) => this.changeMembers(em, teamId, groupId, change, actor));
  }

  /** R13: membership of the group now requests that license type; R15: the link is by id. */
  async linkLicense(teamId: string, groupId: string, licenseTypeId: string | null, actor: Actor): Promise<Group> {
    return this.deps.em().transactional(async (em) => {
      const g = await this.get(teamId, groupId, em);
      if (licenseTypeId) {
        const lt = await em.findOne(LicenseType, { id: licenseTypeId, team: teamId });
        if (!lt) fail('NOT_FOUND', 'No such license type in this team.');
        const taken = await em.findOne(Group, { licenseType: lt.id, id: { $ne: g.id } });
        if (taken) fail('CONFLICT', `License type "${lt.name}" is already linked to group "${taken.displayName}".`);
        g.licenseType = em.getReference(LicenseType, lt.id) as unknown as Group['licenseType'];
      } else {
        g.licenseType = null;
      }
      await em.flush();
      audit(em, actor, {
        teamId,
        action: licenseTypeId ? 'group.linked' : 'group.unlinked',
        target: { type: 'group', id: g.id },
        data: { licenseTypeId },
      });
      await this.deps.events.publish(em, { teamId, type: 'group.updated', data: groupResource(g), actor });
      const members = await em.execute<Array<{ membership_id: string }>>('select membership_id from group_member where group_id = ?', [
        g.id,
      ]);
      await this.deps.seats.syncMembers(
        em,
        teamId,
        members.map((m) => m.membership_id),
        actor,
      );
      return g;
    });
  }

  private inTransaction<T>(em: Em | undefined, fn: (em: Em) => Promise<T>): Promise<T> {
    return em ? fn(em) : this.deps.em().transactional(fn);
  }

  /** Every requested id must be a member of the team (`found`, from the locking statement). */
  private assertMembersOfTeam(requested: string[], found: Array<{ id: string; status: string }>, actor: Actor): void {
    if (!requested.length) return;
    const known = new Set(found.map((m) => m.id));
    const missing = requested.filter((i) => !known.has(i));
    if (missing.length) {
      // The answer names a few ids, not all of them: a request may carry thousands.
      const shown = missing.slice(0, MISSING_SHOWN);
      const more = missing.length > shown.length ? ` and ${missing.length - shown.length} more` : '';
      fail('NOT_FOUND', `Not members of this team: ${shown.join(', ')}${more}`, { missing: shown, missingCount: missing.length });
    }
    // R8: the admin console cannot move inactive members between groups; the IdP (SCIM) still can.
    if (actor.isAdminConsole && found.some((m) => m.status === 'inactive')) fail('MEMBER_INACTIVE');
  }
}
