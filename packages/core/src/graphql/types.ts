import { Field, ID, Int, ObjectType, InputType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';

export enum MemberRoleEnum {
  owner = 'owner',
  admin = 'admin',
  member = 'member',
}
export enum MemberStatusEnum {
  active = 'active',
  inactive = 'inactive',
}
export enum LicenseStateEnum {
  GRANTED = 'GRANTED',
  PENDING_SEAT = 'PENDING_SEAT',
}
export enum SignInMethodEnum {
  password = 'password',
  google = 'google',
  sso = 'sso',
}
registerEnumType(MemberRoleEnum, { name: 'MemberRole' });
registerEnumType(MemberStatusEnum, {
  name: 'MemberStatus',
  description: 'An inactive member cannot sign in, holds no seat, and cannot be changed by admins until reactivated.',
});
registerEnumType(LicenseStateEnum, {
  name: 'LicenseState',
  description:
    'PENDING_SEAT: requested through a license group but no seat is free yet; granted automatically, oldest request first, when one frees.',
});
registerEnumType(SignInMethodEnum, {
  name: 'SignInMethod',
  description:
    'What a sign-in page offers a person (home-realm discovery): a password, Google, or the team’s SSO connections. Team policies list method ids instead (`signInMethods`).',
});

@ObjectType('SignInMethodInfo', { description: 'A sign-in method this server knows, declared by the core or by a plugin.' })
export class SignInMethodInfoType {
  @Field(() => String, { description: 'The id team policies list: `password`, `saml`, `oidc`, `google`, `wsfed`, a plugin’s own.' })
  id!: string;
  @Field(() => String) label!: string;
  @Field(() => Boolean, { description: 'Counts as single sign-on: stays allowed when a team requires SSO.' }) sso!: boolean;
  @Field(() => String, { description: '`core`, or the plugin that declared it.' }) declaredBy!: string;
}

@ObjectType('SignInPolicy', { description: 'How members of the team may sign in: one policy for every member.' })
export class SignInPolicyType {
  @Field(() => [String], { description: 'Ids of the allowed sign-in methods (see `signInMethods`).' }) methods!: string[];
  @Field(() => Boolean, { description: 'Turns off every method that is not SSO, whoever defined it.' }) ssoRequired!: boolean;
  @Field(() => Boolean, { description: 'Create members on first SSO sign-in.' }) jitProvisioning!: boolean;
}

@ObjectType('Team')
export class TeamType {
  @Field(() => ID) id!: string;
  @Field(() => String) slug!: string;
  @Field(() => String) name!: string;
  @Field(() => SignInPolicyType) signInPolicy!: SignInPolicyType;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
}

@ObjectType('LicenseType', { simpleResolvers: true })
export class LicenseTypeRef {
  @Field(() => ID) id!: string;
  @Field(() => String) key!: string;
  @Field(() => String) name!: string;
}

@ObjectType('License', {
  description: 'A license type with its seat usage: purchased, used by active members, and requests waiting for a seat.',
})
export class LicenseSummaryType {
  @Field(() => ID) id!: string;
  @Field(() => String) key!: string;
  @Field(() => String) name!: string;
  @Field(() => [String]) entitlements!: string[];
  @Field(() => Int) purchased!: number;
  @Field(() => Int, { description: 'Seats held by active members.' }) used!: number;
  @Field(() => Int, { description: 'Requests waiting for a seat.' }) pending!: number;
  @Field(() => Int) available!: number;
  @Field(() => ID, {
    nullable: true,
    description: 'The app group linked to this license; an IdP can bind its own group to it through SCIM.',
  })
  groupId!: string | null;
  /** The team the license type belongs to (not a field: the waitlist's admin check reads it). */
  teamId!: string;
}

@ObjectType('MemberLicense', { simpleResolvers: true })
export class MemberLicenseType {
  @Field(() => LicenseTypeRef) licenseType!: LicenseTypeRef;
  @Field(() => LicenseStateEnum) state!: LicenseStateEnum;
  @Field(() => GraphQLDateTimeISO) requestedAt!: Date;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) grantedAt!: Date | null;
}

@ObjectType('Member', { description: "A person's membership of a team.", simpleResolvers: true })
export class MemberType {
  @Field(() => ID) id!: string;
  @Field(() => ID) teamId!: string;
  @Field(() => ID) userId!: string;
  @Field(() => String) userName!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) givenName!: string | null;
  @Field(() => String, { nullable: true }) familyName!: string | null;
  @Field(() => String, { nullable: true }) displayName!: string | null;
  @Field(() => MemberRoleEnum) role!: MemberRoleEnum;
  @Field(() => MemberStatusEnum) status!: MemberStatusEnum;
  @Field(() => Int) creditLimit!: number;
  @Field(() => String, { nullable: true }) externalId!: string | null;
  @Field(() => GraphQLJSONObject, { description: 'Profile attributes kept in sync with the identity provider.' }) attributes!: Record<
    string,
    unknown
  >;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
  @Field(() => GraphQLDateTimeISO) updatedAt!: Date;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) deactivatedAt!: Date | null;
  /**
   * Not GraphQL fields: the groups and licenses the members page read with this member (one
   * statement for the page), which its `groups` and `licenses` resolvers answer synchronously.
   * Undefined elsewhere (`member(id)`, the waitlist): those batch per request (loaders.ts).
   */
  readGroups?: GroupType[];
  readLicenses?: MemberLicenseType[];
}

@ObjectType('Group', { simpleResolvers: true })
export class GroupType {
  @Field(() => ID) id!: string;
  @Field(() => ID) teamId!: string;
  @Field(() => String) displayName!: string;
  @Field(() => String, { nullable: true }) externalId!: string | null;
  @Field(() => ID, { nullable: true }) licenseTypeId!: string | null;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
}

