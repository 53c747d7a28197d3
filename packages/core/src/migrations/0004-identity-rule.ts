import type { Migration } from './types.js';

/**
 * Who an asserted identity may become (#12): after the first link a member is one subject per
 * connection. Before this rule a second subject carrying the member's email was linked too
 * (#12.3); those later links are removed (the first one stays), each with an audit event, and a
 * unique index keeps it so, also under concurrent first sign-ins. The index also serves the
 * sign-in lookup ("has this member a subject on this connection?") and the cascade when a
 * membership is deleted.
 */
export const identityRule: Migration = {
  name: 'core/0004-identity-rule',
  sql: `with gone as (
  delete from identity i using identity j
  where i.membership_id = j.membership_id and i.connection_id = j.connection_id
    and (j.created_at, j.id) < (i.created_at, i.id)
  returning i.id, i.team_id, i.membership_id, i.connection_id, i.subject
)
insert into audit_event (id, team_id, at, channel, action, outcome, actor_type, actor_label, target_type, target_id, reason, data)
select gen_random_uuid(), team_id, now(), 'system', 'identity.unlinked', 'success', 'system', 'core/0004-identity-rule', 'member', membership_id::text,
  'a second subject had been linked to the member by email (#12.3); only the first link of a connection identifies a member',
  jsonb_build_object('connectionId', connection_id, 'subject', subject)
from gone;
create unique index identity_membership_connection_uq on identity (membership_id, connection_id);`,
};
