import { Membership, User, normaliseLogin, type SignInPolicy } from '../entities/index.js';
import { isRosterError, uniqueViolation } from '../errors.js';
import { AUDIT_INSERT_COLUMNS, auditEvent, auditRow, type AuditRow, auditParams } from './audit.js';
import type { Actor, Em, ReadFn } from './context.js';
import { emailDomain, isIdentityRuleCode, mayBecome } from './identity-rule.js';
import { verifyPassword } from './crypto.js';
import type { MemberService } from './members.js';
import type { SessionService } from './sessions.js';
import type { PasswordAttempt, PasswordSignInOutcome, PasswordThrottle } from './throttle.js';
import type { SignInMethodRegistry } from './sign-in-methods.js';
import { eventCte, type EventLog } from './events.js';

/** What a protocol plugin asserts after it has verified a response. */
export interface AssertedIdentity {
  /** Null only for the platform-level Google connection: the person's team is looked up. */
  teamId: string | null;
  connectionId: string;
  /** Audit channel: 'saml' | 'oidc' | 'wsfed' | 'google' … */
  protocol: string;
  /**
   * Id of the declared sign-in method (R3) this sign-in uses: `saml`, `oidc`, `wsfed`, `google`,
   * or a plugin's own. Whether it counts as SSO comes from its declaration.
   */
  method: string;
  subject: string;
  email?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  requestId?: string;
  /**
   * The IdP vouches for `email`: OIDC `email_verified === true`; SAML / WS-Fed when the admin
   * marked the connection `trustEmails`. Absent means false. The core also counts an email as
   * vouched when its domain is verified by the connection's team. Linking a member by email, and
   * creating one by JIT, need a vouched email (see docs/security.md).
   */
  emailVerified?: boolean;
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

/** A member a plugin has identified itself (an email link, a passkey…), handed to `completeMember`. */
export interface IdentifiedMember {
  /** The membership id, e.g. from `findMember`. */
  memberId: string;
  /** Id of the declared sign-in method. */
  method: string;
  /** What the audit trace and the session name as the connection; defaults to the method id. */
  connectionId?: string;
  requestId?: string;
}

/** A member as sign-in plugins see them. */
export interface SignInMember {
  memberId: string;
  teamId: string;
  userId: string;
  userName: string;
  /** The address on record (the login when it is an email and none was stored). */
  email: string | null;
  active: boolean;
}

export type SignInVerdict = { ok: true } | { ok: false; code: SignInRefusalCode; reason: string };

export type SignInRefusalCode =
  | 'SSO_REQUIRED'
  | 'SIGN_IN_METHOD_NOT_ALLOWED'
  | 'SIGN_IN_METHOD_UNKNOWN'
  | 'MEMBER_INACTIVE'
  | 'NOT_PROVISIONED'
  | 'USER_IN_OTHER_TEAM'
  | 'INVALID_CREDENTIALS'
  | 'TOO_MANY_ATTEMPTS'
  // Who an asserted identity may become (identity-rule.ts).
  | 'PLATFORM_ADMIN_RESERVED'
  | 'IDENTITY_LINKED_ELSEWHERE'
  | 'EMAIL_NOT_VERIFIED'
  | 'DOMAIN_OF_ANOTHER_TEAM';

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
  /** A stable code for the refusal (`EMAIL_LINK_EXPIRED`…), kept in the audit event's data. */
  code?: string;
  /** Who was refused, when the plugin knows (an email typed, a member it found). */
  email?: string | null;
  memberId?: string | null;
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
}

