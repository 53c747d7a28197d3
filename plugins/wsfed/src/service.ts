import { randomUUID } from 'node:crypto';
import {
  isRosterError,
  uniqueViolation,
  type Actor,
  type PluginContext,
  type PluginCore as Core,
  type PluginEm as Em,
  type RosterConfig,
} from '@roster/plugin-sdk';
import { flushWithEvents, type PluginEvents } from '@roster/plugin-sdk';
import { WsFedConnectionEntity, type ClaimOverrides } from './entity.js';
import { fromMetadataError, wsfedError } from './errors.js';
import type { WsFedPluginOptions } from './options.js';
import {
  CLAIM_MAPPING_PRESETS,
  describeCertificate,
  fetchFederationMetadata,
  importFederationMetadata,
  WsFedMetadataError,
  type ClaimMapping,
  type ClaimMappingPreset,
  type FederationMetadata,
  type SigningCertificate,
  type WsFedConnection,
} from './protocol/index.js';

type Logger = PluginContext<unknown>['logger'];

/** What an admin may set on a connection. `undefined` leaves a field alone; `null` clears an optional one. */
export interface ConnectionInput {
  name?: string | null;
  enabled?: boolean | null;
  /** FederationMetadata.xml text: the IdP side is imported from it. */
  metadataXml?: string | null;
  /** FederationMetadata.xml location: downloaded now (unless `metadataXml` is given) and refreshed on a schedule. */
  metadataUrl?: string | null;
  idpIssuer?: string | null;
  idpSignInUrl?: string | null;
  idpSignOutUrl?: string | null;
  signingCertificates?: string[] | null;
  realm?: string | null;
  replyUrl?: string | null;
  allowSha1?: boolean | null;
  trustEmails?: boolean | null;
  clockSkewSeconds?: number | null;
  claimPreset?: ClaimMappingPreset | null;
  claimOverrides?: ClaimOverrides | null;
}

export interface CertificateView extends SigningCertificate {
  /** Expired, or expires within `CERT_WARNING_DAYS`: time to roll over (R18). */
  expiryWarning: boolean;
}

export const CERT_WARNING_DAYS = 30;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_CERTIFICATES = 10;
const MAX_METADATA_CHARS = 1_000_000;
const CLAIM_FIELDS = Object.keys(CLAIM_MAPPING_PRESETS.adfs) as Array<keyof ClaimMapping>;
const REALM = /^[a-z][a-z0-9+.-]*:\S+$/i;

/** The scheduler acts as the system, on the wsfed channel (R19). */
export const METADATA_REFRESH_ACTOR: Actor = { type: 'system', channel: 'wsfed', label: 'metadata-refresh' };

/** Certificate details for the admin, with the 30-day warning. Unreadable entries are skipped (never stored: input is validated). */
export function describeCertificates(pems: readonly string[], now: Date = new Date()): CertificateView[] {
  const out: CertificateView[] = [];
  for (const pem of pems) {
    try {
      const c = describeCertificate(pem, now);
      out.push({ ...c, expiryWarning: c.expired || c.notAfter.getTime() - now.getTime() <= CERT_WARNING_DAYS * 86_400_000 });
    } catch {
      // a certificate that cannot be read validates nothing; nothing to show
    }
  }
  return out;
}

/**
 * The plugin's connection store and admin operations. Authorization is the caller's (resolvers call
 * `requireTeamAdmin` first); every change is audited in the same flush as the change itself.
 */
export class WsFedConnections {
  constructor(readonly deps: { core: Core; config: RosterConfig; options: WsFedPluginOptions; logger: Logger; events: PluginEvents }) {}

  /** Plain http for IdP endpoints, reply URLs and metadata: local test issuers only. */
  get allowHttp(): boolean {
    return this.deps.options.allowHttp ?? !this.deps.config.production;
  }

  em(): Em {
    return this.deps.core.db.em();
  }

  async find(id: string, em: Em = this.em()): Promise<WsFedConnectionEntity | null> {
    if (typeof id !== 'string' || !UUID.test(id)) return null;
    return em.findOne(WsFedConnectionEntity, { id });
  }

