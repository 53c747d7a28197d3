/** Options: where the keys live, and whether this deployment is a demo at all. */
export interface DemoIdpOptions {
  /** The embedded database's folder; the IdPs' keys are generated under it (never committed). */
  dataDir?: string | null;
  /** True when the server runs on `DATABASE_URL` (a shared, real database): the IdPs refuse. */
  sharedDatabase?: boolean;
}

export interface ParsedDemoIdpOptions {
  dataDir: string | null;
  sharedDatabase: boolean;
}

export function parseOptions(raw: unknown, given: DemoIdpOptions): ParsedDemoIdpOptions {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw new Error('options must be an object');
  const merged = {
    ...((raw ?? {}) as Record<string, unknown>),
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
  const dataDir = merged.dataDir ?? null;
  if (dataDir !== null && (typeof dataDir !== 'string' || dataDir === '')) throw new Error('dataDir must be a folder path');
  const sharedDatabase = merged.sharedDatabase ?? false;
  if (typeof sharedDatabase !== 'boolean') throw new Error('sharedDatabase must be a boolean');
  return { dataDir, sharedDatabase };
}

/**
 * Why the test IdPs must not run here, or null. They sign in made-up people with keys kept in a
 * local folder, so anywhere near real users they would be a back door: never in production, never
 * on a shared database, never without the embedded database's folder to keep their keys in.
 */
export function refusalReason(options: ParsedDemoIdpOptions, env: { production: boolean }): string | null {
  if (env.production) return 'NODE_ENV is production';
  if (options.sharedDatabase) return 'DATABASE_URL is set (the test IdPs run on the embedded demo database only)';
  if (!options.dataDir) return 'no data folder to keep their keys in (dataDir)';
  return null;
}
