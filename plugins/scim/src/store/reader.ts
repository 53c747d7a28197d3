/**
 * The read path of the hot endpoints (GET by id, `filter` lookups): the core's statement runner
 * (`core.read`: the ORM's pool, no EntityManager fork, no query builder), with the fixed
 * statements prepared once per connection. Writes always go through the domain services.
 */
import type { PluginCore as Core } from '@roster/plugin-sdk';
import type { Row, Sql } from './sql.js';

/**
 * `prepare` only for statements whose text is one of a fixed few, never for text shaped by
 * client input (each prepared text stays on every pooled connection).
 */
export const readerSql = (core: Core): Sql => ({
  rows: (sql, params, prepare) => core.db.read<Row>(sql, params, { prepare: prepare === true }),
});
