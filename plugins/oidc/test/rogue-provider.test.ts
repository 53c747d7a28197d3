/**
 * Negative cases against a misbehaving provider, after the OpenID RP certification basic plan:
 * each bad response is refused with a stable step (R19 records it) and a human reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beginSignIn,
  DiscoveryCache,
  finishSignIn,
  MemoryFlowStore,
  SignInStepError,
  type FlowDeps,
  type OidcConnection,
  type SignInResult,
} from '../src/index.js';
import { RogueOp, type RogueOptions, type Scenario } from './support/rogue-op.js';

const REDIRECT = 'https://roster.example/oidc/callback';
const started: RogueOp[] = [];
let rogue: RogueOp;

async function startRogue(options: RogueOptions = {}): Promise<RogueOp> {
  const op = await RogueOp.start(options);
  started.push(op);
  return op;
}

beforeAll(async () => {
  rogue = await startRogue();
});
afterAll(async () => {
  await Promise.all(started.map((op) => op.close()));
});

function connection(op: RogueOp, overrides: Partial<OidcConnection> = {}): OidcConnection {
  return {
    id: 'conn-r',
    teamId: 'team-r',
    issuer: op.issuer,
    clientId: 'roster-client',
    clientSecret: 'secret',
    tokenEndpointAuthMethod: 'client_secret_basic',
    scopes: ['openid', 'email', 'profile'],
    claimMapping: {},
    redirectUri: REDIRECT,
    allowInsecureRequests: true,
    ...overrides,
  };
}

function deps(op: RogueOp): FlowDeps {
  return { flows: new MemoryFlowStore(), discovery: new DiscoveryCache({ fetch: op.routeFetch() }), allowInsecureIssuers: true };
}

async function attempt(scenario: Scenario, op = rogue, overrides: Partial<OidcConnection> = {}): Promise<SignInResult> {
  const conn = connection(op, overrides);
  const d = deps(op);
  const { url, setCookie } = await beginSignIn(conn, d);
  return finishSignIn(conn, op.respond(url, scenario), d, { cookieHeader: setCookie });
}

describe('misbehaving provider: every bad response is refused with its step', () => {
  it('accepts a well-formed response (control case)', async () => {
    expect(await attempt({})).toMatchObject({ ok: true, identity: { subject: 'user-1', email: 'user@example.com' } });
  });

  it.each<[string, Scenario, string, RegExp?]>([
    ['wrong issuer', { claims: { iss: 'https://evil.example' } }, 'issuer', /another issuer/],
    ['wrong audience', { claims: { aud: 'someone-else' } }, 'audience', /another client/],
    ['several audiences without azp', { claims: { aud: ['roster-client', 'someone-else'] } }, 'audience'],
    ['azp naming another client', { claims: { aud: ['roster-client', 'someone-else'], azp: 'someone-else' } }, 'audience'],
    ['bad nonce', { claims: { nonce: 'replayed-nonce' } }, 'nonce', /nonce/],
    ['missing nonce', { claims: { nonce: undefined } }, 'nonce'],
    ['alg: none', { signing: 'none' }, 'signature'],
    ['HS256 keyed with the public key', { signing: 'hmac-public-key' }, 'signature'],
    ['bad signature (payload changed after signing)', { signing: 'tampered' }, 'signature', /signature/],
    ['signed by a key the JWKS does not hold', { signing: 'unpublished-key' }, 'signature'],
    ['unknown kid', { signWith: 'b' }, 'signature'],
    [
      'expired token',
      { claims: { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 600 } },
      'expired',
      /expired/,
    ],
    [
      'issued in the future',
      { claims: { iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 } },
      'issued_at',
    ],
    ['not yet valid (nbf)', { claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }, 'issued_at'],
    ['missing sub', { claims: { sub: undefined } }, 'id_token'],
    ['userinfo sub mismatch', { userinfo: { sub: 'someone-else', email: 'ceo@example.com' } }, 'userinfo', /"sub"/],
    [
      'token endpoint error',
      { tokenError: { status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } } },
      'token',
      /invalid_grant/,
    ],
    ['no ID token at all', { tokenError: { status: 200, body: { access_token: 'x', token_type: 'Bearer' } } }, 'id_token'],
  ])('%s → %s', async (_name, scenario, step, reason) => {
    const result = await attempt(scenario);
    expect(result).toMatchObject({ ok: false, step, connectionId: 'conn-r', teamId: 'team-r' });
    if (reason && !result.ok) expect(result.reason).toMatch(reason);
  });

  it('bad state: unknown, missing or replayed state is refused', async () => {
    const conn = connection(rogue);
    const d = deps(rogue);
    const { url, setCookie } = await beginSignIn(conn, d);
    const cookieHeader = setCookie;
    expect(await finishSignIn(conn, rogue.respond(url, {}, { state: 'forged-state' }), d, { cookieHeader })).toMatchObject({
      ok: false,
      step: 'state',
    });
    expect(await finishSignIn(conn, rogue.respond(url, {}, { state: null }), d, { cookieHeader })).toMatchObject({
      ok: false,
      step: 'state',
    });
    const good = rogue.respond(url);
    expect(await finishSignIn(conn, good, d, { cookieHeader })).toMatchObject({ ok: true });
    expect(await finishSignIn(conn, good, d, { cookieHeader })).toMatchObject({ ok: false, step: 'state' });
  });

  it('missing kid with several keys in the JWKS is refused; with one key it is fine', async () => {
    const two = await startRogue({ publish: ['a', 'b'], publishKids: false });
    expect(await attempt({ header: { kid: undefined } }, two)).toMatchObject({ ok: false, step: 'signature' });
    const one = await startRogue({ publish: ['a'], publishKids: false });
    expect(await attempt({ header: { kid: undefined } }, one)).toMatchObject({ ok: true });
  });

  it('discovery naming another issuer is refused before the browser leaves', async () => {
    const liar = await startRogue({ metadataIssuer: 'https://accounts.google.com' });
    await expect(beginSignIn(connection(liar), deps(liar))).rejects.toMatchObject({ step: 'discovery' });
  });

  it('an unreachable discovery document is a discovery failure', async () => {
    const down = await startRogue({ discoveryStatus: 503 });
    const error = await beginSignIn(connection(down), deps(down)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInStepError);
    expect(error).toMatchObject({ step: 'discovery', reason: expect.stringMatching(/503/) });
  });

  it('plain http issuers need the connection option and the operator switch', async () => {
    await expect(beginSignIn(connection(rogue, { allowInsecureRequests: false }), deps(rogue))).rejects.toMatchObject({
      step: 'configuration',
    });
    await expect(beginSignIn(connection(rogue), { ...deps(rogue), allowInsecureIssuers: false })).rejects.toMatchObject({
      step: 'configuration',
    });
  });

  it('groups overage (Entra _claim_names) is flagged, not read as "no groups"', async () => {
    const result = await attempt({
      claims: {
        _claim_names: { groups: 'src1' },
        _claim_sources: { src1: { endpoint: 'https://graph.microsoft.com/v1.0/users/x/getMemberObjects' } },
      },
    });
    expect(result).toMatchObject({ ok: true, identity: { groups: [], groupsOverage: true } });
  });
});

describe('Microsoft Entra ID multi-tenant issuers', () => {
  const tid = '11111111-2222-3333-4444-555555555555';
  const other = '99999999-8888-7777-6666-555555555555';
  let entra: RogueOp;
  beforeAll(async () => {
    // Served as https://login.microsoftonline.com through an injected fetch, as Entra publishes it.
    entra = await startRogue({
      issuer: 'https://login.microsoftonline.com/common/v2.0',
      metadataIssuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
    });
  });
  const entraToken = (tenant: string, issTenant = tenant): Scenario => ({
    claims: {
      tid: tenant,
      iss: `https://login.microsoftonline.com/${issTenant}/v2.0`,
      preferred_username: 'ada@contoso.example',
      email: undefined,
    },
  });

  it('accepts the issuer of the token tenant when that tenant is allowed', async () => {
    const result = await attempt(entraToken(tid), entra, { provider: 'entra', tenantIds: [tid], allowInsecureRequests: false });
    expect(result).toMatchObject({
      ok: true,
      identity: {
        issuer: `https://login.microsoftonline.com/${tid}/v2.0`,
        tenantId: tid,
        email: 'ada@contoso.example',
        emailVerified: false,
      },
    });
  });

  it('refuses a token whose iss does not match its tid', async () => {
    expect(await attempt(entraToken(tid, other), entra, { provider: 'entra', tenantIds: [tid] })).toMatchObject({
      ok: false,
      step: 'issuer',
    });
  });

  it('refuses tenants not listed on the connection', async () => {
    expect(await attempt(entraToken(other), entra, { provider: 'entra', tenantIds: [tid] })).toMatchObject({ ok: false, step: 'tenant' });
  });

  it('refuses every tenant when a multi-tenant connection lists none', async () => {
    expect(await attempt(entraToken(tid), entra, { provider: 'entra' })).toMatchObject({ ok: false, step: 'tenant' });
  });
});
