import { DEFAULT_LICENSE_TYPES, Group, LicenseType, Team, type SignInPolicy } from '../entities/index.js';
import { fail, uniqueViolation } from '../errors.js';
import { audit } from './audit.js';
import type { Actor, Em, HookBus } from './context.js';
import type { SeatEngine } from './seats.js';
import type { SignInMethodRegistry } from './sign-in-methods.js';
import type { EventLog } from './events.js';
import { teamResource } from './resources.js';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export class TeamService {
  constructor(
    private readonly deps: { em: () => Em; seats: SeatEngine; hooks: HookBus; methods: SignInMethodRegistry; events: EventLog },
  ) {}

  /** A new team gets LivePreso's three license types, each with its app group (R11, R15). */
  async create(input: { slug: string; name: string; seats?: Partial<Record<string, number>> }, actor: Actor): Promise<Team> {
    const slug = input.slug.trim().toLowerCase();
    if (!SLUG.test(slug)) fail('BAD_USER_INPUT', 'slug must be 1–63 lower-case letters, digits or dashes.');
    if (!input.name?.trim()) fail('BAD_USER_INPUT', 'name is required');
    let team: Team;
    try {
      team = await this.deps.em().transactional(async (em) => {
        const signInPolicy: SignInPolicy = { methods: this.deps.methods.defaultIds(), ssoRequired: false, jitProvisioning: false };
        const t = em.create(Team, { slug, name: input.name.trim(), signInPolicy });
        for (const lt of DEFAULT_LICENSE_TYPES) {
          const type = em.create(LicenseType, {
            team: t,
            key: lt.key,
            name: lt.name,
            entitlements: [...lt.entitlements],
            seats: input.seats?.[lt.key] ?? 0,
          });
          em.create(Group, { team: t, displayName: lt.name, licenseType: type });
        }
        audit(em, actor, { teamId: t.id, action: 'team.created', target: { type: 'team', id: t.id }, data: { slug } });
        await em.flush();
        await this.deps.events.publish(em, { teamId: t.id, type: 'team.created', data: teamResource(t), actor });
        return t;
      });
    } catch (e) {
      if (uniqueViolation(e) === 'team_slug_uq') fail('CONFLICT', `A team with slug "${slug}" exists.`);
      throw e;
    }
    await this.deps.hooks.emit('teamCreated', { teamId: team.id });
    return team;
  }

  async get(teamId: string, em: Em = this.deps.em()): Promise<Team> {
    const t = await em.findOne(Team, { id: teamId });
    if (!t) fail('NOT_FOUND', 'No such team.');
    return t;
  }

  async bySlug(slug: string, em: Em = this.deps.em()): Promise<Team | null> {
    const [row] = await em.execute<Array<{ id: string }>>('select id from team where lower(slug) = lower(?)', [slug]);
    return row ? em.findOne(Team, { id: row.id }) : null;
  }

  /**
   * R3: one policy for every member at once. Methods are ids declared on this server (unknown
   * ones are refused, `SIGN_IN_METHOD_UNKNOWN`). The policy must leave a way in: at least one
   * method, and with "SSO required" at least one SSO method, or nobody (admins included) could
   * sign in to change it back.
   */
  async setSignInPolicy(teamId: string, policy: SignInPolicy, actor: Actor): Promise<Team> {
    const methods = [...new Set(policy.methods)];
    const unknown = methods.filter((m) => !this.deps.methods.get(m));
    if (unknown.length > 0) {
      const known = this.deps.methods.list().map((m) => m.id);
      fail(
        'SIGN_IN_METHOD_UNKNOWN',
        `Unknown sign-in method ${unknown.map((m) => `"${m}"`).join(', ')}; this server knows ${known.join(', ')}.`,
        {
          unknown,
          known,
        },
      );
    }
    if (methods.length === 0) fail('BAD_USER_INPUT', 'At least one sign-in method must stay allowed.');
    if (policy.ssoRequired && !methods.some((m) => this.deps.methods.get(m)!.sso))
      fail('BAD_USER_INPUT', 'SSO required turns off every non-SSO method: allow at least one SSO method, or nobody could sign in.');
    return this.deps.em().transactional(async (em) => {
      const t = await this.get(teamId, em);
      const before = t.signInPolicy;
      t.signInPolicy = { methods, ssoRequired: policy.ssoRequired, jitProvisioning: policy.jitProvisioning };
      audit(em, actor, {
        teamId,
        action: 'team.sign_in_policy_changed',
        target: { type: 'team', id: teamId },
        data: { before, after: t.signInPolicy },
      });
      await em.flush();
      await this.deps.events.publish(em, { teamId, type: 'team.updated', data: teamResource(t), actor });
      return t;
    });
  }

  async setSeats(teamId: string, licenseTypeId: string, seats: number, actor: Actor): Promise<LicenseType> {
    if (!Number.isInteger(seats) || seats < 0 || seats > 10_000_000) fail('BAD_USER_INPUT', 'seats must be a whole number ≥ 0');
    return this.deps.em().transactional(async (em) => {
      const lt = await em.findOne(LicenseType, { id: licenseTypeId, team: teamId });
      if (!lt) fail('NOT_FOUND', 'No such license type in this team.');
      const before = lt.seats;
      lt.seats = seats;
      await em.flush();
      audit(em, actor, {
        teamId,
        action: 'license.seats_changed',
        target: { type: 'license_type', id: lt.id },
        data: { before, after: seats },
      });
      await this.deps.events.publish(em, {
        teamId,
        type: 'seats.changed',
        data: { licenseTypeId: lt.id, key: lt.key, name: lt.name, seats, previousSeats: before },
        actor,
      });
      await this.deps.seats.rebalance(em, teamId, lt.id, actor);
      return lt;
    });
  }
}
