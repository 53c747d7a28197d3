/**
 * Connection management and the bridge between stored connections and the protocol core:
 * validation, sealing secrets, the discovery check before saving, and the per-request view of
 * a connection (decrypted, with the redirect URI of this deployment).
 */
import type { Actor, PluginContext, PluginCore as Core, RosterConfig, SignInApi, SsoRegistry } from '@roster/plugin-sdk';
import { flushWithEvents, type PluginEvents } from '@roster/plugin-sdk';
import { OidcConnectionRecord } from './entity.js';
import { failOidc } from './errors.js';
import { generateClientKey, importClientKey } from './keys.js';
import type { ParsedOidcOptions } from './options.js';
import { checkConnection, type FlowDeps } from './protocol/flow.js';
import type { DiscoveryCache } from './protocol/discovery.js';
import { isProviderPresetId, type ProviderPresetId } from './protocol/presets.js';
import type { ClaimMapping, OidcConnection, PrivateJwk, TokenEndpointAuthMethod } from './protocol/types.js';

export const GOOGLE_CONNECTION_ID = 'google';
/** More than any real team needs; keeps a compromised admin account from filling the table. */
export const MAX_CONNECTIONS_PER_TEAM = 20;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** RFC 6749 scope-token. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/;
const CLAIM = /^[^\s]{1,200}$/;
const TENANT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
const MAPPING_FIELDS = ['email', 'emailVerified', 'givenName', 'familyName', 'name', 'groups'] as const;

/** Fields of a connection an admin sets. `undefined` keeps the stored value; `null` resets it. */
export interface ConnectionDraft {
  name?: string | null;
  provider?: ProviderPresetId | null;
  issuer?: string | null;
  clientId?: string | null;
  /** Stored encrypted, never returned. `null` or '' removes it. */
  clientSecret?: string | null;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod | null;
  /** An admin-supplied private JWK for private_key_jwt (else Roster generates one). */
  privateKeyJwk?: Record<string, unknown> | null;
  /** Generate a new private_key_jwt key (the IdP must be given the new public key). */
  rotateClientKey?: boolean | null;
  scopes?: string[] | null;
  claimMapping?: ClaimMapping | null;
  hostedDomain?: string | null;
  tenantIds?: string[] | null;
  allowInsecureRequests?: boolean | null;
  useUserinfo?: boolean | null;
  enabled?: boolean | null;
  /** Move from the shared `/oidc/callback` to the connection's own redirect URI (one way). */
  useConnectionRedirectUri?: boolean | null;
}

export interface OidcEnv {
  core: Core;
  options: ParsedOidcOptions;
  /** Read at request time: the server may learn its public URL only once it listens. */
  config: RosterConfig;
  logger: PluginContext<unknown>['logger'];
  signIn: SignInApi;
  discovery: DiscoveryCache;
  /** Every protocol plugin's SSO entry points, for home-realm discovery. */
  sso: SsoRegistry;
  events: PluginEvents;
}

/** The `data` of `connection.*` events: what the host app needs to show, no secret. */
function oidcConnectionResource(r: OidcConnectionRecord): Record<string, unknown> {
  return {
    id: r.id,
    teamId: r.teamId,
    protocol: 'oidc',
    name: r.name,
    enabled: r.enabled,
    provider: r.provider,
    issuer: r.issuer,
    clientId: r.clientId,
  };
}

export type SignInConnection =
  | { ok: true; conn: OidcConnection }
  | { ok: false; code: 'OIDC_CONNECTION_NOT_FOUND' | 'OIDC_CONNECTION_DISABLED' | 'OIDC_GOOGLE_NOT_CONFIGURED'; teamId: string | null };

function bounded(value: string, name: string, max: number): string {
  const v = value.trim();
  if (!v) failOidc('OIDC_CONFIGURATION_INVALID', `${name} must not be empty`);
  if (v.length > max) failOidc('OIDC_CONFIGURATION_INVALID', `${name} is longer than ${max} characters`);
  return v;
}