/** The sign-in lookup: the person found (membership columns null for a person in no team) and the rule's facts. */
interface LookupRow extends Partial<MemberRow> {
  via: 'link' | 'email' | 'none';
  platform_admin: boolean;
  linked_here: boolean;
  /** The policy of the member's team, else of the connection's team. */
  sign_in_policy: SignInPolicy | null;
  domain_team_id: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A member with what sign-in decides on: state, team policy, the address on record. */
interface MemberLookupRow extends MemberRow {
  email: string | null;
  sign_in_policy: SignInPolicy;
}
const MEMBER_SELECT = `select m.id as membership_id, m.team_id, m.user_id, m.status, m.user_name, t.sign_in_policy,
    coalesce(u.email, case when u.login like '%@%' then u.login end) as email
  from membership m join "user" u on u.id = m.user_id join team t on t.id = m.team_id`;

const AUDIT_INSERT = `${AUDIT_INSERT_COLUMNS} select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb`;

/** A refusal's audit trace and its `signin.refused` event, in one statement of their own. */
const REFUSAL_INSERT = `with a as (
    ${AUDIT_INSERT_COLUMNS} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) returning 1
  ), ${eventCte('a')}
  select 1 as ok`;

/** The `data` of `signin.refused`: what was asserted and why it was refused. */
function refusalData(ev: AuditRow): Record<string, unknown> {
  const d = ev.data;
  return {
    connectionId: d.connectionId ?? null,
    subject: d.subject ?? null,
    email: d.email ?? null,
    step: d.step ?? null,
    code: d.code ?? null,
    reason: ev.reason,
  };
}

/**
 * The one door to a session for SSO plugins: who an asserted identity may become
 * (identity-rule.ts), policy (R3), inactive members (R7), JIT (R5), identity linking and the
 * audit trace (R19) are decided here, never in a plugin.
 */
export class SignInService {
  constructor(
    private readonly deps: {
      em: () => Em;
      read: ReadFn;
      members: MemberService;
      sessions: SessionService;
      throttle: PasswordThrottle;
      methods: SignInMethodRegistry;
      events: EventLog;
    },
  ) {}

  async complete(id: AssertedIdentity): Promise<SignInOutcome> {
    const actor: Actor = { type: 'idp', channel: id.protocol, id: id.connectionId, label: id.subject, requestId: id.requestId };
    const email = id.email ? normaliseLogin(id.email) : null;
    const trace = { connectionId: id.connectionId, subject: id.subject, email };
    const refuse = async (code: SignInRefusalCode, reason: string, teamId: string | null): Promise<SignInOutcome> => {
      await this.insertAudit(
        auditEvent(actor, { teamId, action: 'signin.refused', outcome: 'failure', reason, data: { ...trace, step: 'policy', code } }),
        actor,
      );
      return { ok: false, code, reason };
    };

    // Every ACS / callback comes through here, so the lookup is one statement: the member by
    // linked identity first (survives email changes), else the person by email, with what the
    // identity rule needs (platform admin, other subject on this connection, who verified the
    // email's domain) and the sign-in policy of the team concerned.
    const row = await this.lookup(id.teamId, id.connectionId, id.subject, email);
    const member = row.membership_id ? row : null;
    if (row.via === 'none' && !email) return refuse('NOT_PROVISIONED', `No team member matches ${id.subject}.`, id.teamId);
    const verdict = mayBecome(
      { teamId: id.teamId, email, emailVerifiedByIdp: id.emailVerified === true },
      {
        via: row.via,
        platformAdmin: row.platform_admin === true,
        memberTeamId: member?.team_id ?? null,
        linkedHere: row.linked_here === true,
        domainTeamId: row.domain_team_id,
      },
    );
    // A refusal is traced in the connection's team (never in the other team a person belongs to).
    if (!verdict.ok) return refuse(verdict.code, verdict.reason, id.teamId ?? member?.team_id ?? null);

    const teamId = member?.team_id ?? id.teamId;
    const policy = row.sign_in_policy;
    if (!teamId || !policy) return refuse('NOT_PROVISIONED', `No team member matches ${email ?? id.subject}.`, null);

    const refusal = this.deps.methods.policyRefusal(policy, id.method);
    if (refusal) return refuse(refusal.code, refusal.reason, teamId);
    const sso = this.deps.methods.get(id.method)!.sso;

    let found: Omit<MemberRow, 'team_id'>;
    if (member) {
      found = { membership_id: member.membership_id!, user_id: member.user_id!, status: member.status!, user_name: member.user_name! };
    } else {
      if (!policy.jitProvisioning || !email || !sso)
        return refuse(
          'NOT_PROVISIONED',
          `${email ?? id.subject} is not a member of the team and just-in-time provisioning is off.`,
          teamId,
        );
      // The rule above already vouched for the email (JIT creates nobody from an unverified one);
      // provisioning applies it again in its own transaction, which settles races.
      try {
        const m = await this.deps.members.provision(
          teamId,
          { userName: email, email, givenName: id.givenName, familyName: id.familyName, displayName: id.displayName },
          actor,
        );
        found = { membership_id: m.id, user_id: m.user.id, status: m.status, user_name: m.userName };
      } catch (e) {
        if (isRosterError(e)) return refuse(isIdentityRuleCode(e.code) ? e.code : 'USER_IN_OTHER_TEAM', e.message, teamId);
        throw e;
      }
    }
    if (found.status !== 'active') return refuse('MEMBER_INACTIVE', `${found.user_name} is inactive in the team.`, teamId);

    const { token, tokenHash, expiresAt } = this.deps.sessions.issue();
    const ev = auditRow(actor, {
      teamId,
      action: 'signin.succeeded',
      target: { type: 'member', id: found.membership_id },
      data: { ...trace, step: 'done' },
    });
    // One statement, so atomic without a transaction: link the subject, open the session, audit.
    const signIn = () =>
      this.deps.read(
        `with link as (
             insert into identity (id, team_id, membership_id, connection_id, subject, last_sign_in_at)
             select gen_random_uuid(), ?, ?, ?, ?, now() where ?::boolean
             on conflict (team_id, connection_id, subject) do update set last_sign_in_at = now()
           ), s as (
             insert into session (id, token_hash, user_id, team_id, membership_id, method, connection_id, expires_at, sso)
             values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
             returning id
           ), a as (
             ${AUDIT_INSERT}
           ), ${eventCte('s')}
           select 1 as ok`,
        [
          teamId,
          found.membership_id,
          id.connectionId,
          id.subject,
          sso,
          tokenHash,
          found.user_id,
          teamId,
          found.membership_id,
          id.protocol,
          id.connectionId,
          expiresAt,
          id.ssoSession ? JSON.stringify(id.ssoSession) : null,
          ...auditParams(ev),
          ...this.deps.events.params(
            {
              teamId,
              type: 'signin.succeeded',
              data: {
                memberId: found.membership_id,
                userId: found.user_id,
                method: id.method,
                connectionId: id.connectionId,
                subject: id.subject,
                email,
              },
              actor,
            },
            ev.at,
          ),
        ],
        { prepare: true },
      );
    // At most two attempts, both decided by the one-subject-per-member-and-connection index.
    for (let attempt = 1; ; attempt++) {
      try {
        await signIn();
        break;
      } catch (e) {
        if (uniqueViolation(e) !== 'identity_membership_connection_uq') throw e;
        // Two first sign-ins of one member at once with the same subject (a double submit, two
        // tabs): the other's link, not yet committed when this insert checked, surfaced here. The
        // link is now this subject's: the second attempt takes the ON CONFLICT path like any
        // later sign-in.
        if (attempt === 1 && (await this.linkedTo(found.membership_id, id))) continue;
        // Two first sign-ins with different subjects at once: one link won; this one is refused.
        return refuse('IDENTITY_LINKED_ELSEWHERE', `${found.user_name} is already linked to another subject of this connection.`, teamId);
      }
    }
    return { ok: true, token, userId: found.user_id, membershipId: found.membership_id, teamId };
  }

