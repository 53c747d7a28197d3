export * from './types.js';
export { PROVIDER_PRESETS, presetFor, isProviderPresetId, type ProviderPreset, type ProviderPresetId } from './presets.js';
export { mapIdentity, effectiveMapping, hasGroupsOverage } from './claims.js';
export { DiscoveryCache, ProviderFetchError, type DiscoveryCacheOptions } from './discovery.js';
export { ConnectionConfigError, checkRedirectUri, insecureAllowed, issuerUrl, type ConfigurationOptions } from './configuration.js';
export { SignInStepError, explain, type Failure, type Phase } from './errors.js';
export {
  beginSignIn,
  finishSignIn,
  checkConnection,
  oidcFlows,
  STATE_COOKIE,
  type ProviderSummary,
  type BeginOptions,
  type ConnectionResolver,
  type FinishOptions,
  type FlowDeps,
} from './flow.js';
export { MemoryFlowStore } from './memory-flows.js';
