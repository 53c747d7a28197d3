/**
 * Authorization code flow with PKCE (S256), state and nonce.
 *
 * The flow state lives in an injected single-use store keyed by `state`, so the node that
 * handles the callback need not be the one that sent the browser away. openid-client performs
 * the protocol checks; this file adds what it leaves to the relying party: the flow lookup,
 * `iat` in the future, Entra tenant allow-lists, Google's `hd` and the mapping to an identity.
 */
import { timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import { mapIdentity } from './claims.js';
import { openConfiguration } from './configuration.js';
import type { DiscoveryCache } from './discovery.js';
import { explain, SignInStepError, type Failure } from './errors.js';
import { presetFor } from './presets.js';
import { FLOW_NAMESPACE, type FlowState, type FlowStore, type OidcConnection, type SignInFailure, type SignInResult } from './types.js';

export interface FlowDeps {
  flows: FlowStore;
  discovery: DiscoveryCache;
  /** How long a started sign-in may take at the provider (MFA included). Default 600 s. */
  flowTtlSeconds?: number;
  /** Clock difference tolerated on exp / iat / nbf. Default 30 s. */
  clockToleranceSeconds?: number;
  /** Lets connections with `allowInsecureRequests` use http issuers (test servers only). */
  allowInsecureIssuers?: boolean;
  /** Milliseconds clock. */
  now?: () => number;
}

export interface BeginOptions {
  /** Already checked with `checkReturnTo`; handed back by `finishSignIn`. */
  returnTo?: string | null;
  loginHint?: string;
  prompt?: 'login' | 'consent' | 'select_account' | 'none';
}

export interface FinishOptions {
  /**
   * The state remembered in the browser (a cookie set when the flow began). When given, a
   * callback carrying another state is refused before the flow is consumed: this binds the
   * flow to the browser that started it and stops login CSRF.
   */
  expectedState?: string;
}

/** Finds the connection a callback belongs to when the callback route is shared. */
export type ConnectionResolver = (connectionId: string) => Promise<OidcConnection | null>;

function scopesFor(conn: OidcConnection): string {
  const scopes = conn.scopes.length > 0 ? conn.scopes : presetFor(conn.provider).scopes;
  return [...new Set(['openid', ...scopes])].join(' ');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function parseFlowState(raw: unknown): FlowState | null {
  if (!raw || typeof raw !== 'object') return null;
  const value = raw as Record<string, unknown>;
  const ok =
    typeof value.connectionId === 'string' &&
    (typeof value.teamId === 'string' || value.teamId === null) &&
    typeof value.codeVerifier === 'string' &&
    typeof value.nonce === 'string' &&
    (typeof value.returnTo === 'string' || value.returnTo === null) &&
    typeof value.createdAt === 'number';
  return ok ? (value as unknown as FlowState) : null;
}

/** Starts a sign-in: stores the flow state and returns where to send the browser. */
export async function beginSignIn(conn: OidcConnection, deps: FlowDeps, options: BeginOptions = {}): Promise<{ url: URL; state: string }> {
  let config: client.Configuration;
  try {
    config = await openConfiguration(conn, deps.discovery, deps.discovery.fetchForAttempt(), deps);
  } catch (error) {
    const failure = explain(error, 'discovery');
    throw new SignInStepError(failure.step, failure.reason);
  }
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const parameters: Record<string, string> = {
    redirect_uri: conn.redirectUri,
    scope: scopesFor(conn),
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  };
  // Google only shows accounts of that workspace; the `hd` claim is still checked on return.
  if (conn.hostedDomain) parameters.hd = conn.hostedDomain;
  if (options.loginHint) parameters.login_hint = options.loginHint;
  if (options.prompt) parameters.prompt = options.prompt;
  const url = client.buildAuthorizationUrl(config, parameters);

  const now = deps.now ?? Date.now;
  const flow: FlowState = {
    connectionId: conn.id,
    teamId: conn.teamId,
    codeVerifier,
    nonce,
    returnTo: options.returnTo ?? null,
    createdAt: Math.floor(now() / 1000),
  };
  await deps.flows.put(FLOW_NAMESPACE, state, flow, deps.flowTtlSeconds ?? 600);
  return { url, state };
}

/** Completes a sign-in from the callback URL; never throws for protocol failures. */
export async function finishSignIn(
  connOrResolver: OidcConnection | ConnectionResolver,
  callbackUrl: URL,
  deps: FlowDeps,
  options: FinishOptions = {},
): Promise<SignInResult> {
  const now = deps.now ?? Date.now;
  const state = callbackUrl.searchParams.get('state');
  if (!state) return { ok: false, step: 'state', reason: 'the callback carries no state' };
  if (options.expectedState !== undefined && !sameText(state, options.expectedState)) {
    return { ok: false, step: 'state', reason: 'the sign-in was started in another browser (state does not match the browser)' };
  }
  const flow = parseFlowState(await deps.flows.take(FLOW_NAMESPACE, state));
  if (!flow) return { ok: false, step: 'state', reason: 'unknown, expired or already used state' };
  const traced = { connectionId: flow.connectionId, teamId: flow.teamId };
  const fail = (failure: Failure): SignInFailure => ({ ok: false, ...failure, ...traced });

  if (now() / 1000 - flow.createdAt > (deps.flowTtlSeconds ?? 600)) {
    return fail({ step: 'state', reason: 'the sign-in took too long; start again' });
  }
  const conn = typeof connOrResolver === 'function' ? await connOrResolver(flow.connectionId) : connOrResolver;
  if (!conn) return fail({ step: 'configuration', reason: 'the connection of this sign-in no longer exists' });
  if (conn.id !== flow.connectionId || conn.teamId !== flow.teamId) {
    return fail({ step: 'state', reason: 'the sign-in was started for another connection' });
  }

  let config: client.Configuration;
  try {
    config = await openConfiguration(conn, deps.discovery, deps.discovery.fetchForAttempt(), deps);
  } catch (error) {
    return fail(explain(error, 'discovery'));
  }
  // The token request must repeat the registered redirect URI byte for byte, whatever host or
  // scheme the callback reached us on behind a proxy: rebuild it from the connection.
  const current = new URL(conn.redirectUri);
  current.search = callbackUrl.search;

  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedNonce: flow.nonce,
      expectedState: state,
      idTokenExpected: true,
    });
  } catch (error) {
    return fail(explain(error, 'token'));
  }
  const idClaims = tokens.claims();
  if (!idClaims) return fail({ step: 'id_token', reason: 'the token response carries no ID token' });

  const tolerance = deps.clockToleranceSeconds ?? 30;
  if (idClaims.iat > now() / 1000 + tolerance) {
    return fail({ step: 'issued_at', reason: 'the ID token is issued in the future (check the clocks)' });
  }
  const tenantFailure = checkTenant(conn, config, idClaims);
  if (tenantFailure) return fail(tenantFailure);
  if (conn.hostedDomain) {
    const hd = typeof idClaims.hd === 'string' ? idClaims.hd.toLowerCase() : null;
    if (hd !== conn.hostedDomain.toLowerCase()) {
      return fail({ step: 'hd', reason: hd ? `the account belongs to ${hd}, not ${conn.hostedDomain}` : `the account is not a ${conn.hostedDomain} workspace account` });
    }
  }

  let userinfo: Record<string, unknown> = {};
  const wantUserinfo = conn.useUserinfo ?? presetFor(conn.provider).useUserinfo;
  if (wantUserinfo && config.serverMetadata().userinfo_endpoint) {
    try {
      // openid-client refuses a response whose `sub` differs from the ID token's.
      userinfo = { ...(await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)) };
    } catch (error) {
      return fail(explain(error, 'userinfo'));
    }
  }
  // Signed ID token claims win; userinfo only fills in what the ID token left out.
  const claims: Record<string, unknown> = { ...userinfo, ...idClaims };
  return { ok: true, identity: mapIdentity(conn, claims), returnTo: flow.returnTo, ...traced };
}

