import { RosterError } from '@roster/core';

/**
 * The server's error catalogue: what stops a node at boot. Each code is stable (an operator's
 * runbook or a deployment check may match it) and each message names the plugin and says what to do.
 * The plugin host's older codes (`PLUGIN_DUPLICATE`, `PLUGIN_MISSING_DEPENDENCY`,
 * `PLUGIN_INVALID_OPTIONS`) live in the core's catalogue and mean the same kind of thing.
 */
export const ServerErrorCodes = {
  /** A `ROSTER_PLUGINS` / config-file entry is neither a first-party name, nor an installed package, nor an existing file. */
  PLUGIN_NOT_FOUND: 'No such plugin: not a first-party name, an installed package or a file.',
  /** The module was found but importing it threw (a syntax error, a missing dependency of its own…). */
  PLUGIN_LOAD_FAILED: 'The plugin module could not be imported.',
  /** The module's default export is neither a plugin object nor a factory that returns one. */
  PLUGIN_NOT_A_PLUGIN: 'The module does not export a plugin.',
  /** The plugin's `host` range does not include this server's version. */
  PLUGIN_HOST_MISMATCH: 'The plugin was written for another version of Roster.',
  /** `roster.config.*` (or `ROSTER_CONFIG`) cannot be read, or does not have the documented shape. */
  PLUGIN_CONFIG_INVALID: 'The plugin configuration file is not valid.',
  /** A migration of the core or of a plugin failed; nothing after it ran. */
  MIGRATION_FAILED: 'A database migration failed.',
} as const;

export type ServerErrorCode = keyof typeof ServerErrorCodes;

/** A boot-time error: it stops the node (status 500: nothing a client did). */
export function bootError(code: ServerErrorCode, message: string, details: Record<string, unknown> = {}): RosterError {
  return new RosterError(code, message, details, 500);
}
