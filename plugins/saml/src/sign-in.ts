import { randomBytes } from 'node:crypto';
import {
  checkReturnTo,
  inputProblem,
  refuseSignIn,
  SsoFlows,
  type PluginCore as Core,
  type RosterConfig,
  type SignInApi,
} from '@roster/plugin-sdk';
import { SamlErrorCodes } from './errors.js';
import { jsonError, redirect, type HttpResult, type RequestInfo } from './http-result.js';
import type { SamlPluginOptions } from './options.js';
import {
  buildAuthnRequest,
  buildSpMetadata,
  postFormHtml,
  SamlValidationError,
  validateSamlResponse,
  type SamlConnectionConfig,
  type SamlValidationDeps,
} from './protocol/index.js';
import type { SamlConnections } from './service.js';

/** Flow namespace of pending AuthnRequests (PostgreSQL: any node can finish the sign-in). */
export const REQUEST_FLOW = 'saml-request';

/** What `login` keeps with the AuthnRequest id, besides the toolkit's connection, team and return_to. */
export interface RequestFlowData {
  /** The random RelayState sent with the request; the IdP echoes it. */
  relay: string;
}

function asRequestData(value: unknown): RequestFlowData | null {
  if (typeof value !== 'object' || value === null) return null;
  const relay = (value as Record<string, unknown>).relay;
  return typeof relay === 'string' ? { relay } : null;
}

export interface SignInEnv {
  core: Core;
  config: RosterConfig;
  options: SamlPluginOptions;
  signIn: SignInApi;
}

export interface AcsInput extends RequestInfo {
  connectionId: string;
  /** The parsed form body (`SAMLResponse`, `RelayState`); anything else is treated as missing. */
  body: unknown;
  /** The Cookie header (the request-binding cookie). */
  cookieHeader: string | undefined;
}

/** The SP-initiated start, the ACS and SP metadata: framework-free handlers returning `HttpResult`. */
export class SamlSignIn {
  /** Pending AuthnRequests: the toolkit's flow store and binding cookie (SameSite=None: the IdP posts cross-site). */
  readonly flows: SsoFlows<RequestFlowData>;

  constructor(
    private readonly svc: SamlConnections,
    private readonly env: SignInEnv,
  ) {
    const config = env.config;
    this.flows = new SsoFlows(
      env.core.flows,
      {
        namespace: REQUEST_FLOW,
        cookie: { name: env.options.requestCookie, path: '/saml/', sameSite: 'None' },
        ttlSeconds: env.options.requestTtlSeconds,
        parseData: asRequestData,
      },
      // Over plain http (development) browsers drop SameSite=None without Secure: the attribute is left out.
      () => config.production || config.publicUrl.startsWith('https:'),
    );
  }

  async metadata(connectionId: string, request: RequestInfo): Promise<HttpResult> {
    const conn = await this.svc.runtime(connectionId);
    if (!conn) return notFound(request);
    const urls = this.svc.urls(conn.id);
    return {
      status: 200,
      headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8', 'cache-control': 'public, max-age=300' },
      body: buildSpMetadata(this.svc.configOf(conn), { sloUrl: urls.sloUrl }),
    };
  }

