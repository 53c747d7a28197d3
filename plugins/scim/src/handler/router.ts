/**
 * The SCIM service as one framework-free function: `handle(request) → response`. It
 * authenticates (a team's SCIM token, for that team only — R17), routes (case-insensitive
 * resource names, trailing slashes, Microsoft's `/serviceConfiguration` alias) and renders
 * every failure as an RFC 7644 error body. Anything unexpected is logged and masked as a 500;
 * nothing a client sends is meant to reach that branch.
 */
import { databaseUnavailable, isRosterError, uniqueViolation, type PluginCore as Core } from '@roster/plugin-sdk';
import {
  GROUP_RESOURCE,
  ScimError,
  USER_RESOURCE,
  compileProjection,
  isScimError,
  listResponse,
  parseBulkRequest,
  parseSearchRequest,
  resourceTypeById,
  resourceTypesList,
  runBulk,
  schemaById,
  schemasList,
  serviceProviderConfig,
  toScimError,
  type BulkOperation,
  type BulkResult,
  type DiscoveryOptions,
  type JsonObject,
  type ListQuery,
} from '../protocol/index.js';
import { readerSql } from '../store/reader.js';
import type { Sql } from '../store/sql.js';
import type { ScimSettings, Scope } from './context.js';
import { createGroup, deleteGroup, getGroup, listGroupResources, listGroupsResponse, patchGroup, replaceGroup } from './groups.js';
import {
  JSON_HEADERS,
  checkText,
  header,
  idpRequestId,
  isUuid,
  json,
  queryParam,
  readJsonBody,
  type ScimRequest,
  type ScimResponse,
} from './request.js';
import { createUser, deleteUser, getUser, listUserResources, listUsersResponse, patchUser, replaceUser } from './users.js';

export interface ScimHandlerDeps {
  core: Core;
  settings: ScimSettings;
  /** Public base URL of the deployment, no trailing slash (read per request: it may be set after boot). */
  publicUrl: () => string;
  /** Called with anything that became a 500, for the server's log. */
  onInternalError?: (error: unknown, req: ScimRequest) => void;
  /**
   * #16 called after every request whose team is known: `teamId` is the team of the live SCIM
   * token, or — with no live token — the team the URL names. A live token of another team is
   * refused under its own team (its tokenId), never in the log of the team it was sent to.
   */
  onRequest?: (req: ScimRequest, res: ScimResponse, who: { teamId: string; tokenId: string | null }, durationMs: number) => void;
}

/** Who a request turned out to be, filled in while it is authenticated. */
interface Caller {
  teamId: string | null;
  tokenId: string | null;
  /** The URL's team segment, to look up for a refusal without a live token. */
  segment: string | null;
}

interface Discovery {
  options: DiscoveryOptions;
  serviceProviderConfig: JsonObject;
  schemas: JsonObject;
  resourceTypes: JsonObject;
}

const CACHE_LIMIT = 10_000;

function methodNotAllowed(method: string, allow: string[]): ScimResponse {
  const err = new ScimError('SCIM_ERR_METHOD_NOT_ALLOWED', `${method} is not supported here; use ${allow.join(', ')}.`);
  return { status: err.status, headers: { ...JSON_HEADERS, allow: allow.join(', ') }, body: err.toBody() };
}

/** Core and database errors → SCIM errors, beyond the protocol layer's own mapping. */
export function scimErrorOf(e: unknown): ScimError {
  if (isScimError(e)) return e;
  if (isRosterError(e) && e.code === 'CONFLICT' && typeof e.details.constraint === 'string') {
    // A unique index refused the write: the userName is taken (by another member or person).
    return new ScimError('SCIM_ERR_UNIQUENESS', e.message);
  }
  // A database that does not answer in time: the IdP should retry later (RFC 7644 allows 503).
  if (!isRosterError(e) && databaseUnavailable(e)) return new ScimError('SCIM_ERR_UNAVAILABLE');
  if (!isRosterError(e) && uniqueViolation(e)) {
    return new ScimError(
      'SCIM_ERR_UNIQUENESS',
      'The change conflicts with a concurrent change of the same resource; read it again and retry.',
    );
  }
  return toScimError(e);
}

function listQueryOf(query: ScimRequest['query']): ListQuery {
  const q: ListQuery = {};
  for (const key of ['filter', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'startIndex', 'count'] as const) {
    const v = queryParam(query, key);
    if (v !== undefined) q[key] = v;
  }
  return q;
}

