// The OIDC plugin (routes, GraphQL, sign-in through the core) and the framework-free
// OpenID Connect relying-party core it is built on.
export * from './protocol/index.js';
export { oidcPlugin, OIDC_PLUGIN_NAME } from './plugin.js';
export { OidcConnectionRecord, OIDC_MIGRATIONS } from './entity.js';
export { OidcErrorCodes, oidcError, type OidcErrorCode } from './errors.js';
export {
  GOOGLE_ISSUER,
  parseOptions,
  type GoogleOptions,
  type OidcPluginOptions,
  type ParsedOidcOptions,
  type SsoEntryPoint,
  type SsoEntryPointSource,
} from './options.js';
export { OidcService, GOOGLE_CONNECTION_ID, MAX_CONNECTIONS_PER_TEAM, type ConnectionDraft } from './service.js';
export { signInOptions, type SignInOptionsAnswer } from './home-realm.js';
export { OidcSignIn } from './sign-in.js';
export { OidcConnectionType, SignInOptionsType, OidcProviderEnum, OidcTokenEndpointAuthMethodEnum } from './graphql.js';
