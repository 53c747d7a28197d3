import { Membership, User, normaliseLogin, type MemberRole, Team } from '../entities/index.js';
import { RosterError, fail, isRosterError, uniqueViolation } from '../errors.js';
import { randomUUID } from 'node:crypto';
import { LockMode, Reference } from '@mikro-orm/core';
import { AUDIT_INSERT_COLUMNS, audit, auditRow, auditRefusal, auditParams } from './audit.js';
import { assertNoDomainOfAnotherTeam, emailDomain, isIdentityRuleCode } from './identity-rule.js';
import { assertIdentifierLength } from '../text.js';
import { boundRows as bound, type Actor, type Em, type HookBus, type ReadFn } from './context.js';
import type { SeatEngine } from './seats.js';
import type { SessionService } from './sessions.js';
import { eventCte, type EventLog } from './events.js';
import { memberResource, memberResourceSql } from './resources.js';

export interface ProfileInput {
  email?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  externalId?: string | null;
  /** Replaces the stored extra attributes when given. */
  attributes?: Record<string, unknown>;
}

export interface ProvisionInput extends ProfileInput {
  userName: string;
  role?: MemberRole;
  active?: boolean;
  creditLimit?: number;
}

export interface UpdateInput extends ProfileInput {
  userName?: string;
  role?: MemberRole;
  creditLimit?: number;
}

/** What an identity provider may set on a member (SCIM PUT / PATCH): the profile, userName and active. */
export interface SyncInput extends ProfileInput {
  userName?: string;
  active?: boolean;
}

/** The outcome of `sync`: the member after the change, and which fields really changed (empty: nothing was written). */
export interface SyncResult {
  membership: Membership;
  changed: string[];
}

/**
 * Member lifecycle (R2, R5–R10). Every channel — GraphQL, SCIM, JIT sign-in — goes through
 * here; each method is one transaction that also writes its audit event.
 */
/** Identifiers of a profile that are stored in indexed columns. */
function assertProfileLengths(input: ProfileInput): void {
  assertIdentifierLength('email', input.email);
  assertIdentifierLength('externalId', input.externalId);
}

export class MemberService {
  constructor(
    private readonly deps: { em: () => Em; read: ReadFn; seats: SeatEngine; sessions: SessionService; hooks: HookBus; events: EventLog },
  ) {}

  /**
   * Adds a person to the team (R5). Who may be added is the identity rule's (identity-rule.ts):
   * never a platform admin, never an address in a domain another team verified, never a member of
   * another team (R2). A person already known but in no team is attached as they are: their
   * stored profile and credentials (email, names, password) are not overwritten (docs/security.md).
   */
  async provision(teamId: string, input: ProvisionInput, actor: Actor): Promise<Membership> {
    assertProfileLengths(input);
    return this.traced(teamId, actor, { userName: input.userName, email: input.email ?? null }, () =>
      this.provisionPerson(teamId, input, actor),
    );
  }

