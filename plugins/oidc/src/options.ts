/**
 * Plugin options. The operator configures the platform-level Google connection here (not per
 * team: any member whose team allows the "google" method may use it, R3). In the server they
 * come from the environment (ROSTER_GOOGLE_CLIENT_ID / ROSTER_GOOGLE_CLIENT_SECRET).
 */
import type { PluginCore as Core } from '@roster/plugin-sdk';

export interface GoogleOptions {
  clientId: string;
  clientSecret: string;
  /** Default https://accounts.google.com; tests point it at a local provider. */
  issuer?: string;
  /** Plain-http issuer, honoured only together with `allowInsecureIssuers` (tests). */
  allowInsecureRequests?: boolean;
  /**
   * Keep the shared `{publicUrl}/oidc/callback` registered at Google (deployments that predate
   * per-connection redirect URIs). Set false once `{publicUrl}/oidc/google/callback` is
   * registered in the Google console: only then are Google's codes safe from IdP mix-up.
   * @default true
   */
  legacyRedirectUri?: boolean;
}

/** One way into a team's SSO, listed by home-realm discovery (R4). */
export interface SsoEntryPoint {
  /** 'oidc', 'saml', 'wsfed' … */
  protocol: string;
  connectionId: string;
  name: string | null;
  /** Where the browser starts the sign-in (absolute); `login_hint` and `return_to` are appended. */
  loginUrl: string;
}

/**
 * Lists a team's enabled SSO entry points for home-realm discovery. The OIDC plugin lists its
 * own connections first; other protocol plugins can be added through `ssoEntryPoints` until the
 * core owns discovery (`/auth/discover`).
 */
export type SsoEntryPointSource = (teamId: string, env: { core: Core; publicUrl: string }) => Promise<SsoEntryPoint[]>;

export interface OidcPluginOptions {
  google?: GoogleOptions;
  /** Lets connections with `allowInsecureRequests` use plain-http issuers. Tests and local development only. */
  allowInsecureIssuers?: boolean;
  /** How long a started sign-in may take at the provider. Default 600 s. */
  flowTtlSeconds?: number;
  /** Clock difference tolerated on exp / iat / nbf. Default 30 s. */
  clockToleranceSeconds?: number;
  /** Extra SSO entry points for home-realm discovery (SAML, WS-Fed … plugins). */
  ssoEntryPoints?: SsoEntryPointSource[];
  /**
   * The network for provider requests: an egress proxy, or tests that route public issuer
   * hostnames to local servers. Default: the SSO toolkit's outbound policy.
   */
  fetch?: typeof fetch;
}

export interface ParsedGoogleOptions {
  clientId: string;
  clientSecret: string;
  issuer: string;
  allowInsecureRequests: boolean;
  legacyRedirectUri: boolean;
}

export interface ParsedOidcOptions {
  google: ParsedGoogleOptions | null;
  allowInsecureIssuers: boolean;
  flowTtlSeconds: number;
  clockToleranceSeconds: number;
  ssoEntryPoints: SsoEntryPointSource[];
  fetch?: typeof fetch;
}

export const GOOGLE_ISSUER = 'https://accounts.google.com';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${name} must be a non-empty string`);
  return value.trim();
}

function seconds(value: unknown, name: string, def: number, min: number, max: number): number {
  if (value === undefined) return def;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

function fetchOption(value: unknown): typeof fetch {
  if (typeof value !== 'function') throw new Error('fetch must be a function');
  return value as typeof fetch;
}

/** Raw options (from the server's plugin options) merged under the factory's options; throws on anything wrong. */
export function parseOptions(raw: unknown, given: OidcPluginOptions): ParsedOidcOptions {
  if (raw !== undefined && raw !== null && !isObject(raw)) throw new Error('options must be an object');
  const merged: Record<string, unknown> = {
    ...(raw ?? {}),
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
  const allowInsecureIssuers = merged.allowInsecureIssuers ?? false;
  if (typeof allowInsecureIssuers !== 'boolean') throw new Error('allowInsecureIssuers must be a boolean');

  let google: ParsedGoogleOptions | null = null;
  if (merged.google !== undefined && merged.google !== null) {
    if (!isObject(merged.google)) throw new Error('google must be an object { clientId, clientSecret, issuer? }');
    const g = merged.google;
    const issuer = g.issuer === undefined ? GOOGLE_ISSUER : text(g.issuer, 'google.issuer').replace(/\/$/, '');
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw new Error(`google.issuer "${issuer}" is not a URL`);
    }
    const allowInsecureRequests = g.allowInsecureRequests ?? false;
    if (typeof allowInsecureRequests !== 'boolean') throw new Error('google.allowInsecureRequests must be a boolean');
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowInsecureRequests && allowInsecureIssuers)) {
      throw new Error('google.issuer must be an https URL');
    }
    const legacyRedirectUri = g.legacyRedirectUri ?? true;
    if (typeof legacyRedirectUri !== 'boolean') throw new Error('google.legacyRedirectUri must be a boolean');
    google = {
      clientId: text(g.clientId, 'google.clientId'),
      clientSecret: text(g.clientSecret, 'google.clientSecret'),
      issuer,
      allowInsecureRequests,
      legacyRedirectUri,
    };
  }

  const sources = merged.ssoEntryPoints ?? [];
  if (!Array.isArray(sources) || sources.some((s) => typeof s !== 'function'))
    throw new Error('ssoEntryPoints must be a list of functions');

  return {
    google,
    allowInsecureIssuers,
    flowTtlSeconds: seconds(merged.flowTtlSeconds, 'flowTtlSeconds', 600, 60, 3600),
    clockToleranceSeconds: seconds(merged.clockToleranceSeconds, 'clockToleranceSeconds', 30, 0, 300),
    ssoEntryPoints: sources as SsoEntryPointSource[],
    ...(merged.fetch !== undefined ? { fetch: fetchOption(merged.fetch) } : {}),
  };
}
