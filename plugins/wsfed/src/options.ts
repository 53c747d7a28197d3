/** Options of `wsfedPlugin()`, after `parseOptions` filled the defaults. */
export interface WsFedPluginOptions {
  /**
   * A metadata import older than this is refreshed by the scheduler (seconds; default 24 h).
   * `0` turns the schedule off; `refreshWsFedMetadata` still works.
   */
  metadataRefreshIntervalSeconds: number;
  /** How often each node looks for connections due for a refresh (ms; default 5 min). */
  metadataCheckEveryMs: number;
  /** At most this many connections are refreshed by one node per check. */
  metadataBatchSize: number;
  /** `fetch` used to download metadata: an egress proxy in production, a fake IdP in tests. */
  fetch?: typeof fetch;
  /**
   * Allow `http://` metadata URLs, IdP endpoints and reply URLs (local test issuers). Defaults to
   * true outside production and false in production.
   */
  allowHttp?: boolean;
  /** Let metadata URLs name loopback, link-local or private addresses (off: they are an SSRF vector). */
  allowPrivateMetadataHosts: boolean;
  /** How long a started sign-in (its `wctx`) stays usable, seconds (default 600). */
  flowTtlSeconds: number;
}

export type WsFedPluginInput = Partial<WsFedPluginOptions>;

const DEFAULTS: WsFedPluginOptions = {
  metadataRefreshIntervalSeconds: 24 * 3600,
  metadataCheckEveryMs: 5 * 60 * 1000,
  metadataBatchSize: 20,
  allowPrivateMetadataHosts: false,
  flowTtlSeconds: 600,
};

/** Merges options given to the factory with raw options from the server configuration; throws on nonsense. */
export function parseWsFedOptions(raw: unknown, given: WsFedPluginInput): WsFedPluginOptions {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw new Error('options must be an object');
  const merged = { ...DEFAULTS, ...((raw as WsFedPluginInput | null | undefined) ?? {}), ...given } as WsFedPluginOptions;
  const int = (name: keyof WsFedPluginOptions, min: number, max: number) => {
    const v = merged[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  };
  int('metadataRefreshIntervalSeconds', 0, 30 * 24 * 3600);
  int('metadataCheckEveryMs', 100, 24 * 3600 * 1000);
  int('metadataBatchSize', 1, 1000);
  int('flowTtlSeconds', 30, 3600);
  if (merged.fetch !== undefined && typeof merged.fetch !== 'function') throw new Error('fetch must be a function');
  if (merged.allowHttp !== undefined && typeof merged.allowHttp !== 'boolean') throw new Error('allowHttp must be a boolean');
  if (typeof merged.allowPrivateMetadataHosts !== 'boolean') throw new Error('allowPrivateMetadataHosts must be a boolean');
  return merged;
}
