// The SSO toolkit every protocol plugin builds on (SAML, OpenID Connect, WS-Federation, yours).
export { generateKeyPairPem, selfSignedCertificate, type KeyPairPem, type SelfSignedOptions } from './certificate.js';
export { parseCookieHeader, serializeCookie, type CookieAttributes } from './cookie.js';
export {
  SsoFlows,
  flowKeyHash,
  type FlowStoreLike,
  type SsoFlow,
  type SsoFlowOptions,
  type FlowClaim,
  type ClaimExpectation,
} from './flow.js';
export { inputProblem, unsafeParam, firstParam } from './input.js';
export {
  createOutboundFetch,
  fetchText,
  checkOutboundUrl,
  checkOutboundHost,
  isPrivateAddress,
  OutboundFetchError,
  type OutboundPolicy,
  type OutboundSettings,
  type OutboundErrorKind,
} from './outbound.js';
export { redactUrl, SECRET_PARAMS } from './redact.js';
export {
  refusalResult,
  refuseSignIn,
  redirectResult,
  sendSsoResult,
  ssoErrorCode,
  REFUSAL_MESSAGE,
  type SsoResult,
  type SsoErrorKind,
  type RefusalBody,
} from './result.js';
export { checkReturnTo, inspectReturnTo, type ReturnToCheck } from './return-to.js';
