import type { Migration } from './types.js';

/**
 * Password sign-in throttling counts in its own rows (PasswordThrottle), one atomic upsert per
 * counter, instead of counting refusals in the audit log after the fact. And API/SCIM tokens
 * announce their changes from a trigger, so a token revoked by any write path (raw SQL
 * included) leaves every node's cache at commit.
 */
export const throttleAndNotify: Migration = {
  name: 'core/0006-throttle-and-notify',
  sql: `
create table sign_in_throttle (
  key text primary key,
  failures integer not null,
  window_start timestamptz not null,
  next_at timestamptz
);
create index sign_in_throttle_window_idx on sign_in_throttle (window_start);
drop index if exists audit_event_password_refusals_idx;

create or replace function roster_notify_token_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('roster_token_revoked', (case when tg_op = 'DELETE' then old.id else new.id end)::text);
  return null;
end $$;
-- last_used_at is written once a minute per token in use: it changes nothing a node caches.
create trigger api_token_notify_changed after update of revoked_at, scope, team_id, token_hash, name on api_token
  for each row when (old.revoked_at is distinct from new.revoked_at or old.scope <> new.scope or old.team_id <> new.team_id
    or old.token_hash <> new.token_hash or old.name <> new.name)
  execute function roster_notify_token_changed();
create trigger api_token_notify_deleted after delete on api_token
  for each row execute function roster_notify_token_changed();`,
};