  /** Whether the member's link through this connection is to this subject. */
  private async linkedTo(membershipId: string, id: { connectionId: string; subject: string }): Promise<boolean> {
    const [row] = await this.deps.read<{ subject: string }>('select subject from identity where membership_id = ? and connection_id = ?', [
      membershipId,
      id.connectionId,
    ]);
    return row?.subject === id.subject;
  }

  /**
   * Signs in a member the plugin identified itself (it proved control of the address, a key…):
   * the same policy (R3) and inactive rule (R7) as every other door, then one statement opens
   * the session and writes the audit event. A refusal is audited with its code (R19).
   */
  async completeMember(m: IdentifiedMember): Promise<SignInOutcome> {
    const connectionId = m.connectionId ?? m.method;
    const row = await this.memberRow(m.memberId);
    const actor: Actor = { type: 'user', channel: m.method, id: row?.membership_id, label: row?.user_name, requestId: m.requestId };
    const trace = { connectionId, email: row?.email ?? null, method: m.method };
    const refuse = async (code: SignInRefusalCode, reason: string): Promise<SignInOutcome> => {
      await this.insertAudit(
        auditEvent(actor, {
          teamId: row?.team_id ?? null,
          action: 'signin.refused',
          outcome: 'failure',
          reason,
          target: row ? { type: 'member', id: row.membership_id } : undefined,
          data: { ...trace, step: 'policy', code },
        }),
        actor,
      );
      return { ok: false, code, reason };
    };
    const verdict = this.verdict(row, m.method);
    if (!verdict.ok) return refuse(verdict.code, verdict.reason);
    const found = row!;
    const { token, tokenHash, expiresAt } = this.deps.sessions.issue();
    const ev = auditRow(actor, {
      teamId: found.team_id,
      action: 'signin.succeeded',
      target: { type: 'member', id: found.membership_id },
      data: { ...trace, step: 'done' },
    });
    // One statement, so atomic without a transaction: the session, its audit trace and its event.
    await this.deps.read(
      `with s as (
         insert into session (id, token_hash, user_id, team_id, membership_id, method, connection_id, expires_at)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?)
         returning id
       ), a as (
         ${AUDIT_INSERT}
       ), ${eventCte('s')}
       select 1 as ok`,
      [
        tokenHash,
        found.user_id,
        found.team_id,
        found.membership_id,
        m.method,
        connectionId,
        expiresAt,
        ...auditParams(ev),
        ...this.deps.events.params(
          {
            teamId: found.team_id,
            type: 'signin.succeeded',
            data: {
              memberId: found.membership_id,
              userId: found.user_id,
              method: m.method,
              connectionId,
              subject: null,
              email: row?.email ?? null,
            },
            actor,
          },
          ev.at,
        ),
      ],
      { prepare: true },
    );
    return { ok: true, token, userId: found.user_id, membershipId: found.membership_id, teamId: found.team_id };
  }

