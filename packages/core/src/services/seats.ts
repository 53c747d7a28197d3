import type { Actor, Em } from './context.js';
import { audit } from './audit.js';
import type { EventInput, EventLog } from './events.js';

const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Who waits for a seat of a license type (`?`), over `license_assignment la join membership m`:
 * requests without a seat whose member is active (R12: an inactive member's request waits but is
 * never served). The rebalance grants among these rows and the waitlist lists them, with the one
 * text, so the two cannot disagree.
 */
export const WAITING_FOR_SEAT = "la.license_type_id = ? and la.state = 'PENDING_SEAT' and m.status = 'active'";
/**
 * The order seats go to waiting requests (R14: oldest request first, the id breaking ties); the
 * waitlist's order and keyset. `license_assignment_queue_idx` (license_type_id, state,
 * requested_at, id) serves both.
 */
export const GRANT_ORDER = ['la.requested_at', 'la.id'] as const;

/**
 * The seat engine (R11–R14), the one place that decides who holds a license. It works in SQL
 * inside the caller's transaction and locks the license type row while it rebalances, so two
 * channels changing the same pool at once queue rather than oversubscribe.
 *
 * - A member requests a license type while they are in at least one group linked to it (R13).
 * - Only active members hold seats (R12); a request beyond the seats waits as PENDING_SEAT (R14).
 * - Freed or added seats go to the oldest waiting request first.
 */
export class SeatEngine {
  constructor(private readonly deps: { events: EventLog }) {}

  /**
   * Events of a member's license (docs/events.md): `license.granted` (holds a seat now),
   * `license.waitlisted` (requests it but waits: no free seat, seats reduced, or inactive),
   * `license.revoked` (no longer requests it).
   */
  private license(
    teamId: string,
    type: 'granted' | 'waitlisted' | 'revoked',
    memberId: string,
    licenseTypeId: string,
    actor: Actor,
    reason?: string,
  ): EventInput {
    const state = type === 'granted' ? 'GRANTED' : type === 'waitlisted' ? 'PENDING_SEAT' : null;
    return { teamId, type: `license.${type}`, data: { memberId, licenseTypeId, state, ...(reason ? { reason } : {}) }, actor };
  }