export class ScimHandler {
  /** teamId → lower-case slug. Slugs never change (the core has no rename), so this needs no invalidation. */
  private readonly slugs = new Map<string, string>();
  private readonly discovery = new Map<string, Discovery>();
  /** lower-case slug or id → team id, for refusals (#16 request log). */
  private readonly teamIds = new Map<string, string>();
  private readonly reader: Sql;

  constructor(private readonly deps: ScimHandlerDeps) {
    this.reader = readerSql(deps.core);
  }

  async handle(req: ScimRequest): Promise<ScimResponse> {
    const onRequest = this.deps.onRequest;
    if (!onRequest) return this.serve(req, { teamId: null, tokenId: null, segment: null });
    const started = performance.now();
    const caller: Caller = { teamId: null, tokenId: null, segment: null };
    const res = await this.serve(req, caller);
    try {
      let teamId = caller.teamId;
      if (teamId === null && res.status === 401 && caller.segment !== null) teamId = await this.teamIdOf(caller.segment);
      if (teamId !== null) onRequest(req, res, { teamId, tokenId: caller.tokenId }, performance.now() - started);
    } catch (e) {
      this.deps.onInternalError?.(e, req); // the log never fails a request
    }
    return res;
  }

  private async serve(req: ScimRequest, caller: Caller): Promise<ScimResponse> {
    try {
      const segments = req.path.split('/').filter((p) => p !== '');
      const team = segments.shift();
      if (team === undefined) throw new ScimError('SCIM_ERR_NOT_FOUND', 'The SCIM base URL is /scim/v2/<team>.');
      caller.segment = team;
      const scope = await this.authenticate(req, team, caller);
      // Query parameters (filter, attributes, …) obey the same text rule as bodies.
      checkText(req.query, '');
      return await this.route(scope, segments);
    } catch (e) {
      const err = scimErrorOf(e);
      if (err.status >= 500) this.deps.onInternalError?.(e, req);
      const headers: Record<string, string> = { ...JSON_HEADERS };
      if (err.status === 401) headers['www-authenticate'] = 'Bearer realm="scim"';
      return { status: err.status, headers, body: err.toBody() };
    }
  }

  /** R17: a live SCIM token whose team is the URL's team (by id or slug); else 401 and nothing else runs. */
  private async authenticate(req: ScimRequest, team: string, caller: Caller): Promise<Scope> {
    const auth = header(req, 'authorization');
    const bearer = auth === undefined ? null : /^\s*Bearer\s+([\x21-\x7e]{1,512})\s*$/i.exec(auth);
    if (!bearer) throw new ScimError('SCIM_ERR_UNAUTHORIZED', 'Send a SCIM token of this team as "Authorization: Bearer <token>".');
    const token = await this.deps.core.tokens.verify(bearer[1]!, 'scim');
    if (token) Object.assign(caller, { teamId: token.teamId, tokenId: token.id });
    if (!token || !(await this.isTeam(token.teamId, team))) {
      throw new ScimError('SCIM_ERR_UNAUTHORIZED', 'The token is not a live SCIM token of this team.');
    }
    const requestId = idpRequestId(req) ?? req.requestId;
    const { settings } = this.deps;
    return {
      core: this.deps.core,
      settings,
      teamId: token.teamId,
      baseUrl: `${this.deps.publicUrl()}${settings.prefix}/${encodeURIComponent(team)}`,
      actor: { type: 'token', id: token.id, label: token.name, channel: 'scim', ...(requestId ? { requestId } : {}) },
      req,
      reader: this.reader,
    };
  }

  private async isTeam(teamId: string, segment: string): Promise<boolean> {
    if (isUuid(segment)) return segment.toLowerCase() === teamId;
    let slug = this.slugs.get(teamId);
    if (slug === undefined) {
      const team = await this.deps.core.teams.find(teamId);
      if (!team) return false;
      slug = team.slug.toLowerCase();
      if (this.slugs.size >= CACHE_LIMIT) this.slugs.clear();
      this.slugs.set(teamId, slug);
    }
    return slug === segment.toLowerCase();
  }

