import { Membership, Team, User, normaliseLogin } from '../entities/index.js';
import { isRosterError } from '../errors.js';
import { auditEvent } from './audit.js';
import type { Actor, Em } from './context.js';
import { verifyPassword } from './crypto.js';
import type { MemberService } from './members.js';
import type { SessionService } from './sessions.js';

/** What a protocol plugin asserts after it has verified a response. */
export interface AssertedIdentity {
  /** Null only for the platform-level Google connection: the person's team is looked up. */
  teamId: string | null;
  connectionId: string;
  /** Audit channel: 'saml' | 'oidc' | 'wsfed' | 'google' … */
  protocol: string;
  /** Which team policy method (R3) this sign-in uses. */
  method: 'sso' | 'google';
  subject: string;
  email?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  requestId?: string;
}

export type SignInRefusalCode = 'SSO_REQUIRED' | 'SIGN_IN_METHOD_NOT_ALLOWED' | 'MEMBER_INACTIVE' | 'NOT_PROVISIONED' | 'USER_IN_OTHER_TEAM' | 'INVALID_CREDENTIALS' | 'TOO_MANY_ATTEMPTS';

export type SignInOutcome =
  | { ok: true; token: string; userId: string; membershipId: string | null; teamId: string | null }
  | { ok: false; code: SignInRefusalCode; reason: string };

export interface ProtocolRefusal {
  teamId: string | null;
  connectionId: string;
  protocol: string;
  /** The validation step that failed ('signature', 'audience', …). */
  step: string;
  reason: string;
  requestId?: string;
}

export interface SignInAttempt {
  at: Date;
  outcome: 'success' | 'failure';
  step: string | null;
  reason: string | null;
  subject: string | null;
  email: string | null;
}

const THROTTLE = { maxFailures: 10, windowSeconds: 15 * 60 };

/**
 * The one door to a session for SSO plugins: policy (R3), inactive members (R7), JIT (R5),
 * identity linking and the audit trace (R19) are decided here, never in a plugin.
 */
export class SignInService {
  constructor(private readonly deps: { em: () => Em; members: MemberService; sessions: SessionService }) {}

  async complete(id: AssertedIdentity): Promise<SignInOutcome> {
    const actor: Actor = { type: 'idp', channel: id.protocol, id: id.connectionId, label: id.subject, requestId: id.requestId };
    const em = this.deps.em();
    const email = id.email ? normaliseLogin(id.email) : null;
    const trace = { connectionId: id.connectionId, subject: id.subject, email };
    const refuse = async (code: SignInRefusalCode, reason: string, teamId: string | null): Promise<SignInOutcome> => {
      await em.fork().persistAndFlush(auditEvent(actor, { teamId, action: 'signin.refused', outcome: 'failure', reason, data: { ...trace, step: 'policy', code } }));
      return { ok: false, code, reason };
    };

    // Find the member: by linked identity first (survives email changes), then by email.
    let membership: Membership | null = null;
    if (id.teamId) {
      const [link] = await em.execute<Array<{ membership_id: string }>>(
        'select membership_id from identity where team_id = ? and connection_id = ? and subject = ?',
        [id.teamId, id.connectionId, id.subject],
      );
      if (link) membership = await em.findOne(Membership, { id: link.membership_id }, { populate: ['user', 'team'] });
    }
    if (!membership && email) {
      const user = await em.findOne(User, { login: email });
      const found = user ? await em.findOne(Membership, { user: user.id }, { populate: ['user', 'team'] }) : null;
      if (found && id.teamId && found.team.id !== id.teamId) return refuse('USER_IN_OTHER_TEAM', `${email} belongs to another team.`, id.teamId);
      membership = found;
    }
    const teamId = membership?.team.id ?? id.teamId;
    const team = teamId ? await em.findOne(Team, { id: teamId }) : null;
    if (!team) return refuse('NOT_PROVISIONED', `No team member matches ${email ?? id.subject}.`, null);

    const policy = team.signInPolicy;
    if (id.method === 'google' && policy.ssoRequired) return refuse('SSO_REQUIRED', 'The team requires single sign-on; Google sign-in is disabled.', team.id);
    if (!policy.methods.includes(id.method) && !(id.method === 'sso' && policy.ssoRequired)) {
      return refuse('SIGN_IN_METHOD_NOT_ALLOWED', `The team does not allow "${id.method}" sign-in.`, team.id);
    }

    if (!membership) {
      if (!policy.jitProvisioning || !email || id.method !== 'sso') return refuse('NOT_PROVISIONED', `${email ?? id.subject} is not a member of the team and just-in-time provisioning is off.`, team.id);
      try {
        membership = await this.deps.members.provision(team.id, { userName: email, email, givenName: id.givenName, familyName: id.familyName, displayName: id.displayName }, actor);
      } catch (e) {
        if (isRosterError(e)) return refuse('USER_IN_OTHER_TEAM', e.message, team.id);
        throw e;
      }
      membership = await em.findOneOrFail(Membership, { id: membership.id }, { populate: ['user', 'team'] });
    }
    if (membership.status !== 'active') return refuse('MEMBER_INACTIVE', `${membership.userName} is inactive in the team.`, team.id);

    return em.transactional(async (tx) => {
      if (id.method === 'sso') {
        await tx.execute(
          `insert into identity (id, team_id, membership_id, connection_id, subject, last_sign_in_at) values (gen_random_uuid(), ?, ?, ?, ?, now())
           on conflict (team_id, connection_id, subject) do update set last_sign_in_at = now(), membership_id = excluded.membership_id`,
          [team.id, membership!.id, id.connectionId, id.subject],
        );
      }
      const { token } = await this.deps.sessions.create(tx, { userId: membership!.user.id, teamId: team.id, membershipId: membership!.id, method: id.protocol, connectionId: id.connectionId });
      tx.persist(auditEvent(actor, { teamId: team.id, action: 'signin.succeeded', target: { type: 'member', id: membership!.id }, data: { ...trace, step: 'done' } }));
      return { ok: true as const, token, userId: membership!.user.id, membershipId: membership!.id, teamId: team.id };
    });
  }

