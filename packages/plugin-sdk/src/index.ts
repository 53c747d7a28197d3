export {
  definePlugin,
  type AdvertisedEntry,
  type ClassRef,
  type RosterPlugin,
  type PluginContext,
  type RosterConfig,
  type RouteRegistrar,
  type SignInApi,
  type SsoEntryPoint,
  type SsoRegistry,
} from './plugin.js';
export * from './sso/index.js';
export * from './contract/index.js';
export type {
  Viewer,
  AssertedIdentity,
  SignInOutcome,
  ProtocolRefusal,
  SignInAttempt,
  Migration,
  HookName,
  HookEvents,
} from '@roster/core';
export type { SignInMethodDefinition, IdentifiedMember, TeamRef, SignInMember, SignInVerdict, MemberSignInApi } from './sign-in-methods.js';
export { SHARED_EVENT_TYPES, pluginEvents, pluginEventPrefix, flushWithEvents, type PluginEvent, type PluginEvents } from './events.js';
