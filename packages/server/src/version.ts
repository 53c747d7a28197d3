import { createRequire } from 'node:module';

/**
 * The version of `@roster/server` that plugins' `host` ranges are checked against. Read from the
 * package's own package.json (one level above `src/` and `dist/` alike), so it cannot drift.
 */
export const SERVER_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
