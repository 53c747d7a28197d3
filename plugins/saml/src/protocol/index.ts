export { validateSamlResponse } from './response.js';
export { buildAuthnRequest, newRequestId, postFormHtml, type AuthnRequestOptions, type AuthnRequestResult } from './authn-request.js';
export { parseIdpMetadata, buildSpMetadata, preferredSsoService, MetadataError, type IdpMetadata, type SamlEndpoint } from './metadata.js';
export { IDP_PRESETS, idpPreset, type IdpPreset, type IdpPresetId } from './presets.js';
export { mapProfile, readAttributes, type AttributeMapping, type MappedProfile } from './attributes.js';
export { decodePostedMessage } from './decode.js';
export { BINDINGS, NAMEID_FORMATS, SAML_NS, DEFAULT_CLOCK_SKEW_SECONDS, REPLAY_NAMESPACE } from './constants.js';
export {
  SamlValidationError,
  type SamlConnectionConfig,
  type SamlValidationDeps,
  type SamlResponseInput,
  type SamlIdentity,
  type SamlValidationStep,
  type SamlValidationResult,
} from './types.js';
export {
  buildLogoutRequest,
  buildLogoutResponse,
  validateLogoutRequest,
  logoutResponseInResponseTo,
  logoutMessageKind,
  LOGOUT_REPLAY_NAMESPACE,
  type LogoutRequestOptions,
  type LogoutResponseOptions,
  type LogoutMessageInput,
  type IdpLogoutRequest,
  type LogoutRequestResult,
  type LogoutValidationDeps,
} from './logout.js';
