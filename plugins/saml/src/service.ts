import { X509Certificate } from 'node:crypto';
import type { Actor, PluginContext, PluginCore as Core, PluginEm as Em, RosterConfig } from '@roster/plugin-sdk';
import { flushWithEvents, type PluginEvents } from '@roster/plugin-sdk';
import { SamlConnectionEntity, type AttributeOverrides } from './entity.js';
import { fromMetadataError, samlError } from './errors.js';
import { fetchMetadata } from './metadata-fetch.js';
import type { SamlPluginOptions } from './options.js';
import {
  BINDINGS,
  IDP_PRESETS,
  parseIdpMetadata,
  preferredSsoService,
  type IdpMetadata,
  type IdpPresetId,
  type SamlConnectionConfig,
} from './protocol/index.js';
import { certificateInfo } from './protocol/xml.js';
import { generateSpKeyPair } from './sp-certificate.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const EXPIRES_SOON_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;
const METADATA_ACTOR: Actor = { type: 'system', channel: 'saml', label: 'SAML metadata refresh' };

/** What an admin may set; omitted fields keep their value (create: their default). */
export interface ConnectionInput {
  name?: string;
  enabled?: boolean;
  preset?: IdpPresetId;
  /** IdP metadata XML to import (R18). */
  metadataXml?: string;
  /** IdP metadata URL: imported now and refreshed on a schedule; null stops the schedule. */
  metadataUrl?: string | null;
  idpEntityId?: string;
  idpSsoUrl?: string;
  idpSsoBinding?: 'redirect' | 'post';
  idpSloUrl?: string | null;
  idpCertificates?: string[];
  attributeOverrides?: AttributeOverrides | null;
  nameIdFormat?: string | null;
  allowSha1?: boolean;
  clockSkewSeconds?: number;
  allowIdpInitiated?: boolean;
  wantAssertionsSigned?: boolean;
  wantResponseSigned?: boolean;
  signAuthnRequests?: boolean;
  trustEmails?: boolean;
}

/** The SP values an admin pastes into the IdP, derived from the public URL and the connection id. */
export interface SpUrls {
  entityId: string;
  acsUrl: string;
  metadataUrl: string;
  loginUrl: string;
  logoutUrl: string;
  sloUrl: string;
}

export interface CertificateView {
  pem: string;
  fingerprintSha256: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  expired: boolean;
  expiresSoon: boolean;
  daysLeft: number;
}

export function describeCertificates(pems: string[], now: Date = new Date()): CertificateView[] {
  return pems.map((pem) => {
    const info = certificateInfo(pem);
    const left = info.notAfter.getTime() - now.getTime();
    return {
      pem,
      fingerprintSha256: info.fingerprintSha256,
      subject: info.subject,
      issuer: info.issuer,
      notBefore: info.notBefore,
      notAfter: info.notAfter,
      expired: left <= 0,
      expiresSoon: left < EXPIRES_SOON_DAYS * DAY_MS,
      daysLeft: Math.floor(left / DAY_MS),
    };
  });
}

/** What the sign-in endpoints read of a connection (the entity has all of it). */
export type RuntimeConnection = Pick<
  SamlConnectionEntity,
  | 'id'
  | 'teamId'
  | 'enabled'
  | 'preset'
  | 'attributeOverrides'
  | 'idpEntityId'
  | 'idpSsoUrl'
  | 'idpSsoBinding'
  | 'idpSloUrl'
  | 'idpCertificates'
  | 'nameIdFormat'
  | 'allowSha1'
  | 'clockSkewSeconds'
  | 'allowIdpInitiated'
  | 'wantAssertionsSigned'
  | 'wantResponseSigned'
  | 'signAuthnRequests'
  | 'spCertificate'
  | 'trustEmails'
> & { spPrivateKeySealed?: string };

export interface SamlServiceDeps {
  core: Core;
  config: RosterConfig;
  options: SamlPluginOptions;
  logger: PluginContext<unknown>['logger'];
  events: PluginEvents;
}

