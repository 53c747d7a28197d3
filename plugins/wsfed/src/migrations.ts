import { notifyRowChangesSql, type Migration } from '@roster/plugin-sdk';

/** Forward-only: an applied migration is never edited; changes come as `wsfed/0002-…`. */
export const wsfedMigrations: Migration[] = [
  {
    name: 'wsfed/0001-connection',
    sql: `
create table wsfed_connection (
  id uuid primary key,
  team_id uuid not null references team (id) on delete cascade,
  name text not null,
  enabled boolean not null default true,
  idp_issuer text not null,
  idp_sign_in_url text not null,
  idp_sign_out_url text,
  realm text not null,
  reply_url text not null,
  signing_certificates jsonb not null default '[]',
  allow_sha1 boolean not null default false,
  clock_skew_seconds integer not null default 120 check (clock_skew_seconds between 0 and 600),
  claim_preset text not null default 'adfs' check (claim_preset in ('adfs', 'entra')),
  claim_overrides jsonb not null default '{}',
  metadata_url text,
  metadata_refreshed_at timestamptz,
  metadata_checked_at timestamptz,
  metadata_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- A realm names one relying party: two connections sharing it would accept each other's tokens.
create unique index wsfed_connection_realm_uq on wsfed_connection (realm);
create index wsfed_connection_team_idx on wsfed_connection (team_id, created_at, id);
create index wsfed_connection_refresh_idx on wsfed_connection (metadata_checked_at) where metadata_url is not null and enabled;`,
  },
  {
    // Who an asserted identity may become (#12): whether this IdP vouches for the emails it asserts.
    name: 'wsfed/0002-trust-emails',
    sql: 'alter table wsfed_connection add column trust_emails boolean not null default false;',
  },
  {
    // Announces every change of a connection at commit, from any write path (RowCache), so a node
    // that keeps connections per node drops them at once, as SAML's do (saml/0003).
    name: 'wsfed/0003-notify-changes',
    sql: notifyRowChangesSql('wsfed_connection'),
  },
];
