import type { Migration } from './types.js';

/**
 * Webhooks (issue 18): endpoints per team, or platform-wide (`team_id` null: the host app, which
 * hears every team), and their deliveries.
 *
 * Fan-out reads the event log behind its commit horizon with one cursor (`webhook_fanout`, one
 * row), taken `for update skip locked`: any node may run it, one at a time does, and nothing is
 * added to the writing transactions of the changes. Deliveries are claimed the same way
 * (`for update skip locked`) and leased by moving `next_attempt_at` past the request's time
 * limit, so a node that dies mid-request leaves a delivery another node retries after the lease.
 * Secrets are sealed with ROSTER_SECRET_KEY (SecretBox); during a rotation the previous one
 * keeps signing until `previous_secret_expires_at`.
 */
export const webhooks: Migration = {
  name: 'core/0009-webhooks',
  sql: `
create table webhook_endpoint (
  id uuid primary key,
  team_id uuid references team (id) on delete cascade,
  url text not null,
  description text not null default '',
  event_types text[] not null,
  enabled boolean not null default true,
  disabled_reason text,
  disabled_at timestamptz,
  failing_since timestamptz,
  secret_sealed text not null,
  previous_secret_sealed text,
  previous_secret_expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhook_endpoint_team_idx on webhook_endpoint (team_id);

create table webhook_fanout (
  id integer primary key check (id = 1),
  after_tx xid8 not null,
  after_position bigint not null
);
insert into webhook_fanout (id, after_tx, after_position) values (1, '0', 0);

create table webhook_delivery (
  id uuid primary key,
  endpoint_id uuid not null references webhook_endpoint (id) on delete cascade,
  event_id uuid not null references event (id) on delete cascade,
  event_type text not null,
  team_id uuid,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  give_up_at timestamptz not null,
  last_status_code integer,
  last_duration_ms integer,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create unique index webhook_delivery_endpoint_event_uq on webhook_delivery (endpoint_id, event_id);
create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at) where status = 'pending';
create index webhook_delivery_endpoint_idx on webhook_delivery (endpoint_id, created_at desc, id desc);
create index webhook_delivery_event_idx on webhook_delivery (event_id);

create table webhook_attempt (
  id uuid primary key,
  delivery_id uuid not null references webhook_delivery (id) on delete cascade,
  -- The delivery's team (null for platform-wide endpoints): every tenant table carries it (test/tenant-tables).
  team_id uuid,
  attempt integer not null,
  at timestamptz not null,
  status_code integer,
  duration_ms integer not null,
  error text
);
create index webhook_attempt_delivery_idx on webhook_attempt (delivery_id, attempt);`,
};