/** The `data` of `connection.*` events: what the host app needs to show, no secret. */
export function samlConnectionResource(c: SamlConnectionEntity): Record<string, unknown> {
  return { id: c.id, teamId: c.teamId, protocol: 'saml', name: c.name, enabled: c.enabled, preset: c.preset, idpEntityId: c.idpEntityId };
}

interface IdpSide {
  idpEntityId: string;
  idpSsoUrl: string;
  idpSsoBinding: 'redirect' | 'post';
  idpSloUrl: string | null;
  idpCertificates: string[];
  wantAuthnRequestsSigned: boolean;
}

/** SAML connections of every team: administration, metadata import and refresh, runtime config. */
export class SamlConnections {
  constructor(readonly deps: SamlServiceDeps) {}

  get allowHttp(): boolean {
    return this.deps.options.allowHttp ?? !this.deps.config.production;
  }

  em(): Em {
    return this.deps.core.db.em();
  }

  urls(id: string): SpUrls {
    const base = `${this.deps.config.publicUrl.replace(/\/$/, '')}/saml/${id}`;
    return {
      entityId: `${base}/metadata`,
      acsUrl: `${base}/acs`,
      metadataUrl: `${base}/metadata`,
      loginUrl: `${base}/login`,
      logoutUrl: `${base}/logout`,
      sloUrl: `${base}/slo`,
    };
  }

