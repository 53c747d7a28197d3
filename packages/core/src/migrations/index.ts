import { coreInitial } from './0001-core.js';
import { signInThrottle } from './0002-sign-in-throttle.js';
import { sessionSso } from './0003-session-sso.js';
import { identityRule } from './0004-identity-rule.js';
import { throttleAndNotify } from './0006-throttle-and-notify.js';
import { signInMethods } from './0007-sign-in-methods.js';
import { events } from './0008-events.js';
import { webhooks } from './0009-webhooks.js';
import { setupLinks } from './0010-setup-links.js';
import { pluginReadViews } from './0011-plugin-read-views.js';
import { eventSequencer } from './0012-event-sequencer.js';
import { membersPage } from './0013-members-page.js';
import { membersRead } from './0014-members-read.js';
import { scimWrites } from './0015-scim-writes.js';
import { eventOnce } from './0018-event-once.js';
import type { Migration } from './types.js';
export type { Migration } from './types.js';
export { runMigrations, pendingMigrations, type SqlExecutor } from './runner.js';
export const coreMigrations: Migration[] = [
  coreInitial,
  signInThrottle,
  sessionSso,
  identityRule,
  throttleAndNotify,
  signInMethods,
  events,
  webhooks,
  setupLinks,
  pluginReadViews,
  eventSequencer,
  membersPage,
  membersRead,
  scimWrites,
  eventOnce,
];