  /** Records a response the plugin refused before it reached the core (bad signature, audience…). */
  async refuse(r: ProtocolRefusal): Promise<void> {
    const actor: Actor = { type: 'idp', channel: r.protocol, id: r.connectionId, requestId: r.requestId };
    await this.deps.em().persistAndFlush(auditEvent(actor, { teamId: r.teamId, action: 'signin.refused', outcome: 'failure', reason: r.reason, data: { connectionId: r.connectionId, step: r.step } }));
  }

  /** The last attempts on a connection, newest first: what support reads when "SSO doesn't work". */
  async attempts(teamId: string, connectionId: string, limit = 20): Promise<SignInAttempt[]> {
    const rows = await this.deps.em().execute<Array<Record<string, unknown>>>(
      `select at, outcome, reason, data from audit_event
       where team_id = ? and action in ('signin.succeeded', 'signin.refused') and data->>'connectionId' = ?
       order by at desc limit ?`,
      [teamId, connectionId, Math.min(Math.max(limit, 1), 200)],
    );
    return rows.map((r) => {
      const data = (r.data ?? {}) as Record<string, unknown>;
      return { at: new Date(r.at as string), outcome: r.outcome as 'success' | 'failure', step: (data.step as string) ?? null, reason: (r.reason as string) ?? null, subject: (data.subject as string) ?? null, email: (data.email as string) ?? null };
    });
  }

  /** Built-in password sign-in, subject to the same team policy (R3) and inactive rule (R7). */
  async withPassword(login: string, password: string, requestId?: string): Promise<SignInOutcome> {
    const em = this.deps.em();
    const normal = normaliseLogin(login);
    const actor: Actor = { type: 'user', channel: 'password', label: normal, requestId };
    const user = await em.findOne(User, { login: normal }, { populate: ['passwordHash'] });
    const membership = user ? await em.findOne(Membership, { user: user.id }, { populate: ['team'] }) : null;
    const teamId = membership?.team.id ?? null;
    const refuse = async (code: SignInRefusalCode, reason: string): Promise<SignInOutcome> => {
      await em.fork().persistAndFlush(auditEvent(actor, { teamId, action: 'signin.refused', outcome: 'failure', reason, data: { connectionId: 'password', email: normal, step: 'policy', code } }));
      return { ok: false, code, reason };
    };
    // Brute-force guard shared by every node: recent refusals for this login, from the audit log.
    const [{ n }] = await em.execute<Array<{ n: number }>>(
      `select count(*)::int as n from audit_event where action = 'signin.refused' and channel = 'password' and data->>'email' = ? and at > now() - (? || ' seconds')::interval`,
      [normal, String(THROTTLE.windowSeconds)],
    );
    if (n >= THROTTLE.maxFailures) return refuse('TOO_MANY_ATTEMPTS', `Too many failed sign-ins for this account; try again in ${Math.round(THROTTLE.windowSeconds / 60)} minutes.`);
    const valid = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !valid) return refuse('INVALID_CREDENTIALS', 'Email or password is not correct.');
    if (membership) {
      const policy = membership.team.getEntity().signInPolicy;
      if (policy.ssoRequired) return refuse('SSO_REQUIRED', 'The team requires single sign-on.');
      if (!policy.methods.includes('password')) return refuse('SIGN_IN_METHOD_NOT_ALLOWED', 'The team does not allow password sign-in.');
      if (membership.status !== 'active') return refuse('MEMBER_INACTIVE', 'The member is inactive.');
    } else if (!user.platformAdmin) {
      return refuse('NOT_PROVISIONED', 'Not a member of any team.');
    }
    return em.transactional(async (tx) => {
      const { token } = await this.deps.sessions.create(tx, { userId: user.id, teamId, membershipId: membership?.id ?? null, method: 'password' });
      tx.persist(auditEvent(actor, { teamId, action: 'signin.succeeded', target: membership ? { type: 'member', id: membership.id } : undefined, data: { connectionId: 'password', email: normal, step: 'done' } }));
      return { ok: true as const, token, userId: user.id, membershipId: membership?.id ?? null, teamId };
    });
  }
}
