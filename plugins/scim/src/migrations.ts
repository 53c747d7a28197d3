import type { Migration } from '@roster/plugin-sdk';

/**
 * What SCIM keeps beyond the core's tables, and the indexes its filters use. Forward-only:
 * a released migration is never edited; changes come as new `scim/000n-…` entries.
 */
export const scimMigrations: Migration[] = [
  {
    name: 'scim/0001-member-displays-refs-indexes',
    sql: `
-- The "display" an IdP sent for a group member (Microsoft's tests read it back). It belongs to
-- the group_member row: removing the membership, by any channel, removes it.
create table scim_group_member_display (
  team_id uuid not null references team (id) on delete cascade,
  group_id uuid not null,
  membership_id uuid not null,
  display text not null,
  primary key (group_id, membership_id),
  foreign key (group_id, membership_id) references group_member (group_id, membership_id) on delete cascade
);

-- Entra compatibility: a member sent as a bare string that names no user of the team is kept as
-- sent (shown on GET, removable) rather than dropped while the PATCH answers 2xx.
create table scim_group_member_ref (
  team_id uuid not null references team (id) on delete cascade,
  group_id uuid not null references "group" (id) on delete cascade,
  value text not null,
  display text,
  created_at timestamptz not null default now(),
  primary key (group_id, value)
);

-- Entra and Okta look groups up by externalId as well as by displayName.
create index group_team_external_idx on "group" (team_id, external_id);
`,
  },
  {
    name: 'scim/0002-request-log',
    sql: `
-- #16 the SCIM page's live log of the latest requests. An operational log, written in batches
-- off the request path and pruned to the latest entries per team: the audit log, not this, keeps
-- every change durably (R19). token_id has no foreign key: a revoked token's entries stay readable.
create table scim_request_log (
  team_id uuid not null references team (id) on delete cascade,
  id bigint generated always as identity,
  at timestamptz not null,
  token_id uuid,
  method text not null,
  path text not null,
  status smallint not null,
  scim_type text,
  detail text,
  resource_id text,
  resource_name text,
  duration_ms integer not null,
  primary key (team_id, id)
);
create index scim_request_log_team_at_idx on scim_request_log (team_id, at desc);
`,
  },
];