  async list(teamId: string): Promise<SamlConnectionEntity[]> {
    return this.em().find(SamlConnectionEntity, { teamId }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 200 });
  }

  /** The connection, or null for an unknown or malformed id. `withKey` loads the sealed SP key. */
  async find(id: string, em: Em = this.em(), withKey = false): Promise<SamlConnectionEntity | null> {
    if (!UUID.test(id)) return null;
    return em.findOne(SamlConnectionEntity, { id }, withKey ? { populate: ['spPrivateKeySealed'] } : {});
  }

  /**
   * The connection as the sign-in endpoints need it. Kept per node (core.rows: every change of a
   * connection is announced by a trigger and drops it on every node at once); otherwise one plain
   * SQL statement (the ORM's findOne costs several times more CPU, and this runs on every
   * sign-in). `withKey` adds the sealed SP key (sealed in the cache too).
   */
  async runtime(id: string, withKey = false): Promise<RuntimeConnection | null> {
    if (!UUID.test(id)) return null;
    const cache = this.deps.core.rows;
    const conn = cache.get<RuntimeConnection>('saml_connection', id) ?? (await this.loadRuntime(id, cache.ticket()));
    if (!conn || withKey) return conn;
    const { spPrivateKeySealed: _sealed, ...withoutKey } = conn;
    return withoutKey;
  }

  private async loadRuntime(id: string, ticket: number): Promise<RuntimeConnection | null> {
    const [row] = await this.deps.core.db.read<Record<string, unknown>>(
      `select id, team_id, enabled, preset, attribute_overrides, idp_entity_id, idp_sso_url, idp_sso_binding, idp_slo_url,
              idp_certificates, name_id_format, allow_sha1, clock_skew_seconds, allow_idp_initiated, want_assertions_signed,
              want_response_signed, sign_authn_requests, sp_certificate, sp_private_key_sealed, trust_emails
       from saml_connection where id = ?`,
      [id],
      { prepare: true },
    );
    if (!row) return null;
    const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));
    const conn: RuntimeConnection = {
      id: String(row.id),
      teamId: String(row.team_id),
      enabled: row.enabled === true,
      preset: row.preset as IdpPresetId,
      attributeOverrides: json<AttributeOverrides>(row.attribute_overrides) ?? {},
      idpEntityId: String(row.idp_entity_id),
      idpSsoUrl: String(row.idp_sso_url),
      idpSsoBinding: row.idp_sso_binding === 'post' ? 'post' : 'redirect',
      idpSloUrl: (row.idp_slo_url as string | null) ?? null,
      idpCertificates: json<string[]>(row.idp_certificates) ?? [],
      nameIdFormat: (row.name_id_format as string | null) ?? null,
      allowSha1: row.allow_sha1 === true,
      clockSkewSeconds: Number(row.clock_skew_seconds),
      allowIdpInitiated: row.allow_idp_initiated === true,
      wantAssertionsSigned: row.want_assertions_signed === true,
      wantResponseSigned: row.want_response_signed === true,
      signAuthnRequests: row.sign_authn_requests === true,
      trustEmails: row.trust_emails === true,
      spCertificate: String(row.sp_certificate),
      spPrivateKeySealed: String(row.sp_private_key_sealed),
    };
    // Shared by every request of this node while cached: nobody may change it.
    Object.freeze(conn.idpCertificates);
    Object.freeze(conn.attributeOverrides);
    this.deps.core.rows.set('saml_connection', id, Object.freeze(conn), ticket);
    return conn;
  }

  /**
   * This node forgets the connection at once after its own write. Other nodes hear of it from
   * the table's trigger at commit (and so does this one: this only spares it the round trip).
   */
  private changed(id: string): void {
    this.deps.core.rows.changedRow('saml_connection', id);
  }

  /** Runtime configuration for the protocol core (the SP key unsealed in memory only). */
  configOf(conn: RuntimeConnection): SamlConnectionConfig {
    const urls = this.urls(conn.id);
    return {
      id: conn.id,
      teamId: conn.teamId,
      spEntityId: urls.entityId,
      acsUrl: urls.acsUrl,
      idpEntityId: conn.idpEntityId,
      idpSsoUrl: conn.idpSsoUrl,
      idpSsoBinding: conn.idpSsoBinding,
      idpCerts: conn.idpCertificates,
      allowSha1: conn.allowSha1,
      clockSkewSeconds: conn.clockSkewSeconds,
      allowIdpInitiated: conn.allowIdpInitiated,
      wantAssertionsSigned: conn.wantAssertionsSigned,
      wantResponseSigned: conn.wantResponseSigned,
      spPrivateKey: conn.spPrivateKeySealed ? this.deps.core.secrets.decrypt(conn.spPrivateKeySealed) : undefined,
      spCert: conn.spCertificate,
      signAuthnRequests: conn.signAuthnRequests,
      ...(conn.nameIdFormat ? { nameIdFormat: conn.nameIdFormat } : {}),
      attributeMapping: { preset: conn.preset, ...conn.attributeOverrides },
    };
  }

  async create(teamId: string, input: ConnectionInput, actor: Actor): Promise<SamlConnectionEntity> {
    const preset = input.preset ?? 'generic';
    if (!(preset in IDP_PRESETS)) throw samlError('SAML_INVALID_INPUT', `unknown preset ${preset}`);
    const idp = await this.idpSide(input, null);
    if (!idp)
      throw samlError('SAML_INVALID_INPUT', 'give the IdP side: metadataXml, metadataUrl, or idpEntityId + idpSsoUrl + idpCertificates');
    const em = this.em();
    const conn = em.create(SamlConnectionEntity, {
      teamId,
      name: checkName(input.name ?? IDP_PRESETS[preset].label),
      preset,
      ...stored(idp.values),
      metadataUrl: idp.metadataUrl,
      metadataRefreshedAt: idp.metadataUrl ? new Date() : null,
      metadataCheckedAt: idp.metadataUrl ? new Date() : null,
      spPrivateKeySealed: '',
      spCertificate: '',
    });
    this.applySettings(conn, input);
    conn.signAuthnRequests = input.signAuthnRequests ?? idp.values.wantAuthnRequestsSigned;
    const keys = await generateSpKeyPair({ commonName: `Roster SAML ${conn.id}` });
    conn.spPrivateKeySealed = this.deps.core.secrets.encrypt(keys.privateKeyPem);
    conn.spCertificate = keys.certificatePem;
    this.deps.core.audit.record(em, actor, {
      teamId,
      action: 'saml.connection.created',
      target: { type: 'saml_connection', id: conn.id },
      data: {
        name: conn.name,
        preset,
        idpEntityId: conn.idpEntityId,
        source: idp.source,
        certificates: fingerprints(conn.idpCertificates),
      },
    });
    await flushWithEvents(em, (tx) =>
      this.deps.events.publish(tx, { teamId, type: 'connection.created', data: samlConnectionResource(conn), actor }),
    );
    return conn;
  }

  async update(em: Em, conn: SamlConnectionEntity, input: ConnectionInput, actor: Actor): Promise<SamlConnectionEntity> {
    const before = snapshot(conn);
    if (input.preset !== undefined) {
      if (!(input.preset in IDP_PRESETS)) throw samlError('SAML_INVALID_INPUT', `unknown preset ${input.preset}`);
      conn.preset = input.preset;
    }
    if (input.name !== undefined) conn.name = checkName(input.name);
    const idp = await this.idpSide(input, conn);
    if (idp) {
      Object.assign(conn, stored(idp.values));
      if (input.signAuthnRequests === undefined && idp.values.wantAuthnRequestsSigned) conn.signAuthnRequests = true;
    }
    if (input.metadataUrl === null) conn.metadataUrl = null;
    else if (idp?.metadataUrl) {
      conn.metadataUrl = idp.metadataUrl;
      conn.metadataRefreshedAt = new Date();
      conn.metadataCheckedAt = new Date();
      conn.metadataError = null;
    }
    this.applySettings(conn, input);
    const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(snapshot(conn)[k]));
    this.deps.core.audit.record(em, actor, {
      teamId: conn.teamId,
      action: 'saml.connection.updated',
      target: { type: 'saml_connection', id: conn.id },
      data: { changed, ...(changed.includes('idpCertificates') ? { certificates: fingerprints(conn.idpCertificates) } : {}) },
    });
    await flushWithEvents(em, (tx) =>
      this.deps.events.publish(tx, { teamId: conn.teamId, type: 'connection.updated', data: samlConnectionResource(conn), actor }),
    );
    this.changed(conn.id);
    return conn;
  }

  async remove(em: Em, conn: SamlConnectionEntity, actor: Actor): Promise<void> {
    this.deps.core.audit.record(em, actor, {
      teamId: conn.teamId,
      action: 'saml.connection.deleted',
      target: { type: 'saml_connection', id: conn.id },
      data: { name: conn.name, idpEntityId: conn.idpEntityId },
    });
    em.remove(conn);
    await flushWithEvents(em, (tx) =>
      this.deps.events.publish(tx, { teamId: conn.teamId, type: 'connection.deleted', data: { id: conn.id, protocol: 'saml' }, actor }),
    );
    this.changed(conn.id);
    // Sign-ins through a deleted connection stop at once, not when their sessions expire.
    await this.deps.core.sessions.revokeForConnection(conn.teamId, conn.id);
  }

  /** Re-imports the IdP side from the metadata URL. `scheduled` refreshes audit only what changed. */
  async refresh(em: Em, conn: SamlConnectionEntity, actor: Actor, opts: { scheduled: boolean }): Promise<SamlConnectionEntity> {
    if (!conn.metadataUrl) throw samlError('SAML_NO_METADATA_URL');
    const now = new Date();
    const before = [...conn.idpCertificates];
    try {
      const xml = await this.download(conn.metadataUrl);
      let metadata: IdpMetadata;
      try {
        metadata = await this.loadMetadata({ xml }, conn.idpEntityId);
      } catch (error) {
        // Tell "the IdP renamed itself" apart from "the document is broken": the first needs an admin.
        const other = await this.loadMetadata({ xml }, undefined).catch(() => null);
        if (other && other.entityId !== conn.idpEntityId) {
          throw samlError(
            'SAML_METADATA_ENTITY_CHANGED',
            `metadata now describes ${other.entityId}, not ${conn.idpEntityId}; update the connection to accept it`,
          );
        }
        throw error;
      }
      const idp = idpFromMetadata(metadata, conn.idpSsoBinding);
      this.checkEndpoints(idp);
      Object.assign(conn, stored(idp));
      if (idp.wantAuthnRequestsSigned) conn.signAuthnRequests = true;
      conn.metadataRefreshedAt = now;
      conn.metadataCheckedAt = now;
      conn.metadataError = null;
      const added = fingerprints(conn.idpCertificates.filter((c) => !before.includes(c)));
      const removed = fingerprints(before.filter((c) => !conn.idpCertificates.includes(c)));
      if (!opts.scheduled || added.length || removed.length) {
        this.deps.core.audit.record(em, actor, {
          teamId: conn.teamId,
          action: 'saml.metadata.refreshed',
          target: { type: 'saml_connection', id: conn.id },
          data: { scheduled: opts.scheduled, certificatesAdded: added, certificatesRemoved: removed },
        });
      }
      await em.flush();
      this.changed(conn.id);
      return conn;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.em().nativeUpdate(
        SamlConnectionEntity,
        { id: conn.id },
        { metadataCheckedAt: now, metadataError: message.slice(0, 1000) },
      );
      await this.deps.core.audit.write(actor, {
        teamId: conn.teamId,
        action: 'saml.metadata.refresh_failed',
        outcome: 'failure',
        reason: message.slice(0, 1000),
        target: { type: 'saml_connection', id: conn.id },
        data: { scheduled: opts.scheduled },
      });
      conn.metadataCheckedAt = now;
      conn.metadataError = message.slice(0, 1000);
      this.changed(conn.id);
      throw error;
    }
  }

  /**
   * One scheduled pass: claims due connections with `for update skip locked` (the checked-at
   * timestamp is the lease), so several nodes share the work and never refresh one connection
   * twice at once.
   */
  async refreshDue(): Promise<{ claimed: number; refreshed: number; failed: number }> {
    const interval = this.deps.options.metadataRefreshIntervalSeconds;
    if (interval <= 0) return { claimed: 0, refreshed: 0, failed: 0 };
    const rows = await this.em().execute<Array<{ id: string }>>(
      `update saml_connection set metadata_checked_at = now()
       where id in (
         select id from saml_connection
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
      const conn = await em.findOne(SamlConnectionEntity, { id });
      if (!conn) continue;
      try {
        await this.refresh(em, conn, METADATA_ACTOR, { scheduled: true });
        refreshed++;
      } catch (error) {
        failed++;
        this.deps.logger.warn(
          { connectionId: id, teamId: conn.teamId, err: error instanceof Error ? error.message : String(error) },
          'SAML metadata refresh failed',
        );
      }
    }
    return { claimed: rows.length, refreshed, failed };
  }

  private applySettings(conn: SamlConnectionEntity, input: ConnectionInput): void {
    if (input.enabled !== undefined) conn.enabled = input.enabled;
    if (input.attributeOverrides !== undefined) conn.attributeOverrides = checkOverrides(input.attributeOverrides ?? {});
    if (input.nameIdFormat !== undefined)
      conn.nameIdFormat = input.nameIdFormat === null || input.nameIdFormat === '' ? null : checkUri(input.nameIdFormat, 'nameIdFormat');
    if (input.allowSha1 !== undefined) conn.allowSha1 = input.allowSha1;
    if (input.clockSkewSeconds !== undefined) {
      if (!Number.isInteger(input.clockSkewSeconds) || input.clockSkewSeconds < 0 || input.clockSkewSeconds > 900) {
        throw samlError('SAML_INVALID_INPUT', 'clockSkewSeconds must be a whole number from 0 to 900');
      }
      conn.clockSkewSeconds = input.clockSkewSeconds;
    }
    if (input.allowIdpInitiated !== undefined) conn.allowIdpInitiated = input.allowIdpInitiated;
    if (input.wantAssertionsSigned !== undefined) conn.wantAssertionsSigned = input.wantAssertionsSigned;
    if (input.wantResponseSigned !== undefined) conn.wantResponseSigned = input.wantResponseSigned;
    if (input.signAuthnRequests !== undefined) conn.signAuthnRequests = input.signAuthnRequests;
    if (input.trustEmails !== undefined) conn.trustEmails = input.trustEmails;
  }

  /**
   * The IdP side from exactly one source: metadata XML, a metadata URL, or typed-in fields (on
   * update, typed fields change single values). Null when the input names none of them.
   */
  private async idpSide(
    input: ConnectionInput,
    existing: SamlConnectionEntity | null,
  ): Promise<{ values: IdpSide; metadataUrl: string | null; source: string } | null> {
    const typed = input.idpSsoUrl !== undefined || input.idpCertificates !== undefined || input.idpSloUrl !== undefined;
    const fromXml = input.metadataXml !== undefined;
    const fromUrl = typeof input.metadataUrl === 'string';
    if (fromXml && fromUrl) throw samlError('SAML_INVALID_INPUT', 'give metadataXml or metadataUrl, not both');
    if ((fromXml || fromUrl) && typed)
      throw samlError('SAML_INVALID_INPUT', 'IdP fields come from the metadata; do not type them in as well');
    if (fromXml || fromUrl) {
      const metadata = await this.loadMetadata(
        fromXml ? { xml: input.metadataXml as string } : { url: input.metadataUrl as string },
        input.idpEntityId ?? existing?.idpEntityId,
      );
      const values = idpFromMetadata(metadata, input.idpSsoBinding);
      this.checkEndpoints(values);
      return { values, metadataUrl: fromUrl ? (input.metadataUrl as string) : null, source: fromXml ? 'metadataXml' : 'metadataUrl' };
    }
    if (!typed && input.idpEntityId === undefined && input.idpSsoBinding === undefined) return null;
    const values: IdpSide = {
      idpEntityId: input.idpEntityId ?? existing?.idpEntityId ?? '',
      idpSsoUrl: input.idpSsoUrl ?? existing?.idpSsoUrl ?? '',
      idpSsoBinding: input.idpSsoBinding ?? existing?.idpSsoBinding ?? 'redirect',
      idpSloUrl: input.idpSloUrl !== undefined ? input.idpSloUrl || null : (existing?.idpSloUrl ?? null),
      idpCertificates: input.idpCertificates ?? existing?.idpCertificates ?? [],
      wantAuthnRequestsSigned: false,
    };
    if (values.idpEntityId.trim() === '' || values.idpEntityId.length > 1024)
      throw samlError('SAML_INVALID_INPUT', 'idpEntityId is required (at most 1024 characters)');
    values.idpEntityId = values.idpEntityId.trim();
    values.idpCertificates = checkCertificates(values.idpCertificates);
    this.checkEndpoints(values);
    return { values, metadataUrl: null, source: 'typed' };
  }

  private async loadMetadata(from: { xml: string } | { url: string }, entityId: string | undefined): Promise<IdpMetadata> {
    const xml = 'xml' in from ? from.xml : await this.download(from.url);
    if (xml.length > this.deps.options.metadataMaxBytes) throw samlError('SAML_METADATA_INVALID', 'metadata is too large');
    let metadata: IdpMetadata;
    try {
      metadata = parseIdpMetadata(xml, entityId ? { entityId } : {});
    } catch (error) {
      throw fromMetadataError(error);
    }
    if (metadata.validUntil && metadata.validUntil.getTime() < Date.now())
      throw samlError('SAML_METADATA_INVALID', `metadata expired at ${metadata.validUntil.toISOString()}`);
    try {
      metadata.signingCerts = checkCertificates(metadata.signingCerts);
    } catch (error) {
      throw samlError('SAML_METADATA_INVALID', error instanceof Error ? error.message : String(error));
    }
    return metadata;
  }

  private download(url: string): Promise<string> {
    return fetchMetadata(url, {
      allowHttp: this.allowHttp,
      // The operator's setting, or this plugin's older option that means the same.
      allowPrivateAddresses: this.deps.config.outbound.allowPrivateAddresses || this.deps.options.allowPrivateMetadataHosts,
      timeoutMs: this.deps.options.metadataTimeoutMs,
      maxBytes: this.deps.options.metadataMaxBytes,
    });
  }

  private checkEndpoints(idp: IdpSide): void {
    const check = (value: string, name: string) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw samlError('SAML_INVALID_INPUT', `${name} is not a URL`);
      }
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.allowHttp))
        throw samlError('SAML_INVALID_INPUT', `${name} must be https`);
    };
    check(idp.idpSsoUrl, 'idpSsoUrl');
    if (idp.idpSloUrl) check(idp.idpSloUrl, 'idpSloUrl');
    if (idp.idpSsoBinding !== 'redirect' && idp.idpSsoBinding !== 'post')
      throw samlError('SAML_INVALID_INPUT', 'idpSsoBinding must be redirect or post');
  }
}

function idpFromMetadata(metadata: IdpMetadata, binding: 'redirect' | 'post' | undefined): IdpSide {
  let sso: { binding: 'redirect' | 'post'; location: string };
  if (binding) {
    const uri = binding === 'post' ? BINDINGS.post : BINDINGS.redirect;
    const found = metadata.ssoServices.find((s) => s.binding === uri);
    sso = found ? { binding, location: found.location } : preferredSsoService(metadata);
  } else {
    sso = preferredSsoService(metadata);
  }
  const slo = metadata.sloServices.find((s) => s.binding === BINDINGS.redirect);
  return {
    idpEntityId: metadata.entityId,
    idpSsoUrl: sso.location,
    idpSsoBinding: sso.binding,
    idpSloUrl: slo?.location ?? null,
    idpCertificates: metadata.signingCerts,
    wantAuthnRequestsSigned: metadata.wantAuthnRequestsSigned,
  };
}

/** The entity's columns of an IdP side. */
function stored(idp: IdpSide): Omit<IdpSide, 'wantAuthnRequestsSigned'> {
  const { wantAuthnRequestsSigned: _ignored, ...values } = idp;
  return values;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 200) throw samlError('SAML_INVALID_INPUT', 'name must be 1–200 characters');
  return trimmed;
}

function checkUri(value: string, name: string): string {
  if (value.length > 1024 || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) throw samlError('SAML_INVALID_INPUT', `${name} must be a URI`);
  return value;
}

/** PEM or bare base64 DER in, normalised PEM out; each must be a readable RSA certificate. */
function checkCertificates(certs: string[]): string[] {
  if (certs.length === 0) throw samlError('SAML_CERTIFICATE_INVALID', 'at least one IdP signing certificate is required');
  if (certs.length > 10) throw samlError('SAML_CERTIFICATE_INVALID', 'at most 10 IdP signing certificates');
  const out: string[] = [];
  for (const [i, cert] of certs.entries()) {
    let pem: string;
    let rsa: boolean;
    try {
      const body = cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
      pem = `-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
      rsa = new X509Certificate(pem).publicKey.asymmetricKeyType === 'rsa';
    } catch {
      throw samlError('SAML_CERTIFICATE_INVALID', `certificate ${i + 1} cannot be read`);
    }
    if (!rsa)
      throw samlError('SAML_CERTIFICATE_INVALID', `certificate ${i + 1} does not hold an RSA key (only RSA signatures are accepted)`);
    if (!out.includes(pem)) out.push(pem);
  }
  return out;
}

