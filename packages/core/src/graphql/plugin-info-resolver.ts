import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { GqlContext } from './context.js';

@ObjectType('PluginInfo', { description: 'A plugin this server loaded.' })
export class PluginInfoType {
  @Field(() => String, { description: 'Its name (`saml`, `scim`, a third party’s own).' }) name!: string;
  @Field(() => String) version!: string;
}

@Resolver()
export class PluginInfoResolver {
  @Query(() => [PluginInfoType], {
    description:
      'The plugins this server loaded, in load order: the list its front page shows to anyone. The admin console shows a plugin’s section only when its plugin is here.',
  })
  plugins(@Ctx() ctx: GqlContext): PluginInfoType[] {
    return ctx.core.plugins.map((p) => Object.assign(new PluginInfoType(), { name: p.name, version: p.version }));
  }
}
