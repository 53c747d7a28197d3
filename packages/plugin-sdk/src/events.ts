import type { Actor, Em, EventLog } from '@roster/core';

/**
 * Event types a plugin may publish besides its own `<plugin>.…` types: the SSO connection
 * lifecycle, which every SSO protocol plugin (SAML, OIDC, WS-Fed) reports under one name.
 */
export const SHARED_EVENT_TYPES = [
  'connection.created',
  'connection.updated',
  'connection.deleted',
  'connection.certificate_expiring',
] as const;

/** An event a plugin publishes; the log adds its id, per-team sequence, time and channel (the actor's). */
export interface PluginEvent {
  /** The team whose resource changed; null only for platform events. */
  teamId: string | null;
  /** `<plugin name>.<what>` (e.g. `example-captures` publishes `example_captures.created`), or one of SHARED_EVENT_TYPES. */
  type: string;
  /** The resource as it now is, or `{ id }` when it was removed. */
  data: Record<string, unknown>;
  actor: Actor;
}

/** `ctx.events`: the event log (outbox) the host app reads through GraphQL `events` and webhooks. */
export interface PluginEvents {
  /**
   * Writes the event in `em`'s transaction, which must be the one of the change it describes
   * (`em.transactional(async (em) => { …change…; await ctx.events.publish(em, event) })`):
   * no event without its change, no change without its event. It takes no lock shared with other
   * writers: the team's sequence number is given after commit (core/0012).
   */
  publish(em: Em, event: PluginEvent): Promise<void>;
  /**
   * `publish`, unless an event of the same team and type was already published once with this
   * `match` (e.g. `{ id, fingerprintSha256 }`: one warning per certificate however many nodes
   * look; key order does not matter). Nodes trying at once take turns on the key (held to the
   * end of `em`'s transaction), so exactly one publishes. Answers whether this call published.
   */
  publishOnce(em: Em, event: PluginEvent, match: Record<string, unknown>): Promise<boolean>;
}

/** A plugin's own event prefix: its name with dashes as underscores (`example-captures` → `example_captures.`). */
export function pluginEventPrefix(pluginName: string): string {
  return `${pluginName.replace(/-/g, '_')}.`;
}

/** `ctx.events` for one plugin: its own types and the shared ones, nothing of the core's. */
export function pluginEvents(pluginName: string, log: EventLog): PluginEvents {
  const prefix = pluginEventPrefix(pluginName);
  const shared: readonly string[] = SHARED_EVENT_TYPES;
  const check = (event: PluginEvent): void => {
    if (!event.type.startsWith(prefix) && !shared.includes(event.type))
      throw new Error(`Plugin "${pluginName}" publishes "${prefix}…" event types or ${SHARED_EVENT_TYPES.join(', ')}; not "${event.type}"`);
  };
  return {
    publish(em, event) {
      check(event);
      return log.publish(em, event);
    },
    publishOnce(em, event, match) {
      check(event);
      return log.publishOnce(em, event, match);
    },
  };
}

/**
 * Flushes what a service changed on `em` and publishes its events in one transaction on `em`
 * itself (so the entities it manages are written by it), or in the caller's transaction when
 * there is one. For services that change entities first and write everything at the end.
 */
export async function flushWithEvents(
  em: Em,
  publish: (em: Em) => Promise<void>,
  flush: (em: Em) => Promise<void> = (e) => e.flush(),
): Promise<void> {
  if (em.isInTransaction()) {
    await flush(em);
    await publish(em);
    return;
  }
  await em.begin();
  try {
    await flush(em);
    await publish(em);
    await em.commit();
  } catch (e) {
    await em.rollback();
    throw e;
  }
}
