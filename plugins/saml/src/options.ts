/** Options of `samlPlugin()`, after `parseOptions` filled the defaults. */
export interface SamlPluginOptions {
  /**
   * A metadata-URL import older than this is refreshed by the scheduler (seconds). `0` turns the
   * schedule off; `refreshSamlMetadata` still works.
   * @default 21600 (6 hours)
   */
  metadataRefreshIntervalSeconds: number;
  /** How often each node looks for connections due for a refresh (ms). @default 60000 */
  metadataCheckEveryMs: number;
  /** At most this many connections are refreshed by one node per check. @default 20 */
  metadataBatchSize: number;
  /** Whole-download deadline for a metadata URL (ms). @default 10000 */
  metadataTimeoutMs: number;
  /** Largest metadata document accepted (bytes). @default 1048576 */
  metadataMaxBytes: number;
  /**
   * Allow `http://` metadata URLs and IdP endpoints.
   * @default true outside production, false in production
   */
  allowHttp?: boolean;
  /** Let metadata URLs reach loopback, link-local or private addresses (an SSRF vector). @default false */
  allowPrivateMetadataHosts: boolean;
  /** How long a started sign-in (its AuthnRequest id) stays usable (seconds). @default 600 */
  requestTtlSeconds: number;
  /** Name of the HttpOnly cookie binding pending AuthnRequests to the browser. @default 'roster_saml' */
  requestCookie: string;
}

export type SamlPluginInput = Partial<SamlPluginOptions>;

const DEFAULTS: SamlPluginOptions = {
  metadataRefreshIntervalSeconds: 6 * 3600,
  metadataCheckEveryMs: 60_000,
  metadataBatchSize: 20,
  metadataTimeoutMs: 10_000,
  metadataMaxBytes: 1024 * 1024,
  allowPrivateMetadataHosts: false,
  requestTtlSeconds: 600,
  requestCookie: 'roster_saml',
};

/** Merges options given to the factory with raw options from the server configuration; throws on nonsense. */
export function parseSamlOptions(raw: unknown, given: SamlPluginInput): SamlPluginOptions {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw new Error('options must be an object');
  const merged = { ...DEFAULTS, ...((raw as SamlPluginInput | null | undefined) ?? {}), ...given } as SamlPluginOptions;
  const int = (name: keyof SamlPluginOptions, min: number, max: number) => {
    const v = merged[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  };
  int('metadataRefreshIntervalSeconds', 0, 30 * 24 * 3600);
  int('metadataCheckEveryMs', 100, 24 * 3600 * 1000);
  int('metadataBatchSize', 1, 1000);
  int('metadataTimeoutMs', 100, 120_000);
  int('metadataMaxBytes', 1024, 16 * 1024 * 1024);
  int('requestTtlSeconds', 30, 3600);
  if (merged.allowHttp !== undefined && typeof merged.allowHttp !== 'boolean') throw new Error('allowHttp must be a boolean');
  if (typeof merged.allowPrivateMetadataHosts !== 'boolean') throw new Error('allowPrivateMetadataHosts must be a boolean');
  if (typeof merged.requestCookie !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(merged.requestCookie))
    throw new Error('requestCookie must be a cookie name');
  return merged;
}
