import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { notifyRowChangesSql } from '@roster/plugin-sdk';
import type { ProviderPresetId } from './protocol/presets.js';
import type { ClaimMapping, TokenEndpointAuthMethod } from './protocol/types.js';

/**
 * A team's OpenID Connect connection (R18). Secrets are sealed with the core's SecretBox
 * (AES-256-GCM, key from ROSTER_SECRET_KEY): the client secret and the private JWK used for
 * `private_key_jwt`. Only the public JWK is kept in clear, to be pasted into the IdP.
 */
@Entity({ tableName: 'oidc_connection' })
export class OidcConnectionRecord {
  [OptionalProps]?:
    | 'name'
    | 'provider'
    | 'clientSecretEncrypted'
    | 'tokenEndpointAuthMethod'
    | 'privateKeyEncrypted'
    | 'publicJwk'
    | 'scopes'
    | 'claimMapping'
    | 'hostedDomain'
    | 'tenantIds'
    | 'allowInsecureRequests'
    | 'useUserinfo'
    | 'enabled'
    | 'legacyCallback'
    | 'createdAt'
    | 'updatedAt';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) teamId!: string;
  @Property({ type: 'text', nullable: true }) name: string | null = null;
  @Property({ type: 'text' }) provider: ProviderPresetId = 'generic';
  @Property({ type: 'text' }) issuer!: string;
  @Property({ type: 'text' }) clientId!: string;
  @Property({ type: 'text', nullable: true }) clientSecretEncrypted: string | null = null;
  @Property({ type: 'text' }) tokenEndpointAuthMethod: TokenEndpointAuthMethod = 'client_secret_basic';
  @Property({ type: 'text', nullable: true }) privateKeyEncrypted: string | null = null;
  @Property({ type: 'json', nullable: true }) publicJwk: Record<string, unknown> | null = null;
  /** Empty: the provider preset's scopes. */
  @Property({ type: 'json' }) scopes: string[] = [];
  /** Overrides over the provider preset's mapping. */
  @Property({ type: 'json' }) claimMapping: ClaimMapping = {};
  @Property({ type: 'text', nullable: true }) hostedDomain: string | null = null;
  @Property({ type: 'json' }) tenantIds: string[] = [];
  @Property({ type: 'boolean' }) allowInsecureRequests: boolean = false;
  @Property({ type: 'boolean', nullable: true }) useUserinfo: boolean | null = null;
  @Property({ type: 'boolean' }) enabled: boolean = true;
  /**
   * Registered at the IdP with the shared `/oidc/callback` (connections made before
   * oidc/0002). New connections have their own `/oidc/:id/callback`, which stops IdP mix-up.
   */
  @Property({ type: 'boolean' }) legacyCallback: boolean = false;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}

export const OIDC_MIGRATIONS = [
  {
    name: 'oidc/0001-connection',
    sql: `create table oidc_connection (
      id uuid primary key,
      team_id uuid not null references team (id) on delete cascade,
      name text,
      provider text not null default 'generic',
      issuer text not null,
      client_id text not null,
      client_secret_encrypted text,
      token_endpoint_auth_method text not null default 'client_secret_basic'
        check (token_endpoint_auth_method in ('client_secret_basic', 'client_secret_post', 'private_key_jwt')),
      private_key_encrypted text,
      public_jwk jsonb,
      scopes jsonb not null default '[]',
      claim_mapping jsonb not null default '{}',
      hosted_domain text,
      tenant_ids jsonb not null default '[]',
      allow_insecure_requests boolean not null default false,
      use_userinfo boolean,
      enabled boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index oidc_connection_team_idx on oidc_connection (team_id, created_at);`,
  },
  {
    // Connections that exist keep the shared redirect URI registered at their IdP; new ones get their own.
    name: 'oidc/0002-per-connection-callback',
    sql: `alter table oidc_connection add column legacy_callback boolean not null default false;
    update oidc_connection set legacy_callback = true;`,
  },
  {
    // Announces every change of a connection at commit, from any write path (RowCache), so a node
    // that keeps connections per node drops them at once, as SAML's do (saml/0003).
    name: 'oidc/0003-notify-changes',
    sql: notifyRowChangesSql('oidc_connection'),
  },
];
