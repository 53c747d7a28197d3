/**
 * The relying-party core against a real OpenID Provider (oidc-provider 9, in-process):
 * discovery, authorization code + PKCE, client authentication methods, cross-node finish,
 * single use of the flow state, key rotation and Google-style `hd` restriction.
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowStoreLike } from '@roster/plugin-sdk';
import {
  beginSignIn,
  checkConnection,
  DiscoveryCache,
  finishSignIn,
  MemoryFlowStore,
  type FlowDeps,
  type OidcConnection,
} from '../src/index.js';
import { CookieJar, followToCallback } from './support/browser.js';
import { startOp, type TestOp } from './support/op.js';

const REDIRECT = 'http://127.0.0.1:9/oidc/callback';
let op: TestOp;
let clientKey: { privateJwk: JWK; publicJwk: JWK };

const accounts = {
  ada: {
    email: 'ada@example.com',
    email_verified: true,
    given_name: 'Ada',
    family_name: 'Lovelace',
    name: 'Ada Lovelace',
    groups: ['Salesperson', 'Admins'],
    hd: 'example.com',
  },
  bob: { email: 'bob@gmail.com', email_verified: true, given_name: 'Bob', family_name: 'Builder', name: 'Bob Builder' },
  eve: { email: 'eve@evil.example', email_verified: true, name: 'Eve', hd: 'evil.example' },
};

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  clientKey = {
    privateJwk: { ...(await exportJWK(privateKey)), kid: 'rp-1' },
    publicJwk: { ...(await exportJWK(publicKey)), kid: 'rp-1', use: 'sig' },
  };
  op = await startOp({
    accounts,
    clients: [
      {
        client_id: 'basic',
        client_secret: 'basic-secret-0123456789',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'post',
        client_secret: 'post-secret-0123456789',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: 'pkjwt',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [clientKey.publicJwk] },
      },
    ],
  });
});
afterAll(async () => op?.close());

function connection(overrides: Partial<OidcConnection> = {}): OidcConnection {
  return {
    id: 'conn-1',
    teamId: 'team-1',
    issuer: op.issuer,
    clientId: 'basic',
    clientSecret: 'basic-secret-0123456789',
    tokenEndpointAuthMethod: 'client_secret_basic',
    scopes: ['openid', 'profile', 'email', 'groups'],
    claimMapping: {},
    redirectUri: REDIRECT,
    allowInsecureRequests: true,
    ...overrides,
  };
}

function deps(flows: FlowStoreLike = new MemoryFlowStore(), discovery = new DiscoveryCache()): FlowDeps {
  return { flows, discovery, allowInsecureIssuers: true };
}

async function signIn(conn: OidcConnection, d: FlowDeps, account: string, returnTo?: string) {
  const { url, setCookie } = await beginSignIn(conn, d, { loginHint: account, returnTo });
  const callback = await followToCallback(url, conn.redirectUri, new CookieJar());
  return { callback, setCookie, result: await finishSignIn(conn, callback, d, { cookieHeader: setCookie }), url };
}

describe('OIDC sign-in against oidc-provider', () => {
  it('R18: discovery, code + PKCE (S256), state and nonce give a verified identity', async () => {
    const d = deps();
    const { url, result } = await signIn(connection(), d, 'ada', '/app/leads');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('scope')).toBe('openid profile email groups');
    expect(result).toMatchObject({
      ok: true,
      connectionId: 'conn-1',
      teamId: 'team-1',
      returnTo: '/app/leads',
      identity: {
        issuer: op.issuer,
        subject: 'ada',
        email: 'ada@example.com',
        emailVerified: true,
        givenName: 'Ada',
        familyName: 'Lovelace',
        name: 'Ada Lovelace',
        groups: ['Salesperson', 'Admins'],
        groupsOverage: false,
        hd: 'example.com',
      },
    });
  });

  it('authenticates with client_secret_post and private_key_jwt', async () => {
    const post = await signIn(
      connection({ clientId: 'post', clientSecret: 'post-secret-0123456789', tokenEndpointAuthMethod: 'client_secret_post' }),
      deps(),
      'bob',
    );
    expect(post.result).toMatchObject({ ok: true, identity: { subject: 'bob', email: 'bob@gmail.com' } });
    const jwt = await signIn(
      connection({
        clientId: 'pkjwt',
        clientSecret: undefined,
        tokenEndpointAuthMethod: 'private_key_jwt',
        privateKeyJwk: { ...clientKey.privateJwk, kty: 'EC' },
      }),
      deps(),
      'bob',
    );
    expect(jwt.result).toMatchObject({ ok: true, identity: { subject: 'bob' } });
  });

  it('refuses a wrong client secret at the token step', async () => {
    const { result } = await signIn(connection({ clientSecret: 'not-the-secret-0123456789' }), deps(), 'ada');
    expect(result).toMatchObject({ ok: false, step: 'token', connectionId: 'conn-1', teamId: 'team-1' });
  });

  it('reports the provider refusing the sign-in (access_denied)', async () => {
    const { result } = await signIn(connection(), deps(), 'nobody');
    expect(result).toMatchObject({ ok: false, step: 'authorization' });
    if (!result.ok) expect(result.reason).toMatch(/access_denied.*cancelled/);
  });

  it('a flow started on one node finishes on another (shared flow store, separate caches)', async () => {
    const shared = new MemoryFlowStore();
    const nodeA = deps(shared, new DiscoveryCache());
    const nodeB = deps(shared, new DiscoveryCache());
    const conn = connection();
    const { url, setCookie } = await beginSignIn(conn, nodeA, { loginHint: 'ada' });
    const callback = await followToCallback(url, REDIRECT);
    const result = await finishSignIn(async (id) => (id === conn.id ? conn : null), callback, nodeB, { cookieHeader: setCookie });
    expect(result).toMatchObject({ ok: true, identity: { subject: 'ada' } });
  });

  it('the flow state is single use: a replayed callback is refused', async () => {
    const d = deps();
    const conn = connection();
    const { callback, result, setCookie } = await signIn(conn, d, 'ada');
    expect(result.ok).toBe(true);
    expect(await finishSignIn(conn, callback, d, { cookieHeader: setCookie })).toMatchObject({ ok: false, step: 'state' });
  });

  it('a callback from another browser is refused without consuming the flow', async () => {
    const d = deps();
    const conn = connection();
    const { url, setCookie } = await beginSignIn(conn, d, { loginHint: 'ada' });
    const other = await beginSignIn(conn, d, { loginHint: 'ada' });
    const callback = await followToCallback(url, REDIRECT);
    expect(await finishSignIn(conn, callback, d, { cookieHeader: other.setCookie })).toMatchObject({ ok: false, step: 'state' });
    expect(await finishSignIn(conn, callback, d)).toMatchObject({ ok: false, step: 'state' });
    expect(await finishSignIn(conn, callback, d, { cookieHeader: setCookie })).toMatchObject({ ok: true });
  });

  it('a flow started for one connection cannot be finished on another', async () => {
    const d = deps();
    const { url, setCookie } = await beginSignIn(connection(), d, { loginHint: 'ada' });
    const callback = await followToCallback(url, REDIRECT);
    expect(await finishSignIn(connection({ id: 'conn-2' }), callback, d, { cookieHeader: setCookie })).toMatchObject({
      ok: false,
      step: 'state',
      connectionId: 'conn-1',
    });
    // Refused before it was consumed: the right connection still finishes it.
    expect(await finishSignIn(connection(), callback, d, { cookieHeader: setCookie })).toMatchObject({ ok: true });
  });

  it('PKCE is enforced: a different code_verifier is refused by the provider', async () => {
    const inner = new MemoryFlowStore();
    const tampering: FlowStoreLike = {
      put: (ns, key, value, ttl) =>
        inner.put(
          ns,
          key,
          { ...(value as { data: object }), data: { ...(value as { data: object }).data, codeVerifier: 'x'.repeat(43) } },
          ttl,
        ),
      take: (ns, key) => inner.take(ns, key),
      peek: (ns, key) => inner.peek(ns, key),
    };
    const { result } = await signIn(connection(), deps(tampering), 'ada');
    expect(result).toMatchObject({ ok: false, step: 'token' });
  });

  it('key rotation at the provider: an unknown kid refetches the JWKS once', async () => {
    const d = deps();
    const conn = connection();
    expect((await signIn(conn, d, 'ada')).result.ok).toBe(true);
    const before = op.hits.get('/jwks') ?? 0;
    expect((await signIn(conn, d, 'ada')).result.ok).toBe(true);
    expect(op.hits.get('/jwks') ?? 0).toBe(before); // cached: same key
    const kid = await op.rotateKeys();
    const after = await signIn(conn, d, 'ada');
    expect(after.result).toMatchObject({ ok: true, identity: { subject: 'ada' } });
    expect(op.signingKid()).toBe(kid);
    expect(op.hits.get('/jwks') ?? 0).toBe(before + 1);
  });

  it('Google Workspace: only accounts of the hosted domain (hd) are accepted', async () => {
    const conn = connection({ provider: 'google', hostedDomain: 'example.com' });
    const ada = await signIn(conn, deps(), 'ada');
    expect(ada.url.searchParams.get('hd')).toBe('example.com');
    expect(ada.result).toMatchObject({ ok: true, identity: { hd: 'example.com' } });
    expect((await signIn(conn, deps(), 'eve')).result).toMatchObject({ ok: false, step: 'hd' });
    expect((await signIn(conn, deps(), 'bob')).result).toMatchObject({ ok: false, step: 'hd' });
  });

  it('R18: checkConnection validates a connection before it is saved', async () => {
    const d = deps();
    expect(await checkConnection(connection(), d)).toMatchObject({
      ok: true,
      provider: { issuer: op.issuer, pkceS256: true, tokenEndpoint: `${op.issuer}/token` },
    });
    expect(await checkConnection(connection({ clientSecret: undefined }), d)).toMatchObject({ ok: false, step: 'configuration' });
    expect(await checkConnection(connection({ issuer: `${op.issuer}/nowhere` }), d)).toMatchObject({ ok: false, step: 'discovery' });
  });

  it('userinfo completes the identity when the ID token lacks claims', async () => {
    const conn = connection({ scopes: ['openid', 'email'], useUserinfo: true });
    const { result } = await signIn(conn, deps(), 'ada');
    expect(result).toMatchObject({ ok: true, identity: { email: 'ada@example.com', name: null } });
  });
});
