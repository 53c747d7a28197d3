/**
 * Who an asserted identity may become (issue #12; docs/security.md). A team admin can point a
 * connection at any IdP and holds a SCIM token and the admin mutations, so what a team asserts
 * is trusted for that team's own people and nothing more. Every channel — SAML, OIDC, WS-Fed,
 * platform Google, SCIM, `addMember`, any plugin — reaches people through `SignInService` and
 * `MemberService`, which apply this rule; no plugin decides it.
 *
 * 1. Platform admins are operator accounts: never a member, never provisioned, linked or signed
 *    in through a team's connection, SCIM token or admin mutation (`PLATFORM_ADMIN_RESERVED`).
 * 2. After the first link, a person is (connection, subject): another subject of the same
 *    connection carrying the member's email never becomes that member (`IDENTITY_LINKED_ELSEWHERE`).
 * 3. An email links (or creates, by JIT) only when vouched for: the IdP says so (OIDC
 *    `email_verified`, a SAML / WS-Fed connection the admin marked `trustEmails`) or its domain
 *    is verified by this team (`EMAIL_NOT_VERIFIED`).
 * 4. An address in a domain another team verified is never created, linked or renamed to by
 *    this team, on any channel (`DOMAIN_OF_ANOTHER_TEAM`).
 * 5. A member of another team stays there (R2, `USER_IN_OTHER_TEAM`).
 */
import { fail } from '../errors.js';
import type { Em } from './context.js';

export type IdentityRuleCode =
  'PLATFORM_ADMIN_RESERVED' | 'IDENTITY_LINKED_ELSEWHERE' | 'EMAIL_NOT_VERIFIED' | 'DOMAIN_OF_ANOTHER_TEAM' | 'USER_IN_OTHER_TEAM';

/** Codes the rule refuses with; channels audit them and pass them on unchanged. */
export const IDENTITY_RULE_CODES: readonly IdentityRuleCode[] = [
  'PLATFORM_ADMIN_RESERVED',
  'IDENTITY_LINKED_ELSEWHERE',
  'EMAIL_NOT_VERIFIED',
  'DOMAIN_OF_ANOTHER_TEAM',
  'USER_IN_OTHER_TEAM',
];

export function isIdentityRuleCode(code: string): code is IdentityRuleCode {
  return (IDENTITY_RULE_CODES as readonly string[]).includes(code);
}

/** What the sign-in lookup learned about the person an assertion names (one statement). */
export interface PersonFacts {
  /** How the person was found: by the (connection, subject) link, by the asserted email, or not at all. */
  via: 'link' | 'email' | 'none';
  platformAdmin: boolean;
  /** The team of the person's membership; null for a person in no team, or nobody. */
  memberTeamId: string | null;
  /** The member already has another subject linked on this connection. */
  linkedHere: boolean;
  /** The team that verified the email's domain, if any. */
  domainTeamId: string | null;
}

export interface Assertion {
  /** The team whose connection asserts; null for the platform Google connection. */
  teamId: string | null;
  email: string | null;
  /** The IdP vouches for the email (OIDC `email_verified`, or a connection marked `trustEmails`). */
  emailVerifiedByIdp: boolean;
}

export type Verdict = { ok: true } | { ok: false; code: IdentityRuleCode; reason: string };

/** The domain of an address (after the last `@`), lower-cased; null when there is none. */
export function emailDomain(address: string | null | undefined): string | null {
  const at = address?.lastIndexOf('@') ?? -1;
  return address && at >= 0
    ? address
        .slice(at + 1)
        .trim()
        .toLowerCase() || null
    : null;
}

/** The rule for a sign-in: may this assertion become the person the lookup found (or a new one)? */
export function mayBecome(a: Assertion, f: PersonFacts): Verdict {
  const who = a.email ?? 'this identity';
  if (f.platformAdmin)
    return {
      ok: false,
      code: 'PLATFORM_ADMIN_RESERVED',
      reason: `${who} is a platform operator account; it never signs in through a team's connection.`,
    };
  // The link is the identity: the email may since have changed, and it is not consulted.
  if (f.via === 'link') return { ok: true };
  if (f.memberTeamId && a.teamId && f.memberTeamId !== a.teamId)
    return { ok: false, code: 'USER_IN_OTHER_TEAM', reason: `${who} belongs to another team.` };
  // The team this identity would join: the connection's, or for the platform Google connection
  // the person's own (Google never creates a member, so with no team there is nobody to protect).
  const team = a.teamId ?? f.memberTeamId;
  if (team && f.domainTeamId && f.domainTeamId !== team) {
    return { ok: false, code: 'DOMAIN_OF_ANOTHER_TEAM', reason: `${emailDomain(a.email) ?? ''} is a verified domain of another team.` };
  }
  if (f.linkedHere) {
    return {
      ok: false,
      code: 'IDENTITY_LINKED_ELSEWHERE',
      reason: `${who} is already linked to another subject of this connection; only that subject signs in as this member.`,
    };
  }
  const vouched = a.emailVerifiedByIdp || (f.domainTeamId !== null && f.domainTeamId === team);
  if (!vouched) {
    return {
      ok: false,
      code: 'EMAIL_NOT_VERIFIED',
      reason: `The identity provider does not vouch for ${who}, and its domain is not verified by the team; an unverified email neither links nor creates a member.`,
    };
  }
  return { ok: true };
}

/**
 * Refuses (`DOMAIN_OF_ANOTHER_TEAM`) when any of the addresses is in a domain another team
 * verified: what provisioning, renames and email changes check on every channel.
 */
export async function assertNoDomainOfAnotherTeam(
  em: Em,
  teamId: string,
  addresses: ReadonlyArray<string | null | undefined>,
): Promise<void> {
  const domains = [...new Set(addresses.map(emailDomain).filter((d): d is string => d !== null))];
  if (!domains.length) return;
  const rows = await em.execute<Array<{ domain: string }>>(
    `select domain from verified_domain where domain in (${domains.map(() => '?').join(', ')}) and verified_at is not null and team_id <> ? limit 1`,
    [...domains, teamId],
  );
  if (rows[0])
    fail(
      'DOMAIN_OF_ANOTHER_TEAM',
      `${rows[0].domain} is a verified domain of another team; this team cannot add or rename people into it.`,
    );
}
