/** What every endpoint of one authenticated request works with. */
import type { Actor, PluginCore as Core } from '@roster/plugin-sdk';
import {
  ScimError,
  USER_RESOURCE,
  GROUP_RESOURCE,
  LICENSE_USER_SCHEMA_ID,
  compileProjection,
  parseAttributeList,
  parseFilter,
  parsePaging,
  sortSql,
  toSql,
  type AttributeSelector,
  type ColumnMap,
  type ListQuery,
  type Projection,
  type ResourceDef,
} from '../protocol/index.js';
import type { PageQuery, Sql } from '../store/sql.js';
import type { UserIncludes } from '../store/users.js';
import type { ScimRequest } from './request.js';

export interface ScimSettings {
  /** Mount point of the endpoints, e.g. `/scim/v2`. */
  prefix: string;
  /** Most resources in one list or search response (`filter.maxResults`). */
  maxResults: number;
  bulkMaxOperations: number;
  /** Bytes of a Bulk body (`bulk.maxPayloadSize`); also the limit of any other body. */
  bulkMaxPayloadSize: number;
  /** Largest non-Bulk body, bytes. */
  maxBodyBytes: number;
  documentationUri?: string | undefined;
}

export interface Scope {
  core: Core;
  settings: ScimSettings;
  teamId: string;
  /** The team's SCIM base URL as the client addressed it, no trailing slash. */
  baseUrl: string;
  actor: Actor;
  req: ScimRequest;
  /** Reads outside a transaction (GET, lists). */
  reader: Sql;
}

/** The list parameters of a GET (or a /.search body) turned into SQL and a projection, before any query. */
export interface CompiledList {
  page: PageQuery;
  project: Projection;
}

/** The lookups IdPs send before every create or group change: `userName eq "…"` and the like. */
const LOOKUP_ATTRIBUTES = ['username', 'externalid', 'id', 'displayname'];

export function compileList(q: ListQuery, columns: ColumnMap, resource: ResourceDef, maxResults: number): CompiledList {
  const paging = parsePaging(q, maxResults);
  const ast = q.filter !== undefined && q.filter.trim() !== '' ? parseFilter(q.filter) : undefined;
  const filter = ast ? toSql(ast, columns) : undefined;
  const order = q.sortBy !== undefined && q.sortBy.trim() !== '' ? sortSql(q.sortBy, q.sortOrder, columns) : undefined;
  // One comparison on an indexed attribute: the statement text is one of a fixed few, so it is prepared.
  const lookup =
    ast?.type === 'compare' &&
    ast.op === 'eq' &&
    ast.path.uri === undefined &&
    ast.path.sub === undefined &&
    LOOKUP_ATTRIBUTES.includes(ast.path.attr.toLowerCase()) &&
    order === undefined;
  return {
    page: { where: filter, order, startIndex: paging.startIndex, count: paging.count, prepare: lookup },
    project: compileProjection(q, resource),
  };
}

type Selectors = { include: AttributeSelector[]; exclude: AttributeSelector[] };

function selectors(q: Pick<ListQuery, 'attributes' | 'excludedAttributes'>, resource: ResourceDef): Selectors {
  return { include: parseAttributeList(q.attributes, resource), exclude: parseAttributeList(q.excludedAttributes, resource) };
}

/** Whether a response shows the attribute, so the query can skip what is not shown. */
function shows(s: Selectors, matches: (sel: AttributeSelector) => boolean, whole: (sel: AttributeSelector) => boolean): boolean {
  if (s.include.length > 0) return s.include.some(matches);
  return !s.exclude.some((sel) => matches(sel) && whole(sel));
}

const wholeAttr = (sel: AttributeSelector) => sel.sub === undefined && sel.filter === undefined;

export function userIncludes(q: Pick<ListQuery, 'attributes' | 'excludedAttributes'>): UserIncludes {
  if (!q.attributes && !q.excludedAttributes) return { groups: true, licenses: true };
  const s = selectors(q, USER_RESOURCE);
  const isGroups = (sel: AttributeSelector) => sel.extension === undefined && sel.attr?.toLowerCase() === 'groups';
  const isLicense = (sel: AttributeSelector) => sel.extension?.toLowerCase() === LICENSE_USER_SCHEMA_ID.toLowerCase();
  return {
    groups: shows(s, isGroups, wholeAttr),
    licenses: shows(s, isLicense, (sel) => sel.attr === undefined || wholeAttr(sel)),
  };
}

export function groupShowsMembers(q: Pick<ListQuery, 'attributes' | 'excludedAttributes'>): boolean {
  if (!q.attributes && !q.excludedAttributes) return true;
  const isMembers = (sel: AttributeSelector) => sel.extension === undefined && sel.attr?.toLowerCase() === 'members';
  return shows(selectors(q, GROUP_RESOURCE), isMembers, wholeAttr);
}

export function notFound(what: 'User' | 'Group', id: string): ScimError {
  return new ScimError('SCIM_ERR_NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist in this team.`);
}
