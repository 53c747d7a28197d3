/**
 * Authorization code flow with PKCE (S256), state and nonce.
 *
 * The pending sign-in is the SSO toolkit's (`SsoFlows`): stored in an injected single-use store
 * keyed by `state`, bound to the connection it was started for and to the browser that started
 * it (a cookie), consumed only once those checks and the RFC 9207 `iss` check passed.
 * openid-client performs the protocol checks; this file adds what it leaves to the relying
 * party: the flow, `azp`, `iat` in the future, Entra tenant allow-lists, Google's `hd` and the
 * mapping to an identity.
 */
import * as client from 'openid-client';
import { SsoFlows, type FlowStoreLike, type SsoFlow } from '@roster/plugin-sdk';
import { mapIdentity } from './claims.js';
import { openConfiguration } from './configuration.js';
import type { DiscoveryCache } from './discovery.js';
import { explain, SignInStepError, type Failure } from './errors.js';
import { presetFor } from './presets.js';
import { FLOW_NAMESPACE, type OidcConnection, type OidcFlowData, type SignInFailure, type SignInResult } from './types.js';

/** The cookie binding pending OIDC sign-ins to the browser (the callback is a top-level GET: Lax). */
export const STATE_COOKIE = 'roster_oidc_state';

export interface FlowDeps {
  flows: FlowStoreLike;
  discovery: DiscoveryCache;
  /** How long a started sign-in may take at the provider (MFA included). Default 600 s. */
  flowTtlSeconds?: number;
  /** Clock difference tolerated on exp / iat / nbf. Default 30 s. */
  clockToleranceSeconds?: number;
  /** Lets connections with `allowInsecureRequests` use http issuers (test servers only). */
  allowInsecureIssuers?: boolean;
  /** Marks the binding cookie `Secure` (production). Default false. */
  secureCookies?: boolean;
  /** Milliseconds clock. */
  now?: () => number;
}

export interface BeginOptions {
  /** Already checked with `checkReturnTo`; handed back by `finishSignIn`. */
  returnTo?: string | null;
  loginHint?: string;
  prompt?: 'login' | 'consent' | 'select_account' | 'none';
  /** The browser's Cookie header: sign-ins started in other tabs stay pending. */
  cookieHeader?: string;
}

export interface FinishOptions {
  /**
   * The browser's Cookie header. The flow is bound to the browser that started it: a callback
   * whose state is not in the binding cookie is refused before the flow is touched (login CSRF).
   */
  cookieHeader?: string;
}

/** Finds the connection a callback belongs to when the callback route is shared (legacy `/oidc/callback`). */
export type ConnectionResolver = (connectionId: string) => Promise<OidcConnection | null>;

function scopesFor(conn: OidcConnection): string {
  const scopes = conn.scopes.length > 0 ? conn.scopes : presetFor(conn.provider).scopes;
  return [...new Set(['openid', ...scopes])].join(' ');
}

function parseFlowData(raw: unknown): OidcFlowData | null {
  if (!raw || typeof raw !== 'object') return null;
  const v = raw as Record<string, unknown>;
  return typeof v.codeVerifier === 'string' && typeof v.nonce === 'string' ? { codeVerifier: v.codeVerifier, nonce: v.nonce } : null;
}

/** The OIDC pending sign-ins: the toolkit's flows with OIDC's namespace, cookie and data. */
export function oidcFlows(deps: Pick<FlowDeps, 'flows' | 'flowTtlSeconds' | 'secureCookies'>): SsoFlows<OidcFlowData> {
  return new SsoFlows(
    deps.flows,
    {
      namespace: FLOW_NAMESPACE,
      cookie: { name: STATE_COOKIE, path: '/oidc', sameSite: 'Lax' },
      ttlSeconds: deps.flowTtlSeconds ?? 600,
      parseData: parseFlowData,
    },
    () => deps.secureCookies === true,
  );
}

/** Starts a sign-in: stores the flow state and returns where to send the browser, and the binding cookie. */
export async function beginSignIn(
  conn: OidcConnection,
  deps: FlowDeps,
  options: BeginOptions = {},
): Promise<{ url: URL; state: string; setCookie: string }> {
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
  const { setCookie } = await oidcFlows(deps).begin(
    state,
    { connectionId: conn.id, teamId: conn.teamId, returnTo: options.returnTo ?? null, data: { codeVerifier, nonce } },
    options.cookieHeader,
  );
  return { url, state, setCookie };
}

/**
 * RFC 9207: the `iss` authorization response parameter names the provider that issued the code.
 * Checked before the flow is consumed, whenever present and whenever the provider says it sends
 * it: a code from another provider (mix-up) never reaches this connection's token endpoint.
 */
function checkIssParameter(callbackUrl: URL, metadata: client.ServerMetadata): Failure | null {
  const iss = callbackUrl.searchParams.get('iss');
  if (iss === null) {
    return metadata.authorization_response_iss_parameter_supported
      ? { step: 'issuer', reason: 'the provider sends the iss parameter but this response has none (mix-up?)' }
      : null;
  }
  return iss === metadata.issuer
    ? null
    : { step: 'issuer', reason: `the response was issued by ${iss}, not by this connection's provider (mix-up)` };
}

