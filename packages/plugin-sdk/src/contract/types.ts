/**
 * Plain records and inputs of the plugin contract. Hand-written on purpose: they are what the
 * host promises, whatever the core's entities look like inside. Records are snapshots (changing
 * one changes nothing); dates are `Date`s.
 */

/** The channel an action came through, as audit events record it. First-party values, or a plugin's own. */
export type ActorChannel = 'graphql' | 'scim' | 'saml' | 'oidc' | 'wsfed' | 'password' | 'google' | 'cli' | 'system' | (string & {});

/** Who is acting, and through which channel: every audit event is written from this. */
export interface Actor {
  type: 'user' | 'token' | 'system' | 'idp';
  id?: string;
  label?: string;
  channel: ActorChannel;
  requestId?: string;
  /** Team admins edit through GraphQL; the IdP (SCIM) is the source of truth and is not frozen by R8. */
  isAdminConsole?: boolean;
}

/** The actor of background work (schedules, migrations). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ type: 'system', channel: 'system', label: 'system' });

/** One audit event (R19). `teamId` null: a platform-level event. */
export interface AuditInput {
  teamId: string | null;
  action: string;
  outcome?: 'success' | 'failure';
  target?: { type: string; id: string };
  reason?: string;
  data?: Record<string, unknown>;
}

/** A member of a team (a membership, with its person's profile). */
export interface MemberRecord {
  id: string;
  teamId: string;
  userId: string;
  userName: string;
  status: 'active' | 'inactive';
  role: 'owner' | 'admin' | 'member';
  externalId: string | null;
  email: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  /** Extra attributes an IdP or admin stored (SCIM extensions and the like). */
  attributes: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  /** Bumped by every change: an ETag / optimistic lock. */
  version: number;
}

/** The profile fields a member write may carry. */
export interface MemberProfileInput {
  email?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  externalId?: string | null;
  /** Replaces the stored extra attributes when given. */
  attributes?: Record<string, unknown>;
}

export interface ProvisionMemberInput extends MemberProfileInput {
  userName: string;
  role?: 'owner' | 'admin' | 'member';
  active?: boolean;
  creditLimit?: number;
}

/** What an identity provider may set on a member: the profile, userName and active. */
export interface SyncMemberInput extends MemberProfileInput {
  userName?: string;
  active?: boolean;
}

/** A group of a team. */
export interface GroupRecord {
  id: string;
  teamId: string;
  displayName: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** A team, as plugins see it. */
export interface TeamRecord {
  id: string;
  slug: string;
  name: string;
  signInPolicy: TeamSignInPolicy;
}

/** How a team's members may sign in. */
export interface TeamSignInPolicy {
  /** Method ids members may use (`password`, `google`, `sso`…). With `ssoRequired`, only SSO is honoured. */
  methods: readonly string[];
  ssoRequired: boolean;
  /** A member is created on first SSO sign-in when the person is not provisioned yet. */
  jitProvisioning: boolean;
}

/** An API token's public side (the secret is shown once, at creation). */
export interface ApiTokenRecord {
  id: string;
  teamId: string;
  name: string;
  scope: ApiTokenScope;
  /** The first characters of the secret, to tell tokens apart. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A bearer token that checked out. */
export interface VerifiedApiToken {
  id: string;
  teamId: string;
  name: string;
  scope: ApiTokenScope;
}

/** What a token may be used for. */
export type ApiTokenScope = 'api' | 'scim' | (string & {});

/** The IdP's handle on a sign-in, stored with the session for single logout. */
export interface SsoHandle {
  /** The NameID (SAML) or `sub` the IdP asserted. */
  subject: string;
  format?: string | null;
  sessionIndex?: string | null;
}
