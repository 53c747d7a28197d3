// The WS-Federation plugin: `wsfedPlugin()` for the server, and the framework-free relying-party core.
export { wsfedPlugin, type WsFedPlugin, type WsFedMetadataScheduler } from './plugin.js';
export type { WsFedPluginOptions, WsFedPluginInput } from './options.js';
export { WsFedConnectionEntity, type ClaimOverrides } from './entity.js';
export { wsfedMigrations } from './migrations.js';
export { WsFedErrorCodes, wsfedError, type WsFedErrorCode } from './errors.js';
export { WsFedConnections, describeCertificates, CERT_WARNING_DAYS, type ConnectionInput, type CertificateView } from './service.js';
export { FLOW_NAMESPACE, BINDING_COOKIE, WsFedSignIn, type RouteStep } from './sign-in.js';
export * from './graphql/types.js';
export { WsFedTeamResolver, WsFedConnectionResolver } from './graphql/resolvers.js';
export * from './protocol/index.js';
