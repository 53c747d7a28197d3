import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { actorOf, requireTeamAdmin, type GqlContext } from './context.js';
import { memberById } from './reads.js';
import { AddMemberInput, GroupType, MemberLicenseType, MemberType, UpdateMemberInput } from './types.js';
import { toGroups, toLicenses } from './member-fields.js';
import { fail } from '../errors.js';

@Resolver(() => MemberType)
export class MemberResolver {
  // Not async: when the page already read them (MemberType.readGroups), the answer is synchronous
  // and the executor completes the member without a promise; otherwise one batch per request.
  @FieldResolver(() => [GroupType])
  groups(@Root() m: MemberType, @Ctx() ctx: GqlContext): GroupType[] | Promise<GroupType[]> {
    return m.readGroups ?? ctx.loaders.groupsOfMember.load(m.id).then((rows) => toGroups(m, rows));
  }

  @FieldResolver(() => [MemberLicenseType], {
    description: 'The licenses this member asked for through license groups, each granted or waiting for a seat.',
  })
  licenses(@Root() m: MemberType, @Ctx() ctx: GqlContext): MemberLicenseType[] | Promise<MemberLicenseType[]> {
    return m.readLicenses ?? ctx.loaders.licensesOfMember.load(m.id).then(toLicenses);
  }

  @Mutation(() => MemberType, {
    description:
      'Adds a person to the team directly, with no invitation step, as SCIM provisioning does. Fails with USER_IN_OTHER_TEAM when they belong to another team.',
  })
  async addMember(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('input', () => AddMemberInput) input: AddMemberInput,
    @Ctx() ctx: GqlContext,
  ): Promise<MemberType> {
    requireTeamAdmin(ctx, teamId);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.email)) fail('BAD_USER_INPUT', 'email is not an email address');
    const m = await ctx.core.members.provision(
      teamId,
      { userName: input.email, email: input.email, givenName: input.givenName, familyName: input.familyName, role: input.role },
      actorOf(ctx),
    );
    return (await memberById(ctx.core, m.id))!;
  }

  @Mutation(() => MemberType, { description: 'Changes role or credit limit. Refused with MEMBER_INACTIVE while the member is inactive.' })
  async updateMember(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateMemberInput) input: UpdateMemberInput,
    @Ctx() ctx: GqlContext,
  ): Promise<MemberType> {
    const m = await this.load(id, ctx);
    await ctx.core.members.update(m.teamId, id, input, actorOf(ctx));
    return (await memberById(ctx.core, id))!;
  }

  @Mutation(() => MemberType, {
    description:
      'Makes the member inactive: they can no longer sign in by any method, their sessions and tokens stop working at once, and their seats are freed.',
  })
  async deactivateMember(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<MemberType> {
    const m = await this.load(id, ctx);
    await ctx.core.members.setActive(m.teamId, id, false, actorOf(ctx));
    return (await memberById(ctx.core, id))!;
  }

  @Mutation(() => MemberType)
  async reactivateMember(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<MemberType> {
    const m = await this.load(id, ctx);
    await ctx.core.members.setActive(m.teamId, id, true, actorOf(ctx));
    return (await memberById(ctx.core, id))!;
  }

  @Mutation(() => Boolean, {
    description: 'Removes the member from the team, inactive members included. Data they own stays with the team.',
  })
  async removeMember(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<boolean> {
    const m = await this.load(id, ctx);
    await ctx.core.members.remove(m.teamId, id, actorOf(ctx));
    return true;
  }

  private async load(id: string, ctx: GqlContext): Promise<MemberType> {
    const m = await memberById(ctx.core, id);
    if (!m) fail('NOT_FOUND', 'No such member.');
    requireTeamAdmin(ctx, m.teamId);
    return m;
  }
}
