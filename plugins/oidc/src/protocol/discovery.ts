/**
 * Discovery and JWKS caching in front of openid-client.
 *
 * openid-client stays in charge of every check (issuer match, Entra's `{tenantid}` issuer, TLS
 * only, key selection); this cache only answers its GET requests for discovery documents and
 * JWK sets from memory, through openid-client's `customFetch` hook. That gives one cache per
 * issuer shared by all connections (hundreds of teams on Google or Entra), a TTL with a stale
 * copy kept when the provider is briefly down, and key rotation: when an ID token names a `kid`
 * the cached JWKS lacks, the JWKS is fetched again, at most once per `jwksRefreshIntervalSeconds`
 * so a stream of tokens with made-up kids cannot turn Roster into a load generator.
 */
import type * as client from 'openid-client';

export interface DiscoveryCacheOptions {
  /** A discovery document or JWKS is reused this long before it is fetched again. Default 3600. */
  ttlSeconds?: number;
  /** When a refresh fails, the previous copy is still served this long past its TTL. Default 86400. */
  maxStaleSeconds?: number;
  /** Minimum time between two JWKS fetches caused by an unknown `kid`. Default 30. */
  jwksRefreshIntervalSeconds?: number;
  /** HTTP timeout for every provider request. Default 10. */
  timeoutSeconds?: number;
  /** The network; tests route hostnames such as login.microsoftonline.com to local servers. */
  fetch?: typeof fetch;
  /** Milliseconds clock, injectable for TTL tests. */
  now?: () => number;
}

interface Entry {
  body: string;
  contentType: string;
  fetchedAt: number;
  /** JWKS only: the key ids it holds. */
  kids: string[];
}

/** A provider document could not be fetched; `kind` tells discovery and JWKS failures apart. */
export class ProviderFetchError extends Error {
  constructor(
    readonly kind: 'discovery' | 'jwks',
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderFetchError';
  }
}

const WELL_KNOWN = '/.well-known/openid-configuration';

function kidsOf(body: string): string[] {
  try {
    const parsed: unknown = JSON.parse(body);
    if (!parsed || typeof parsed !== 'object' || !('keys' in parsed) || !Array.isArray(parsed.keys)) return [];
    return parsed.keys.flatMap((key: unknown) =>
      key && typeof key === 'object' && 'kid' in key && typeof key.kid === 'string' ? [key.kid] : [],
    );
  } catch {
    return [];
  }
}

function jwksUriOf(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'jwks_uri' in parsed && typeof parsed.jwks_uri === 'string') return parsed.jwks_uri;
  } catch {
    // Not JSON: openid-client reports the broken document itself.
  }
  return null;
}

