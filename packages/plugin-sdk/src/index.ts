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
export type { SignInMethodDefinition, IdentifiedMember, TeamRef, SignInMember, SignInVerdict, MemberSignInApi } from './sign-in-methods.js';
export type { PluginDatabase } from './database.js';
export type { Core, Viewer, AssertedIdentity, SignInOutcome, ProtocolRefusal, SignInAttempt, Migration, Actor } from '@roster/core';
