export { definePlugin, type AdvertisedEntry, type RosterPlugin, type PluginContext, type RosterConfig, type RouteRegistrar, type SignInApi, type SsoEntryPoint, type SsoRegistry } from './plugin.js';
export { checkReturnTo } from './return-to.js';
export type { Core, Viewer, AssertedIdentity, SignInOutcome, ProtocolRefusal, SignInAttempt, Migration, Actor } from '@roster/core';
