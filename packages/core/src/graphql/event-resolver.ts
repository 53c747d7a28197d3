import { Arg, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { requirePlatformAdmin, requireTeamAdmin, type GqlContext } from './context.js';
import { PageInfo } from './types.js';
import type { LoggedEvent } from '../services/events.js';

@ObjectType('EventActor', { description: 'Who made the change.', simpleResolvers: true })
export class EventActorType {
  @Field(() => String, { description: 'user, token, idp or system.' }) type!: string;
  @Field(() => String, { nullable: true }) id!: string | null;
  @Field(() => String, { nullable: true }) label!: string | null;
}

@ObjectType('Event', {
  description: 'One change for the host app (docs/events.md), written in the same transaction as the change.',
  simpleResolvers: true,
})
export class EventType {
  @Field(() => ID, { description: 'Unique: deduplicate deliveries by it.' }) id!: string;
  @Field(() => String, { description: 'member.created, group.members_changed, license.granted…' }) type!: string;
  @Field(() => ID, { nullable: true, description: 'Null only for platform events.' }) teamId!: string | null;
  @Field(() => String, { description: "The team's sequence number (a decimal string): commit order within the team." }) seq!: string;
  @Field(() => GraphQLDateTimeISO) occurredAt!: Date;
  @Field(() => GraphQLJSONObject, { description: 'The resource as it now is, or { id } when it was removed.' }) data!: Record<
    string,
    unknown
  >;
  @Field(() => EventActorType) actor!: EventActorType;
  @Field(() => String, { description: 'graphql, scim, saml, oidc, wsfed, password, cli, system…' }) channel!: string;
}

@ObjectType('EventEdge', { simpleResolvers: true })
export class EventEdge {
  @Field(() => String) cursor!: string;
  @Field(() => EventType) node!: EventType;
}

@ObjectType('EventConnection', { simpleResolvers: true })
export class EventConnection {
  @Field(() => [EventEdge]) edges!: EventEdge[];
  @Field(() => PageInfo, { description: 'endCursor stays the `after` given when nothing is new: keep it and ask again later.' })
  pageInfo!: PageInfo;
}

function toEvent(e: LoggedEvent): EventType {
  return Object.assign(new EventType(), {
    id: e.id,
    type: e.type,
    teamId: e.teamId,
    seq: String(e.seq),
    occurredAt: e.occurredAt,
    data: e.data,
    actor: Object.assign(new EventActorType(), e.actor),
    channel: e.channel,
  });
}

/** The event log for the host app: catch up from a cursor, exactly where it stopped. */
@Resolver()
export class EventResolver {
  @Query(() => EventConnection, {
    description:
      "Events after a cursor, oldest first. With teamId: that team's events in sequence (commit) order, for its admins and API " +
      'tokens. Without: every team and the platform, for platform admins.',
  })
  async events(
    @Ctx() ctx: GqlContext,
    @Arg('teamId', () => ID, { nullable: true }) teamId?: string | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('types', () => [String], { nullable: true }) types?: string[] | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first?: number,
  ): Promise<EventConnection> {
    if (teamId) requireTeamAdmin(ctx, teamId);
    else requirePlatformAdmin(ctx);
    const page = await ctx.core.events.list({ teamId, after, types, first });
    return Object.assign(new EventConnection(), {
      edges: page.events.map((e) => Object.assign(new EventEdge(), { cursor: e.cursor, node: toEvent(e) })),
      pageInfo: Object.assign(new PageInfo(), { hasNextPage: page.hasNextPage, endCursor: page.endCursor }),
    });
  }
}