  async list(teamId: string): Promise<WsFedConnectionEntity[]> {
    if (!UUID.test(teamId)) return [];
    return this.em().find(WsFedConnectionEntity, { teamId }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 100 });
  }

  /** Relying-party values Roster derives for a connection id (defaults of realm and reply URL). */
  spDefaults(id: string): { realm: string; replyUrl: string; loginUrl: string; logoutUrl: string } {
    const base = `${this.deps.config.publicUrl}/wsfed/${id}`;
    return { realm: base, replyUrl: `${base}/acs`, loginUrl: `${base}/login`, logoutUrl: `${base}/logout` };
  }

  /** The row as the protocol core wants it. */
  toProtocol(c: WsFedConnectionEntity): WsFedConnection {
    const conn: WsFedConnection = {
      id: c.id,
      teamId: c.teamId,
      idpIssuer: c.idpIssuer,
      idpSignInUrl: c.idpSignInUrl,
      realm: c.realm,
      replyUrl: c.replyUrl,
      signingCertificates: [...c.signingCertificates],
      allowSha1: c.allowSha1,
      clockSkewSeconds: c.clockSkewSeconds,
      claimMapping: { ...c.claimOverrides, preset: c.claimPreset },
    };
    if (c.idpSignOutUrl) conn.idpSignOutUrl = c.idpSignOutUrl;
    return conn;
  }

  async create(teamId: string, input: ConnectionInput, actor: Actor): Promise<WsFedConnectionEntity> {
    const id = randomUUID();
    const sp = this.spDefaults(id);
    const allowSha1 = input.allowSha1 === true;
    const hasMetadata = present(input.metadataXml) || present(input.metadataUrl);
    let idp: { idpIssuer: string; idpSignInUrl: string; signingCertificates: string[] };
    let metadataUrl: string | null = null;
    let source: 'metadataXml' | 'metadataUrl' | 'manual' = 'manual';
    if (hasMetadata) {
      this.refuseIdpFieldsWithMetadata(input);
      if (present(input.metadataUrl)) metadataUrl = this.metadataUrl(input.metadataUrl);
      source = present(input.metadataXml) ? 'metadataXml' : 'metadataUrl';
      const md = await this.importMetadata({ xml: input.metadataXml ?? undefined, url: metadataUrl ?? undefined }, { allowSha1 });
      idp = {
        idpIssuer: md.entityId,
        idpSignInUrl: this.httpUrl(md.passiveRequestorEndpoint, 'idpSignInUrl'),
        signingCertificates: md.signingCertificates.map((cert) => cert.pem),
      };
    } else {
      if (!present(input.idpIssuer) || !present(input.idpSignInUrl) || !input.signingCertificates?.length) {
        throw wsfedError('WSFED_INVALID_INPUT', 'Give metadataXml, metadataUrl, or idpIssuer + idpSignInUrl + signingCertificates.');
      }
      idp = {
        idpIssuer: text(input.idpIssuer, 'idpIssuer', 1024),
        idpSignInUrl: this.httpUrl(input.idpSignInUrl, 'idpSignInUrl'),
        signingCertificates: certificates(input.signingCertificates),
      };
    }
    const now = new Date();
    const em = this.em();
    const conn = em.create(WsFedConnectionEntity, {
      id,
      teamId,
      name: present(input.name) ? text(input.name, 'name', 200) : 'WS-Federation',
      enabled: input.enabled ?? true,
      ...idp,
      idpSignOutUrl: present(input.idpSignOutUrl) ? this.httpUrl(input.idpSignOutUrl, 'idpSignOutUrl') : null,
      realm: present(input.realm) ? realm(input.realm) : sp.realm,
      replyUrl: present(input.replyUrl) ? this.replyUrl(input.replyUrl) : sp.replyUrl,
      allowSha1,
      trustEmails: input.trustEmails === true,
      clockSkewSeconds: input.clockSkewSeconds == null ? 120 : skew(input.clockSkewSeconds),
      // Entra ID's entityID is https://sts.windows.net/<tenant>/: its claims need the entra preset.
      claimPreset: input.claimPreset ?? (idp.idpIssuer.startsWith('https://sts.windows.net/') ? 'entra' : 'adfs'),
      claimOverrides: input.claimOverrides == null ? {} : overrides(input.claimOverrides),
      metadataUrl,
      metadataRefreshedAt: metadataUrl ? now : null,
      metadataCheckedAt: metadataUrl ? now : null,
    });
    this.deps.core.audit.record(em, actor, {
      teamId,
      action: 'wsfed.connection.created',
      target: { type: 'wsfed_connection', id },
      data: {
        connectionId: id,
        name: conn.name,
        source,
        idpIssuer: conn.idpIssuer,
        realm: conn.realm,
        certificates: fingerprints(conn.signingCertificates),
      },
    });
    await flushWithEvents(
      em,
      (tx) => this.deps.events.publish(tx, { teamId, type: 'connection.created', data: wsfedConnectionResource(conn), actor }),
      (tx) => this.flush(tx),
    );
    return conn;
  }

  async update(em: Em, conn: WsFedConnectionEntity, input: ConnectionInput, actor: Actor): Promise<WsFedConnectionEntity> {
    const before = snapshot(conn);
    const allowSha1 = input.allowSha1 ?? conn.allowSha1;
    if (input.metadataUrl === null) {
      conn.metadataUrl = null;
      conn.metadataRefreshedAt = null;
      conn.metadataCheckedAt = null;
      conn.metadataError = null;
    }
    if (present(input.metadataXml) || present(input.metadataUrl)) {
      // An explicit re-import by an admin: no signature requirement (a scheduled refresh has one).
      this.refuseIdpFieldsWithMetadata(input);
      const url = present(input.metadataUrl) ? this.metadataUrl(input.metadataUrl) : conn.metadataUrl;
      const md = await this.importMetadata(
        { xml: input.metadataXml ?? undefined, url: present(input.metadataXml) ? undefined : (url ?? undefined) },
        { allowSha1 },
      );
      this.applyMetadata(conn, md);
      conn.metadataUrl = url;
      const now = new Date();
      conn.metadataRefreshedAt = url ? now : null;
      conn.metadataCheckedAt = url ? now : null;
      conn.metadataError = null;
    } else {
      if (input.idpIssuer != null) conn.idpIssuer = text(input.idpIssuer, 'idpIssuer', 1024);
      if (input.idpSignInUrl != null) conn.idpSignInUrl = this.httpUrl(input.idpSignInUrl, 'idpSignInUrl');
      if (input.signingCertificates != null) conn.signingCertificates = certificates(input.signingCertificates);
    }
    if (input.name != null) conn.name = text(input.name, 'name', 200);
    if (input.enabled != null) conn.enabled = input.enabled;
    if (input.idpSignOutUrl !== undefined)
      conn.idpSignOutUrl = present(input.idpSignOutUrl) ? this.httpUrl(input.idpSignOutUrl, 'idpSignOutUrl') : null;
    if (input.realm != null) conn.realm = realm(input.realm);
    if (input.replyUrl !== undefined)
      conn.replyUrl = present(input.replyUrl) ? this.replyUrl(input.replyUrl) : this.spDefaults(conn.id).replyUrl;
    if (input.allowSha1 != null) conn.allowSha1 = input.allowSha1;
    if (input.trustEmails != null) conn.trustEmails = input.trustEmails;
    if (input.clockSkewSeconds != null) conn.clockSkewSeconds = skew(input.clockSkewSeconds);
    if (input.claimPreset != null) conn.claimPreset = input.claimPreset;
    if (input.claimOverrides !== undefined) conn.claimOverrides = input.claimOverrides === null ? {} : overrides(input.claimOverrides);

    const after = snapshot(conn);
    const changed = (Object.keys(after) as Array<keyof typeof after>).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (changed.length) {
      this.deps.core.audit.record(em, actor, {
        teamId: conn.teamId,
        action: 'wsfed.connection.updated',
        target: { type: 'wsfed_connection', id: conn.id },
        data: { connectionId: conn.id, changed, ...certificateDiff(before.signingCertificates, after.signingCertificates) },
      });
    }
    await flushWithEvents(
      em,
      // No change, no event (the admin saved the form as it was).
      async (tx) => {
        if (changed.length)
          await this.deps.events.publish(tx, {
            teamId: conn.teamId,
            type: 'connection.updated',
            data: wsfedConnectionResource(conn),
            actor,
          });
      },
      (tx) => this.flush(tx),
    );
    return conn;
  }

  async remove(em: Em, conn: WsFedConnectionEntity, actor: Actor): Promise<void> {
    em.remove(conn);
    this.deps.core.audit.record(em, actor, {
      teamId: conn.teamId,
      action: 'wsfed.connection.deleted',
      target: { type: 'wsfed_connection', id: conn.id },
      data: { connectionId: conn.id, name: conn.name, idpIssuer: conn.idpIssuer, realm: conn.realm },
    });
    await flushWithEvents(em, (tx) =>
      this.deps.events.publish(tx, { teamId: conn.teamId, type: 'connection.deleted', data: { id: conn.id, protocol: 'wsfed' }, actor }),
    );
    // Sign-ins through a deleted connection stop at once, not when their sessions expire.
    await this.deps.core.sessions.revokeForConnection(conn.teamId, conn.id);
  }

  /**
   * Re-reads the metadata URL. The document must be signed by a certificate the connection already
   * trusts (ADFS and Entra publish a new certificate as secondary before signing with it), and must
   * name the same entityID: a tampered or swapped document cannot bring in another key.
   * Failures are recorded on the connection (`metadataError`) and audited, then thrown.
   */
  async refresh(em: Em, conn: WsFedConnectionEntity, actor: Actor, mode: { scheduled: boolean }): Promise<WsFedConnectionEntity> {
    if (!conn.metadataUrl) throw wsfedError('WSFED_NO_METADATA_URL');
    const before = [...conn.signingCertificates];
    const saved = { idpIssuer: conn.idpIssuer, idpSignInUrl: conn.idpSignInUrl };
    const previousError = conn.metadataError;
    conn.metadataCheckedAt = new Date();
    try {
      const md = await this.importMetadata(
        { url: conn.metadataUrl },
        { allowSha1: conn.allowSha1, trustedCerts: conn.signingCertificates },
      );
      if (md.entityId !== conn.idpIssuer) {
        throw wsfedError(
          'WSFED_METADATA_ISSUER_CHANGED',
          `The metadata now names ${JSON.stringify(md.entityId.slice(0, 200))}, not ${JSON.stringify(conn.idpIssuer)}; re-import it explicitly if the IdP really changed.`,
        );
      }
      const endpointBefore = conn.idpSignInUrl;
      this.applyMetadata(conn, md);
      conn.metadataRefreshedAt = conn.metadataCheckedAt;
      conn.metadataError = null;
      const diff = certificateDiff(before, conn.signingCertificates);
      const changed = diff.certificatesAdded.length > 0 || diff.certificatesRemoved.length > 0 || endpointBefore !== conn.idpSignInUrl;
      if (changed || !mode.scheduled || previousError) {
        this.deps.core.audit.record(em, actor, {
          teamId: conn.teamId,
          action: 'wsfed.metadata.refreshed',
          target: { type: 'wsfed_connection', id: conn.id },
          data: { connectionId: conn.id, scheduled: mode.scheduled, ...diff },
        });
      }
      await em.flush();
      return conn;
    } catch (error) {
      const reason = isRosterError(error) ? error.message : error instanceof Error ? error.message : String(error);
      const code = isRosterError(error) ? error.code : 'INTERNAL';
      // Nothing of the failed import was applied: only the error and the attempt are stored.
      conn.signingCertificates = before;
      Object.assign(conn, saved);
      conn.metadataError = `${code}: ${reason}`.slice(0, 2000);
      if (!mode.scheduled || conn.metadataError !== previousError) {
        this.deps.core.audit.record(em, actor, {
          teamId: conn.teamId,
          action: 'wsfed.metadata.refresh_failed',
          outcome: 'failure',
          reason: conn.metadataError,
          target: { type: 'wsfed_connection', id: conn.id },
          data: { connectionId: conn.id, scheduled: mode.scheduled, code },
        });
      }
      await em.flush();
      throw error;
    }
  }

  /**
   * One scheduler pass on this node: claims the connections whose last metadata check is older than
   * the interval and refreshes them. The claim is a single UPDATE over `FOR UPDATE SKIP LOCKED` rows
   * that moves `metadata_checked_at` to now, so another node running the same pass at the same time
   * skips them, and later passes leave them alone for a whole interval. No transaction stays open
   * during the download.
   */
  async refreshDue(): Promise<{ claimed: number; refreshed: number; failed: number }> {
    const interval = this.deps.options.metadataRefreshIntervalSeconds;
    if (interval <= 0) return { claimed: 0, refreshed: 0, failed: 0 };
    const rows = await this.em().execute<Array<{ id: string }>>(
      `update wsfed_connection set metadata_checked_at = now()
       where id in (
         select id from wsfed_connection
         where enabled and metadata_url is not null
           and (metadata_checked_at is null or metadata_checked_at < now() - make_interval(secs => ?))
         order by metadata_checked_at nulls first, id
         limit ?
         for update skip locked)
       returning id`,
      [interval, this.deps.options.metadataBatchSize],
    );
    let refreshed = 0;
    let failed = 0;
    for (const { id } of rows) {
      const em = this.em();
      const conn = await em.findOne(WsFedConnectionEntity, { id });
      if (!conn) continue;
      try {
        await this.refresh(em, conn, METADATA_REFRESH_ACTOR, { scheduled: true });
        refreshed++;
      } catch (error) {
        failed++;
        this.deps.logger.warn(
          { connectionId: id, teamId: conn.teamId, err: error instanceof Error ? error.message : String(error) },
          'WS-Fed metadata refresh failed',
        );
      }
    }
    return { claimed: rows.length, refreshed, failed };
  }

  private applyMetadata(conn: WsFedConnectionEntity, md: FederationMetadata): void {
    conn.idpIssuer = md.entityId;
    conn.idpSignInUrl = this.httpUrl(md.passiveRequestorEndpoint, 'idpSignInUrl');
    conn.signingCertificates = md.signingCertificates.map((c) => c.pem);
  }

  private refuseIdpFieldsWithMetadata(input: ConnectionInput): void {
    const typed = (['idpIssuer', 'idpSignInUrl', 'signingCertificates'] as const).filter((k) => input[k] != null);
    if (typed.length)
      throw wsfedError('WSFED_INVALID_INPUT', `Give either metadata or ${typed.join(', ')}, not both: the metadata sets the IdP side.`);
  }

  private async importMetadata(
    source: { xml?: string; url?: string },
    opts: { allowSha1: boolean; trustedCerts?: string[] },
  ): Promise<FederationMetadata> {
    let xml = source.xml;
    if (xml === undefined) {
      if (source.url === undefined) throw wsfedError('WSFED_NO_METADATA_URL');
      xml = await this.download(source.url);
    }
    if (xml.length > MAX_METADATA_CHARS)
      throw wsfedError('WSFED_METADATA_INVALID', `metadata is larger than ${MAX_METADATA_CHARS} characters`);
    try {
      return importFederationMetadata(xml, {
        allowSha1: opts.allowSha1,
        allowInsecureEndpoint: this.allowHttp,
        ...(opts.trustedCerts ? { trustedCerts: opts.trustedCerts } : {}),
      });
    } catch (error) {
      throw fromMetadataError(error);
    }
  }

  private async download(url: string): Promise<string> {
    this.metadataUrl(url);
    try {
      return await fetchFederationMetadata(url, {
        allowHttp: this.allowHttp,
        // The operator's setting, or this plugin's older option that means the same.
        allowPrivateAddresses: this.deps.config.outbound.allowPrivateAddresses || this.deps.options.allowPrivateMetadataHosts,
        ...(this.deps.config.outbound.allowAddresses ? { allowAddresses: this.deps.config.outbound.allowAddresses } : {}),
        ...(this.deps.options.fetch ? { fetch: this.deps.options.fetch } : {}),
      });
    } catch (error) {
      if (error instanceof WsFedMetadataError) throw wsfedError('WSFED_METADATA_FETCH_FAILED', error.message);
      throw error;
    }
  }

  /** The address check itself is the outbound policy's, made on the address connected to. */
  private metadataUrl(value: string): string {
    return this.httpUrl(value, 'metadataUrl');
  }

  /**
   * Tokens are posted to the reply URL: off Roster's own origins, whoever runs that site could
   * replay members' tokens through a sign-in of their own.
   */
  private replyUrl(value: string): string {
    const url = this.httpUrl(value, 'replyUrl');
    const origins = new Set([new URL(this.deps.config.publicUrl).origin, ...this.deps.config.allowedOrigins]);
    if (!origins.has(new URL(url).origin))
      throw wsfedError(
        'WSFED_INVALID_INPUT',
        `replyUrl must be on Roster's public origin (${new URL(this.deps.config.publicUrl).origin}).`,
      );
    return url;
  }

  private httpUrl(value: string, field: string): string {
    const raw = text(value, field, 2048);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw wsfedError('WSFED_INVALID_INPUT', `${field} must be an absolute URL.`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.allowHttp))
      throw wsfedError('WSFED_INVALID_INPUT', `${field} must use https.`);
    if (url.username || url.password) throw wsfedError('WSFED_INVALID_INPUT', `${field} must not carry credentials.`);
    if (url.hash) throw wsfedError('WSFED_INVALID_INPUT', `${field} must not have a #fragment.`);
    return url.toString();
  }

  private async flush(em: Em): Promise<void> {
    try {
      await em.flush();
    } catch (error) {
      if (uniqueViolation(error) === 'wsfed_connection_realm_uq') throw wsfedError('WSFED_REALM_TAKEN');
      throw error;
    }
  }
}

