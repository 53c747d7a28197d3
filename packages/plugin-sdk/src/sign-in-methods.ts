/**
 * Open sign-in methods (issue #15, items 1 and 5): what a plugin declares so that team
 * policies can list its method, and what it may ask the core about members. Hand-written, so
 * the contract is these types and not whatever the core happens to return.
 */

/**
 * A way into a team that a plugin implements, declared on its definition
 * (`signInMethods: [{ id: 'email-link', label: 'Email link', sso: false }]`). Team policies
 * list allowed methods by `id`; "SSO required" turns off every method with `sso: false`.
 */
export interface SignInMethodDefinition {
  /** Stable id kept in team policies: lower-case letters, digits and dashes, at most 40 (`email-link`). Unique on a server. */
  id: string;
  /** What an admin reads in the policy editor ("Email link"). */
  label: string;
  /** Counts as single sign-on (an IdP the team controls): stays allowed when the team requires SSO. */
  sso: boolean;
  /**
   * Allowed in the sign-in policy of teams created while the plugin is enabled; existing teams
   * are never changed.
   * @default false: the method is off until a team admin allows it.
   */
  allowedByDefault?: boolean;
}

/** A member the plugin identified itself (it proved control of the address, a key…), for `ctx.signIn.complete`. */
export interface IdentifiedMember {
  /** The membership id, e.g. from `ctx.signIn.findMember`. */
  memberId: string;
  /** Id of the method the plugin declared. */
  method: string;
  /** What the audit trace and the session name as the connection. @default the method id */
  connectionId?: string;
  /** The HTTP request id, kept in the audit trace. */
  requestId?: string;
}

/** A team, by id or by slug. */
export type TeamRef = { id: string } | { slug: string };

/** A member as sign-in plugins see them. */
export interface SignInMember {
  memberId: string;
  teamId: string;
  userId: string;
  userName: string;
  /** The address on record (the login when it is an email and none was stored), or null. */
  email: string | null;
  /** False for an inactive member (R7): they cannot sign in by any method. */
  active: boolean;
}

/** The core's answer to "may this member use this method now?". */
export type SignInVerdict = { ok: true } | { ok: false; code: string; reason: string };

/** What `ctx.signIn` offers a plugin that identifies members itself. */
export interface MemberSignInApi {
  /**
   * The member of a team whose login is `email` (normalised as every sign-in does: trimmed,
   * lower-cased), or null. Never tell the requester which: answer the same either way.
   */
  findMember(query: { team: TeamRef; email: string }): Promise<SignInMember | null>;
  /**
   * The team's policy (R3: the method is listed and not turned off by "SSO required") and the
   * member's state (R7: active), decided by the core. Codes: `SIGN_IN_METHOD_NOT_ALLOWED`,
   * `SSO_REQUIRED`, `SIGN_IN_METHOD_UNKNOWN`, `MEMBER_INACTIVE`, `NOT_PROVISIONED`. Nothing is
   * audited: record your refusal with `ctx.signIn.refuse({ …, code })`.
   */
  canSignIn(member: { memberId: string }, method: string): Promise<SignInVerdict>;
}
