import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

export enum WebhookDeliveryStatusEnum {
  pending = 'pending',
  delivered = 'delivered',
  failed = 'failed',
}
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description:
    'pending: not yet answered 2xx, retried with backoff; delivered: answered 2xx; failed: still failing after three days (redeliver by hand).',
});

@ObjectType('WebhookEndpoint', {
  description: 'Where a team (or, with no team, the host app for every team) receives its events, signed per Standard Webhooks.',
})
export class WebhookEndpointType {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true, description: 'null: a platform-wide endpoint, which receives every team’s events.' }) teamId!:
    string | null;
  @Field(() => String) url!: string;
  @Field(() => String) description!: string;
  @Field(() => [String], { description: 'Event types sent here (`*`: every type).' }) eventTypes!: string[];
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => String, { nullable: true, description: 'Why the endpoint is disabled (by an admin, or after three days of failures).' })
  disabledReason!: string | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) disabledAt!: Date | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Since when every attempt has failed; null after a success.' })
  failingSince!: Date | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Until when the previous secret also signs (a rotation in progress).' })
  previousSecretExpiresAt!: Date | null;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
  @Field(() => GraphQLDateTimeISO) updatedAt!: Date;
}

@ObjectType('WebhookEndpointWithSecret', { description: 'The endpoint and its signing secret (`whsec_…`), shown this once.' })
export class WebhookEndpointWithSecretType {
  @Field(() => WebhookEndpointType) endpoint!: WebhookEndpointType;
  @Field(() => String) secret!: string;
}

@ObjectType('WebhookAttempt', { description: 'One request of a delivery: its answer (or error) and how long it took.' })
export class WebhookAttemptType {
  @Field(() => Int) attempt!: number;
  @Field(() => GraphQLDateTimeISO) at!: Date;
  @Field(() => Int, { nullable: true, description: 'HTTP status, or null when there was no answer (see error).' }) statusCode!:
    number | null;
  @Field(() => Int) durationMs!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
}

@ObjectType('WebhookDelivery', { description: 'One event for one endpoint, and its attempts.' })
export class WebhookDeliveryType {
  @Field(() => ID) id!: string;
  @Field(() => ID) endpointId!: string;
  @Field(() => ID, { description: 'The event id, also sent as `webhook-id`: receivers deduplicate on it.' }) eventId!: string;
  @Field(() => String) eventType!: string;
  @Field(() => WebhookDeliveryStatusEnum) status!: WebhookDeliveryStatusEnum;
  @Field(() => Int) attempts!: number;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) nextAttemptAt!: Date | null;
  @Field(() => Int, { nullable: true }) lastStatusCode!: number | null;
  @Field(() => Int, { nullable: true }) lastDurationMs!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) deliveredAt!: Date | null;
  @Field(() => [WebhookAttemptType], { description: 'The delivery log, oldest attempt first.' }) log!: WebhookAttemptType[];
}

@InputType()
export class CreateWebhookEndpointInput {
  @Field(() => ID, { nullable: true, description: 'The team; omitted: a platform-wide endpoint (platform admins).' }) teamId?:
    string | null;
  @Field(() => String) url!: string;
  @Field(() => [String], { description: 'Event types to send (`member.created`…), or `*` for every type.' }) eventTypes!: string[];
  @Field(() => String, { nullable: true }) description?: string;
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => String, { nullable: true }) url?: string;
  @Field(() => [String], { nullable: true }) eventTypes?: string[];
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => Boolean, { nullable: true, description: 'Re-enabling clears the disabled reason; deliveries that waited are due at once.' })
  enabled?: boolean;
}
