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
export { SHARED_EVENT_TYPES, pluginEvents, pluginEventPrefix, flushWithEvents, type PluginEvent, type PluginEvents } from './events.js';
export type { Core, Viewer, AssertedIdentity, SignInOutcome, ProtocolRefusal, SignInAttempt, Migration, Actor } from '@roster/core';