  /**
   * May this member sign in with this method now? The team's policy (R3: listed, not turned off
   * by "SSO required") and the member's state (R7). A question only: nothing is audited; the
   * plugin records its refusal (`refuse`) or `completeMember` does.
   */
  async canSignIn(member: { memberId: string }, method: string): Promise<SignInVerdict> {
    return this.verdict(await this.memberRow(member.memberId), method);
  }

  /** The member of a team whose login is this email (normalised like every sign-in), or null. */
  async findMember(query: { team: { id: string } | { slug: string }; email: string }): Promise<SignInMember | null> {
    const byId = 'id' in query.team;
    const teamKey = byId ? (query.team as { id: string }).id : (query.team as { slug: string }).slug;
    if (typeof teamKey !== 'string' || typeof query.email !== 'string' || (byId && !UUID.test(teamKey))) return null;
    const rows = await this.deps.read<MemberLookupRow>(
      `${MEMBER_SELECT} where u.login = ? and ${byId ? 't.id = ?::uuid' : 'lower(t.slug) = lower(?)'}`,
      [normaliseLogin(query.email), teamKey],
      { prepare: true },
    );
    const r = rows[0];
    return r
      ? {
          memberId: r.membership_id,
          teamId: r.team_id,
          userId: r.user_id,
          userName: r.user_name,
          email: r.email,
          active: r.status === 'active',
        }
      : null;
  }

  private verdict(row: MemberLookupRow | null, method: string): SignInVerdict {
    if (!row) return { ok: false, code: 'NOT_PROVISIONED', reason: 'No such team member.' };
    const refusal = this.deps.methods.policyRefusal(row.sign_in_policy, method);
    if (refusal) return { ok: false, ...refusal };
    if (row.status !== 'active') return { ok: false, code: 'MEMBER_INACTIVE', reason: `${row.user_name} is inactive in the team.` };
    return { ok: true };
  }

  private async memberRow(memberId: string): Promise<MemberLookupRow | null> {
    if (typeof memberId !== 'string' || !UUID.test(memberId)) return null;
    const rows = await this.deps.read<MemberLookupRow>(`${MEMBER_SELECT} where m.id = ?::uuid`, [memberId], { prepare: true });
    return rows[0] ?? null;
  }

  private async lookup(teamId: string | null, connectionId: string, subject: string, email: string | null): Promise<LookupRow> {
    const rows = await this.deps.read<LookupRow>(
      `select coalesce(f.via, 'none') as via, f.membership_id, f.team_id, f.user_id, f.status, f.user_name,
         coalesce(f.platform_admin, false) as platform_admin, coalesce(f.linked_here, false) as linked_here,
         t.sign_in_policy,
         (select vd.team_id from verified_domain vd where vd.domain = ? and vd.verified_at is not null) as domain_team_id
       from (select 1) one
       left join lateral (
         select * from (
           select 1 as rank, 'link' as via, m.id as membership_id, m.team_id, m.user_id, m.status, m.user_name, u.platform_admin, false as linked_here
           from identity i join membership m on m.id = i.membership_id join "user" u on u.id = m.user_id
           where i.team_id = ? and i.connection_id = ? and i.subject = ?
           union all
           select 2, 'email', m.id, m.team_id, u.id, m.status, m.user_name, u.platform_admin,
             exists (select 1 from identity li where li.membership_id = m.id and li.connection_id = ?)
           from "user" u left join membership m on m.user_id = u.id
           where u.login = ?
         ) x order by rank limit 1
       ) f on true
       left join team t on t.id = coalesce(f.team_id, ?::uuid)`,
      [emailDomain(email), teamId, connectionId, subject, connectionId, email, teamId],
      { prepare: true },
    );
    return rows[0]!;
  }

