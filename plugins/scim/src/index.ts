/**
 * @roster/plugin-scim — SCIM 2.0 provisioning for Roster teams (Okta, Microsoft Entra ID).
 *
 * `scimPlugin()` is what a server enables; the framework-free handler and the protocol layer
 * are exported for other adapters and tests.
 */
export { scimPlugin, parseScimOptions, type ScimPluginOptions, type ResolvedScimOptions } from './plugin.js';
export { ScimHandler, scimErrorOf, type ScimHandlerDeps } from './handler/router.js';
export type { ScimRequest, ScimResponse } from './handler/request.js';
export type { ScimSettings } from './handler/context.js';
export {
  ScimResolver,
  ScimRequestLogResolver,
  ScimTokenType,
  ScimSettingsType,
  CreatedScimTokenType,
  ScimRequestLogEntryType,
} from './graphql.js';
export { ScimRequestLog, entryOf, REQUEST_LOG_DEFAULTS, type RequestLogEntry, type RequestLogSettings } from './request-log.js';
export { scimMigrations } from './migrations.js';
export { USER_COLUMNS, GROUP_COLUMNS } from './store/columns.js';
export {
  // errors
  ScimError,
  ScimErrorCodes,
  SCIM_ERROR_SCHEMA,
  SCIM_CONTENT_TYPE,
  isScimError,
  toScimError,
  toScimResponse,
  type ScimErrorBody,
  type ScimErrorCode,
  type ScimType,
  // filters
  parseFilter,
  formatFilter,
  toSql,
  sortSql,
  matchesFilter,
  type Filter,
  type ColumnMap,
  type SqlFragment,
  // PATCH
  normalisePatch,
  applyPatchToResource,
  toGroupChanges,
  PATCH_OP_SCHEMA,
  type PatchOperation,
  type GroupChange,
  // resources and discovery
  USER_RESOURCE,
  GROUP_RESOURCE,
  USER_SCHEMA_ID,
  GROUP_SCHEMA_ID,
  ENTERPRISE_USER_SCHEMA_ID,
  LICENSE_USER_SCHEMA_ID,
  serviceProviderConfig,
  schemasList,
  resourceTypesList,
  parseUser,
  renderUser,
  parseGroup,
  renderGroup,
  compileProjection,
  type UserRecord,
  type GroupRecord,
  type ParsedUser,
  type ParsedGroup,
  // lists and bulk
  listResponse,
  parseSearchRequest,
  parseBulkRequest,
  runBulk,
  LIST_RESPONSE_SCHEMA,
  BULK_REQUEST_SCHEMA,
  BULK_RESPONSE_SCHEMA,
} from './protocol/index.js';