function checkOverrides(overrides: AttributeOverrides): AttributeOverrides {
  const out: AttributeOverrides = {};
  for (const key of ['email', 'givenName', 'familyName', 'groups'] as const) {
    const names = overrides[key];
    if (names === undefined || names === null) continue;
    const clean = names.map((n) => n.trim()).filter((n) => n !== '');
    if (clean.length > 10 || clean.some((n) => n.length > 512))
      throw samlError('SAML_INVALID_INPUT', `attribute mapping ${key}: at most 10 names of 512 characters`);
    if (clean.length) out[key] = clean;
  }
  return out;
}

function fingerprints(pems: string[]): string[] {
  return pems.map((p) => certificateInfo(p).fingerprintSha256);
}

function snapshot(conn: SamlConnectionEntity): Record<string, unknown> {
  return {
    name: conn.name,
    enabled: conn.enabled,
    preset: conn.preset,
    attributeOverrides: conn.attributeOverrides,
    idpEntityId: conn.idpEntityId,
    idpSsoUrl: conn.idpSsoUrl,
    idpSsoBinding: conn.idpSsoBinding,
    idpSloUrl: conn.idpSloUrl,
    idpCertificates: conn.idpCertificates,
    nameIdFormat: conn.nameIdFormat,
    allowSha1: conn.allowSha1,
    clockSkewSeconds: conn.clockSkewSeconds,
    allowIdpInitiated: conn.allowIdpInitiated,
    wantAssertionsSigned: conn.wantAssertionsSigned,
    wantResponseSigned: conn.wantResponseSigned,
    signAuthnRequests: conn.signAuthnRequests,
    trustEmails: conn.trustEmails,
    metadataUrl: conn.metadataUrl,
  };
}
