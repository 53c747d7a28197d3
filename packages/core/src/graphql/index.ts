import { SetupLinkResolver, TeamSetupLinksResolver } from './setup-link-resolver.js';
import { TeamResolver } from './team-resolver.js';
import { MemberResolver } from './member-resolver.js';
import { GroupResolver } from './group-resolver.js';
import { LicenseResolver } from './license-resolver.js';
import { ApiTokenResolver } from './token-resolver.js';
import { WebhookResolver } from './webhook-resolver.js';
import { EventResolver } from './event-resolver.js';
import { PluginInfoResolver } from './plugin-info-resolver.js';
export * from './types.js';
export * from './webhook-types.js';
export {
  createContext,
  actorOf,
  requireViewer,
  requireTeamMember,
  requireTeamAdmin,
  requirePlatformAdmin,
  isAccessRefusal,
  refusalTarget,
  type GqlContext,
} from './context.js';
export { toApiToken } from './token-resolver.js';
export { setupScopeViolation } from './setup-scope.js';
export { membersPageStatement, type MembersPageWants } from './reads.js';
export const coreResolvers = [
  TeamResolver,
  MemberResolver,
  GroupResolver,
  LicenseResolver,
  ApiTokenResolver,
  EventResolver,
  WebhookResolver,
  SetupLinkResolver,
  TeamSetupLinksResolver,
  PluginInfoResolver,
] as const;
