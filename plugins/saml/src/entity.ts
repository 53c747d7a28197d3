import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { IdpPresetId } from './protocol/index.js';

/** Attribute names that replace the preset's, per identity field (each tried in order). */
export interface AttributeOverrides {
  email?: string[];
  givenName?: string[];
  familyName?: string[];
  groups?: string[];
}

/**
 * One team's SAML 2.0 connection (R1, R18). The SP side (entity id, ACS URL, metadata URL) is
 * derived from Roster's public URL and the connection id, so it is not stored; the SP key pair is
 * generated per connection, its private key sealed with the core's secret box.
 */
@Entity({ tableName: 'saml_connection' })
export class SamlConnectionEntity {
  [OptionalProps]?:
    | 'enabled'
    | 'preset'
    | 'attributeOverrides'
    | 'idpSsoBinding'
    | 'idpSloUrl'
    | 'nameIdFormat'
    | 'allowSha1'
    | 'clockSkewSeconds'
    | 'allowIdpInitiated'
    | 'wantAssertionsSigned'
    | 'wantResponseSigned'
    | 'signAuthnRequests'
    | 'trustEmails'
    | 'metadataUrl'
    | 'metadataRefreshedAt'
    | 'metadataCheckedAt'
    | 'metadataError'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) teamId!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'boolean' }) enabled: boolean = true;
  @Property({ type: 'text' }) preset: IdpPresetId = 'generic';
  @Property({ type: 'json' }) attributeOverrides: AttributeOverrides = {};
  /** The IdP's entityID: Issuer of every response. */
  @Property({ type: 'text' }) idpEntityId!: string;
  @Property({ type: 'text' }) idpSsoUrl!: string;
  @Property({ type: 'text' }) idpSsoBinding: 'redirect' | 'post' = 'redirect';
  /** SingleLogoutService (HTTP-Redirect); null when the IdP has none. */
  @Property({ type: 'text', nullable: true }) idpSloUrl: string | null = null;
  /** PEM signing certificates; several during a rollover. */
  @Property({ type: 'json' }) idpCertificates: string[] = [];
  @Property({ type: 'text', nullable: true }) nameIdFormat: string | null = null;
  @Property({ type: 'boolean' }) allowSha1: boolean = false;
  @Property({ type: 'integer' }) clockSkewSeconds: number = 180;
  @Property({ type: 'boolean' }) allowIdpInitiated: boolean = false;
  @Property({ type: 'boolean' }) wantAssertionsSigned: boolean = false;
  @Property({ type: 'boolean' }) wantResponseSigned: boolean = false;
  @Property({ type: 'boolean' }) signAuthnRequests: boolean = false;
  /** The IdP vouches for the emails it asserts, in any domain (docs/security.md, "Who an asserted identity may become"). */
  @Property({ type: 'boolean' }) trustEmails: boolean = false;
  /** PKCS#8 PEM sealed with `core.secrets` (AES-256-GCM); never leaves the server in clear. */
  @Property({ type: 'text', lazy: true }) spPrivateKeySealed!: string;
  @Property({ type: 'text' }) spCertificate!: string;
  /** IdP metadata location, refreshed on a schedule when set. */
  @Property({ type: 'text', nullable: true }) metadataUrl: string | null = null;
  /** Last successful import from the metadata URL. */
  @Property({ type: 'datetime', nullable: true }) metadataRefreshedAt: Date | null = null;
  /** Last attempt; also the lease that keeps two nodes from refreshing the same connection at once. */
  @Property({ type: 'datetime', nullable: true }) metadataCheckedAt: Date | null = null;
  @Property({ type: 'text', nullable: true }) metadataError: string | null = null;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}
