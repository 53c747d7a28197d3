import { notifyRowChangesSql, type Migration } from '@roster/plugin-sdk';

/** Forward-only: an applied migration is never edited; changes come as `saml/0003-…`. */
export const samlMigrations: Migration[] = [
  {
    name: 'saml/0001-connection',
    sql: `
create table saml_connection (
  id uuid primary key,
  team_id uuid not null references team (id) on delete cascade,
  name text not null,
  enabled boolean not null default true,
  preset text not null default 'generic',
  attribute_overrides jsonb not null default '{}',
  idp_entity_id text not null,
  idp_sso_url text not null,
  idp_sso_binding text not null default 'redirect' check (idp_sso_binding in ('redirect', 'post')),
  idp_slo_url text,
  idp_certificates jsonb not null default '[]',
  name_id_format text,
  allow_sha1 boolean not null default false,
  clock_skew_seconds integer not null default 180 check (clock_skew_seconds between 0 and 900),
  allow_idp_initiated boolean not null default false,
  want_assertions_signed boolean not null default false,
  want_response_signed boolean not null default false,
  sign_authn_requests boolean not null default false,
  sp_private_key_sealed text not null,
  sp_certificate text not null,
  metadata_url text,
  metadata_refreshed_at timestamptz,
  metadata_checked_at timestamptz,
  metadata_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index saml_connection_team_idx on saml_connection (team_id, created_at, id);
create index saml_connection_refresh_idx on saml_connection (metadata_checked_at) where metadata_url is not null and enabled;`,
  },
  {
    // Which Roster session a SAML sign-in opened (by the session token's hash, as the core stores
    // it), so a LogoutRequest from the IdP (NameID + SessionIndex) can end exactly those sessions.
    name: 'saml/0002-session',
    sql: `
create table saml_session (
  token_hash text primary key,
  connection_id uuid not null references saml_connection (id) on delete cascade,
  team_id uuid not null,
  name_id text not null,
  name_id_format text,
  session_index text,
  expires_at timestamptz not null
);
create index saml_session_subject_idx on saml_session (connection_id, name_id);
create index saml_session_expiry_idx on saml_session (expires_at);`,
  },
  {
    // Every node keeps connections it signs in with (RowCache); this announces each change of a
    // connection at commit, from any write path, so no node keeps using an old certificate or a
    // disabled connection.
    name: 'saml/0003-notify-changes',
    sql: notifyRowChangesSql('saml_connection'),
  },
  {
    // Logout bookkeeping moves onto the session itself (core/0003-session-sso: written in the
    // sign-in's own statement); live sessions keep their NameID and SessionIndex.
    name: 'saml/0004-session-on-core-session',
    sql: `
update session s set sso = jsonb_strip_nulls(jsonb_build_object('subject', ss.name_id, 'format', ss.name_id_format, 'sessionIndex', ss.session_index))
from saml_session ss where ss.token_hash = s.token_hash and s.sso is null;
drop table saml_session;`,
  },
  {
    // Who an asserted identity may become (#12): whether this IdP vouches for the emails it asserts.
    name: 'saml/0005-trust-emails',
    sql: 'alter table saml_connection add column trust_emails boolean not null default false;',
  },
];
