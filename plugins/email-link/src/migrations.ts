/**
 * The plugin's own tables. Tokens are kept as SHA-256 hashes (the link holds the only copy of
 * the secret); rate-limit counters live in PostgreSQL so every node shares them.
 */
export const EMAIL_LINK_MIGRATIONS = [
  {
    name: 'email-link/0001-link-token',
    sql: `
create table email_link_token (
  token_hash text primary key,
  team_id uuid not null references team (id) on delete cascade,
  membership_id uuid not null references membership (id) on delete cascade,
  return_to text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index email_link_token_expires_idx on email_link_token (expires_at);

create table email_link_rate (
  key text primary key,
  hits integer not null,
  window_start timestamptz not null
);
create index email_link_rate_window_idx on email_link_rate (window_start);`,
  },
];
