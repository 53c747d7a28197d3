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
  type HookName,
  type Em,
} from './services/context.js';
export type { Viewer } from './services/sessions.js';
export type { AssertedIdentity, SsoSession, SignInOutcome, ProtocolRefusal, SignInAttempt, SignInRefusalCode } from './services/sign-in.js';
export type { VerifiedToken } from './services/tokens.js';
export type { SetupLink, SetupScope } from './services/setup-links.js';
export { PASSWORD_THROTTLE, type PasswordAttempt, type PasswordAttemptSource, type PasswordSignInOutcome } from './services/throttle.js';
export { NodeCache } from './services/node-cache.js';
export { TokenCache, TOKEN_REVOKED_CHANNEL } from './services/token-cache.js';
export { RowCache, ROW_CHANGED_CHANNEL, notifyRowChangesSql } from './services/row-cache.js';
export type { ProvisionInput, UpdateInput, ProfileInput } from './services/members.js';
export type { TxtResolver } from './services/domains.js';
export { hashPassword, verifyPassword, newSecret, hashToken, SecretBox } from './services/crypto.js';
export { audit, auditEvent } from './services/audit.js';
export * from './graphql/index.js';