  /** GET /saml/:id/login?return_to= → AuthnRequest by Redirect (302) or POST (auto-submitted form). */
  async login(connectionId: string, returnToParam: unknown, cookieHeader: string | undefined, request: RequestInfo): Promise<HttpResult> {
    const conn = await this.svc.runtime(connectionId, true);
    if (!conn) return notFound(request);
    if (!conn.enabled) return jsonError(403, 'SAML_CONNECTION_DISABLED', SamlErrorCodes.SAML_CONNECTION_DISABLED.message, request);
    // RelayState is a random key, never the return URL itself (which stays server-side).
    const relay = randomBytes(18).toString('base64url');
    const built = buildAuthnRequest(this.svc.configOf(conn), { now: new Date(), relayState: relay });
    const { setCookie } = await this.flows.begin(
      built.id,
      {
        connectionId: conn.id,
        teamId: conn.teamId,
        returnTo: checkReturnTo(returnToParam, this.env.config.allowedOrigins, '/'),
        data: { relay },
      },
      cookieHeader,
    );
    const cookies = [setCookie];
    if (built.redirectUrl) return redirect(built.redirectUrl, { cookies });
    const nonce = randomBytes(16).toString('base64');
    const idpOrigin = new URL(conn.idpSsoUrl).origin;
    return {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${idpOrigin}; base-uri 'none'; frame-ancestors 'none'`,
      },
      body: postFormHtml(built.form as { action: string; fields: Record<string, string> }, nonce),
      cookies,
    };
  }

  /** POST /saml/:id/acs: validate, hand the identity to the core, start the session. Never a 500 for client input. */
  async acs(input: AcsInput): Promise<HttpResult> {
    const conn = await this.svc.runtime(input.connectionId, true);
    if (!conn) return notFound(input);
    const trace = { teamId: conn.teamId, connectionId: conn.id, protocol: 'saml', requestId: input.requestId } as const;
    const refuse = (step: string, reason: string) =>
      refuseSignIn(
        this.env.signIn,
        { ...trace, step, reason },
        { prefix: 'SAML', accept: input.accept, message: SamlErrorCodes.SAML_SIGNIN_REFUSED.message },
      );
    if (!conn.enabled) {
      await this.env.signIn.refuse({ ...trace, step: 'connection', reason: 'the connection is disabled' });
      return jsonError(403, 'SAML_CONNECTION_DISABLED', SamlErrorCodes.SAML_CONNECTION_DISABLED.message, input);
    }
    const problem = inputProblem(input.body);
    if (problem) return refuse('request', problem);
    const form = readForm(input.body);

    const solicited: { flow: { returnTo: string | null; setCookie: string } | null } = { flow: null };
    const core = this.env.core;
    const deps: SamlValidationDeps = {
      now: () => new Date(),
      replay: { claim: (namespace, key, expiresAt) => core.replay.claim(namespace, key, expiresAt) },
      requests: {
        // Runs after every check of the response itself passed; the toolkit consumes the pending
        // request only once binding, team, connection and RelayState agree, so a refused response
        // (another browser, team or connection, a foreign RelayState) leaves it for the real one.
        take: async (requestId) => {
          const claimed = await this.flows.claim(requestId, input.cookieHeader, {
            connectionId: conn.id,
            teamId: conn.teamId,
            check: (flow) =>
              form.relayState !== undefined && form.relayState !== flow.data.relay
                ? 'RelayState does not belong to the sign-in request'
                : null,
          });
          if (!claimed.ok) throw new SamlValidationError('in_response_to', `request ${requestId}: ${claimed.reason}`);
          solicited.flow = { returnTo: claimed.flow.returnTo, setCookie: claimed.setCookie };
          return { connectionId: claimed.flow.connectionId };
        },
      },
    };

    let config: SamlConnectionConfig;
    try {
      config = this.svc.configOf(conn);
    } catch {
      return refuse('config', 'the SP key of this connection cannot be unsealed (ROSTER_SECRET_KEY changed?)');
    }
    const result = await validateSamlResponse(
      { samlResponse: form.samlResponse ?? '', ...(form.relayState !== undefined ? { relayState: form.relayState } : {}) },
      config,
      deps,
    );
    if (!result.ok) return refuse(result.step, result.reason);

    const identity = result.identity;
    const outcome = await this.env.signIn.complete({
      teamId: conn.teamId,
      connectionId: conn.id,
      protocol: 'saml',
      method: 'saml',
      subject: identity.nameId,
      email: identity.email,
      givenName: identity.givenName,
      familyName: identity.familyName,
      // Whether the IdP vouches for the email is the admin's call (`trustEmails`); the core also
      // counts the team's verified domains (docs/security.md).
      emailVerified: conn.trustEmails,
      requestId: input.requestId,
      // Which SAML subject opened the session, for single logout: written with the session.
      ssoSession: { subject: identity.nameId, format: identity.nameIdFormat, sessionIndex: identity.sessionIndex },
    });
    if (!outcome.ok) return jsonError(403, outcome.code, outcome.reason, input, { step: 'policy' });

    const flow = solicited.flow;
    // IdP-initiated: RelayState is the IdP's "default relay state", at most a path or an allowed origin.
    const target = flow ? flow.returnTo : form.relayState;
    return redirect(checkReturnTo(target, this.env.config.allowedOrigins, '/'), {
      session: outcome.token,
      ...(flow ? { cookies: [flow.setCookie] } : {}),
    });
  }
}

function notFound(request: RequestInfo): HttpResult {
  return jsonError(404, 'SAML_CONNECTION_NOT_FOUND', SamlErrorCodes.SAML_CONNECTION_NOT_FOUND.message, request);
}

/** `SAMLResponse` / `RelayState` as single strings; repeated or non-string fields count as absent. */
function readForm(body: unknown): { samlResponse?: string; relayState?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  const one = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const samlResponse = one(b.SAMLResponse);
  const relayState = one(b.RelayState);
  return {
    ...(samlResponse !== undefined ? { samlResponse } : {}),
    ...(relayState !== undefined && relayState !== '' ? { relayState: relayState.slice(0, 2048) } : {}),
  };
}
