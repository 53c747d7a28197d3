import type { Migration } from './types.js';

/**
 * The core schema. Every tenant-owned table carries `team_id` and per-team unique constraints
 * include it, so the data can later be distributed by team (Citus). R2 (one team per person)
 * is the one deliberately global constraint: `membership.user_id` is unique.
 */
export const coreInitial: Migration = {
  name: 'core/0001-initial',
  sql: `
create table team (
  id uuid primary key,
  slug text not null,
  name text not null,
  sign_in_policy jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index team_slug_uq on team (lower(slug));

create table "user" (
  id uuid primary key,
  login text not null,
  email text,
  given_name text,
  family_name text,
  display_name text,
  password_hash text,
  platform_admin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index user_login_uq on "user" (login);
create index user_email_idx on "user" (lower(email));

create table membership (
  id uuid primary key,
  team_id uuid not null references team (id) on delete cascade,
  user_id uuid not null references "user" (id),
  role text not null check (role in ('owner', 'admin', 'member')),
  status text not null check (status in ('active', 'inactive')),
  credit_limit integer not null default 0,
  user_name text not null,
  external_id text,
  attributes jsonb not null default '{}',
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deactivated_at timestamptz
);
create unique index membership_user_uq on membership (user_id);
create unique index membership_team_user_name_uq on membership (team_id, lower(user_name));
create index membership_team_created_idx on membership (team_id, created_at, id);
create index membership_team_external_idx on membership (team_id, external_id);
create index membership_team_status_idx on membership (team_id, status);

create table license_type (
  id uuid primary key,
  team_id uuid not null references team (id) on delete cascade,
  key text not null,
  name text not null,
  seats integer not null default 0 check (seats >= 0),
  entitlements jsonb not null default '[]',
  created_at timestamptz not null default now()
);
create unique index license_type_team_key_uq on license_type (team_id, key);

create table "group" (
  id uuid primary key,
  team_id uuid not null references team (id) on delete cascade,
  display_name text not null,
  external_id text,
  license_type_id uuid references license_type (id) on delete set null,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index group_team_name_idx on "group" (team_id, lower(display_name));
create index group_team_created_idx on "group" (team_id, created_at, id);
create unique index group_license_type_uq on "group" (license_type_id);

create table group_member (
  team_id uuid not null references team (id) on delete cascade,
  group_id uuid not null references "group" (id) on delete cascade,
  membership_id uuid not null references membership (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (group_id, membership_id)
);
create index group_member_membership_idx on group_member (membership_id);

create table license_assignment (
  id uuid primary key,
  team_id uuid not null references team (id) on delete cascade,
  membership_id uuid not null references membership (id) on delete cascade,
  license_type_id uuid not null references license_type (id) on delete cascade,
  state text not null check (state in ('GRANTED', 'PENDING_SEAT')),
  requested_at timestamptz not null,
  granted_at timestamptz
);
create unique index license_assignment_member_type_uq on license_assignment (membership_id, license_type_id);
create index license_assignment_queue_idx on license_assignment (license_type_id, state, requested_at, id);

create table verified_domain (
  id uuid primary key,
  team_id uuid not null references team (id) on delete cascade,
  domain text not null,
  verification_token text not null,
  verified_at timestamptz,
  verified_by text,
  created_at timestamptz not null default now()
);
create unique index verified_domain_team_domain_uq on verified_domain (team_id, domain);
create unique index verified_domain_verified_uq on verified_domain (domain) where verified_at is not null;

-- No foreign key to team: the audit trail outlives what it describes (R19).
create table audit_event (
  id uuid primary key,
  team_id uuid,
  at timestamptz not null default now(),
  channel text not null,
  action text not null,
  outcome text not null check (outcome in ('success', 'failure')),
  actor_type text not null,
  actor_id text,
  actor_label text,
  target_type text,
  target_id text,
  reason text,
  request_id text,
  data jsonb not null default '{}'
);
create index audit_event_team_at_idx on audit_event (team_id, at desc, id);
create index audit_event_team_target_idx on audit_event (team_id, target_id);

create table session (
  id uuid primary key,
  token_hash text not null,
  user_id uuid not null references "user" (id) on delete cascade,
  team_id uuid references team (id) on delete cascade,
  membership_id uuid references membership (id) on delete cascade,
  method text not null,
  connection_id text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now(),
  revoked_at timestamptz
);
create unique index session_token_hash_uq on session (token_hash);
create index session_membership_idx on session (membership_id);

create table api_token (
  id uuid primary key,
  team_id uuid not null references team (id) on delete cascade,
  name text not null,
  scope text not null,
  token_hash text not null,
  prefix text not null,
  created_by text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create unique index api_token_hash_uq on api_token (token_hash);
create index api_token_team_idx on api_token (team_id, scope);

create table identity (
  id uuid primary key,
  team_id uuid not null references team (id) on delete cascade,
  membership_id uuid not null references membership (id) on delete cascade,
  connection_id text not null,
  subject text not null,
  created_at timestamptz not null default now(),
  last_sign_in_at timestamptz
);
create unique index identity_connection_subject_uq on identity (team_id, connection_id, subject);

-- One-time keys shared by every node: SAML/WS-Fed assertion ids, consumed flow states.
create table replay_guard (
  namespace text not null,
  key text not null,
  expires_at timestamptz not null,
  primary key (namespace, key)
);
create index replay_guard_expires_idx on replay_guard (expires_at);

-- Short-lived protocol state (AuthnRequest ids, OIDC state/nonce/PKCE) readable by any node.
create table flow_state (
  namespace text not null,
  key text not null,
  value jsonb not null,
  expires_at timestamptz not null,
  primary key (namespace, key)
);
create index flow_state_expires_idx on flow_state (expires_at);
`,
};