  /**
   * Locks license type rows, in id order, before any of their requests change: every writer of
   * `license_assignment` takes these locks first (the lock order). Without it a group removal that
   * deleted a waiting request, then waited for the type's lock, met a deactivation that held the
   * type and waited to grant that very request: a deadlock, answered 500 (#19). Returns the ids
   * locked. `members`: every type the members request or are linked to through a group.
   */
  async lockTypes(em: Em, teamId: string, of: { types?: string[]; members?: string[] }): Promise<string[]> {
    const types = [...new Set(of.types ?? [])];
    const members = [...new Set(of.members ?? [])];
    if (types.length === 0 && members.length === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [teamId];
    if (types.length) {
      where.push(`lt.id in (${list(types.length)})`);
      params.push(...types);
    }
    if (members.length) {
      where.push(
        `lt.id in (select g.license_type_id from group_member gm join "group" g on g.id = gm.group_id
                   where gm.team_id = lt.team_id and gm.membership_id in (${list(members.length)}))`,
        `lt.id in (select la.license_type_id from license_assignment la
                   where la.team_id = lt.team_id and la.membership_id in (${list(members.length)}))`,
      );
      params.push(...members, ...members);
    }
    const rows = await em.execute<Array<{ id: string }>>(
      `select lt.id from license_type lt where lt.team_id = ? and (${where.join(' or ')}) order by lt.id for update`,
      params,
    );
    return rows.map((r) => r.id);
  }

  /** Brings the requests of these members in line with their linked groups, then rebalances. */
  async syncMembers(em: Em, teamId: string, membershipIds: string[], actor: Actor): Promise<void> {
    if (membershipIds.length === 0) return;
    const ids = [...new Set(membershipIds)];
    await this.lockTypes(em, teamId, { members: ids });
    const added = await em.execute<Array<{ license_type_id: string; membership_id: string }>>(
      `insert into license_assignment (id, team_id, membership_id, license_type_id, state, requested_at)
       select gen_random_uuid(), gm.team_id, gm.membership_id, g.license_type_id, 'PENDING_SEAT', clock_timestamp()
       from group_member gm join "group" g on g.id = gm.group_id
       where gm.team_id = ? and gm.membership_id in (${list(ids.length)}) and g.license_type_id is not null
       on conflict (membership_id, license_type_id) do nothing
       returning license_type_id, membership_id`,
      [teamId, ...ids],
    );
    const removed = await em.execute<Array<{ license_type_id: string; membership_id: string; state: string }>>(
      `delete from license_assignment la
       where la.team_id = ? and la.membership_id in (${list(ids.length)})
         and not exists (select 1 from group_member gm join "group" g on g.id = gm.group_id
                         where gm.membership_id = la.membership_id and g.license_type_id = la.license_type_id)
       returning license_type_id, membership_id, state`,
      [teamId, ...ids],
    );
    for (const r of removed) {
      audit(em, actor, {
        teamId,
        action: 'license.released',
        target: { type: 'member', id: r.membership_id },
        data: { licenseTypeId: r.license_type_id, state: r.state },
      });
    }
    await this.deps.events.publishAll(
      em,
      removed.map((r) => this.license(teamId, 'revoked', r.membership_id, r.license_type_id, actor, 'no linked group')),
    );
    const types = new Set([...added, ...removed].map((r) => r.license_type_id).sort());
    for (const t of types) await this.rebalance(em, teamId, t, actor);
    if (added.length) {
      // New requests the rebalance could not serve wait for a seat (the granted ones had their event).
      const waiting = await em.execute<Array<{ license_type_id: string; membership_id: string }>>(
        `select la.license_type_id, la.membership_id from license_assignment la
         where la.team_id = ? and la.membership_id in (${list(ids.length)}) and la.state = 'PENDING_SEAT'
           and la.license_type_id in (${list(types.size)})
         order by la.license_type_id, la.requested_at, la.id`,
        [teamId, ...ids, ...types],
      );
      const isNew = new Set(added.map((a) => `${a.membership_id}/${a.license_type_id}`));
      await this.deps.events.publishAll(
        em,
        waiting
          .filter((w) => isNew.has(`${w.membership_id}/${w.license_type_id}`))
          .map((w) => this.license(teamId, 'waitlisted', w.membership_id, w.license_type_id, actor, 'no free seat')),
      );
    }
  }

  /** Rebalances the license types a member's change locked first (`lockTypes`), in that order. */
  async rebalanceTypes(em: Em, teamId: string, typeIds: string[], actor: Actor): Promise<void> {
    for (const t of typeIds) await this.rebalance(em, teamId, t, actor);
  }

  async rebalance(em: Em, teamId: string, licenseTypeId: string, actor: Actor): Promise<void> {
    const [type] = await em.execute<Array<{ seats: number }>>('select seats from license_type where id = ? and team_id = ? for update', [
      licenseTypeId,
      teamId,
    ]);
    if (!type) return;
    const events: EventInput[] = [];
    // R12: inactive members never hold a seat.
    const demoted = await em.execute<Array<{ membership_id: string }>>(
      `update license_assignment la set state = 'PENDING_SEAT', granted_at = null
       from membership m
       where m.id = la.membership_id and la.license_type_id = ? and la.state = 'GRANTED' and m.status = 'inactive'
       returning la.membership_id`,
      [licenseTypeId],
    );
    for (const r of demoted) {
      audit(em, actor, {
        teamId,
        action: 'license.seat_released',
        target: { type: 'member', id: r.membership_id },
        data: { licenseTypeId, reason: 'inactive' },
      });
      events.push(this.license(teamId, 'waitlisted', r.membership_id, licenseTypeId, actor, 'inactive'));
    }
    const [{ granted } = { granted: 0 }] = await em.execute<Array<{ granted: number }>>(
      "select count(*)::int as granted from license_assignment where license_type_id = ? and state = 'GRANTED'",
      [licenseTypeId],
    );
    if (granted > type.seats) {
      // Seats were reduced below use: the most recent grants wait again, in their original order.
      const over = await em.execute<Array<{ membership_id: string }>>(
        `update license_assignment set state = 'PENDING_SEAT', granted_at = null
         where id in (select id from license_assignment where license_type_id = ? and state = 'GRANTED'
                      order by granted_at desc, requested_at desc, id desc limit ?)
         returning membership_id`,
        [licenseTypeId, granted - type.seats],
      );
      for (const r of over) {
        audit(em, actor, {
          teamId,
          action: 'license.seat_revoked',
          target: { type: 'member', id: r.membership_id },
          data: { licenseTypeId, reason: 'seats reduced' },
        });
        events.push(this.license(teamId, 'waitlisted', r.membership_id, licenseTypeId, actor, 'seats reduced'));
      }
    } else if (granted < type.seats) {
      const grantedNow = await em.execute<Array<{ membership_id: string }>>(
        `update license_assignment set state = 'GRANTED', granted_at = clock_timestamp()
         where id in (select la.id from license_assignment la join membership m on m.id = la.membership_id
                      where ${WAITING_FOR_SEAT}
                      order by ${GRANT_ORDER.join(', ')} limit ?)
         returning membership_id`,
        [licenseTypeId, type.seats - granted],
      );
      for (const r of grantedNow) {
        audit(em, actor, { teamId, action: 'license.granted', target: { type: 'member', id: r.membership_id }, data: { licenseTypeId } });
        events.push(this.license(teamId, 'granted', r.membership_id, licenseTypeId, actor));
      }
    }
    await this.deps.events.publishAll(em, events);
  }
}