/**
 * Entra's `common` / `organizations` metadata names the issuer
 * `https://login.microsoftonline.com/{tenantid}/v2.0`; openid-client already requires the ID
 * token's `iss` to be that URL with the token's own `tid`. Any tenant can pass that check, so
 * a multi-tenant connection must list the tenants it trusts.
 */
function checkTenant(conn: OidcConnection, config: client.Configuration, claims: client.IDToken): Failure | null {
  const multiTenant = config.serverMetadata().issuer.includes('{tenantid}');
  const allowed = conn.tenantIds ?? [];
  if (!multiTenant && allowed.length === 0) return null;
  const tid = typeof claims.tid === 'string' ? claims.tid : null;
  if (!tid) return { step: 'tenant', reason: 'the ID token carries no tenant id (tid)' };
  if (allowed.length === 0) return { step: 'tenant', reason: 'this multi-tenant connection lists no allowed tenants' };
  if (!allowed.includes(tid)) return { step: 'tenant', reason: `tenant ${tid} is not allowed on this connection` };
  return null;
}

export interface ProviderSummary {
  issuer: string;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  userinfoEndpoint: string | null;
  tokenEndpointAuthMethods: string[];
  pkceS256: boolean;
}

/**
 * Checks a connection before it is saved (discovery, client authentication settings) and
 * returns what the admin may want to see. Nothing is sent to the provider but GET requests.
 */
export async function checkConnection(conn: OidcConnection, deps: Pick<FlowDeps, 'discovery' | 'allowInsecureIssuers'>): Promise<{ ok: true; provider: ProviderSummary } | { ok: false; step: Failure['step']; reason: string }> {
  try {
    const metadata = (await openConfiguration(conn, deps.discovery, deps.discovery.fetchForAttempt(), deps)).serverMetadata();
    const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    if (!methods.includes(conn.tokenEndpointAuthMethod)) {
      return { ok: false, step: 'configuration', reason: `the provider does not offer ${conn.tokenEndpointAuthMethod} (it offers ${methods.join(', ')})` };
    }
    return {
      ok: true,
      provider: {
        issuer: metadata.issuer,
        authorizationEndpoint: metadata.authorization_endpoint ?? null,
        tokenEndpoint: metadata.token_endpoint ?? null,
        userinfoEndpoint: metadata.userinfo_endpoint ?? null,
        tokenEndpointAuthMethods: methods,
        // Absent means "not advertised", which many providers that support S256 still do.
        pkceS256: metadata.code_challenge_methods_supported?.includes('S256') ?? false,
      },
    };
  } catch (error) {
    return { ok: false, ...explain(error, 'discovery') };
  }
}
