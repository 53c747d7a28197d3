import { Arg, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import {
  TeamType,
  RosterError,
  actorOf,
  requireTeamAdmin,
  requireViewer,
  type PluginCore,
  type PluginGraphQLContext as GqlContext,
} from '@roster/plugin-sdk';
import { Capture } from './capture.js';

@ObjectType('Capture')
export class CaptureType {
  @Field(() => ID) id!: string;
  @Field(() => ID) ownerUserId!: string;
  @Field(() => String) ownerUserName!: string;
  @Field(() => String) title!: string;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
}

const toType = (c: Capture) =>
  Object.assign(new CaptureType(), {
    id: c.id,
    ownerUserId: c.ownerUserId,
    ownerUserName: c.ownerUserName,
    title: c.title,
    createdAt: c.createdAt,
  });

@Resolver(() => TeamType)
export class CapturesResolver {
  constructor(private readonly core: PluginCore) {}

  @FieldResolver(() => [CaptureType], {
    description: "Every member's captures, including those of inactive or removed members. Team admins only.",
  })
  async captures(@Root() team: TeamType, @Ctx() ctx: GqlContext): Promise<CaptureType[]> {
    requireTeamAdmin(ctx, team.id);
    const rows = await this.core.db.em().find(Capture, { teamId: team.id }, { orderBy: { createdAt: 'asc' }, limit: 1000 });
    return rows.map(toType);
  }

  @Mutation(() => CaptureType, { description: 'Records a lead capture owned by the signed-in member.' })
  async createCapture(@Arg('title', () => String) title: string, @Ctx() ctx: GqlContext): Promise<CaptureType> {
    const v = requireViewer(ctx);
    if (!v.teamId || !v.membershipId) throw new RosterError('FORBIDDEN', 'Only team members own captures.');
    if (!title.trim() || title.length > 500) throw new RosterError('BAD_USER_INPUT', 'title must be 1–500 characters');
    const em = this.core.db.em();
    const c = em.create(Capture, { teamId: v.teamId, ownerUserId: v.userId, ownerUserName: v.login, title: title.trim() });
    this.core.audit.record(em, actorOf(ctx), { teamId: v.teamId, action: 'capture.created', target: { type: 'capture', id: c.id } });
    await em.flush();
    return toType(c);
  }
}