/** Completes a sign-in from the callback URL; never throws for protocol failures. */
export async function finishSignIn(
  connOrResolver: OidcConnection | ConnectionResolver,
  callbackUrl: URL,
  deps: FlowDeps,
  options: FinishOptions = {},
): Promise<SignInResult> {
  const now = deps.now ?? Date.now;
  const flows = oidcFlows(deps);
  const state = callbackUrl.searchParams.get('state') ?? undefined;
  if (!state) return { ok: false, step: 'state', reason: 'the callback carries no state' };
  let conn: OidcConnection | null;
  if (typeof connOrResolver === 'function') {
    const pending = await flows.peek(state);
    conn = pending ? await connOrResolver(pending.connectionId) : null;
    if (pending && !conn)
      return {
        ok: false,
        step: 'configuration',
        reason: 'the connection of this sign-in no longer exists',
        connectionId: pending.connectionId,
        teamId: pending.teamId,
      };
  } else {
    conn = connOrResolver;
  }
  const traced = conn ? { connectionId: conn.id, teamId: conn.teamId } : {};
  const fail = (failure: Failure): SignInFailure => ({ ok: false, ...failure, ...traced });

  let config: client.Configuration | null = null;
  if (conn) {
    try {
      config = await openConfiguration(conn, deps.discovery, deps.discovery.fetchForAttempt(), deps);
    } catch (error) {
      return fail(explain(error, 'discovery'));
    }
    const issFailure = checkIssParameter(callbackUrl, config.serverMetadata());
    if (issFailure) return fail(issFailure);
  }
  // Binding, known state, same connection and team: only then is the flow consumed.
  const claimed = await flows.claim(state, options.cookieHeader, { connectionId: conn?.id ?? '', teamId: conn?.teamId ?? null });
  if (!claimed.ok) {
    const owner = claimed.flow ? { connectionId: claimed.flow.connectionId, teamId: claimed.flow.teamId } : traced;
    return { ok: false, step: 'state', reason: claimed.reason, ...owner };
  }
  if (!conn || !config) return fail({ step: 'state', reason: 'unknown, expired or already used sign-in state' });
  const flow: SsoFlow<OidcFlowData> = claimed.flow;

  // The token request must repeat the registered redirect URI byte for byte, whatever host or
  // scheme the callback reached us on behind a proxy: rebuild it from the connection.
  const current = new URL(conn.redirectUri);
  current.search = callbackUrl.search;

  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.data.codeVerifier,
      expectedNonce: flow.data.nonce,
      expectedState: state,
      idTokenExpected: true,
    });
  } catch (error) {
    return fail(explain(error, 'token'));
  }
  const idClaims = tokens.claims();
  if (!idClaims) return fail({ step: 'id_token', reason: 'the token response carries no ID token' });

  // A single-audience token may still name another client as its authorized party: that token
  // was issued to that client, not to us (openid-client only checks azp with several audiences).
  if (idClaims.azp !== undefined && idClaims.azp !== conn.clientId) {
    return fail({ step: 'audience', reason: `the ID token was issued to another client (azp ${String(idClaims.azp)})` });
  }

  const tolerance = deps.clockToleranceSeconds ?? 30;
  if (idClaims.iat > now() / 1000 + tolerance) {
    return fail({ step: 'issued_at', reason: 'the ID token is issued in the future (check the clocks)' });
  }
  const tenantFailure = checkTenant(conn, config, idClaims);
  if (tenantFailure) return fail(tenantFailure);
  if (conn.hostedDomain) {
    const hd = typeof idClaims.hd === 'string' ? idClaims.hd.toLowerCase() : null;
    if (hd !== conn.hostedDomain.toLowerCase()) {
      return fail({
        step: 'hd',
        reason: hd
          ? `the account belongs to ${hd}, not ${conn.hostedDomain}`
          : `the account is not a ${conn.hostedDomain} workspace account`,
      });
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
  return {
    ok: true,
    identity: mapIdentity(conn, claims),
    returnTo: flow.returnTo,
    connectionId: conn.id,
    teamId: conn.teamId,
    setCookie: claimed.setCookie,
  };
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
export async function checkConnection(
  conn: OidcConnection,
  deps: Pick<FlowDeps, 'discovery' | 'allowInsecureIssuers'>,
): Promise<{ ok: true; provider: ProviderSummary } | { ok: false; step: Failure['step']; reason: string }> {
  try {
    const metadata = (await openConfiguration(conn, deps.discovery, deps.discovery.fetchForAttempt(), deps)).serverMetadata();
    const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    if (!methods.includes(conn.tokenEndpointAuthMethod)) {
      return {
        ok: false,
        step: 'configuration',
        reason: `the provider does not offer ${conn.tokenEndpointAuthMethod} (it offers ${methods.join(', ')})`,
      };
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
