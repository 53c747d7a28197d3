import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from 'type-graphql';
import { actorOf, requireTeamAdmin, type GqlContext } from './context.js';
import { toTeam } from './reads.js';
import { TeamType } from './types.js';
import type { SetupLink, SetupScope } from '../services/setup-links.js';

export enum SetupLinkScopeEnum {
  sso = 'sso',
  scim = 'scim',
}
registerEnumType(SetupLinkScopeEnum, {
  name: 'SetupLinkScope',
  description: 'What a setup link lets its holder configure: the team’s SSO connections, its SCIM tokens.',
});

@ObjectType({ description: 'A self-serve setup link for a customer’s IT admin; the secret itself is never shown again.' })
export class SetupLinkType {
  @Field(() => ID) id!: string;
  @Field(() => ID) teamId!: string;
  @Field(() => [SetupLinkScopeEnum]) scopes!: SetupLinkScopeEnum[];
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => String, { nullable: true, description: 'Who created it.' }) createdBy!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Last opened (to the minute).' }) lastUsedAt!: Date | null;
}

@ObjectType()
export class CreatedSetupLinkType {
  @Field(() => SetupLinkType) link!: SetupLinkType;
  @Field(() => String, { description: 'Shown once; only its hash is stored.' }) secret!: string;
  @Field(() => String, { description: 'Path of the setup page on this Roster (`/setup/<secret>`), to append to its public URL.' })
  path!: string;
}

@InputType()
export class CreateSetupLinkInput {
  @Field(() => [SetupLinkScopeEnum]) scopes!: SetupLinkScopeEnum[];
  @Field(() => Int, { nullable: true, description: '1–30 days; 7 when omitted.' }) expiresInDays?: number | null;
  @Field(() => String, { nullable: true, description: 'For the team’s admins: who it was sent to, why.' }) note?: string | null;
}

@ObjectType({ description: 'What the setup link of this request opens: one team, some areas, until it expires.' })
export class SetupLinkAccess {
  @Field(() => TeamType) team!: TeamType;
  @Field(() => [SetupLinkScopeEnum]) scopes!: SetupLinkScopeEnum[];
  @Field(() => Date) expiresAt!: Date;
}

const toType = (l: SetupLink): SetupLinkType =>
  Object.assign(new SetupLinkType(), {
    id: l.id,
    teamId: l.teamId,
    scopes: l.scopes as SetupScope[] as SetupLinkScopeEnum[],
    note: l.note,
    createdBy: l.createdBy,
    createdAt: l.createdAt,
    expiresAt: l.expiresAt,
    lastUsedAt: l.lastUsedAt,
  });

/** Setup links (#16): team admins and API tokens create, list and revoke them; a link's holder reads what it opens. */
@Resolver()
export class SetupLinkResolver {
  @Query(() => SetupLinkAccess, {
    nullable: true,
    description: 'For a request made with a setup link (header `Roster-Setup-Link`): its team, scopes and expiry. Null otherwise.',
  })
  async setupLink(@Ctx() ctx: GqlContext): Promise<SetupLinkAccess | null> {
    const v = ctx.viewer;
    if (v?.via !== 'setup' || !v.teamId) return null;
    const link = (await ctx.core.setupLinks.list(v.teamId)).find((l) => l.id === v.setupLinkId);
    if (!link) return null;
    return Object.assign(new SetupLinkAccess(), {
      team: toTeam(await ctx.core.teams.get(v.teamId)),
      scopes: link.scopes,
      expiresAt: link.expiresAt,
    });
  }

  @Mutation(() => CreatedSetupLinkType, { description: 'Team admins and API tokens. Audited.' })
  async createSetupLink(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('input', () => CreateSetupLinkInput) input: CreateSetupLinkInput,
    @Ctx() ctx: GqlContext,
  ): Promise<CreatedSetupLinkType> {
    requireTeamAdmin(ctx, teamId);
    const { link, secret } = await ctx.core.setupLinks.create(
      teamId,
      { scopes: input.scopes as string[] as SetupScope[], expiresInDays: input.expiresInDays ?? null, note: input.note ?? null },
      actorOf(ctx),
    );
    return Object.assign(new CreatedSetupLinkType(), { link: toType(link), secret, path: `/setup/${secret}` });
  }

  @Mutation(() => Boolean, { description: 'Team admins and API tokens. The link stops working at once.' })
  async revokeSetupLink(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GqlContext,
  ): Promise<boolean> {
    requireTeamAdmin(ctx, teamId);
    await ctx.core.setupLinks.revoke(teamId, id, actorOf(ctx));
    return true;
  }
}

@Resolver(() => TeamType)
export class TeamSetupLinksResolver {
  @FieldResolver(() => [SetupLinkType], { description: 'Live setup links (not expired, not revoked), newest first. Team admins only.' })
  async setupLinks(@Root() team: TeamType, @Ctx() ctx: GqlContext): Promise<SetupLinkType[]> {
    requireTeamAdmin(ctx, team.id);
    return (await ctx.core.setupLinks.list(team.id)).map(toType);
  }
}
