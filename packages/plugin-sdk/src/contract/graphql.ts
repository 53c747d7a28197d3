import { RosterError } from '@roster/core';
import type { Viewer } from '@roster/core';
import type { Actor } from './types.js';

/**
 * What a plugin resolver reads from the GraphQL context (`@Ctx()`). The host's context has more;
 * only these fields are promised. Domain calls go through the `ctx.core` the plugin handed its
 * resolver instance (`ctx.addResolver(new MyResolver(ctx.core))`).
 */
export interface PluginGraphQLContext {
  readonly viewer: Viewer | null;
  /** The server's id of this request, for audit events. */
  readonly requestId: string;
}

/** Who the request acts as, for audit events. */
export function actorOf(ctx: PluginGraphQLContext): Actor {
  const v = ctx.viewer;
  if (!v) return { type: 'system', channel: 'graphql', requestId: ctx.requestId };
  return v.via === 'token'
    ? { type: 'token', id: v.tokenId, label: v.tokenName, channel: 'graphql', requestId: ctx.requestId, isAdminConsole: true }
    : { type: 'user', id: v.userId, label: v.login, channel: 'graphql', requestId: ctx.requestId, isAdminConsole: true };
}

/** The viewer, or UNAUTHENTICATED. */
export function requireViewer(ctx: PluginGraphQLContext): Viewer {
  if (!ctx.viewer) throw new RosterError('UNAUTHENTICATED');
  return ctx.viewer;
}

/** Members read their own team; platform admins read every team. Others: NOT_FOUND, as for a team that does not exist. */
export function requireTeamMember(ctx: PluginGraphQLContext, teamId: string): Viewer {
  const v = requireViewer(ctx);
  if (v.platformAdmin || v.teamId === teamId) return v;
  throw new RosterError('NOT_FOUND', 'No such team.');
}

/** Team owners and admins of `teamId`, and platform admins; others FORBIDDEN (or NOT_FOUND outside the team). */
export function requireTeamAdmin(ctx: PluginGraphQLContext, teamId: string): Viewer {
  const v = requireTeamMember(ctx, teamId);
  if (v.platformAdmin || v.role === 'owner' || v.role === 'admin') return v;
  throw new RosterError('FORBIDDEN', 'Only team admins can do this.');
}
