import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actorOf, requirePlatformAdmin, requireTeamAdmin, requireTeamMember, requireViewer, type GqlContext } from './context.js';
import { auditPage, licenseSummaries, like, memberById, membersPage, teamById, toTeam, type MembersPageWants } from './reads.js';
import { maySelect, selectedFields } from './selection.js';
import {
  AuditEventConnection,
  DomainType,
  GroupType,
  LicenseSummaryType,
  MemberConnection,
  MembersFilter,
  MemberType,
  SignInMethodInfoType,
  SignInPolicyInput,
  TeamType,
  ViewerType,
} from './types.js';
import { Group, Team } from '../entities/index.js';
import { fail } from '../errors.js';
import { TXT_PREFIX } from '../services/domains.js';

@ArgsType()
class MembersArgs {
  @Field(() => Int, { defaultValue: 50 }) first!: number;
  @Field(() => String, { nullable: true }) after?: string;
  @Field(() => MembersFilter, { nullable: true }) filter?: MembersFilter;
}

@ArgsType()
class AuditArgs {
  @Field(() => Int, { defaultValue: 50 }) first!: number;
  @Field(() => String, { nullable: true }) after?: string;
  @Field(() => String, { nullable: true, description: 'Prefix of the action, e.g. "member." or "signin.refused".' }) action?: string;
  @Field(() => String, { nullable: true }) channel?: string;
  @Field(() => ID, { nullable: true }) targetId?: string;
  @Field(() => String, { nullable: true, description: 'The actor’s id, or part of their label (login, email), any case.' }) actor?: string;
  @Field(() => String, { nullable: true, description: '"success" or "failure".' }) outcome?: string;
  @Field(() => Date, { nullable: true, description: 'Events at or after this time.' }) since?: Date;
  @Field(() => Date, { nullable: true, description: 'Events before this time.' }) until?: Date;
}

export function toGroup(g: Group): GroupType {
  return Object.assign(new GroupType(), {
    id: g.id,
    teamId: g.team.id,
    displayName: g.displayName,
    externalId: g.externalId,
    licenseTypeId: g.licenseType?.id ?? null,
    createdAt: g.createdAt,
  });
}

/** Team fields answered from the team's id alone (the core's field resolvers that read `team.id` only). */
const ID_ONLY_TEAM_FIELDS = new Set(['__typename', 'id', 'members', 'groups', 'licenses', 'auditEvents', 'domains']);

/**
 * What a members field selects (MembersPageWants), once per place in a document: the document is
 * parsed once and its nodes kept (Apollo's document store), so the selections are walked once,
 * not on every page (five walks, each with its sets and arrays).
 */
const wantsByField = new WeakMap<FieldNode, MembersPageWants>();
function membersPageWants(info: GraphQLResolveInfo): MembersPageWants {
  const key = info.fieldNodes[0]!;
  let wants = wantsByField.get(key);
  if (!wants) {
    wants = {
      fields: selectedFields(info, ['edges', 'node']),
      totalCount: maySelect(info, ['totalCount']),
      pageInfo: maySelect(info, ['pageInfo']),
      cursors: maySelect(info, ['edges', 'cursor']),
      groups: maySelect(info, ['edges', 'node', 'groups']) && selectedFields(info, ['edges', 'node', 'groups']),
      licenses: maySelect(info, ['edges', 'node', 'licenses']) && selectedFields(info, ['edges', 'node', 'licenses']),
      licenseType: selectedFields(info, ['edges', 'node', 'licenses', 'licenseType']),
    };
    wantsByField.set(key, wants);
  }
  return wants;
}

@Resolver(() => TeamType)
export class TeamResolver {
  @Query(() => ViewerType, { nullable: true, description: 'The signed-in person, or null.' })
  async me(@Ctx() ctx: GqlContext): Promise<ViewerType | null> {
    const v = ctx.viewer;
    if (!v) return null;
    const member = v.membershipId ? await memberById(ctx.core, v.membershipId) : null;
    const team = v.teamId ? toTeam(await ctx.core.teams.get(v.teamId)) : null;
    return Object.assign(new ViewerType(), { userId: v.userId, login: v.login, platformAdmin: v.platformAdmin, member, team });
  }

