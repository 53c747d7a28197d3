export * from './types.js';
export { buildSignInUrl, buildSignOutUrl, parseWsFedMessage, handleSignOutCleanup, WsFedRequestError, WA } from './passive.js';
export type {
  SignInUrlOptions,
  SignOutUrlOptions,
  WsFedParams,
  WsFedMessage,
  SignOutCleanupResult,
  SignOutCleanupResponse,
} from './passive.js';
export { validateWsFedResponse, MAX_WRESULT_BYTES, DEFAULT_CLOCK_SKEW_SECONDS, REPLAY_NAMESPACE } from './validate.js';
export { CLAIM, CLAIM_MAPPING_PRESETS, resolveClaimMapping, mapClaims } from './claims.js';
export type { ClaimMapping, ClaimMappingInput, ClaimMappingPreset, MappedClaims } from './claims.js';
export { importFederationMetadata, describeCertificate, connectionSettingsFromMetadata, WsFedMetadataError } from './metadata.js';
export type { FederationMetadata, SigningCertificate, ImportMetadataOptions, MetadataErrorCode } from './metadata.js';
export { fetchFederationMetadata, type FetchMetadataOptions } from './metadata-fetch.js';