function normaliseIssuer(value: string): string {
  const issuer = bounded(value, 'issuer', 2048);
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    failOidc('OIDC_CONFIGURATION_INVALID', `issuer "${issuer}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') failOidc('OIDC_CONFIGURATION_INVALID', 'issuer must be an https URL');
  if (url.search || url.hash || url.username || url.password)
    failOidc('OIDC_CONFIGURATION_INVALID', 'issuer must not carry a query, fragment or credentials');
  // Kept as typed: discovery compares issuers exactly (Auth0's ends with a slash).
  return issuer;
}

function scopesOf(value: string[]): string[] {
  if (value.length > 30) failOidc('OIDC_CONFIGURATION_INVALID', 'at most 30 scopes');
  const scopes = [...new Set(value.map((s) => s.trim()).filter(Boolean))];
  const bad = scopes.find((s) => !SCOPE.test(s));
  if (bad !== undefined) failOidc('OIDC_CONFIGURATION_INVALID', `"${bad}" is not a valid scope`);
  return scopes;
}

function mappingOf(value: ClaimMapping): ClaimMapping {
  const out: ClaimMapping = {};
  for (const field of MAPPING_FIELDS) {
    const given = value[field];
    if (given === undefined || given === null) continue;
    const names = (Array.isArray(given) ? given : [given]).map((n) => n.trim()).filter(Boolean);
    if (names.length > 10 || names.some((n) => !CLAIM.test(n)))
      failOidc('OIDC_CONFIGURATION_INVALID', `claimMapping.${field} must be up to 10 claim names`);
    out[field] = names;
  }
  return out;
}

function tenantsOf(value: string[]): string[] {
  if (value.length > 100) failOidc('OIDC_CONFIGURATION_INVALID', 'at most 100 tenant ids');
  const ids = [...new Set(value.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  const bad = ids.find((t) => !TENANT.test(t));
  if (bad !== undefined) failOidc('OIDC_CONFIGURATION_INVALID', `"${bad}" is not an Entra tenant id (a GUID)`);
  return ids;
}

/** Entra's `common` / `organizations` / `consumers` issuers accept every Microsoft tenant. */
export function isEntraMultiTenant(issuer: string): boolean {
  try {
    const url = new URL(issuer);
    return (
      url.hostname === 'login.microsoftonline.com' && ['common', 'organizations', 'consumers'].includes(url.pathname.split('/')[1] ?? '')
    );
  } catch {
    return false;
  }
}

export class OidcService {
  constructor(readonly env: OidcEnv) {}

  get publicUrl(): string {
    return this.env.config.publicUrl.replace(/\/$/, '');
  }

  /**
   * The shared redirect URI of connections made before oidc/0002 (and of the platform Google
   * connection unless the operator moved it): a callback there may belong to any of them.
   */
  get legacyRedirectUri(): string {
    return `${this.publicUrl}/oidc/callback`;
  }

  /** A connection's own redirect URI: a response arriving there can only finish its own sign-ins (mix-up defence). */
  connectionRedirectUri(connectionId: string): string {
    return `${this.publicUrl}/oidc/${encodeURIComponent(connectionId)}/callback`;
  }

  /** The redirect URI registered at the IdP for this connection: paste it into the IdP. */
  redirectUriOf(record: Pick<OidcConnectionRecord, 'id' | 'legacyCallback'>): string {
    return record.legacyCallback ? this.legacyRedirectUri : this.connectionRedirectUri(record.id);
  }

  loginUrl(connectionId: string): string {
    return `${this.publicUrl}/oidc/${encodeURIComponent(connectionId)}/login`;
  }

  jwksUri(connectionId: string): string {
    return `${this.publicUrl}/oidc/${encodeURIComponent(connectionId)}/jwks.json`;
  }

  flowDeps(): FlowDeps {
    const o = this.env.options;
    return {
      flows: this.env.core.flows,
      discovery: this.env.discovery,
      flowTtlSeconds: o.flowTtlSeconds,
      clockToleranceSeconds: o.clockToleranceSeconds,
      allowInsecureIssuers: o.allowInsecureIssuers,
      secureCookies: this.env.config.production,
    };
  }

  list(teamId: string): Promise<OidcConnectionRecord[]> {
    return this.env.core.db
      .em()
      .find(OidcConnectionRecord, { teamId }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: MAX_CONNECTIONS_PER_TEAM * 2 });
  }

  async enabledFor(teamId: string): Promise<OidcConnectionRecord[]> {
    return (await this.list(teamId)).filter((c) => c.enabled);
  }

  async find(id: string): Promise<OidcConnectionRecord | null> {
    if (!UUID.test(id)) return null;
    return this.env.core.db.em().findOne(OidcConnectionRecord, { id });
  }

  async create(teamId: string, draft: ConnectionDraft, actor: Actor): Promise<OidcConnectionRecord> {
    if (!draft.issuer) failOidc('OIDC_CONFIGURATION_INVALID', 'issuer is required');
    if (!draft.clientId) failOidc('OIDC_CONFIGURATION_INVALID', 'clientId is required');
    const em = this.env.core.db.em();
    const count = await em.count(OidcConnectionRecord, { teamId });
    if (count >= MAX_CONNECTIONS_PER_TEAM)
      failOidc('OIDC_CONNECTION_LIMIT', `A team holds at most ${MAX_CONNECTIONS_PER_TEAM} OpenID Connect connections.`);
    const record = em.create(OidcConnectionRecord, { teamId, issuer: '', clientId: '' });
    const { changed, secrets } = await this.apply(record, draft);
    await this.check(record, secrets);
    this.env.core.audit.record(em, actor, {
      teamId,
      action: 'oidc.connection_created',
      target: { type: 'oidc_connection', id: record.id },
      data: {
        issuer: record.issuer,
        clientId: record.clientId,
        provider: record.provider,
        tokenEndpointAuthMethod: record.tokenEndpointAuthMethod,
        fields: changed,
      },
    });
    await flushWithEvents(em, (tx) =>
      this.env.events.publish(tx, { teamId, type: 'connection.created', data: oidcConnectionResource(record), actor }),
    );
    return record;
  }

  async update(id: string, teamId: string, draft: ConnectionDraft, actor: Actor): Promise<OidcConnectionRecord> {
    const em = this.env.core.db.em();
    const record = await em.findOne(OidcConnectionRecord, { id, teamId });
    if (!record) failOidc('OIDC_CONNECTION_NOT_FOUND');
    const { changed, secrets, needsCheck } = await this.apply(record, draft);
    // Renaming or disabling must work while the provider is down: only check what talks to it.
    if (needsCheck && record.enabled) await this.check(record, secrets);
    this.env.core.audit.record(em, actor, {
      teamId,
      action: 'oidc.connection_updated',
      target: { type: 'oidc_connection', id: record.id },
      data: { issuer: record.issuer, clientId: record.clientId, fields: changed },
    });
    await flushWithEvents(em, (tx) =>
      this.env.events.publish(tx, { teamId, type: 'connection.updated', data: oidcConnectionResource(record), actor }),
    );
    return record;
  }

  async remove(id: string, teamId: string, actor: Actor): Promise<void> {
    const em = this.env.core.db.em();
    const record = await em.findOne(OidcConnectionRecord, { id, teamId });
    if (!record) failOidc('OIDC_CONNECTION_NOT_FOUND');
    em.remove(record);
    this.env.core.audit.record(em, actor, {
      teamId,
      action: 'oidc.connection_deleted',
      target: { type: 'oidc_connection', id },
      data: { issuer: record.issuer, clientId: record.clientId },
    });
    await flushWithEvents(em, (tx) =>
      this.env.events.publish(tx, { teamId, type: 'connection.deleted', data: { id, protocol: 'oidc' }, actor }),
    );
    // Sign-ins through a deleted connection stop at once, not when their sessions expire.
    await this.env.core.sessions.revokeForConnection(teamId, id);
  }

  /** Applies and validates a draft; returns the plaintext secrets for the discovery check. */
  private async apply(
    record: OidcConnectionRecord,
    draft: ConnectionDraft,
  ): Promise<{ changed: string[]; secrets: { clientSecret?: string; privateKeyJwk?: PrivateJwk }; needsCheck: boolean }> {
    const changed: string[] = [];
    const mark = (field: string) => changed.push(field);
    const secrets: { clientSecret?: string; privateKeyJwk?: PrivateJwk } = {};
    const sealed = this.env.core.secrets;

    if (draft.name !== undefined) {
      record.name = draft.name === null || draft.name.trim() === '' ? null : bounded(draft.name, 'name', 100);
      mark('name');
    }
    if (draft.provider !== undefined) {
      const provider = draft.provider ?? 'generic';
      if (!isProviderPresetId(provider)) failOidc('OIDC_CONFIGURATION_INVALID', `unknown provider "${String(provider)}"`);
      record.provider = provider;
      mark('provider');
    }
    if (draft.issuer !== undefined && draft.issuer !== null) {
      record.issuer = normaliseIssuer(draft.issuer);
      mark('issuer');
    }
    if (draft.clientId !== undefined && draft.clientId !== null) {
      record.clientId = bounded(draft.clientId, 'clientId', 512);
      mark('clientId');
    }
    if (draft.tokenEndpointAuthMethod !== undefined && draft.tokenEndpointAuthMethod !== null) {
      if (!AUTH_METHODS.includes(draft.tokenEndpointAuthMethod))
        failOidc('OIDC_CONFIGURATION_INVALID', 'unknown token endpoint auth method');
      record.tokenEndpointAuthMethod = draft.tokenEndpointAuthMethod;
      mark('tokenEndpointAuthMethod');
    }
    if (draft.clientSecret !== undefined) {
      if (draft.clientSecret === null || draft.clientSecret === '') {
        record.clientSecretEncrypted = null;
      } else {
        if (draft.clientSecret.length > 4096) failOidc('OIDC_CONFIGURATION_INVALID', 'clientSecret is too long');
        record.clientSecretEncrypted = sealed.encrypt(draft.clientSecret);
        secrets.clientSecret = draft.clientSecret;
      }
      mark('clientSecret');
    }
    if (draft.privateKeyJwk !== undefined && draft.privateKeyJwk !== null) {
      const key = await importClientKey(draft.privateKeyJwk);
      record.privateKeyEncrypted = sealed.encrypt(JSON.stringify(key.privateJwk));
      record.publicJwk = key.publicJwk;
      secrets.privateKeyJwk = key.privateJwk;
      mark('privateKeyJwk');
    } else if (draft.rotateClientKey || (record.tokenEndpointAuthMethod === 'private_key_jwt' && !record.privateKeyEncrypted)) {
      const key = await generateClientKey();
      record.privateKeyEncrypted = sealed.encrypt(JSON.stringify(key.privateJwk));
      record.publicJwk = key.publicJwk;
      secrets.privateKeyJwk = key.privateJwk;
      mark('privateKeyJwk');
    }
    if (draft.scopes !== undefined) {
      record.scopes = draft.scopes === null ? [] : scopesOf(draft.scopes);
      mark('scopes');
    }
    if (draft.claimMapping !== undefined) {
      record.claimMapping = draft.claimMapping === null ? {} : mappingOf(draft.claimMapping);
      mark('claimMapping');
    }
    if (draft.hostedDomain !== undefined) {
      const hd = draft.hostedDomain?.trim().toLowerCase() ?? '';
      if (hd && !DOMAIN.test(hd)) failOidc('OIDC_CONFIGURATION_INVALID', `hostedDomain "${hd}" is not a domain name`);
      record.hostedDomain = hd || null;
      mark('hostedDomain');
    }
    if (draft.tenantIds !== undefined) {
      record.tenantIds = draft.tenantIds === null ? [] : tenantsOf(draft.tenantIds);
      mark('tenantIds');
    }
    if (draft.allowInsecureRequests !== undefined && draft.allowInsecureRequests !== null) {
      record.allowInsecureRequests = draft.allowInsecureRequests;
      mark('allowInsecureRequests');
    }
    if (draft.useUserinfo !== undefined) {
      record.useUserinfo = draft.useUserinfo;
      mark('useUserinfo');
    }
    if (draft.enabled !== undefined && draft.enabled !== null) {
      record.enabled = draft.enabled;
      mark('enabled');
    }
    if (draft.useConnectionRedirectUri === true && record.legacyCallback) {
      record.legacyCallback = false;
      mark('redirectUri');
    } else if (draft.useConnectionRedirectUri === false && !record.legacyCallback) {
      // Back to a shared redirect URI would reopen the mix-up this move closed.
      failOidc('OIDC_CONFIGURATION_INVALID', 'a connection cannot move back to the shared redirect URI');
    }

    if (new URL(record.issuer).protocol === 'http:' && !(record.allowInsecureRequests && this.env.options.allowInsecureIssuers)) {
      failOidc('OIDC_CONFIGURATION_INVALID', 'issuer must be an https URL');
    }
    if (isEntraMultiTenant(record.issuer) && record.tenantIds.length === 0) {
      failOidc(
        'OIDC_CONFIGURATION_INVALID',
        'a multi-tenant Entra issuer (common / organizations) needs tenantIds: any Microsoft tenant could sign in otherwise',
      );
    }
    const talksToProvider = [
      'issuer',
      'clientId',
      'clientSecret',
      'tokenEndpointAuthMethod',
      'privateKeyJwk',
      'allowInsecureRequests',
      'enabled',
    ];
    return { changed, secrets, needsCheck: changed.some((f) => talksToProvider.includes(f)) };
  }

  /** R18: a connection is saved only when discovery works and the auth method is offered. */
  private async check(record: OidcConnectionRecord, secrets: { clientSecret?: string; privateKeyJwk?: PrivateJwk }): Promise<void> {
    const conn = this.toConnection(record);
    if (secrets.clientSecret !== undefined) conn.clientSecret = secrets.clientSecret;
    if (secrets.privateKeyJwk !== undefined) conn.privateKeyJwk = secrets.privateKeyJwk;
    // The admin is (re)configuring: read the provider's current documents, not a cached copy.
    this.env.discovery.invalidate(record.issuer);
    const result = await checkConnection(conn, this.flowDeps());
    if (result.ok) return;
    if (result.step === 'discovery')
      failOidc('OIDC_DISCOVERY_FAILED', `Discovery failed for ${record.issuer}: ${result.reason}`, { step: result.step });
    failOidc('OIDC_CONFIGURATION_INVALID', result.reason, { step: result.step });
  }

  private unseal(sealed: string | null, what: string, id: string): string | undefined {
    if (!sealed) return undefined;
    try {
      return this.env.core.secrets.decrypt(sealed);
    } catch {
      this.env.logger.error({ connectionId: id }, `cannot decrypt the ${what} of OIDC connection ${id} (was ROSTER_SECRET_KEY changed?)`);
      return undefined;
    }
  }

  /** The protocol view of a stored connection: decrypted secrets, this deployment's redirect URI. */
  toConnection(record: OidcConnectionRecord): OidcConnection {
    const key = this.unseal(record.privateKeyEncrypted, 'private key', record.id);
    let privateKeyJwk: PrivateJwk | undefined;
    if (key) {
      try {
        privateKeyJwk = JSON.parse(key) as PrivateJwk;
      } catch {
        privateKeyJwk = undefined;
      }
    }
    return {
      id: record.id,
      teamId: record.teamId,
      issuer: record.issuer,
      clientId: record.clientId,
      clientSecret: this.unseal(record.clientSecretEncrypted, 'client secret', record.id),
      tokenEndpointAuthMethod: record.tokenEndpointAuthMethod,
      privateKeyJwk,
      scopes: record.scopes,
      claimMapping: record.claimMapping,
      hostedDomain: record.hostedDomain ?? undefined,
      tenantIds: record.tenantIds,
      redirectUri: this.redirectUriOf(record),
      legacyCallback: record.legacyCallback,
      allowInsecureRequests: record.allowInsecureRequests,
      provider: record.provider,
      useUserinfo: record.useUserinfo ?? undefined,
    };
  }

  /** The operator's platform-level Google connection (no team), or null when not configured. */
  googleConnection(): OidcConnection | null {
    const g = this.env.options.google;
    if (!g) return null;
    return {
      id: GOOGLE_CONNECTION_ID,
      teamId: null,
      issuer: g.issuer,
      clientId: g.clientId,
      clientSecret: g.clientSecret,
      tokenEndpointAuthMethod: 'client_secret_basic',
      scopes: ['openid', 'email', 'profile'],
      claimMapping: {},
      redirectUri: g.legacyRedirectUri ? this.legacyRedirectUri : this.connectionRedirectUri(GOOGLE_CONNECTION_ID),
      legacyCallback: g.legacyRedirectUri,
      allowInsecureRequests: g.allowInsecureRequests,
      provider: 'google',
    };
  }

  /** The connection a sign-in starts or finishes on. */
  async forSignIn(connectionId: string): Promise<SignInConnection> {
    if (connectionId === GOOGLE_CONNECTION_ID) {
      const google = this.googleConnection();
      return google ? { ok: true, conn: google } : { ok: false, code: 'OIDC_GOOGLE_NOT_CONFIGURED', teamId: null };
    }
    const record = await this.find(connectionId);
    if (!record) return { ok: false, code: 'OIDC_CONNECTION_NOT_FOUND', teamId: null };
    if (!record.enabled) return { ok: false, code: 'OIDC_CONNECTION_DISABLED', teamId: record.teamId };
    return { ok: true, conn: this.toConnection(record) };
  }
}