  /** Runs `work`; a refusal of the identity rule leaves an audit trace of its own (the change rolled back). */
  private async traced<T>(teamId: string, actor: Actor, data: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (isRosterError(e) && isIdentityRuleCode(e.code)) {
        await auditRefusal(this.deps.em(), actor, { teamId, action: 'member.refused', reason: e.message, data: { ...data, code: e.code } });
      }
      throw e;
    }
  }

  private async provisionPerson(teamId: string, input: ProvisionInput, actor: Actor): Promise<Membership> {
    // A person seen for the first time (the common case of an IdP's sync) is created in one
    // statement; anyone already known takes the full path below, which gives the R2 answers.
    const created = await this.provisionNewPerson(teamId, input, actor);
    if (created) {
      await this.deps.hooks.emit('memberProvisioned', { teamId, membershipId: created.id });
      return created;
    }
    try {
      return await this.provisionOnce(teamId, input, actor);
    } catch (e) {
      // Lost a race on the unique indexes (two creates of one person at once): run again, so
      // the loser gets the same precise answer a sequential request would (R2).
      if (isRosterError(e) && e.details.race) return this.provisionOnce(teamId, input, actor);
      throw e;
    }
  }

  /**
   * Person, membership and audit event in one statement (atomic on its own), when no person has
   * this login yet. Null when one has (or one was created concurrently): the caller then takes
   * the transactional path. The entities returned are built from the written values, not read back.
   */
  private async provisionNewPerson(teamId: string, input: ProvisionInput, actor: Actor): Promise<Membership | null> {
    const login = normaliseLogin(input.userName ?? '');
    if (!login) fail('BAD_USER_INPUT', 'userName is required');
    assertIdentifierLength('userName', login);
    const now = new Date();
    const active = input.active !== false;
    const userId = randomUUID();
    const membershipId = randomUUID();
    const userName = input.userName.trim();
    const email = input.email?.trim().toLowerCase() || null;
    const role = input.role ?? 'member';
    const ev = auditRow(actor, {
      teamId,
      action: 'member.provisioned',
      target: { type: 'member', id: membershipId },
      data: { userName, active },
    });
    // Detached entities holding what is written (cheaper than merging them into an identity map
    // nobody reads), built before the statement: its event carries the member.
    const user = Object.assign(new User(), {
      id: userId,
      login,
      email,
      givenName: input.givenName ?? null,
      familyName: input.familyName ?? null,
      displayName: input.displayName ?? null,
      platformAdmin: false,
      createdAt: now,
      updatedAt: now,
    });
    const created = Object.assign(new Membership(), {
      id: membershipId,
      team: Reference.createFromPK(Team, teamId),
      user: Reference.create(user),
      role,
      status: active ? 'active' : 'inactive',
      creditLimit: input.creditLimit ?? 0,
      userName,
      externalId: input.externalId ?? null,
      attributes: input.attributes ?? {},
      version: 1,
      createdAt: now,
      updatedAt: now,
      deactivatedAt: active ? null : now,
    } satisfies Partial<Membership>);
    let rows: Array<{ id: string | null }>;
    try {
      // One autocommit statement: the pool's connection, no EntityManager to fork.
      rows = await this.deps.read<{ id: string | null }>(
        `with u as (
           insert into "user" (id, login, email, given_name, family_name, display_name, platform_admin, created_at, updated_at)
           select ?, ?, ?, ?, ?, ?, false, ?, ?
           -- Never into a domain another team verified: the transactional path then says why.
           where not exists (select 1 from verified_domain vd where vd.domain in (?, ?) and vd.verified_at is not null and vd.team_id <> ?)
           on conflict (login) do nothing
           returning id
         ), m as (
           insert into membership (id, team_id, user_id, role, status, credit_limit, user_name, external_id, attributes, version, created_at, updated_at, deactivated_at)
           select ?, ?, u.id, ?, ?, ?, ?, ?, ?::jsonb, 1, ?, ?, ? from u
           returning id
         ), a as (
           ${AUDIT_INSERT_COLUMNS}
           select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb from m
         ), ${eventCte('m')}
         select (select id from m) as id`,
        [
          userId,
          login,
          email,
          input.givenName ?? null,
          input.familyName ?? null,
          input.displayName ?? null,
          now,
          now,
          emailDomain(login),
          emailDomain(email),
          teamId,
          membershipId,
          teamId,
          role,
          active ? 'active' : 'inactive',
          input.creditLimit ?? 0,
          userName,
          input.externalId ?? null,
          JSON.stringify(input.attributes ?? {}),
          now,
          now,
          active ? null : now,
          ...auditParams(ev),
          ...this.deps.events.params({ teamId, type: 'member.created', data: memberResource(created), actor }, now),
        ],
        { prepare: true },
      );
    } catch (e) {
      // Another create of the same userName in this team won a race on the membership index.
      if (uniqueViolation(e)) return null;
      throw e;
    }
    if (!rows[0]?.id) return null;
    return created;
  }

  private async provisionOnce(teamId: string, input: ProvisionInput, actor: Actor): Promise<Membership> {
    const login = normaliseLogin(input.userName);
    if (!login) fail('BAD_USER_INPUT', 'userName is required');
    assertIdentifierLength('userName', login);
    const membership = await this.deps.em().transactional(async (em) => {
      await assertNoDomainOfAnotherTeam(em, teamId, [login, input.email]);
      let user = await em.findOne(User, { login });
      const existingPerson = user !== null;
      if (user) {
        if (user.platformAdmin)
          fail('PLATFORM_ADMIN_RESERVED', `"${input.userName}" is a platform operator account; it never joins a team.`);
        const existing = await em.findOne(Membership, { user: user.id }, { fields: ['id', 'team'] });
        if (existing) {
          if (existing.team.id === teamId)
            fail('ALREADY_MEMBER', `"${input.userName}" is already a member of this team.`, { membershipId: existing.id });
          fail('USER_IN_OTHER_TEAM', `"${input.userName}" already belongs to another team; a person is a member of one team only.`);
        }
        // A person in no team (e.g. removed from a team earlier) is attached as they are: the
        // team does not take over their stored email, names or password by provisioning them.
      } else {
        user = em.create(User, { login });
        applyProfile(user, input);
      }
      const m = em.create(Membership, {
        team: em.getReference(Team, teamId),
        user,
        userName: input.userName.trim(),
        role: input.role ?? 'member',
        status: input.active === false ? 'inactive' : 'active',
        creditLimit: input.creditLimit ?? 0,
        externalId: input.externalId ?? null,
        attributes: input.attributes ?? {},
        deactivatedAt: input.active === false ? new Date() : null,
      });
      audit(em, actor, {
        teamId,
        action: 'member.provisioned',
        target: { type: 'member', id: m.id },
        data: { userName: m.userName, active: m.status === 'active', ...(existingPerson ? { existingPerson: true } : {}) },
      });
      await flushMapped(em, input.userName);
      await this.deps.events.publish(em, { teamId, type: 'member.created', data: memberResource(m), actor });
      return m;
    });
    await this.deps.hooks.emit('memberProvisioned', { teamId, membershipId: membership.id });
    return membership;
  }

  async get(teamId: string, membershipId: string, em: Em = this.deps.em()): Promise<Membership> {
    const m = await em.findOne(Membership, { id: membershipId, team: teamId }, { populate: ['user'] });
    if (!m) fail('NOT_FOUND', 'No such member in this team.');
    return m;
  }

  /** R6 profile sync, plus role and credit limit, which R8 freezes for inactive members. */
  async update(teamId: string, membershipId: string, input: UpdateInput, actor: Actor): Promise<Membership> {
    assertProfileLengths(input);
    return this.traced(teamId, actor, { membershipId, userName: input.userName, email: input.email }, () =>
      this.deps.em().transactional(async (em) => {
        const m = await this.get(teamId, membershipId, em);
        const person = m.user.getEntity();
        const renamed = input.userName !== undefined && normaliseLogin(input.userName) !== person.login;
        const newEmail = input.email !== undefined && (input.email?.trim().toLowerCase() || null) !== person.email;
        await assertNoDomainOfAnotherTeam(em, teamId, [renamed ? input.userName : null, newEmail ? input.email : null]);
        const frozen = m.status === 'inactive' && (input.role !== undefined || input.creditLimit !== undefined);
        if (frozen) fail('MEMBER_INACTIVE');
        if (input.role !== undefined && input.role !== m.role) {
          if (m.role === 'owner') await assertAnotherOwner(em, teamId, m.id);
          m.role = input.role;
        }
        if (input.creditLimit !== undefined) {
          if (!Number.isInteger(input.creditLimit) || input.creditLimit < 0)
            fail('BAD_USER_INPUT', 'creditLimit must be a whole number ≥ 0');
          m.creditLimit = input.creditLimit;
        }
        if (input.userName !== undefined && input.userName.trim() !== m.userName) {
          const login = normaliseLogin(input.userName);
          if (!login) fail('BAD_USER_INPUT', 'userName is required');
          assertIdentifierLength('userName', login);
          m.userName = input.userName.trim();
          m.user.getEntity().login = login;
        }
        if (input.externalId !== undefined) m.externalId = input.externalId;
        if (input.attributes !== undefined) m.attributes = input.attributes;
        applyProfile(m.user.getEntity(), input);
        m.updatedAt = new Date();
        audit(em, actor, { teamId, action: 'member.updated', target: { type: 'member', id: m.id }, data: { fields: Object.keys(input) } });
        await flushMapped(em, input.userName ?? m.userName);
        await this.deps.events.publish(em, { teamId, type: 'member.updated', data: memberResource(m), actor });
        return m;
      }),
    );
  }

  /** R7: deactivation locks the member out at once and frees their seats (R12). */
  async setActive(teamId: string, membershipId: string, active: boolean, actor: Actor): Promise<Membership> {
    const result = await this.deps.em().transactional(async (em) => {
      const m = await this.get(teamId, membershipId, em);
      const changed = await this.applyActive(em, teamId, m, active, actor);
      return { m, changed };
    });
    if (result.changed) await this.deps.hooks.emit(active ? 'memberReactivated' : 'memberDeactivated', { teamId, membershipId });
    return result.m;
  }

  /**
   * R7 on the IdP's hot path (SCIM `active: false` / `true`): the same change as `setActive` —
   * status, sessions revoked (R7) or the license requests re-queued, the audit event — in one
   * statement without loading the member. A member who requests no license (most of them) is
   * changed by that statement alone, outside any transaction: no lock outlives it (#19). A member
   * with license requests is changed in a transaction that then rebalances the seats of their
   * license types (R12). Owners (the last-owner rule), unknown members and no-ops take the full
   * path (`sync`), which gives the precise answer.
   */
  async changeActive(teamId: string, membershipId: string, active: boolean, actor: Actor): Promise<{ changed: boolean; version: number }> {
    const now = new Date();
    const state = active ? 'active' : 'inactive';
    const ev = auditRow(actor, {
      teamId,
      action: active ? 'member.reactivated' : 'member.deactivated',
      target: { type: 'member', id: membershipId },
    });
    const params = () => [
      active ? 'active' : 'inactive',
      active ? null : now,
      now,
      membershipId,
      teamId,
      active ? 'active' : 'inactive',
      ...auditParams(ev),
      ...this.deps.events.params({ teamId, type: active ? 'member.reactivated' : 'member.deactivated', data: {}, actor }, now),
    ];
    type Row = { version: number | null; licensed: boolean; types: string[] | null };
    const [alone] = await this.deps.read<Row>(CHANGE_ACTIVE.unlicensed[state], [...params(), membershipId], { prepare: true });
    let fast: { changed: true; version: number } | null = null;
    if (alone?.version != null) fast = { changed: true, version: Number(alone.version) };
    else if (alone?.licensed) {
      fast = await this.deps.em().transactional(async (em) => {
        // The seat engine's lock order: the member's license types before a reactivation re-queues their requests.
        await this.deps.seats.lockTypes(em, teamId, { members: [membershipId] });
        const [row] = await bound<Row>(em, CHANGE_ACTIVE.any[state], params(), { prepare: true });
        if (row?.version == null) return null;
        // R12: inactive members hold no seat; a reactivated member queues for one (FIFO).
        for (const type of row.types ?? []) await this.deps.seats.rebalance(em, teamId, type, actor);
        return { changed: true as const, version: Number(row.version) };
      });
    }
    if (fast) {
      await this.deps.hooks.emit(active ? 'memberReactivated' : 'memberDeactivated', { teamId, membershipId });
      return fast;
    }
    const r = await this.sync(teamId, membershipId, { active }, actor);
    return { changed: r.changed.length > 0, version: r.membership.version };
  }

  /**
   * The identity provider's write (SCIM PUT / PATCH): profile (R6), userName and active (R7)
   * in one transaction. The member row is locked first and `change` computes the new state from
   * the locked current one, so concurrent writes to one member queue instead of losing each
   * other's changes; `change` may throw to refuse (e.g. an ETag precondition). Only fields
   * that really change are written and audited.
   */
  async sync(
    teamId: string,
    membershipId: string,
    change: SyncInput | ((current: Membership) => SyncInput),
    actor: Actor,
  ): Promise<SyncResult> {
    const result = await this.traced(teamId, actor, { membershipId }, () =>
      this.deps.em().transactional(async (em) => {
        const m = await this.lockAndGet(em, teamId, membershipId);
        const input = typeof change === 'function' ? change(m) : change;
        assertProfileLengths(input);
        const user = m.user.getEntity();
        const changed: string[] = [];
        const set = (field: string, differs: boolean, apply: () => void) => {
          if (!differs) return;
          apply();
          changed.push(field);
        };
        if (input.userName !== undefined) {
          const userName = input.userName.trim();
          const login = normaliseLogin(userName);
          if (!login) fail('BAD_USER_INPUT', 'userName is required');
          assertIdentifierLength('userName', login);
          set('userName', userName !== m.userName, () => {
            m.userName = userName;
            user.login = login;
          });
        }
        if (input.externalId !== undefined)
          set('externalId', input.externalId !== m.externalId, () => {
            m.externalId = input.externalId ?? null;
          });
        if (input.attributes !== undefined)
          set('attributes', !sameJson(input.attributes, m.attributes), () => {
            m.attributes = input.attributes!;
          });
        if (input.email !== undefined) {
          const email = input.email?.trim().toLowerCase() || null;
          set('email', email !== user.email, () => {
            user.email = email;
          });
        }
        if (input.givenName !== undefined)
          set('givenName', input.givenName !== user.givenName, () => {
            user.givenName = input.givenName ?? null;
          });
        if (input.familyName !== undefined)
          set('familyName', input.familyName !== user.familyName, () => {
            user.familyName = input.familyName ?? null;
          });
        if (input.displayName !== undefined)
          set('displayName', input.displayName !== user.displayName, () => {
            user.displayName = input.displayName ?? null;
          });
        if (changed.includes('userName') || changed.includes('email'))
          await assertNoDomainOfAnotherTeam(em, teamId, [user.login, user.email]);
        if (changed.length) {
          m.updatedAt = new Date();
          audit(em, actor, { teamId, action: 'member.updated', target: { type: 'member', id: m.id }, data: { fields: [...changed] } });
          await flushMapped(em, m.userName);
          await this.deps.events.publish(em, { teamId, type: 'member.updated', data: memberResource(m), actor });
        }
        const activeChanged = input.active !== undefined && (await this.applyActive(em, teamId, m, input.active, actor));
        if (activeChanged) changed.push('active');
        return { m, activeChanged, changed };
      }),
    );
    if (result.activeChanged)
      await this.deps.hooks.emit(result.m.status === 'active' ? 'memberReactivated' : 'memberDeactivated', { teamId, membershipId });
    return { membership: result.m, changed: result.changed };
  }

  /** Sets the status inside the caller's transaction; false when it already was. */
  private async applyActive(em: Em, teamId: string, m: Membership, active: boolean, actor: Actor): Promise<boolean> {
    const wanted = active ? 'active' : 'inactive';
    if (m.status === wanted) return false;
    if (!active && m.role === 'owner') await assertAnotherOwner(em, teamId, m.id);
    m.status = wanted;
    m.deactivatedAt = active ? null : new Date();
    m.updatedAt = new Date();
    await em.flush();
    // The member's event first, then the seat engine's (license.*), as on the one-statement path.
    await this.deps.events.publish(em, {
      teamId,
      type: active ? 'member.reactivated' : 'member.deactivated',
      data: memberResource(m),
      actor,
    });
    // The seat engine's lock order: the member's license types before their requests change.
    const types = await this.deps.seats.lockTypes(em, teamId, { members: [m.id] });
    if (!active) {
      await this.deps.sessions.revokeForMembership(em, m.id);
    } else {
      // Reactivation is a new request: it takes a free seat, it does not jump the queue.
      await em.execute('update license_assignment set requested_at = clock_timestamp() where membership_id = ?', [m.id]);
    }
    await this.deps.seats.rebalanceTypes(em, teamId, types, actor);
    audit(em, actor, { teamId, action: active ? 'member.reactivated' : 'member.deactivated', target: { type: 'member', id: m.id } });
    await em.flush();
    return true;
  }

  /** Loads the member with its person and locks both rows for the rest of the transaction (one statement). */
  private async lockAndGet(em: Em, teamId: string, membershipId: string): Promise<Membership> {
    const m = await em.findOne(
      Membership,
      { id: membershipId, team: teamId },
      { populate: ['user'], lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!m) fail('NOT_FOUND', 'No such member in this team.');
    return m;
  }

  /**
   * R10: removes the membership; data the member owned stays with the team (R9). `guard` runs
   * on the locked member before anything changes and may throw to refuse (an ETag precondition).
   */
  async remove(teamId: string, membershipId: string, actor: Actor, opts: { guard?: (current: Membership) => void } = {}): Promise<void> {
    const userId = await this.deps.em().transactional(async (em) => {
      const m = opts.guard ? await this.lockAndGet(em, teamId, membershipId) : await this.get(teamId, membershipId, em);
      opts.guard?.(m);
      if (m.role === 'owner') await assertAnotherOwner(em, teamId, m.id);
      // The seat engine's lock order: the types of the requests the delete takes with it, first.
      await this.deps.seats.lockTypes(em, teamId, { members: [m.id] });
      const types = await em.execute<Array<{ license_type_id: string }>>(
        'select license_type_id from license_assignment where membership_id = ? order by license_type_id',
        [m.id],
      );
      await this.deps.sessions.revokeForMembership(em, m.id);
      await em.execute('delete from membership where id = ? and team_id = ?', [m.id, teamId]);
      // The member's requests went with the membership (the seat engine never saw them go); the
      // seats they free are handed out next.
      await this.deps.events.publishAll(em, [
        ...types.map((t) => ({
          teamId,
          type: 'license.revoked',
          data: { memberId: m.id, licenseTypeId: t.license_type_id, state: null, reason: 'member removed' },
          actor,
        })),
        { teamId, type: 'member.removed', data: { id: m.id }, actor },
      ]);
      for (const t of types) await this.deps.seats.rebalance(em, teamId, t.license_type_id, actor);
      audit(em, actor, {
        teamId,
        action: 'member.removed',
        target: { type: 'member', id: m.id },
        data: { userName: m.userName, userId: m.user.id },
      });
      await em.flush();
      return m.user.id;
    });
    await this.deps.hooks.emit('memberRemoved', { teamId, membershipId, userId });
  }

  async findByUserName(teamId: string, userName: string, em: Em = this.deps.em()): Promise<Membership | null> {
    const user = await em.findOne(User, { login: normaliseLogin(userName) });
    if (!user) return null;
    return em.findOne(Membership, { user: user.id, team: teamId }, { populate: ['user'] });
  }
}

