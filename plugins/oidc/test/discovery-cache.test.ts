/**
 * DiscoveryCache: one download per issuer, TTL refresh, a stale copy while the provider is
 * down, and JWKS refetch on an unknown kid at most once per interval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginSignIn, DiscoveryCache, finishSignIn, MemoryFlowStore, type OidcConnection, type SignInResult } from '../src/index.js';
import { RogueOp, type Scenario } from './support/rogue-op.js';

let op: RogueOp;
beforeAll(async () => {
  op = await RogueOp.start();
});
afterAll(async () => op.close());

const conn = (): OidcConnection => ({
  id: 'c',
  teamId: 't',
  issuer: op.issuer,
  clientId: 'rp',
  clientSecret: 's',
  tokenEndpointAuthMethod: 'client_secret_post',
  scopes: ['openid'],
  claimMapping: {},
  redirectUri: 'https://roster.example/oidc/callback',
  allowInsecureRequests: true,
  useUserinfo: false,
});

function harness(options: { ttlSeconds?: number; maxStaleSeconds?: number; jwksRefreshIntervalSeconds?: number } = {}) {
  let clock = 1_000_000_000_000;
  const cache = new DiscoveryCache({ ...options, now: () => clock });
  const flows = new MemoryFlowStore();
  return {
    cache,
    advance: (seconds: number) => {
      clock += seconds * 1000;
    },
    async signIn(scenario: Scenario = {}): Promise<SignInResult> {
      const c = conn();
      const { url, setCookie } = await beginSignIn(c, { flows, discovery: cache, allowInsecureIssuers: true });
      return finishSignIn(
        c,
        op.respond(url, scenario),
        { flows, discovery: cache, allowInsecureIssuers: true },
        { cookieHeader: setCookie },
      );
    },
  };
}

const hits = (name: string) => op.hits.get(name) ?? 0;

describe('DiscoveryCache', () => {
  it('downloads discovery and JWKS once for many sign-ins, again after the TTL', async () => {
    op.options.publish = ['a'];
    const h = harness({ ttlSeconds: 60 });
    const [d0, j0] = [hits('openid-configuration'), hits('jwks')];
    for (let i = 0; i < 3; i += 1) expect(await h.signIn()).toMatchObject({ ok: true });
    expect([hits('openid-configuration') - d0, hits('jwks') - j0]).toEqual([1, 1]);
    h.advance(61);
    expect(await h.signIn()).toMatchObject({ ok: true });
    expect([hits('openid-configuration') - d0, hits('jwks') - j0]).toEqual([2, 2]);
  });

  it('serves the last good copy while the provider is down, within maxStale', async () => {
    op.options.publish = ['a'];
    const h = harness({ ttlSeconds: 60, maxStaleSeconds: 600 });
    expect(await h.signIn()).toMatchObject({ ok: true });
    op.options.discoveryStatus = 503;
    try {
      h.advance(120);
      expect(await h.signIn()).toMatchObject({ ok: true });
      h.advance(1000);
      await expect(h.signIn()).rejects.toMatchObject({ step: 'discovery' });
    } finally {
      op.options.discoveryStatus = undefined;
    }
  });

  it('refetches the JWKS on an unknown kid, at most once per interval', async () => {
    op.options.publish = ['a'];
    const h = harness({ jwksRefreshIntervalSeconds: 30 });
    expect(await h.signIn()).toMatchObject({ ok: true });
    const j0 = hits('jwks');
    // A made-up kid forces one refetch, which does not find it either.
    expect(await h.signIn({ header: { kid: 'made-up' } })).toMatchObject({ ok: false, step: 'signature' });
    expect(hits('jwks')).toBe(j0 + 1);
    // The provider now rotates to key b: within the interval the JWKS is not fetched again.
    op.options.publish = ['a', 'b'];
    expect(await h.signIn({ signWith: 'b' })).toMatchObject({ ok: false, step: 'signature' });
    expect(hits('jwks')).toBe(j0 + 1);
    h.advance(31);
    expect(await h.signIn({ signWith: 'b' })).toMatchObject({ ok: true });
    expect(hits('jwks')).toBe(j0 + 2);
  });

  it('invalidate() forgets an issuer so the next sign-in downloads again', async () => {
    op.options.publish = ['a'];
    const h = harness();
    expect(await h.signIn()).toMatchObject({ ok: true });
    const d0 = hits('openid-configuration');
    h.cache.invalidate(op.issuer);
    expect(await h.signIn()).toMatchObject({ ok: true });
    expect(hits('openid-configuration')).toBe(d0 + 1);
  });

  it('concurrent sign-ins share one download', async () => {
    op.options.publish = ['a'];
    const h = harness();
    const d0 = hits('openid-configuration');
    const results = await Promise.all([h.signIn(), h.signIn(), h.signIn()]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(hits('openid-configuration')).toBe(d0 + 1);
  });
});