@ObjectType('PageInfo', { simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType('MemberEdge', { simpleResolvers: true })
export class MemberEdge {
  @Field(() => String) cursor!: string;
  @Field(() => MemberType) node!: MemberType;
}

@ObjectType('MemberConnection', { simpleResolvers: true })
export class MemberConnection {
  @Field(() => [MemberEdge]) edges!: MemberEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('WaitlistEntry', { description: 'A request waiting for a seat, at its place in the grant order.', simpleResolvers: true })
export class WaitlistEntryType {
  @Field(() => Int, { description: '1 gets the next seat that frees or is bought.' }) position!: number;
  @Field(() => GraphQLDateTimeISO, { description: 'When the member asked for the license (joined a linked group).' })
  requestedAt!: Date;
  @Field(() => MemberType) member!: MemberType;
}

@ObjectType('WaitlistEdge', { simpleResolvers: true })
export class WaitlistEdge {
  @Field(() => String) cursor!: string;
  @Field(() => WaitlistEntryType) node!: WaitlistEntryType;
}

@ObjectType('WaitlistConnection', { simpleResolvers: true })
export class WaitlistConnection {
  @Field(() => [WaitlistEdge]) edges!: WaitlistEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Everyone waiting (the license’s `pending`).' }) totalCount!: number;
}

@ObjectType('AuditEvent', {
  description: 'One recorded change or sign-in: who did what, when, through which channel.',
  simpleResolvers: true,
})
export class AuditEventType {
  @Field(() => ID) id!: string;
  @Field(() => GraphQLDateTimeISO) at!: Date;
  @Field(() => String) channel!: string;
  @Field(() => String) action!: string;
  @Field(() => String) outcome!: string;
  @Field(() => String) actorType!: string;
  @Field(() => String, { nullable: true }) actorId!: string | null;
  @Field(() => String, { nullable: true }) actorLabel!: string | null;
  @Field(() => String, { nullable: true }) targetType!: string | null;
  @Field(() => String, { nullable: true }) targetId!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => GraphQLJSONObject) data!: Record<string, unknown>;
}

@ObjectType('AuditEventEdge')
export class AuditEventEdge {
  @Field(() => String) cursor!: string;
  @Field(() => AuditEventType) node!: AuditEventType;
}

@ObjectType('AuditEventConnection')
export class AuditEventConnection {
  @Field(() => [AuditEventEdge]) edges!: AuditEventEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType('Domain')
export class DomainType {
  @Field(() => ID) id!: string;
  @Field(() => String) domain!: string;
  @Field(() => Boolean) verified!: boolean;
  @Field(() => String, { description: 'Publish as TXT record `_roster-challenge.<domain>`.' }) txtRecord!: string;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) verifiedAt!: Date | null;
}

@ObjectType('Viewer')
export class ViewerType {
  @Field(() => ID) userId!: string;
  @Field(() => String) login!: string;
  @Field(() => Boolean) platformAdmin!: boolean;
  @Field(() => MemberType, { nullable: true }) member!: MemberType | null;
  @Field(() => TeamType, { nullable: true }) team!: TeamType | null;
}

@ObjectType('ApiToken')
export class ApiTokenType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) scope!: string;
  @Field(() => String, { description: 'First characters of the secret, to tell tokens apart.' }) prefix!: string;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) lastUsedAt!: Date | null;
}

@ObjectType('CreatedApiToken')
export class CreatedApiTokenType {
  @Field(() => ApiTokenType) token!: ApiTokenType;
  @Field(() => String, { description: 'Shown once; only its hash is stored.' }) secret!: string;
}

@ObjectType('SignInAttempt', { description: 'One sign-in attempt on a connection, with the failing step when it was refused.' })
export class SignInAttemptType {
  @Field(() => GraphQLDateTimeISO) at!: Date;
  @Field(() => String) outcome!: string;
  @Field(() => String, { nullable: true }) step!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => String, { nullable: true }) email!: string | null;
}

@InputType()
export class MembersFilter {
  @Field(() => MemberStatusEnum, { nullable: true }) status?: MemberStatusEnum;
  @Field(() => ID, { nullable: true }) licenseTypeId?: string;
  @Field(() => LicenseStateEnum, { nullable: true }) licenseState?: LicenseStateEnum;
  @Field(() => ID, { nullable: true }) groupId?: string;
  @Field(() => String, { nullable: true, description: 'Matches user name, email, given, family or display name.' }) search?: string;
}

@InputType()
export class SignInPolicyInput {
  @Field(() => [String], {
    description: 'Ids of the allowed sign-in methods; an id this server does not know is refused (SIGN_IN_METHOD_UNKNOWN).',
  })
  methods!: string[];
  @Field(() => Boolean) ssoRequired!: boolean;
  @Field(() => Boolean, { defaultValue: false }) jitProvisioning!: boolean;
}

@InputType()
export class AddMemberInput {
  @Field(() => String) email!: string;
  @Field(() => String, { nullable: true }) givenName?: string;
  @Field(() => String, { nullable: true }) familyName?: string;
  @Field(() => MemberRoleEnum, { nullable: true }) role?: MemberRoleEnum;
}

@InputType()
export class UpdateMemberInput {
  @Field(() => MemberRoleEnum, { nullable: true }) role?: MemberRoleEnum;
  @Field(() => Int, { nullable: true }) creditLimit?: number;
  @Field(() => String, { nullable: true }) givenName?: string;
  @Field(() => String, { nullable: true }) familyName?: string;
  @Field(() => String, { nullable: true }) displayName?: string;
}