  /** The team a URL segment names (id or slug), for logging a refusal; cached like slugs. */
  private async teamIdOf(segment: string): Promise<string | null> {
    const key = segment.toLowerCase();
    const cached = this.teamIds.get(key);
    if (cached !== undefined) return cached;
    const team = isUuid(segment) ? await this.deps.core.teams.find(key) : await this.deps.core.teams.bySlug(segment);
    if (!team) return null;
    if (this.teamIds.size >= CACHE_LIMIT) this.teamIds.clear();
    this.teamIds.set(key, team.id);
    return team.id;
  }

  private docs(baseUrl: string): Discovery {
    let d = this.discovery.get(baseUrl);
    if (!d) {
      const { settings } = this.deps;
      const options: DiscoveryOptions = {
        baseUrl,
        bulkMaxOperations: settings.bulkMaxOperations,
        bulkMaxPayloadSize: settings.bulkMaxPayloadSize,
        filterMaxResults: settings.maxResults,
      };
      if (settings.documentationUri) options.documentationUri = settings.documentationUri;
      d = {
        options,
        serviceProviderConfig: serviceProviderConfig(options),
        schemas: schemasList(options) as unknown as JsonObject,
        resourceTypes: resourceTypesList(options) as unknown as JsonObject,
      };
      if (this.discovery.size >= CACHE_LIMIT) this.discovery.clear();
      this.discovery.set(baseUrl, d);
    }
    return d;
  }

  private body(s: Scope): unknown {
    return readJsonBody(s.req, s.settings.maxBodyBytes);
  }

  private async route(s: Scope, segments: string[]): Promise<ScimResponse> {
    const method = s.req.method.toUpperCase();
    const [first, second, ...rest] = segments;
    const notFound = () => new ScimError('SCIM_ERR_NOT_FOUND', `There is no SCIM endpoint at ${JSON.stringify('/' + segments.join('/'))}.`);
    if (first === undefined || rest.length > 0) throw notFound();
    switch (first.toLowerCase()) {
      case 'serviceproviderconfig':
      case 'serviceconfiguration': // Microsoft's tests call it so
        if (second !== undefined) throw notFound();
        if (method !== 'GET') return methodNotAllowed(method, ['GET']);
        return json(200, this.docs(s.baseUrl).serviceProviderConfig);
      case 'schemas': {
        if (method !== 'GET') return methodNotAllowed(method, ['GET']);
        const d = this.docs(s.baseUrl);
        if (second === undefined) return json(200, d.schemas);
        const one = schemaById(second, d.options);
        if (!one) throw new ScimError('SCIM_ERR_NOT_FOUND', `There is no schema ${JSON.stringify(second)}.`);
        return json(200, one);
      }
      case 'resourcetypes': {
        if (method !== 'GET') return methodNotAllowed(method, ['GET']);
        const d = this.docs(s.baseUrl);
        if (second === undefined) return json(200, d.resourceTypes);
        const one = resourceTypeById(second, d.options);
        if (!one) throw new ScimError('SCIM_ERR_NOT_FOUND', `There is no resource type ${JSON.stringify(second)}.`);
        return json(200, one);
      }
      case 'users':
      case 'groups': {
        const resource = first.toLowerCase() === 'users' ? 'Users' : 'Groups';
        if (second === '.search') {
          if (method !== 'POST') return methodNotAllowed(method, ['POST']);
          const q = parseSearchRequest(this.body(s));
          return resource === 'Users' ? listUsersResponse(s, q) : listGroupsResponse(s, q);
        }
        if (second === undefined && method === 'GET') {
          const q = listQueryOf(s.req.query);
          return resource === 'Users' ? listUsersResponse(s, q) : listGroupsResponse(s, q);
        }
        if (second === undefined && method !== 'POST') return methodNotAllowed(method, ['GET', 'POST']);
        if (second !== undefined && !['GET', 'PUT', 'PATCH', 'DELETE'].includes(method))
          return methodNotAllowed(method, ['GET', 'PUT', 'PATCH', 'DELETE']);
        const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? this.body(s) : undefined;
        return this.resourceOperation(s, method, resource, second, body, listQueryOf(s.req.query));
      }
      case '.search':
        if (second !== undefined) throw notFound();
        if (method !== 'POST') return methodNotAllowed(method, ['POST']);
        return this.rootSearch(s, parseSearchRequest(this.body(s)));
      case 'bulk':
        if (second !== undefined) throw notFound();
        if (method !== 'POST') return methodNotAllowed(method, ['POST']);
        return this.bulk(s);
      default:
        throw notFound();
    }
  }