/** The `data` of `connection.*` events: what the host app needs to show, no secret. */
function wsfedConnectionResource(c: WsFedConnectionEntity): Record<string, unknown> {
  return { id: c.id, teamId: c.teamId, protocol: 'wsfed', name: c.name, enabled: c.enabled, idpIssuer: c.idpIssuer, realm: c.realm };
}

function present(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function text(value: string, field: string, max: number): string {
  const v = value.trim();
  if (!v || v.length > max) throw wsfedError('WSFED_INVALID_INPUT', `${field} must be 1–${max} characters.`);
  return v;
}

function realm(value: string): string {
  const v = text(value, 'realm', 1024);
  if (!REALM.test(v)) throw wsfedError('WSFED_INVALID_INPUT', 'realm must be an absolute URI (https://…, urn:…, api://…).');
  return v;
}

function skew(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 600)
    throw wsfedError('WSFED_INVALID_INPUT', 'clockSkewSeconds must be a whole number from 0 to 600.');
  return value;
}

function certificates(list: readonly string[]): string[] {
  if (list.length === 0 || list.length > MAX_CERTIFICATES)
    throw wsfedError('WSFED_INVALID_INPUT', `Give 1–${MAX_CERTIFICATES} signing certificates.`);
  const byFingerprint = new Map<string, string>();
  list.forEach((value, i) => {
    try {
      const c = describeCertificate(value);
      byFingerprint.set(c.fingerprintSha256, c.pem);
    } catch (error) {
      throw wsfedError('WSFED_CERTIFICATE_INVALID', `signingCertificates[${i}] is not a readable X.509 certificate (PEM or base64 DER).`, {
        index: i,
        cause: error instanceof Error ? error.message : String(error),
      });
    }
  });
  return [...byFingerprint.values()];
}

