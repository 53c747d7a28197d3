// The Roster plugin.
export { samlPlugin, type SamlPlugin, type SamlMetadataScheduler, type SamlHandlers } from './plugin.js';
export type { SamlPluginOptions, SamlPluginInput } from './options.js';
export { SamlErrorCodes, type SamlErrorCode } from './errors.js';
export { SamlConnectionEntity, type AttributeOverrides } from './entity.js';
export { samlMigrations } from './migrations.js';
export { reportExpiringCertificates } from './certificate-expiry.js';
export { generateSpKeyPair, selfSignedCertificate, type SpKeyPair, type SelfSignedOptions } from './sp-certificate.js';
export type { HttpResult } from './http-result.js';

// The protocol core (framework-free).
export {
  validateSamlResponse,
  buildAuthnRequest,
  newRequestId,
  postFormHtml,
  parseIdpMetadata,
  buildSpMetadata,
  preferredSsoService,
  MetadataError,
  IDP_PRESETS,
  idpPreset,
  mapProfile,
  readAttributes,
  decodePostedMessage,
  BINDINGS,
  NAMEID_FORMATS,
  SAML_NS,
  DEFAULT_CLOCK_SKEW_SECONDS,
  REPLAY_NAMESPACE,
  SamlValidationError,
  buildLogoutRequest,
  buildLogoutResponse,
  validateLogoutRequest,
  logoutResponseInResponseTo,
  logoutMessageKind,
  LOGOUT_REPLAY_NAMESPACE,
  type AuthnRequestOptions,
  type AuthnRequestResult,
  type IdpMetadata,
  type SamlEndpoint,
  type IdpPreset,
  type IdpPresetId,
  type AttributeMapping,
  type MappedProfile,
  type SamlConnectionConfig,
  type SamlValidationDeps,
  type SamlResponseInput,
  type SamlIdentity,
  type SamlValidationStep,
  type SamlValidationResult,
  type LogoutRequestOptions,
  type LogoutResponseOptions,
  type LogoutMessageInput,
  type IdpLogoutRequest,
  type LogoutRequestResult,
  type LogoutValidationDeps,
} from './protocol/index.js';