  @Query(() => TeamType)
  async team(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo): Promise<TeamType> {
    const v = requireTeamMember(ctx, id);
    // The viewer's own team exists: the session, token or setup link naming it was read in this
    // request and goes with the team (on delete cascade). Its row is read only when a field
    // needs it; a members page then costs the session lookup and one statement.
    if (v.teamId === id && [...selectedFields(info, [])].every((f) => ID_ONLY_TEAM_FIELDS.has(f))) {
      return Object.assign(new TeamType(), { id });
    }
    return (await teamById(ctx.core, id)) ?? fail('NOT_FOUND', 'No such team.');
  }

  @Query(() => [TeamType], {
    description:
      'Platform admins only. Oldest first, at most 1000; `search` keeps the teams whose name or slug contains it (case-insensitive), so any team can be found however many there are.',
  })
  async teams(
    @Arg('search', () => String, { nullable: true }) search: string | null | undefined,
    @Ctx() ctx: GqlContext,
  ): Promise<TeamType[]> {
    requirePlatformAdmin(ctx);
    const needle = search?.trim();
    const where = needle ? { $or: [{ name: { $ilike: `%${like(needle)}%` } }, { slug: { $ilike: `%${like(needle)}%` } }] } : {};
    const rows = await ctx.core.em().find(Team, where, { orderBy: { createdAt: 'asc' }, limit: 1000 });
    return rows.map(toTeam);
  }

  @Query(() => [SignInMethodInfoType], {
    description: 'The sign-in methods this server knows (the core’s and its plugins’): what a team’s sign-in policy may list.',
  })
  signInMethods(@Ctx() ctx: GqlContext): SignInMethodInfoType[] {
    return ctx.core.signInMethods
      .list()
      .map((m) => Object.assign(new SignInMethodInfoType(), { id: m.id, label: m.label, sso: m.sso, declaredBy: m.declaredBy }));
  }