  /** One operation on one resource type (also what a Bulk operation runs). */
  private resourceOperation(
    s: Scope,
    method: string,
    resource: 'Users' | 'Groups',
    id: string | undefined,
    body: unknown,
    q: ListQuery,
  ): Promise<ScimResponse> {
    const project = compileProjection(q, resource === 'Users' ? USER_RESOURCE : GROUP_RESOURCE);
    if (id === undefined) {
      if (method !== 'POST') throw new ScimError('SCIM_ERR_METHOD_NOT_ALLOWED', `${method} needs a resource id.`);
      return resource === 'Users' ? createUser(s, body, project) : createGroup(s, body, q, project);
    }
    switch (method) {
      case 'GET':
        return resource === 'Users' ? getUser(s, id, q, project) : getGroup(s, id, q, project);
      case 'PUT':
        return resource === 'Users' ? replaceUser(s, id, body, q, project) : replaceGroup(s, id, body, q, project);
      case 'PATCH':
        return resource === 'Users' ? patchUser(s, id, body, q, project) : patchGroup(s, id, body, q, project);
      case 'DELETE':
        return resource === 'Users' ? deleteUser(s, id) : deleteGroup(s, id);
      default:
        throw new ScimError('SCIM_ERR_METHOD_NOT_ALLOWED', `${method} is not supported on a resource.`);
    }
  }

  /**
   * POST /.search at the root (RFC 7644 §3.4.3): Users, then Groups, paged as one list. A filter
   * naming an attribute one resource type does not have selects none of that type.
   */
  private async rootSearch(s: Scope, q: ListQuery): Promise<ScimResponse> {
    const attempt = async <T>(fn: () => Promise<T>): Promise<T | ScimError> => {
      try {
        return await fn();
      } catch (e) {
        if (isScimError(e) && e.scimType === 'invalidFilter') return e;
        throw e;
      }
    };
    const users = await attempt(() => listUserResources(s, q));
    const usersTotal = users instanceof ScimError ? 0 : users.total;
    const userResources = users instanceof ScimError ? [] : users.resources;
    const startIndex = users instanceof ScimError ? Math.max(1, Number(q.startIndex ?? 1) || 1) : users.startIndex;
    const requested = q.count === undefined || q.count === '' ? s.settings.maxResults : Number(q.count);
    const remaining = Math.max(0, Math.min(requested, s.settings.maxResults) - userResources.length);
    const groups = await attempt(() => listGroupResources(s, { ...q, startIndex: Math.max(1, startIndex - usersTotal), count: remaining }));
    if (users instanceof ScimError && groups instanceof ScimError) throw users;
    const groupsTotal = groups instanceof ScimError ? 0 : groups.total;
    const groupResources = groups instanceof ScimError ? [] : groups.resources;
    return json(200, listResponse([...userResources, ...groupResources], { totalResults: usersTotal + groupsTotal, startIndex }));
  }

  /** Bulk (RFC 7644 §3.7): each operation runs like its own request, in order, `bulkId:` references resolved. */
  private async bulk(s: Scope): Promise<ScimResponse> {
    const body = readJsonBody(s.req, s.settings.bulkMaxPayloadSize);
    const request = parseBulkRequest(body, { maxOperations: s.settings.bulkMaxOperations });
    // The outer request's preconditions and preferences are not the operations' (each has its own `version`).
    const headers = Object.fromEntries(Object.entries(s.req.headers).filter(([k]) => !['if-match', 'if-none-match', 'prefer'].includes(k)));
    const result = await runBulk(request, async (op: BulkOperation): Promise<BulkResult> => {
      const sub: Scope = {
        ...s,
        req: { ...s.req, method: op.method, query: {}, headers: op.version ? { ...headers, 'if-match': op.version } : headers },
      };
      const r = await this.resourceOperation(sub, op.method, op.resource, op.id, op.data, {});
      const resource = r.body as JsonObject | undefined;
      const id = typeof resource?.id === 'string' ? resource.id : op.id;
      const out: BulkResult = { status: r.status };
      if (id !== undefined) {
        out.id = id;
        out.location = r.headers.location ?? `${s.baseUrl}/${op.resource}/${id}`;
      }
      if (r.headers.etag) out.version = r.headers.etag;
      return out;
    });
    return json(200, result);
  }
}
