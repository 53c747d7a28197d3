import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { actorOf, requirePlatformAdmin, requireTeamAdmin, type GqlContext } from './context.js';
import {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookAttemptType,
  WebhookDeliveryStatusEnum,
  WebhookDeliveryType,
  WebhookEndpointType,
  WebhookEndpointWithSecretType,
} from './webhook-types.js';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../services/webhooks/endpoints.js';

const toEndpoint = (e: WebhookEndpointRow): WebhookEndpointType => Object.assign(new WebhookEndpointType(), e);

/** Team admins manage their team's endpoints; platform admins also the platform-wide ones (no team). */
function requireOwner(ctx: GqlContext, teamId: string | null): void {
  if (teamId === null) requirePlatformAdmin(ctx);
  else requireTeamAdmin(ctx, teamId);
}

@Resolver()
export class WebhookResolver {
  @Query(() => [WebhookEndpointType], { description: 'A team’s webhook endpoints; without teamId, the platform-wide ones.' })
  async webhookEndpoints(
    @Arg('teamId', () => ID, { nullable: true }) teamId: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<WebhookEndpointType[]> {
    requireOwner(ctx, teamId ?? null);
    return (await ctx.core.webhooks.list(teamId ?? null)).map(toEndpoint);
  }

  @Query(() => [WebhookDeliveryType], {
    description: 'An endpoint’s deliveries, newest first, with their attempts (status codes and timings).',
  })
  async webhookDeliveries(
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('status', () => WebhookDeliveryStatusEnum, { nullable: true }) status: WebhookDeliveryStatusEnum | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('before', () => ID, { nullable: true, description: 'The id of the last delivery of the previous page.' }) before: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<WebhookDeliveryType[]> {
    const endpoint = await ctx.core.webhooks.get(endpointId);
    requireOwner(ctx, endpoint.teamId);
    const rows = await ctx.core.webhooks.deliveries(endpointId, { status: status ?? undefined, first, before: before ?? undefined });
    return withLog(ctx, rows);
  }

  @Mutation(() => WebhookEndpointWithSecretType, { description: 'The secret is shown in this answer only.' })
  async createWebhookEndpoint(
    @Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput,
    @Ctx() ctx: GqlContext,
  ): Promise<WebhookEndpointWithSecretType> {
    const teamId = input.teamId ?? null;
    requireOwner(ctx, teamId);
    const { endpoint, secret } = await ctx.core.webhooks.create(
      teamId,
      { url: input.url, eventTypes: input.eventTypes, description: input.description },
      actorOf(ctx),
    );
    return Object.assign(new WebhookEndpointWithSecretType(), { endpoint: toEndpoint(endpoint), secret });
  }

  @Mutation(() => WebhookEndpointType)
  async updateWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput,
    @Ctx() ctx: GqlContext,
  ): Promise<WebhookEndpointType> {
    requireOwner(ctx, (await ctx.core.webhooks.get(id)).teamId);
    const changes = {
      ...(input.url != null ? { url: input.url } : {}),
      ...(input.eventTypes != null ? { eventTypes: input.eventTypes } : {}),
      ...(input.description != null ? { description: input.description } : {}),
      ...(input.enabled != null ? { enabled: input.enabled } : {}),
    };
    return toEndpoint(await ctx.core.webhooks.update(id, changes, actorOf(ctx)));
  }

  @Mutation(() => Boolean)
  async deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<boolean> {
    requireOwner(ctx, (await ctx.core.webhooks.get(id)).teamId);
    await ctx.core.webhooks.remove(id, actorOf(ctx));
    return true;
  }

  @Mutation(() => WebhookEndpointWithSecretType, {
    description: 'A new secret, shown in this answer only; the current one keeps signing too for `overlapSeconds` (default a day).',
  })
  async rotateWebhookSecret(
    @Arg('id', () => ID) id: string,
    @Arg('overlapSeconds', () => Int, { defaultValue: 86_400 }) overlapSeconds: number,
    @Ctx() ctx: GqlContext,
  ): Promise<WebhookEndpointWithSecretType> {
    requireOwner(ctx, (await ctx.core.webhooks.get(id)).teamId);
    const { endpoint, secret } = await ctx.core.webhooks.rotateSecret(id, overlapSeconds, actorOf(ctx));
    return Object.assign(new WebhookEndpointWithSecretType(), { endpoint: toEndpoint(endpoint), secret });
  }

  @Mutation(() => WebhookDeliveryType, { description: 'Sends the delivery again (soon, from any node), whatever its state.' })
  async redeliverWebhook(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: GqlContext): Promise<WebhookDeliveryType> {
    const delivery = await ctx.core.webhooks.delivery(deliveryId);
    requireOwner(ctx, (await ctx.core.webhooks.get(delivery.endpointId)).teamId);
    const [row] = await withLog(ctx, [await ctx.core.webhooks.redeliver(deliveryId, actorOf(ctx))]);
    return row!;
  }
}

async function withLog(ctx: GqlContext, rows: WebhookDeliveryRow[]): Promise<WebhookDeliveryType[]> {
  const attempts = await ctx.core.webhooks.attempts(rows.map((r) => r.id));
  return rows.map((r) =>
    Object.assign(new WebhookDeliveryType(), {
      ...r,
      status: r.status as WebhookDeliveryStatusEnum,
      log: attempts.filter((a) => a.deliveryId === r.id).map((a) => Object.assign(new WebhookAttemptType(), a)),
    }),
  );
}