/**
 * `changeActive`'s statement. `unlicensed`: only for a member who requests no license (run on its
 * own, it needs no seat rebalance), answering besides whether the member requests one; else
 * for any member, answering the license types to rebalance in the same transaction. A
 * deactivation revokes the sessions, a reactivation re-queues the license requests: each text
 * holds only its own step. (Both steps behind boolean parameters made PostgreSQL's generic plan
 * look dearer than a custom one that folds the false step away, so the prepared statement was
 * planned again on every execution: 0.7 ms each, pg_stat_statements in the bench.)
 */
function changeActiveSql(unlicensed: boolean, active: boolean): string {
  return `with m as (
           update membership set status = ?, deactivated_at = ?, updated_at = ?, version = version + 1
           where id = ? and team_id = ? and status <> ? and role <> 'owner'${
             unlicensed ? '\n             and not exists (select 1 from license_assignment la where la.membership_id = membership.id)' : ''
           }
           returning *
         ), ${
           active
             ? `r as (
           update license_assignment set requested_at = clock_timestamp() where membership_id in (select id from m)
         )`
             : `s as (
           -- SessionService.revokeForMembership, inlined into this statement: keep the two alike.
           update session set revoked_at = now() where revoked_at is null and membership_id in (select id from m)
         )`
         }, a as (
           ${AUDIT_INSERT_COLUMNS}
           select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb from m
         ), ${eventCte('m join "user" u on u.id = m.user_id', { data: memberResourceSql('m', 'u') })}
         ${
           unlicensed
             ? 'select (select version from m) as version, exists (select 1 from license_assignment la where la.membership_id = ?) as licensed'
             : 'select m.version, array(select la.license_type_id::text from license_assignment la where la.membership_id = m.id order by la.license_type_id) as types from m'
         }`;
}

