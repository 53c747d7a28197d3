import { Membership, User, normaliseLogin, type AuditEvent, type SignInPolicy } from '../entities/index.js';
import { isRosterError } from '../errors.js';
import { auditEvent } from './audit.js';
import type { Actor, Em, ReadFn } from './context.js';
import { verifyPassword } from './crypto.js';
import type { MemberService } from './members.js';
import type { SessionService } from './sessions.js';
import type { PasswordAttempt, PasswordSignInOutcome, PasswordThrottle } from './throttle.js';

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
  /**
   * What the IdP calls this sign-in, kept on the session for single logout (SAML: `subject` =
   * NameID, its `format`, `sessionIndex`). Written with the session, in the same statement.
   */
  ssoSession?: SsoSession;
}

/** The IdP's handle on one sign-in; `subject` is what logout requests name. */
export interface SsoSession {
  subject: string;
  format?: string | null;
  sessionIndex?: string | null;
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

interface MemberRow {
  membership_id: string;
  team_id: string;
  user_id: string;
  status: 'active' | 'inactive';
  user_name: string;
  sign_in_policy: SignInPolicy;
}

const AUDIT_COLUMNS = 'insert into audit_event (id, team_id, at, channel, action, outcome, actor_type, actor_id, actor_label, target_type, target_id, reason, request_id, data)';
const AUDIT_INSERT = `${AUDIT_COLUMNS} select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb`;

function auditParams(ev: AuditEvent): unknown[] {
  return [ev.id, ev.teamId, ev.at, ev.channel, ev.action, ev.outcome, ev.actorType, ev.actorId, ev.actorLabel, ev.targetType, ev.targetId, ev.reason, ev.requestId, JSON.stringify(ev.data)];
}

/**
 * The one door to a session for SSO plugins: policy (R3), inactive members (R7), JIT (R5),
 * identity linking and the audit trace (R19) are decided here, never in a plugin.
 */
export class SignInService {
  constructor(private readonly deps: { em: () => Em; read: ReadFn; members: MemberService; sessions: SessionService; throttle: PasswordThrottle }) {}

  async complete(id: AssertedIdentity): Promise<SignInOutcome> {
    const actor: Actor = { type: 'idp', channel: id.protocol, id: id.connectionId, label: id.subject, requestId: id.requestId };
    const email = id.email ? normaliseLogin(id.email) : null;
    const trace = { connectionId: id.connectionId, subject: id.subject, email };
    const refuse = async (code: SignInRefusalCode, reason: string, teamId: string | null): Promise<SignInOutcome> => {
      await this.insertAudit(auditEvent(actor, { teamId, action: 'signin.refused', outcome: 'failure', reason, data: { ...trace, step: 'policy', code } }));
      return { ok: false, code, reason };
    };

    // Every ACS / callback comes through here, so the lookup is one statement: the member by
    // linked identity first (survives email changes), else by email, with their team's policy.
    let found = await this.lookup(id.teamId, id.connectionId, id.subject, email);
    if (found && id.teamId && found.team_id !== id.teamId) return refuse('USER_IN_OTHER_TEAM', `${email} belongs to another team.`, id.teamId);
    let policy = found?.sign_in_policy ?? null;
    const teamId = found?.team_id ?? id.teamId;
    if (!found && teamId) {
      const [team] = await this.deps.read<{ sign_in_policy: SignInPolicy }>('select sign_in_policy from team where id = ?', [teamId], { prepare: true });
      policy = team?.sign_in_policy ?? null;
    }
    if (!teamId || !policy) return refuse('NOT_PROVISIONED', `No team member matches ${email ?? id.subject}.`, null);

    if (id.method === 'google' && policy.ssoRequired) return refuse('SSO_REQUIRED', 'The team requires single sign-on; Google sign-in is disabled.', teamId);
    if (!policy.methods.includes(id.method) && !(id.method === 'sso' && policy.ssoRequired)) {
      return refuse('SIGN_IN_METHOD_NOT_ALLOWED', `The team does not allow "${id.method}" sign-in.`, teamId);
    }

    if (!found) {
      if (!policy.jitProvisioning || !email || id.method !== 'sso') return refuse('NOT_PROVISIONED', `${email ?? id.subject} is not a member of the team and just-in-time provisioning is off.`, teamId);
      try {
        await this.deps.members.provision(teamId, { userName: email, email, givenName: id.givenName, familyName: id.familyName, displayName: id.displayName }, actor);
      } catch (e) {
        if (isRosterError(e)) return refuse('USER_IN_OTHER_TEAM', e.message, teamId);
        throw e;
      }
      found = await this.lookup(teamId, id.connectionId, id.subject, email);
      if (!found) return refuse('NOT_PROVISIONED', `${email} could not be provisioned.`, teamId);
    }
    if (found.status !== 'active') return refuse('MEMBER_INACTIVE', `${found.user_name} is inactive in the team.`, teamId);

    // One statement, so atomic without a transaction: link the subject, open the session, audit.
    const { token, tokenHash, expiresAt } = this.deps.sessions.issue();
    const ev = auditEvent(actor, { teamId, action: 'signin.succeeded', target: { type: 'member', id: found.membership_id }, data: { ...trace, step: 'done' } });
    await this.deps.read(
      `with link as (
         insert into identity (id, team_id, membership_id, connection_id, subject, last_sign_in_at)
         select gen_random_uuid(), ?, ?, ?, ?, now() where ?::boolean
         on conflict (team_id, connection_id, subject) do update set last_sign_in_at = now(), membership_id = excluded.membership_id
       ), s as (
         insert into session (id, token_hash, user_id, team_id, membership_id, method, connection_id, expires_at, sso)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
       )
       ${AUDIT_INSERT}`,
      [teamId, found.membership_id, id.connectionId, id.subject, id.method === 'sso',
        tokenHash, found.user_id, teamId, found.membership_id, id.protocol, id.connectionId, expiresAt, id.ssoSession ? JSON.stringify(id.ssoSession) : null,
        ...auditParams(ev)],
      { prepare: true },
    );
    return { ok: true, token, userId: found.user_id, membershipId: found.membership_id, teamId };
  }

