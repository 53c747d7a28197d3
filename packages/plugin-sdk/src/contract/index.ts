export * from './types.js';
export * from './services.js';
export * from './graphql.js';
/**
 * Values the host and plugins must share (one class for type-graphql, one error brand, one
 * trigger format): re-exported from the host's packages, promised by the SDK.
 */
export {
  RosterError,
  isRosterError,
  uniqueViolation,
  databaseUnavailable,
  findInvalidText,
  describeInvalidText,
  textProblem,
  textArrayLiteral,
  notifyRowChangesSql,
  TOKEN_REVOKED_CHANNEL,
  TeamType,
  SignInAttemptType,
  SignInMethodEnum,
} from '@roster/core';
export type { InvalidText, InvalidTextReason, SignInMethod } from '@roster/core';
