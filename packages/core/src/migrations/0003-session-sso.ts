import type { Migration } from './types.js';

/**
 * What the IdP calls a sign-in (SAML NameID, its format and SessionIndex), kept on the session it
 * opened and written in the same statement, so single logout finds the sessions to end.
 */
export const sessionSso: Migration = {
  name: 'core/0003-session-sso',
  sql: `alter table session add column sso jsonb;
create index session_sso_subject_idx on session (connection_id, (sso->>'subject')) where sso is not null;`,
};