  @Query(() => MemberType, { nullable: true })
  async member(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<MemberType | null> {
    requireViewer(ctx);
    const m = await memberById(ctx.core, id);
    if (!m) return null;
    requireTeamMember(ctx, m.teamId);
    return m;
  }

  @FieldResolver(() => MemberConnection)
  async members(
    @Root() team: TeamType,
    @Args(() => MembersArgs) args: MembersArgs,
    @Ctx() ctx: GqlContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<MemberConnection> {
    requireTeamMember(ctx, team.id);
    // The page's statement reads only what the query may select; the groups and licenses it read
    // are handed to the member resolvers, which then answer without a batch or a promise.
    return membersPage(ctx.core, team.id, args.filter, args.first, args.after, membersPageWants(info));
  }

  @FieldResolver(() => [GroupType])
  async groups(@Root() team: TeamType, @Ctx() ctx: GqlContext): Promise<GroupType[]> {
    requireTeamMember(ctx, team.id);
    const rows = await ctx.core.em().find(Group, { team: team.id }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 5000 });
    return rows.map(toGroup);
  }

  @FieldResolver(() => [LicenseSummaryType])
  licenses(@Root() team: TeamType, @Ctx() ctx: GqlContext): Promise<LicenseSummaryType[]> {
    requireTeamMember(ctx, team.id);
    return licenseSummaries(ctx.core, team.id);
  }

  @FieldResolver(() => AuditEventConnection, {
    description: 'Who did what, when and through which channel, newest first. Team admins only.',
  })
  auditEvents(@Root() team: TeamType, @Args(() => AuditArgs) args: AuditArgs, @Ctx() ctx: GqlContext): Promise<AuditEventConnection> {
    requireTeamAdmin(ctx, team.id);
    return auditPage(ctx.core, team.id, args);
  }

  @FieldResolver(() => [DomainType], {
    description: 'Email domains of the team; a verified domain routes its people to the team’s SSO. Team admins only.',
  })
  async domains(@Root() team: TeamType, @Ctx() ctx: GqlContext): Promise<DomainType[]> {
    requireTeamAdmin(ctx, team.id);
    const rows = await ctx.core.domains.list(team.id);
    return rows.map((d) =>
      Object.assign(new DomainType(), {
        id: d.id,
        domain: d.domain,
        verified: !!d.verifiedAt,
        verifiedAt: d.verifiedAt,
        txtRecord: `${TXT_PREFIX}${d.verificationToken}`,
      }),
    );
  }

  @Mutation(() => TeamType, { description: 'Platform admins only. Creates the default license types and app groups.' })
  async createTeam(
    @Arg('slug', () => String) slug: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GqlContext,
  ): Promise<TeamType> {
    requirePlatformAdmin(ctx);
    return toTeam(await ctx.core.teams.create({ slug, name }, actorOf(ctx)));
  }

  @Mutation(() => TeamType, {
    description: 'Sets the sign-in methods for the whole team. "SSO required" turns every other method off for all members at once.',
  })
  async setSignInPolicy(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('policy', () => SignInPolicyInput) policy: SignInPolicyInput,
    @Ctx() ctx: GqlContext,
  ): Promise<TeamType> {
    requireTeamAdmin(ctx, teamId);
    return toTeam(
      await ctx.core.teams.setSignInPolicy(
        teamId,
        { methods: policy.methods, ssoRequired: policy.ssoRequired, jitProvisioning: policy.jitProvisioning },
        actorOf(ctx),
      ),
    );
  }

  @Mutation(() => LicenseSummaryType, {
    description: 'Sets how many seats of a license type the team bought; new seats go to waiting requests, oldest first.',
  })
  async setLicenseSeats(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('licenseTypeId', () => ID) licenseTypeId: string,
    @Arg('seats', () => Int) seats: number,
    @Ctx() ctx: GqlContext,
  ): Promise<LicenseSummaryType> {
    requireTeamAdmin(ctx, teamId);
    await ctx.core.teams.setSeats(teamId, licenseTypeId, seats, actorOf(ctx));
    const all = await licenseSummaries(ctx.core, teamId);
    return all.find((l) => l.id === licenseTypeId)!;
  }

  @Mutation(() => DomainType)
  async addVerifiedDomain(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('domain', () => String) domain: string,
    @Ctx() ctx: GqlContext,
  ): Promise<DomainType> {
    requireTeamAdmin(ctx, teamId);
    const d = await ctx.core.domains.add(teamId, domain, actorOf(ctx));
    return Object.assign(new DomainType(), {
      id: d.id,
      domain: d.domain,
      verified: false,
      verifiedAt: null,
      txtRecord: `${TXT_PREFIX}${d.verificationToken}`,
    });
  }

  @Mutation(() => DomainType, { description: 'Checks the DNS TXT record; platform admins may verify without DNS.' })
  async verifyDomain(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('domainId', () => ID) domainId: string,
    @Ctx() ctx: GqlContext,
  ): Promise<DomainType> {
    const v = requireTeamAdmin(ctx, teamId);
    const d = await ctx.core.domains.verify(teamId, domainId, actorOf(ctx), v.platformAdmin);
    return Object.assign(new DomainType(), {
      id: d.id,
      domain: d.domain,
      verified: !!d.verifiedAt,
      verifiedAt: d.verifiedAt,
      txtRecord: `${TXT_PREFIX}${d.verificationToken}`,
    });
  }

  @Mutation(() => Boolean)
  async removeDomain(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('domainId', () => ID) domainId: string,
    @Ctx() ctx: GqlContext,
  ): Promise<boolean> {
    requireTeamAdmin(ctx, teamId);
    await ctx.core.domains.remove(teamId, domainId, actorOf(ctx));
    return true;
  }
}
