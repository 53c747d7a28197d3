/** The framework-free SCIM 2.0 protocol layer: parsing, validation, translation and rendering. */
export {
  ScimError,
  ScimErrorCodes,
  SCIM_ERROR_SCHEMA,
  SCIM_CONTENT_TYPE,
  isScimError,
  scimFail,
  toScimError,
  toScimResponse,
  type ScimErrorBody,
  type ScimErrorCode,
  type ScimResponse,
  type ScimType,
} from './errors.js';
export { parseJsonBody, type JsonObject, type JsonValue } from './json.js';
export {
  parseFilter,
  formatFilter,
  toSql,
  sortSql,
  matchesFilter,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  type Filter,
  type CompareOp,
  type FilterValue,
  type ColumnMap,
  type ColumnSpec,
  type ColumnType,
  type ScalarColumn,
  type MultiValuedColumn,
  type CustomColumn,
  type SqlFragment,
} from './filter.js';
export { parseAttrPath, attrPathKey, type AttrPath } from './path.js';
export {
  normalisePatch,
  parsePatchPath,
  applyPatchToResource,
  toGroupChanges,
  PATCH_OP_SCHEMA,
  type PatchOperation,
  type PatchOpName,
  type PatchTarget,
  type NormaliseOptions,
  type GroupChange,
  type MemberChangeKind,
} from './patch.js';
export {
  serviceProviderConfig,
  schemasList,
  schemaById,
  resourceTypesList,
  resourceTypeById,
  DISCOVERY_DEFAULTS,
  type DiscoveryOptions,
} from './schemas.js';
export {
  USER_RESOURCE,
  GROUP_RESOURCE,
  USER_SCHEMA_ID,
  GROUP_SCHEMA_ID,
  ENTERPRISE_USER_SCHEMA_ID,
  LICENSE_USER_SCHEMA_ID,
  type ResourceDef,
  type AttributeDef,
  type SchemaDef,
} from './schema-defs.js';
export { compileProjection, projectResource, parseAttributeList, type AttributeSelector, type Projection } from './attributes.js';
export { parseUser, renderUser, mergeStoredAttributes, type ParsedUser, type UserRecord } from './users.js';
export { parseGroup, renderGroup, type ParsedGroup, type GroupRecord, type MemberRef } from './groups.js';
export { etag, etagMatches, parseEtagList } from './meta.js';
export {
  listResponse,
  parsePaging,
  parseSearchRequest,
  LIST_RESPONSE_SCHEMA,
  SEARCH_REQUEST_SCHEMA,
  type ListResponse,
  type ListQuery,
  type Paging,
} from './list.js';
export {
  parseBulkRequest,
  runBulk,
  checkBulkSize,
  bulkReferences,
  BULK_REQUEST_SCHEMA,
  BULK_RESPONSE_SCHEMA,
  type BulkRequest,
  type BulkOperation,
  type BulkMethod,
  type BulkResult,
  type BulkResponse,
} from './bulk.js';
