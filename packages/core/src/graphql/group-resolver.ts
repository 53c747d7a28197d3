import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { actorOf, requireTeamAdmin, type GqlContext } from './context.js';
import { GroupType, LicenseTypeRef } from './types.js';
import { toGroup } from './team-resolver.js';
import { Group, LicenseType } from '../entities/index.js';
import { fail } from '../errors.js';

@Resolver(() => GroupType)
export class GroupResolver {
  @FieldResolver(() => Int)
  memberCount(@Root() g: GroupType, @Ctx() ctx: GqlContext): Promise<number> {
    return ctx.loaders.groupMemberCount.load(g.id);
  }

  @FieldResolver(() => LicenseTypeRef, {
    nullable: true,
    description:
      'Links the group to a license type: membership in the group requests that license, leaving every linked group releases it.',
  })
  async licenseType(@Root() g: GroupType, @Ctx() ctx: GqlContext): Promise<LicenseTypeRef | null> {
    if (!g.licenseTypeId) return null;
    const lt = await ctx.core.em().findOne(LicenseType, { id: g.licenseTypeId });
    return lt ? Object.assign(new LicenseTypeRef(), { id: lt.id, key: lt.key, name: lt.name }) : null;
  }

  @Mutation(() => GroupType)
  async createGroup(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('displayName', () => String) displayName: string,
    @Ctx() ctx: GqlContext,
  ): Promise<GroupType> {
    requireTeamAdmin(ctx, teamId);
    return toGroup(await ctx.core.groups.create(teamId, { displayName }, actorOf(ctx)));
  }

  @Mutation(() => GroupType, { description: 'Renames the group; a license link follows the group, not its name.' })
  async renameGroup(
    @Arg('id', () => ID) id: string,
    @Arg('displayName', () => String) displayName: string,
    @Ctx() ctx: GqlContext,
  ): Promise<GroupType> {
    const g = await this.load(id, ctx);
    return toGroup(await ctx.core.groups.update(g.team.id, id, { displayName }, actorOf(ctx)));
  }

  @Mutation(() => Boolean)
  async deleteGroup(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<boolean> {
    const g = await this.load(id, ctx);
    await ctx.core.groups.remove(g.team.id, id, actorOf(ctx));
    return true;
  }

  @Mutation(() => GroupType, { description: 'Adds members to the group. Refused with MEMBER_INACTIVE for an inactive member.' })
  async addGroupMembers(
    @Arg('id', () => ID) id: string,
    @Arg('memberIds', () => [ID]) memberIds: string[],
    @Ctx() ctx: GqlContext,
  ): Promise<GroupType> {
    const g = await this.load(id, ctx);
    await ctx.core.groups.setMembers(g.team.id, id, { add: memberIds }, actorOf(ctx));
    return toGroup(g);
  }

  @Mutation(() => GroupType)
  async removeGroupMembers(
    @Arg('id', () => ID) id: string,
    @Arg('memberIds', () => [ID]) memberIds: string[],
    @Ctx() ctx: GqlContext,
  ): Promise<GroupType> {
    const g = await this.load(id, ctx);
    await ctx.core.groups.setMembers(g.team.id, id, { remove: memberIds }, actorOf(ctx));
    return toGroup(g);
  }

  @Mutation(() => GroupType)
  async linkGroupToLicense(
    @Arg('id', () => ID) id: string,
    @Arg('licenseTypeId', () => ID) licenseTypeId: string,
    @Ctx() ctx: GqlContext,
  ): Promise<GroupType> {
    const g = await this.load(id, ctx);
    return toGroup(await ctx.core.groups.linkLicense(g.team.id, id, licenseTypeId, actorOf(ctx)));
  }

  @Mutation(() => GroupType)
  async unlinkGroup(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<GroupType> {
    const g = await this.load(id, ctx);
    return toGroup(await ctx.core.groups.linkLicense(g.team.id, id, null, actorOf(ctx)));
  }

  private async load(id: string, ctx: GqlContext): Promise<Group> {
    const g = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.core.em().findOne(Group, { id }) : null;
    if (!g) fail('NOT_FOUND', 'No such group.');
    requireTeamAdmin(ctx, g.team.id);
    return g;
  }
}
