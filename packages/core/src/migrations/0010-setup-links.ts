import type { Migration } from './types.js';

/**
 * Self-serve setup links (#16): a link handed to a customer's IT admin, scoped to one team and
 * to its SSO and/or SCIM configuration. Only the SHA-256 of the secret is kept; a link ends when
 * it expires or is revoked, and rows stay for the audit trail.
 */
export const setupLinks: Migration = {
  name: 'core/0010-setup-links',
  sql: `
create table setup_link (
  id uuid primary key,
  team_id uuid not null references team (id) on delete cascade,
  token_hash text not null unique,
  scopes text[] not null check (scopes <@ array['sso', 'scim']::text[] and cardinality(scopes) > 0),
  note text,
  created_by text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz
);
create index setup_link_team_idx on setup_link (team_id, created_at);`,
};