  private async lookup(teamId: string | null, connectionId: string, subject: string, email: string | null): Promise<MemberRow | null> {
    const rows = await this.deps.read<MemberRow>(
      `select * from (
         select 1 as rank, m.id as membership_id, m.team_id, m.user_id, m.status, m.user_name, t.sign_in_policy
         from identity i join membership m on m.id = i.membership_id join team t on t.id = m.team_id
         where i.team_id = ? and i.connection_id = ? and i.subject = ?
         union all
         select 2, m.id, m.team_id, m.user_id, m.status, m.user_name, t.sign_in_policy
         from "user" u join membership m on m.user_id = u.id join team t on t.id = m.team_id
         where u.login = ?
       ) found order by rank limit 1`,
      [teamId, connectionId, subject, email],
      { prepare: true },
    );
    return rows[0] ?? null;
  }

  private async insertAudit(ev: AuditEvent): Promise<void> {
    await this.deps.read(`${AUDIT_COLUMNS} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)`, auditParams(ev), { prepare: true });
  }

  /** Records a response the plugin refused before it reached the core (bad signature, audience…). */
  async refuse(r: ProtocolRefusal): Promise<void> {
    const actor: Actor = { type: 'idp', channel: r.protocol, id: r.connectionId, requestId: r.requestId };
    await this.insertAudit(auditEvent(actor, { teamId: r.teamId, action: 'signin.refused', outcome: 'failure', reason: r.reason, data: { connectionId: r.connectionId, step: r.step } }));
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

  /**
   * Built-in password sign-in, subject to the same team policy (R3) and inactive rule (R7), and
   * to the guessing limits of PasswordThrottle: a slot is taken before the password is checked
   * (a throttled attempt is refused without checking it, and counts for nothing), and given back
   * when the password was right. A success hands back a device cookie for the next time.
   */
  async withPassword(login: string, password: string, attempt: PasswordAttempt): Promise<PasswordSignInOutcome> {
    const em = this.deps.em();
    const normal = normaliseLogin(login);
    const actor: Actor = { type: 'user', channel: 'password', label: normal, requestId: attempt.requestId };
    const user = await em.findOne(User, { login: normal }, { populate: ['passwordHash'] });
    const membership = user ? await em.findOne(Membership, { user: user.id }, { populate: ['team'] }) : null;
    const teamId = membership?.team.id ?? null;
    const refuse = async (code: SignInRefusalCode, reason: string): Promise<SignInOutcome> => {
      await em.fork().persistAndFlush(auditEvent(actor, { teamId, action: 'signin.refused', outcome: 'failure', reason, data: { connectionId: 'password', email: normal, step: code === 'TOO_MANY_ATTEMPTS' ? 'throttle' : 'policy', code } }));
      return { ok: false, code, reason };
    };
    const slot = await this.deps.throttle.reserve(normal, { address: attempt.address, device: attempt.device });
    if (!slot) return refuse('TOO_MANY_ATTEMPTS', 'Too many failed sign-ins for this account from here; try again later, or sign in from a device you used before.');
    const valid = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !valid) return refuse('INVALID_CREDENTIALS', 'Email or password is not correct.');
    // The password was right: whatever follows, this attempt was no guess.
    await this.deps.throttle.release(slot);
    if (membership) {
      const policy = membership.team.getEntity().signInPolicy;
      if (policy.ssoRequired) return refuse('SSO_REQUIRED', 'The team requires single sign-on.');
      if (!policy.methods.includes('password')) return refuse('SIGN_IN_METHOD_NOT_ALLOWED', 'The team does not allow password sign-in.');
      if (membership.status !== 'active') return refuse('MEMBER_INACTIVE', 'The member is inactive.');
    } else if (!user.platformAdmin) {
      return refuse('NOT_PROVISIONED', 'Not a member of any team.');
    }
    const signedIn = await em.transactional(async (tx) => {
      const { token } = await this.deps.sessions.create(tx, { userId: user.id, teamId, membershipId: membership?.id ?? null, method: 'password' });
      tx.persist(auditEvent(actor, { teamId, action: 'signin.succeeded', target: membership ? { type: 'member', id: membership.id } : undefined, data: { connectionId: 'password', email: normal, step: 'done' } }));
      return { ok: true as const, token, userId: user.id, membershipId: membership?.id ?? null, teamId };
    });
    return { ...signedIn, device: this.deps.throttle.deviceCookie(normal) };
  }
}
