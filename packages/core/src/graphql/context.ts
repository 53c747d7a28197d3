import type { Core } from '../core.js';
import type { Viewer } from '../services/sessions.js';
import type { Actor } from '../services/context.js';
import { fail, RosterError, type ErrorCode } from '../errors.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface GqlContext {
  core: Core;
  viewer: Viewer | null;
  loaders: Loaders;
  requestId: string;
}

export function createContext(core: Core, viewer: Viewer | null, requestId: string): GqlContext {
  return { core, viewer, loaders: createLoaders(core), requestId };
}

export function actorOf(ctx: GqlContext): Actor {
  const v = ctx.viewer;
  if (!v) return { type: 'system', channel: 'graphql', requestId: ctx.requestId };
  if (v.via === 'setup')
    return { type: 'token', id: v.setupLinkId, label: 'setup link', channel: 'graphql', requestId: ctx.requestId, isAdminConsole: true };
  return v.via === 'token'
    ? { type: 'token', id: v.tokenId, label: v.tokenName, channel: 'graphql', requestId: ctx.requestId, isAdminConsole: true }
    : { type: 'user', id: v.userId, label: v.login, channel: 'graphql', requestId: ctx.requestId, isAdminConsole: true };
}

export function requireViewer(ctx: GqlContext): Viewer {
  if (!ctx.viewer) fail('UNAUTHENTICATED');
  return ctx.viewer;
}

/**
 * Errors raised because the viewer may not reach what they asked for (another team, an admin
 * action, a platform action), as opposed to business refusals. The server's GraphQL layer
 * audits them once per operation (R19: a probe of another team's ids leaves a trace in the
 * prober's own team).
 */
const refusalTargets = new WeakMap<Error, Record<string, unknown>>();

export function isAccessRefusal(error: unknown): error is RosterError {
  return error instanceof Error && refusalTargets.has(error);
}

function refuse(code: ErrorCode, message: string, details: Record<string, unknown>): never {
  const error = new RosterError(code, message);
  // Kept off the error's details: those reach the client, and the target team is not theirs to see.
  refusalTargets.set(error, details);
  throw error;
}

/** What a refused viewer reached for (e.g. `{ teamId }`), for the audit trail only. */
export function refusalTarget(error: Error): Record<string, unknown> {
  return refusalTargets.get(error) ?? {};
}

/** Members read their own team; platform admins read every team. */
export function requireTeamMember(ctx: GqlContext, teamId: string): Viewer {
  const v = requireViewer(ctx);
  if (v.platformAdmin || v.teamId === teamId) return v;
  // Same answer as for a team that does not exist: no probing of other teams' ids.
  refuse('NOT_FOUND', 'No such team.', { teamId });
}

export function requireTeamAdmin(ctx: GqlContext, teamId: string): Viewer {
  const v = requireTeamMember(ctx, teamId);
  if (v.platformAdmin || v.role === 'owner' || v.role === 'admin') return v;
  refuse('FORBIDDEN', 'Only team admins can do this.', { teamId });
}

export function requirePlatformAdmin(ctx: GqlContext): Viewer {
  const v = requireViewer(ctx);
  if (!v.platformAdmin) refuse('FORBIDDEN', 'Only platform admins can do this.', {});
  return v;
}
