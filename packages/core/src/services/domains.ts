import { randomBytes } from 'node:crypto';
import { resolveTxt } from 'node:dns/promises';
import { Team, VerifiedDomain } from '../entities/index.js';
import { fail, uniqueViolation } from '../errors.js';
import { audit } from './audit.js';
import type { Actor, Em } from './context.js';
import type { EventLog } from './events.js';
import { domainResource } from './resources.js';
import { LockMode } from '@mikro-orm/core';

export type TxtResolver = (name: string) => Promise<string[][]>;

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const TXT_PREFIX = 'roster-verification=';

/** R4: a team claims an email domain; once verified, sign-ins for it route to the team. */
export class DomainService {
  constructor(private readonly deps: { em: () => Em; events: EventLog; resolveTxt?: TxtResolver }) {}

  async add(teamId: string, domain: string, actor: Actor): Promise<VerifiedDomain> {
    const d = domain.trim().toLowerCase().replace(/\.$/, '');
    if (!DOMAIN.test(d)) fail('BAD_USER_INPUT', `"${domain}" is not a domain name.`);
    try {
      return await this.deps.em().transactional(async (em) => {
        const v = em.create(VerifiedDomain, {
          team: em.getReference(Team, teamId),
          domain: d,
          verificationToken: randomBytes(16).toString('hex'),
        });
        audit(em, actor, { teamId, action: 'domain.added', target: { type: 'domain', id: v.id }, data: { domain: d } });
        return v;
      });
    } catch (e) {
      if (uniqueViolation(e)) fail('CONFLICT', `The team already has "${d}".`);
      throw e;
    }
  }

  /** Checks `_roster-challenge.<domain>` TXT; `byPlatformAdmin` skips DNS (operator vouches). */
  async verify(teamId: string, domainId: string, actor: Actor, byPlatformAdmin = false): Promise<VerifiedDomain> {
    const em = this.deps.em();
    const v = await em.findOne(VerifiedDomain, { id: domainId, team: teamId });
    if (!v) fail('NOT_FOUND', 'No such domain in this team.');
    if (v.verifiedAt) return v;
    if (!byPlatformAdmin) {
      const resolve = this.deps.resolveTxt ?? resolveTxt;
      const records = await resolve(`_roster-challenge.${v.domain}`).catch(() => [] as string[][]);
      const found = records.some((chunks) => chunks.join('') === `${TXT_PREFIX}${v.verificationToken}`);
      if (!found) {
        audit(em, actor, {
          teamId,
          action: 'domain.verification_failed',
          outcome: 'failure',
          target: { type: 'domain', id: v.id },
          reason: 'TXT record not found',
        });
        await em.flush();
        fail(
          'DOMAIN_NOT_VERIFIED',
          `Add a TXT record "_roster-challenge.${v.domain}" with the value "${TXT_PREFIX}${v.verificationToken}".`,
        );
      }
    }
    // The change and its event in one transaction; the row lock makes a concurrent verify of the
    // same domain find it verified (one event), instead of writing it twice.
    try {
      return await this.deps.em().transactional(async (tx) => {
        const d = await tx.findOne(VerifiedDomain, { id: v.id, team: teamId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!d) fail('NOT_FOUND', 'No such domain in this team.');
        if (d.verifiedAt) return d;
        d.verifiedAt = new Date();
        d.verifiedBy = byPlatformAdmin ? 'platform-admin' : 'dns';
        audit(tx, actor, {
          teamId,
          action: 'domain.verified',
          target: { type: 'domain', id: d.id },
          data: { domain: d.domain, by: d.verifiedBy },
        });
        await tx.flush();
        await this.deps.events.publish(tx, { teamId, type: 'domain.verified', data: domainResource(d), actor });
        return d;
      });
    } catch (e) {
      if (uniqueViolation(e) === 'verified_domain_verified_uq') fail('DOMAIN_TAKEN');
      throw e;
    }
  }

  list(teamId: string): Promise<VerifiedDomain[]> {
    return this.deps.em().find(VerifiedDomain, { team: teamId }, { orderBy: { domain: 'asc' } });
  }

  async remove(teamId: string, domainId: string, actor: Actor): Promise<void> {
    await this.deps.em().transactional(async (em) => {
      const v = await em.findOne(VerifiedDomain, { id: domainId, team: teamId });
      if (!v) fail('NOT_FOUND', 'No such domain in this team.');
      em.remove(v);
      audit(em, actor, { teamId, action: 'domain.removed', target: { type: 'domain', id: v.id }, data: { domain: v.domain } });
      await em.flush();
      await this.deps.events.publish(em, { teamId, type: 'domain.removed', data: { id: v.id }, actor });
    });
  }

  /** The team that verified the email's domain, if any. */
  async teamForEmail(email: string): Promise<string | null> {
    const domain = email.trim().toLowerCase().split('@')[1];
    if (!domain) return null;
    const rows = await this.deps
      .em()
      .execute<Array<{ team_id: string }>>('select team_id from verified_domain where domain = ? and verified_at is not null', [domain]);
    return rows[0]?.team_id ?? null;
  }
}
