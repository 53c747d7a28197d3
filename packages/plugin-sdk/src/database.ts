/**
 * SQL on the plugin's own tables (those its migrations create). Each call is one statement in
 * its own transaction, so make each step one statement: `insert … on conflict … returning`,
 * `update … where <still valid> returning` to consume something exactly once. Parameters are
 * bound, written `?` (a literal question mark, e.g. the jsonb operator, is `\\?`).
 */
export interface PluginDatabase {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}
