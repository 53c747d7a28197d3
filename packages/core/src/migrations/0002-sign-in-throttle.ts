import type { Migration } from './types.js';

/** Password sign-in throttling reads recent refusals per login from the audit log. */
export const signInThrottle: Migration = {
  name: 'core/0002-sign-in-throttle',
  sql: `create index audit_event_password_refusals_idx on audit_event ((data->>'email'), at) where action = 'signin.refused' and channel = 'password';`,
};