/** Reads the `kid` of the ID token in a token endpoint response, without trusting it. */
function idTokenKid(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (!parsed || typeof parsed !== 'object' || !('id_token' in parsed) || typeof parsed.id_token !== 'string') return undefined;
    const header: unknown = JSON.parse(Buffer.from(parsed.id_token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    if (header && typeof header === 'object' && 'kid' in header && typeof header.kid === 'string') return header.kid;
  } catch {
    // A malformed token is refused later by openid-client with a precise reason.
  }
  return undefined;
}

export class DiscoveryCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly jwksUris = new Set<string>();
  private readonly lastForcedJwks = new Map<string, number>();
  private readonly ttl: number;
  private readonly maxStale: number;
  private readonly jwksInterval: number;
  readonly timeoutSeconds: number;
  private readonly baseFetch: typeof fetch;
  private readonly now: () => number;

  constructor(options: DiscoveryCacheOptions = {}) {
    this.ttl = (options.ttlSeconds ?? 3600) * 1000;
    this.maxStale = (options.maxStaleSeconds ?? 86_400) * 1000;
    this.jwksInterval = (options.jwksRefreshIntervalSeconds ?? 30) * 1000;
    this.timeoutSeconds = options.timeoutSeconds ?? 10;
    this.baseFetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /**
   * A fetch for one sign-in attempt. It remembers the `kid` of the ID token it saw in the token
   * response so that the JWKS request that follows can be refreshed when that key is unknown.
   */
  fetchForAttempt(): client.CustomFetch {
    let hintKid: string | undefined;
    return async (url, options) => {
      if (options.method === 'GET' && new URL(url).pathname.endsWith(WELL_KNOWN)) return this.serve(url, 'discovery');
      if (options.method === 'GET' && this.jwksUris.has(url)) return this.serve(url, 'jwks', hintKid);
      const response = await this.baseFetch(url, {
        method: options.method,
        headers: options.headers,
        body: options.body as RequestInit['body'],
        redirect: options.redirect,
        signal: options.signal,
      });
      if (options.method !== 'POST' || response.status !== 200 || !response.headers.get('content-type')?.includes('json')) return response;
      // Token endpoint: read the body once to learn the kid, then hand openid-client a copy.
      const body = await response.text();
      hintKid = idTokenKid(body) ?? hintKid;
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
  }

  /** Forgets an issuer's documents (admin "refresh metadata", or a connection was edited). */
  invalidate(issuer: string): void {
    const base = issuer.replace(/\/$/, '');
    const wellKnown = `${base}${WELL_KNOWN}`;
    const entry = this.entries.get(wellKnown);
    const jwksUri = entry ? jwksUriOf(entry.body) : null;
    this.entries.delete(wellKnown);
    if (jwksUri) this.entries.delete(jwksUri);
  }

  private async serve(url: string, kind: 'discovery' | 'jwks', wantedKid?: string): Promise<Response> {
    const now = this.now();
    let entry = this.entries.get(url);
    const stale = !entry || now - entry.fetchedAt >= this.ttl;
    const missingKid = kind === 'jwks' && wantedKid !== undefined && entry !== undefined && !entry.kids.includes(wantedKid);
    const mayForce = missingKid && now - (this.lastForcedJwks.get(url) ?? -Infinity) >= this.jwksInterval;
    if (stale || mayForce) {
      if (mayForce) this.lastForcedJwks.set(url, now);
      try {
        entry = await this.load(url, kind);
      } catch (error) {
        if (!entry || now - entry.fetchedAt >= this.ttl + this.maxStale) throw error;
        // Keep signing people in on the last good copy while the provider recovers.
      }
    }
    if (!entry) throw new ProviderFetchError(kind, url, `no ${kind} document for ${url}`);
    return new Response(entry.body, { status: 200, headers: { 'content-type': entry.contentType } });
  }

  /** One request per URL at a time: concurrent sign-ins wait for the same download. */
  private load(url: string, kind: 'discovery' | 'jwks'): Promise<Entry> {
    const running = this.inflight.get(url);
    if (running) return running;
    const job = this.download(url, kind).finally(() => this.inflight.delete(url));
    this.inflight.set(url, job);
    return job;
  }

  private async download(url: string, kind: 'discovery' | 'jwks'): Promise<Entry> {
    let response: Response;
    try {
      response = await this.baseFetch(url, {
        method: 'GET',
        headers: { accept: kind === 'jwks' ? 'application/json, application/jwk-set+json' : 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutSeconds * 1000),
      });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new ProviderFetchError(kind, url, `could not fetch ${url}: ${detail}`);
    }
    if (response.status !== 200) {
      throw new ProviderFetchError(kind, url, `${url} answered HTTP ${response.status}`);
    }
    const body = await response.text();
    const entry: Entry = {
      body,
      contentType: response.headers.get('content-type') ?? 'application/json',
      fetchedAt: this.now(),
      kids: kind === 'jwks' ? kidsOf(body) : [],
    };
    this.entries.set(url, entry);
    if (kind === 'discovery') {
      const jwksUri = jwksUriOf(body);
      if (jwksUri) this.jwksUris.add(jwksUri);
    }
    return entry;
  }
}
