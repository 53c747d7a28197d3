import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { ClaimMapping, ClaimMappingPreset } from './protocol/index.js';

/** Field-by-field replacements on top of a claim preset (see `resolveClaimMapping`). */
export type ClaimOverrides = Partial<ClaimMapping>;

/**
 * One team's WS-Federation connection (R1, R18). The IdP side (issuer, endpoints, certificates) is
 * typed in or imported from FederationMetadata.xml; the relying-party side (realm, reply URL) is
 * Roster's and shown to the admin to paste into ADFS / Entra ID.
 */
@Entity({ tableName: 'wsfed_connection' })
export class WsFedConnectionEntity {
  [OptionalProps]?:
    | 'enabled'
    | 'idpSignOutUrl'
    | 'allowSha1'
    | 'clockSkewSeconds'
    | 'claimPreset'
    | 'claimOverrides'
    | 'metadataUrl'
    | 'metadataRefreshedAt'
    | 'metadataCheckedAt'
    | 'metadataError'
    | 'createdAt'
    | 'updatedAt'
    | 'trustEmails';

  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) teamId!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'boolean' }) enabled: boolean = true;
  /** IdP entityID; the assertion Issuer must equal it. */
  @Property({ type: 'text' }) idpIssuer!: string;
  /** Passive requestor endpoint (`wa=wsignin1.0`). */
  @Property({ type: 'text' }) idpSignInUrl!: string;
  @Property({ type: 'text', nullable: true }) idpSignOutUrl: string | null = null;
  /** `wtrealm`, unique across every connection: tokens must name it as their audience. */
  @Property({ type: 'text' }) realm!: string;
  /** `wreply`: this connection's ACS. */
  @Property({ type: 'text' }) replyUrl!: string;
  /** PEM token-signing certificates; several during rollover. */
  @Property({ type: 'json' }) signingCertificates: string[] = [];
  @Property({ type: 'boolean' }) allowSha1: boolean = false;
  /** The IdP vouches for the emails it asserts, in any domain (docs/security.md, "Who an asserted identity may become"). */
  @Property({ type: 'boolean' }) trustEmails: boolean = false;
  @Property({ type: 'integer' }) clockSkewSeconds: number = 120;
  @Property({ type: 'text' }) claimPreset: ClaimMappingPreset = 'adfs';
  @Property({ type: 'json' }) claimOverrides: ClaimOverrides = {};
  /** FederationMetadata.xml location, refreshed on a schedule when set. */
  @Property({ type: 'text', nullable: true }) metadataUrl: string | null = null;
  /** Last successful import from the metadata URL. */
  @Property({ type: 'datetime', nullable: true }) metadataRefreshedAt: Date | null = null;
  /** Last attempt (successful or not); also the lease that keeps two nodes from refreshing at once. */
  @Property({ type: 'datetime', nullable: true }) metadataCheckedAt: Date | null = null;
  @Property({ type: 'text', nullable: true }) metadataError: string | null = null;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}