function overrides(input: ClaimOverrides): ClaimOverrides {
  const out: ClaimOverrides = {};
  for (const key of CLAIM_FIELDS) {
    const list = input[key];
    if (list == null) continue;
    if (!Array.isArray(list) || list.length > 20)
      throw wsfedError('WSFED_INVALID_INPUT', `claimOverrides.${key} must list at most 20 claim types.`);
    out[key] = list.map((claim) => {
      if (typeof claim !== 'string' || !claim.trim() || claim.length > 512)
        throw wsfedError('WSFED_INVALID_INPUT', `claimOverrides.${key} entries must be 1–512 characters.`);
      return claim.trim();
    });
  }
  return out;
}

function fingerprints(pems: readonly string[]): string[] {
  return describeCertificates(pems).map((c) => c.fingerprintSha256);
}

function certificateDiff(
  before: readonly string[],
  after: readonly string[],
): { certificatesAdded: string[]; certificatesRemoved: string[] } {
  const a = new Set(fingerprints(before));
  const b = new Set(fingerprints(after));
  return { certificatesAdded: [...b].filter((f) => !a.has(f)), certificatesRemoved: [...a].filter((f) => !b.has(f)) };
}

function snapshot(c: WsFedConnectionEntity) {
  return {
    name: c.name,
    enabled: c.enabled,
    idpIssuer: c.idpIssuer,
    idpSignInUrl: c.idpSignInUrl,
    idpSignOutUrl: c.idpSignOutUrl,
    realm: c.realm,
    replyUrl: c.replyUrl,
    signingCertificates: [...c.signingCertificates],
    allowSha1: c.allowSha1,
    trustEmails: c.trustEmails,
    clockSkewSeconds: c.clockSkewSeconds,
    claimPreset: c.claimPreset,
    claimOverrides: c.claimOverrides,
    metadataUrl: c.metadataUrl,
  };
}
