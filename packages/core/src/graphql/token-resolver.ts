import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { actorOf, requireTeamAdmin, type GqlContext } from './context.js';
import { ApiTokenType, CreatedApiTokenType } from './types.js';
import type { ApiToken } from '../entities/index.js';

export function toApiToken(t: ApiToken): ApiTokenType {
  return Object.assign(new ApiTokenType(), {
    id: t.id,
    name: t.name,
    scope: t.scope,
    prefix: t.prefix,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
  });
}

/** Integrator tokens: act as the team's admin on the GraphQL API. */
@Resolver()
export class ApiTokenResolver {
  @Query(() => [ApiTokenType])
  async apiTokens(@Arg('teamId', () => ID) teamId: string, @Ctx() ctx: GqlContext): Promise<ApiTokenType[]> {
    requireTeamAdmin(ctx, teamId);
    return (await ctx.core.tokens.list(teamId, 'api')).map(toApiToken);
  }

  @Mutation(() => CreatedApiTokenType)
  async createApiToken(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GqlContext,
  ): Promise<CreatedApiTokenType> {
    requireTeamAdmin(ctx, teamId);
    const { token, secret } = await ctx.core.tokens.create(teamId, name, 'api', actorOf(ctx));
    return Object.assign(new CreatedApiTokenType(), { token: toApiToken(token), secret });
  }

  @Mutation(() => Boolean)
  async revokeApiToken(@Arg('teamId', () => ID) teamId: string, @Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<boolean> {
    requireTeamAdmin(ctx, teamId);
    await ctx.core.tokens.revoke(teamId, id, actorOf(ctx));
    return true;
  }
}
