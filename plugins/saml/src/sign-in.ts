import { randomBytes } from 'node:crypto';
import type { Core } from '@roster/core';
import { checkReturnTo, type RosterConfig, type SignInApi } from '@roster/plugin-sdk';
import { SamlErrorCodes } from './errors.js';
import { jsonError, redirect, requestHash, type HttpResult } from './http-result.js';
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

/** What `login` stores under the AuthnRequest id. */
export interface RequestFlow {
  connectionId: string;
  teamId: string;
  returnTo: string;
  /** The random RelayState sent with the request; the IdP echoes it. */
  relay: string;
}

function asRequestFlow(value: unknown): RequestFlow | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.connectionId !== 'string' || typeof v.teamId !== 'string' || typeof v.returnTo !== 'string' || typeof v.relay !== 'string') return null;
  return { connectionId: v.connectionId, teamId: v.teamId, returnTo: v.returnTo, relay: v.relay };
}

export interface SignInEnv {
  core: Core;
  config: RosterConfig;
  options: SamlPluginOptions;
  signIn: SignInApi;
}

export interface AcsInput {
  connectionId: string;
  /** The parsed form body (`SAMLResponse`, `RelayState`); anything else is treated as missing. */
  body: unknown;
  /** Hashes from the request-binding cookie. */
  pendingHashes: string[];
  /** HTTP request id, for the audit trail. */
  requestId: string;
}

/** The SP-initiated start, the ACS and SP metadata: framework-free handlers returning `HttpResult`. */
export class SamlSignIn {
  constructor(
    private readonly svc: SamlConnections,
    private readonly env: SignInEnv,
  ) {}

  async metadata(connectionId: string): Promise<HttpResult> {
    const conn = await this.svc.runtime(connectionId);
    if (!conn) return notFound();
    const urls = this.svc.urls(conn.id);
    return {
      status: 200,
      headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8', 'cache-control': 'public, max-age=300' },
      body: buildSpMetadata(this.svc.configOf(conn), { sloUrl: urls.sloUrl }),
    };
  }

  /** GET /saml/:id/login?return_to= → AuthnRequest by Redirect (302) or POST (auto-submitted form). */
  async login(connectionId: string, returnToParam: unknown, pendingHashes: string[]): Promise<HttpResult> {
    const conn = await this.svc.runtime(connectionId, true);
    if (!conn) return notFound();
    if (!conn.enabled) return jsonError(403, 'SAML_CONNECTION_DISABLED', SamlErrorCodes.SAML_CONNECTION_DISABLED.message);
    const flow: RequestFlow = {
      connectionId: conn.id,
      teamId: conn.teamId,
      returnTo: checkReturnTo(returnToParam, this.env.config.allowedOrigins, '/'),
      // RelayState is a random key, never the return URL itself (which stays server-side).
      relay: randomBytes(18).toString('base64url'),
    };
    const built = buildAuthnRequest(this.svc.configOf(conn), { now: new Date(), relayState: flow.relay });
    await this.env.core.flows.put(REQUEST_FLOW, built.id, flow, this.env.options.requestTtlSeconds);
    const hash = requestHash(built.id);
    const requestCookie = [...pendingHashes.filter((h) => h !== hash), hash];
    if (built.redirectUrl) return redirect(built.redirectUrl, { requestCookie });
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
      requestCookie,
    };
  }

  /** POST /saml/:id/acs: validate, hand the identity to the core, start the session. Never a 500 for client input. */
  async acs(input: AcsInput): Promise<HttpResult> {
    const conn = await this.svc.runtime(input.connectionId, true);
    if (!conn) return notFound();
    const form = readForm(input.body);
    const trace = { teamId: conn.teamId, connectionId: conn.id, protocol: 'saml', requestId: input.requestId } as const;
    if (!conn.enabled) {
      await this.env.signIn.refuse({ ...trace, step: 'connection', reason: 'the connection is disabled' });
      return jsonError(403, 'SAML_CONNECTION_DISABLED', SamlErrorCodes.SAML_CONNECTION_DISABLED.message);
    }

    const solicited: { flow: RequestFlow | null } = { flow: null };
    const core = this.env.core;
    const deps: SamlValidationDeps = {
      now: () => new Date(),
      replay: { claim: (namespace, key, expiresAt) => core.replay.claim(namespace, key, expiresAt) },
      requests: {
        take: async (requestId) => {
          // Checked before the store is touched, so a response replayed in another browser cannot
          // burn the victim's pending request either.
          if (!input.pendingHashes.includes(requestHash(requestId))) {
            throw new SamlValidationError('in_response_to', `request ${requestId} was not started in this browser (its binding cookie is missing)`);
          }
          const flow = asRequestFlow(await core.flows.take(REQUEST_FLOW, requestId));
          if (!flow) return null;
          if (flow.teamId !== conn.teamId) throw new SamlValidationError('in_response_to', `request ${requestId} was started for another team`);
          if (form.relayState !== undefined && form.relayState !== flow.relay) {
            throw new SamlValidationError('in_response_to', 'RelayState does not belong to the sign-in request');
          }
          solicited.flow = flow;
          return { connectionId: flow.connectionId };
        },
      },
    };

    let config: SamlConnectionConfig;
    try {
      config = this.svc.configOf(conn);
    } catch {
      await this.env.signIn.refuse({ ...trace, step: 'config', reason: 'the SP key of this connection cannot be unsealed (ROSTER_SECRET_KEY changed?)' });
      return refused('config');
    }
    const result = await validateSamlResponse({ samlResponse: form.samlResponse ?? '', ...(form.relayState !== undefined ? { relayState: form.relayState } : {}) }, config, deps);
    if (!result.ok) {
      await this.env.signIn.refuse({ ...trace, step: result.step, reason: result.reason });
      return refused(result.step);
    }

    const identity = result.identity;
    const outcome = await this.env.signIn.complete({
      teamId: conn.teamId,
      connectionId: conn.id,
      protocol: 'saml',
      method: 'sso',
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
    if (!outcome.ok) return jsonError(403, outcome.code, outcome.reason);

    const flow = solicited.flow;
    // IdP-initiated: RelayState is the IdP's "default relay state", at most a path or an allowed origin.
    const target = flow ? flow.returnTo : form.relayState;
    const requestCookie = flow ? input.pendingHashes.filter((h) => h !== requestHash(identity.inResponseTo ?? '')) : input.pendingHashes;
    return redirect(checkReturnTo(target, this.env.config.allowedOrigins, '/'), {
      session: outcome.token,
      ...(requestCookie.length !== input.pendingHashes.length ? { requestCookie } : {}),
    });
  }

}

function notFound(): HttpResult {
  return jsonError(404, 'SAML_CONNECTION_NOT_FOUND', SamlErrorCodes.SAML_CONNECTION_NOT_FOUND.message);
}

/** The browser learns the failing step; the reason (what support needs) is in the sign-in trace. */
function refused(step: string): HttpResult {
  return jsonError(403, 'SAML_SIGNIN_REFUSED', SamlErrorCodes.SAML_SIGNIN_REFUSED.message, { step });
}

/** `SAMLResponse` / `RelayState` as single strings; repeated or non-string fields count as absent. */
function readForm(body: unknown): { samlResponse?: string; relayState?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  const one = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const samlResponse = one(b.SAMLResponse);
  const relayState = one(b.RelayState);
  return { ...(samlResponse !== undefined ? { samlResponse } : {}), ...(relayState !== undefined && relayState !== '' ? { relayState: relayState.slice(0, 2048) } : {}) };
}