/** By `unlicensed`, then by `active` (see changeActiveSql). */
const CHANGE_ACTIVE = {
  unlicensed: { active: changeActiveSql(true, true), inactive: changeActiveSql(true, false) },
  any: { active: changeActiveSql(false, true), inactive: changeActiveSql(false, false) },
};

/** Structural equality of stored JSON (key order does not matter). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const ob = b as Record<string, unknown>;
    return ka.length === Object.keys(ob).length && ka.every((k) => k in ob && sameJson((a as Record<string, unknown>)[k], ob[k]));
  }
  return false;
}

function applyProfile(user: User, input: ProfileInput): void {
  if (input.email !== undefined) user.email = input.email?.trim().toLowerCase() || null;
  if (input.givenName !== undefined) user.givenName = input.givenName;
  if (input.familyName !== undefined) user.familyName = input.familyName;
  if (input.displayName !== undefined) user.displayName = input.displayName;
}

async function assertAnotherOwner(em: Em, teamId: string, exceptId: string): Promise<void> {
  const [owners] = await em.execute<Array<{ n: number }>>(
    "select count(*)::int as n from membership where team_id = ? and role = 'owner' and status = 'active' and id <> ?",
    [teamId, exceptId],
  );
  if (!owners?.n) fail('LAST_OWNER');
}

/** Flushes and turns a race on the unique indexes into the same conflict a sequential request gets. */
async function flushMapped(em: Em, userName: string): Promise<void> {
  try {
    await em.flush();
  } catch (e) {
    const c = uniqueViolation(e);
    if (c === 'membership_user_uq' || c === 'user_login_uq' || c === 'membership_team_user_name_uq') {
      throw new RosterError('CONFLICT', `"${userName}" is already taken by another member.`, { constraint: c, race: true });
    }
    throw e;
  }
}
