export * from './entities/index.js';
export * from './errors.js';
export {
  findInvalidText,
  textProblem,
  describeInvalidText,
  invalidTextError,
  assertIdentifierLength,
  MAX_IDENTIFIER_LENGTH,
  type InvalidText,
  type InvalidTextReason,
} from './text.js';
export { createCore, type Core, type CoreOptions } from './core.js';
export { coreMigrations, runMigrations, pendingMigrations, type Migration, type SqlExecutor } from './migrations/index.js';
export {
  HookBus,
  SYSTEM_ACTOR,
  boundRows,
  preparedStatements,
  setPreparedStatements,
  textArrayLiteral,
  type BoundOptions,
  type Actor,
  type HookEvents,
  type HookFailure,
  type HookName,
  type Em,
} from './services/context.js';
export type { Viewer } from './services/sessions.js';
export type { AssertedIdentity, SsoSession, SignInOutcome, ProtocolRefusal, SignInAttempt, SignInRefusalCode } from './services/sign-in.js';
export type { IdentifiedMember, SignInMember, SignInVerdict } from './services/sign-in.js';
export {
  SignInMethodRegistry,
  PASSWORD_METHOD,
  type SignInMethodDefinition,
  type DeclaredSignInMethod,
  type PolicyRefusal,
} from './services/sign-in-methods.js';
export type { VerifiedToken } from './services/tokens.js';
export type { SetupLink, SetupScope } from './services/setup-links.js';
export { PASSWORD_THROTTLE, type PasswordAttempt, type PasswordAttemptSource, type PasswordSignInOutcome } from './services/throttle.js';
export { NodeCache } from './services/node-cache.js';
export { TokenCache, TOKEN_REVOKED_CHANNEL } from './services/token-cache.js';
export { RowCache, ROW_CHANGED_CHANNEL, notifyRowChangesSql } from './services/row-cache.js';
export type { ProvisionInput, UpdateInput, ProfileInput } from './services/members.js';
export type { TxtResolver } from './services/domains.js';
export { hashPassword, verifyPassword, newSecret, hashToken, SecretBox } from './services/crypto.js';
export { audit, auditEvent, auditRefusal } from './services/audit.js';
export {
  EventLog,
  eventCte,
  actorJson,
  PLATFORM_SCOPE,
  EVENTS_PAGE_DEFAULT,
  EVENTS_PAGE_MAX,
  type EventInput,
  type LoggedEvent,
  type EventActor,
  type EventPage,
  type ListEventsInput,
} from './services/events.js';
export * from './graphql/index.js';
export {
  WebhookService,
  MAX_WEBHOOK_ENDPOINTS,
  type WebhookUrlCheck,
  type WebhookEndpointRow,
  type WebhookDeliveryRow,
  type WebhookAttemptRow,
  type WebhookDeliveryStatus,
  type WebhookEndpointInput,
} from './services/webhooks/endpoints.js';
export { WebhookWorker, type WebhookWorkerOptions } from './services/webhooks/worker.js';
export { WEBHOOK_RETRY, baseDelayMs, nextAttemptAt } from './services/webhooks/schedule.js';
export { newWebhookSecret, signatureHeader } from './services/webhooks/signing.js';
