import type { Core } from '../core.js';
import type { Viewer } from '../services/sessions.js';
import type { Actor } from '../services/context.js';
import { fail } from '../errors.js';
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

/** Members read their own team; platform admins read every team. */
export function requireTeamMember(ctx: GqlContext, teamId: string): Viewer {
  const v = requireViewer(ctx);
  if (v.platformAdmin || v.teamId === teamId) return v;
  // Same answer as for a team that does not exist: no probing of other teams' ids.
  fail('NOT_FOUND', 'No such team.');
}

export function requireTeamAdmin(ctx: GqlContext, teamId: string): Viewer {
  const v = requireTeamMember(ctx, teamId);
  if (v.platformAdmin || v.role === 'owner' || v.role === 'admin') return v;
  fail('FORBIDDEN', 'Only team admins can do this.');
}

export function requirePlatformAdmin(ctx: GqlContext): Viewer {
  const v = requireViewer(ctx);
  if (!v.platformAdmin) fail('FORBIDDEN', 'Only platform admins can do this.');
  return v;
}