  /** Writes a refusal's audit trace and its `signin.refused` event (one statement: atomic on its own). */
  private async insertAudit(ev: AuditRow, actor: Actor): Promise<void> {
    const event = this.deps.events.params({ teamId: ev.teamId, type: 'signin.refused', data: refusalData(ev), actor }, ev.at);
    await this.deps.read(REFUSAL_INSERT, [...auditParams(ev), ...event], { prepare: true });
  }

  /** Records a response the plugin refused before it reached the core (bad signature, audience…). */
  async refuse(r: ProtocolRefusal): Promise<void> {
    const actor: Actor = { type: 'idp', channel: r.protocol, id: r.connectionId, requestId: r.requestId };
    await this.insertAudit(
      auditRow(actor, {
        teamId: r.teamId,
        action: 'signin.refused',
        outcome: 'failure',
        reason: r.reason,
        target: r.memberId ? { type: 'member', id: r.memberId } : undefined,
        data: {
          connectionId: r.connectionId,
          step: r.step,
          ...(r.code ? { code: r.code } : {}),
          ...(r.email ? { email: r.email } : {}),
        },
      }),
      actor,
    );
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
      return {
        at: new Date(r.at as string),
        outcome: r.outcome as 'success' | 'failure',
        step: (data.step as string) ?? null,
        reason: (r.reason as string) ?? null,
        subject: (data.subject as string) ?? null,
        email: (data.email as string) ?? null,
      };
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
      await this.insertAudit(
        auditEvent(actor, {
          teamId,
          action: 'signin.refused',
          outcome: 'failure',
          reason,
          data: { connectionId: 'password', email: normal, step: code === 'TOO_MANY_ATTEMPTS' ? 'throttle' : 'policy', code },
        }),
        actor,
      );
      return { ok: false, code, reason };
    };
    const slot = await this.deps.throttle.reserve(normal, { address: attempt.address, device: attempt.device });
    if (!slot)
      return refuse(
        'TOO_MANY_ATTEMPTS',
        'Too many failed sign-ins for this account from here; try again later, or sign in from a device you used before.',
      );
    const valid = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !valid) return refuse('INVALID_CREDENTIALS', 'Email or password is not correct.');
    // The password was right: whatever follows, this attempt was no guess.
    await this.deps.throttle.release(slot);
    if (membership) {
      const refusal = this.deps.methods.policyRefusal(membership.team.getEntity().signInPolicy, 'password');
      if (refusal) return refuse(refusal.code, refusal.reason);
      if (membership.status !== 'active') return refuse('MEMBER_INACTIVE', 'The member is inactive.');
    } else if (!user.platformAdmin) {
      return refuse('NOT_PROVISIONED', 'Not a member of any team.');
    }
    const signedIn = await em.transactional(async (tx) => {
      const { token } = await this.deps.sessions.create(tx, {
        userId: user.id,
        teamId,
        membershipId: membership?.id ?? null,
        method: 'password',
      });
      tx.persist(
        auditEvent(actor, {
          teamId,
          action: 'signin.succeeded',
          target: membership ? { type: 'member', id: membership.id } : undefined,
          data: { connectionId: 'password', email: normal, step: 'done' },
        }),
      );
      await this.deps.events.publish(tx, {
        teamId,
        type: 'signin.succeeded',
        data: {
          memberId: membership?.id ?? null,
          userId: user.id,
          method: 'password',
          connectionId: 'password',
          subject: null,
          email: normal,
        },
        actor,
      });
      return { ok: true as const, token, userId: user.id, membershipId: membership?.id ?? null, teamId };
    });
    return { ...signedIn, device: this.deps.throttle.deviceCookie(normal) };
  }
}
