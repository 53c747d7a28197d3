/**
 * Admin GraphQL (R17): the team's SCIM base URL and tokens, and creating / revoking tokens.
 * Tokens are the core's `api_token` rows with scope `scim`: the secret is shown once and only
 * its SHA-256 is stored.
 */
import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import {
  RosterError,
  TeamType,
  actorOf,
  requireTeamAdmin,
  type ApiTokenRecord,
  type PluginCore,
  type PluginGraphQLContext as GqlContext,
} from '@roster/plugin-sdk';
import type { RequestLogEntry, ScimRequestLog } from './request-log.js';

@ObjectType('ScimToken', { description: 'A SCIM bearer token of the team; the secret itself is never shown again.' })
export class ScimTokenType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'First characters of the secret, to tell tokens apart.' }) prefix!: string;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Last request made with it (to the minute).' }) lastUsedAt!: Date | null;
}

@ObjectType('ScimRequestLogEntry', { description: "One request that reached the team's SCIM endpoint (#16), as the request log keeps it." })
export class ScimRequestLogEntryType {
  @Field(() => GraphQLDateTimeISO) at!: Date;
  @Field(() => ID, { nullable: true, description: 'The live SCIM token it came with (of this team), or null.' })
  tokenId!: string | null;
  @Field(() => String) method!: string;
  @Field(() => String, { description: 'Below the base URL, with the filter when there was one (no other query parameter).' }) path!: string;
  @Field(() => Int) status!: number;
  @Field(() => String, { nullable: true, description: 'RFC 7644 scimType of an error answer.' }) scimType!: string | null;
  @Field(() => String, { nullable: true, description: 'The detail of an error answer.' }) detail!: string | null;
  @Field(() => String, { nullable: true, description: 'Id of the user or group concerned.' }) resourceId!: string | null;
  @Field(() => String, { nullable: true, description: 'userName of the user, displayName of the group concerned.' }) resourceName!:
    string | null;
  @Field(() => Int) durationMs!: number;
}

@ObjectType('ScimSettings', { description: 'What an IdP admin pastes into Okta or Entra ID.' })
export class ScimSettingsType {
  @Field(() => String, { description: 'The SCIM base URL ("Tenant URL" in Entra, "SCIM connector base URL" in Okta).' }) baseUrl!: string;
  @Field(() => [ScimTokenType], { description: 'Live tokens, oldest first; several allow rotation without downtime.' })
  tokens!: ScimTokenType[];
  /** The team, for `requests`. */
  teamId!: string;
}

const toEntry = (e: RequestLogEntry): ScimRequestLogEntryType => {
  const { teamId: _team, ...rest } = e;
  return Object.assign(new ScimRequestLogEntryType(), rest);
};

@Resolver(() => ScimSettingsType)
export class ScimRequestLogResolver {
  constructor(private readonly log: ScimRequestLog) {}

  @FieldResolver(() => [ScimRequestLogEntryType], {
    description: 'The latest requests to the SCIM endpoint (refusals included), newest first; the log keeps the latest 1000 by default.',
  })
  async requests(
    @Root() settings: ScimSettingsType,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GqlContext,
  ): Promise<ScimRequestLogEntryType[]> {
    requireTeamAdmin(ctx, settings.teamId);
    if (!Number.isInteger(first) || first < 1 || first > 200) throw new RosterError('BAD_USER_INPUT', 'first must be from 1 to 200.');
    return (await this.log.latest(settings.teamId, first)).map(toEntry);
  }
}

@ObjectType('CreatedScimToken')
export class CreatedScimTokenType {
  @Field(() => ScimTokenType) token!: ScimTokenType;
  @Field(() => String, { description: 'Shown once; only its hash is stored.' }) secret!: string;
}

const toType = (t: ApiTokenRecord): ScimTokenType =>
  Object.assign(new ScimTokenType(), { id: t.id, name: t.name, prefix: t.prefix, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Resolver(() => TeamType)
export class ScimResolver {
  /** `baseUrl(slug)` → the team's SCIM base URL; injected by the plugin (it knows the public URL and prefix). */
  constructor(
    private readonly core: PluginCore,
    private readonly baseUrl: (slug: string) => string,
  ) {}

  @FieldResolver(() => ScimSettingsType, { description: 'SCIM provisioning: base URL and tokens. Team admins only.' })
  async scim(@Root() team: TeamType, @Ctx() ctx: GqlContext): Promise<ScimSettingsType> {
    requireTeamAdmin(ctx, team.id);
    const tokens = await this.core.tokens.list(team.id, 'scim');
    return Object.assign(new ScimSettingsType(), { baseUrl: this.baseUrl(team.slug), tokens: tokens.map(toType), teamId: team.id });
  }

  @Mutation(() => CreatedScimTokenType, { description: 'A new SCIM token for the team; the secret is in this answer only.' })
  async createScimToken(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GqlContext,
  ): Promise<CreatedScimTokenType> {
    requireTeamAdmin(ctx, teamId);
    const { token, secret } = await this.core.tokens.create(teamId, name, 'scim', actorOf(ctx));
    return Object.assign(new CreatedScimTokenType(), { token: toType(token), secret });
  }

  @Mutation(() => Boolean, { description: 'Revokes a SCIM token at once; requests with it answer 401.' })
  async revokeScimToken(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GqlContext,
  ): Promise<boolean> {
    requireTeamAdmin(ctx, teamId);
    const token = UUID.test(id) ? await this.core.tokens.find(teamId, id, 'scim') : null;
    if (!token) throw new RosterError('NOT_FOUND', 'No such live SCIM token in this team.');
    await this.core.tokens.revoke(teamId, id, actorOf(ctx));
    return true;
  }
}
