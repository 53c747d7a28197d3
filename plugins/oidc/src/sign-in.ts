/**
 * The OIDC sign-in endpoints, framework-free: each handler takes what it needs from the request
 * and returns an `SsoResult`; `routes.ts` is the thin Fastify adapter. Flow state, the binding
 * cookie, `return_to`, input hygiene and the refusal page are the SDK's SSO toolkit.
 */
import {
  checkReturnTo,
  firstParam,
  inputProblem,
  inspectReturnTo,
  redirectResult,
  refusalResult,
  refuseSignIn,
  type SsoResult,
} from '@roster/plugin-sdk';
import { OidcErrorCodes, type OidcErrorCode } from './errors.js';
import { SignInStepError } from './protocol/errors.js';
import { beginSignIn, finishSignIn, oidcFlows } from './protocol/flow.js';
import type { OidcConnection, OidcIdentity, SignInFailure, SignInSuccess } from './protocol/types.js';
import { GOOGLE_CONNECTION_ID, type OidcService } from './service.js';

/** Who asked: for the trace and the refusal page. */
export interface RequestInfo {
  requestId: string;
  /** The Accept header: HTML refusal pages for browsers, JSON otherwise. */
  accept: string;
  /** The Cookie header (the flow-binding cookie). */
  cookieHeader: string | undefined;
}

const protocolOf = (connectionId: string) => (connectionId === GOOGLE_CONNECTION_ID ? 'google' : 'oidc');

/**
 * Google's `email` is authoritative for Gmail addresses and Workspace accounts (`hd` present).
 * Any other address was verified once by Google but belongs to a mail system Google does not
 * control, so a former employee could still hold a Google account with it.
 */
function googleEmailProblem(identity: OidcIdentity): string | null {
  if (!identity.email) return 'Google sent no email address';
  if (!identity.emailVerified) return 'Google did not mark the email address as verified';
  const domain = identity.email.toLowerCase().split('@')[1] ?? '';
  if (!identity.hd && domain !== 'gmail.com' && domain !== 'googlemail.com') {
    return `${identity.email} is not a Gmail or Google Workspace address, so Google is not authoritative for it`;
  }
  return null;
}

export class OidcSignIn {
  constructor(private readonly service: OidcService) {}

  private error(code: OidcErrorCode, req: RequestInfo, extra: { message?: string; step?: string } = {}): SsoResult {
    const known = OidcErrorCodes[code];
    return refusalResult({
      status: known.status,
      error: code,
      message: extra.message ?? known.message,
      requestId: req.requestId,
      accept: req.accept,
      ...(extra.step ? { step: extra.step } : {}),
    });
  }

  /** Traces a refused callback (R19) and answers with the toolkit's refusal page. */
  private refuse(
    req: RequestInfo,
    trace: { teamId: string | null; connectionId: string },
    step: string,
    reason: string,
    cookies?: string[],
  ): Promise<SsoResult> {
    return refuseSignIn(
      this.service.env.signIn,
      { ...trace, protocol: protocolOf(trace.connectionId), step, reason, requestId: req.requestId },
      { prefix: 'OIDC', accept: req.accept, message: reason },
      cookies ? { cookies } : {},
    );
  }

  /** `GET /oidc/:id/jwks.json`: the public key for private_key_jwt. */
  async jwks(connectionId: string, req: RequestInfo): Promise<SsoResult> {
    const record = await this.service.find(connectionId);
    if (!record?.publicJwk) return this.error('OIDC_CONNECTION_NOT_FOUND', req, { message: 'This connection has no private_key_jwt key.' });
    return { status: 200, headers: { 'cache-control': 'public, max-age=300' }, body: { keys: [record.publicJwk] } };
  }

  /** `GET /oidc/:id/login?return_to=&login_hint=`: stores the flow, binds it to the browser, redirects to the provider. */
  async login(connectionId: string, query: Record<string, unknown>, req: RequestInfo): Promise<SsoResult> {
    const found = await this.service.forSignIn(connectionId);
    if (!found.ok) return this.error(found.code, req);
    const conn: OidcConnection = found.conn;
    const returnTo = inspectReturnTo(firstParam(query.return_to), this.service.env.config.allowedOrigins);
    const hint = firstParam(query.login_hint)?.trim();
    try {
      const started = await beginSignIn(conn, this.service.flowDeps(), {
        returnTo: returnTo.ok ? returnTo.value : null,
        loginHint: hint && hint.length <= 320 && !inputProblem({ hint }) ? hint : undefined,
        cookieHeader: req.cookieHeader,
      });
      return redirectResult(started.url.href, { cookies: [started.setCookie] });
    } catch (error) {
      if (!(error instanceof SignInStepError)) throw error;
      await this.service.env.signIn.refuse({
        teamId: conn.teamId,
        connectionId: conn.id,
        protocol: protocolOf(conn.id),
        step: error.step,
        reason: error.reason,
        requestId: req.requestId,
      });
      return this.error('OIDC_PROVIDER_UNAVAILABLE', req, { step: error.step });
    }
  }

  /**
   * `GET /oidc/:id/callback` (`pathConnectionId` set) or the legacy shared `GET /oidc/callback`
   * (null): finish the flow, check the claims, hand the identity to the core.
   */
  async callback(pathConnectionId: string | null, callbackUrl: URL, req: RequestInfo): Promise<SsoResult> {
    const problem = inputProblem(Object.fromEntries(callbackUrl.searchParams));
    const state = callbackUrl.searchParams.get('state') ?? undefined;
    if (problem) return this.refuse(req, await this.owner(pathConnectionId, undefined), 'request', problem);
    const found = await this.connectionFor(pathConnectionId, state);
    if (!found.ok) return this.refuse(req, await this.owner(pathConnectionId, state), found.step, found.reason);
    const result = await finishSignIn(found.conn, callbackUrl, this.service.flowDeps(), { cookieHeader: req.cookieHeader });
    if (!result.ok) {
      const flowOwner = { teamId: result.teamId ?? found.conn.teamId, connectionId: result.connectionId ?? found.conn.id };
      if (flowOwner.connectionId !== found.conn.id) {
        // A response for another connection's sign-in (mix-up): both teams' admins see it.
        await this.service.env.signIn.refuse({
          teamId: found.conn.teamId,
          connectionId: found.conn.id,
          protocol: protocolOf(found.conn.id),
          step: result.step,
          reason: result.reason,
          requestId: req.requestId,
        });
      }
      return this.refuse(req, flowOwner, result.step, result.reason);
    }
    const claimsProblem = this.claimsProblem(result);
    if (claimsProblem) return this.refuse(req, result, 'claims', claimsProblem, [result.setCookie]);
    return this.complete(result, req);
  }

  /**
   * The connection whose endpoint the response arrived on. On the shared legacy callback it is
   * read from the pending flow, and only a connection still registered there may use it: a
   * connection with its own redirect URI never finishes a sign-in through the shared one.
   */
  private async connectionFor(
    pathConnectionId: string | null,
    state: string | undefined,
  ): Promise<{ ok: true; conn: OidcConnection } | SignInFailure> {
    let id = pathConnectionId;
    if (id === null) {
      const pending = await oidcFlows(this.service.flowDeps()).peek(state);
      if (!pending) return { ok: false, step: 'state', reason: 'unknown, expired or already used state' };
      id = pending.connectionId;
    }
    const found = await this.service.forSignIn(id);
    if (!found.ok)
      return {
        ok: false,
        step: 'configuration',
        reason:
          found.code === 'OIDC_CONNECTION_DISABLED' ? 'the connection is disabled' : 'the connection of this sign-in no longer exists',
      };
    if ((pathConnectionId === null) !== (found.conn.legacyCallback === true)) {
      return {
        ok: false,
        step: 'state',
        reason:
          pathConnectionId === null
            ? 'the response came back on the shared redirect URI, but this connection has its own (mix-up?)'
            : 'this connection is registered on the shared redirect URI /oidc/callback',
      };
    }
    return { ok: true, conn: found.conn };
  }

  /** Whose trace a refusal goes to: the path's connection, else the pending flow's, else none. */
  private async owner(
    pathConnectionId: string | null,
    state: string | undefined,
  ): Promise<{ teamId: string | null; connectionId: string }> {
    if (pathConnectionId !== null) {
      const record = await this.service.find(pathConnectionId);
      if (record) return { teamId: record.teamId, connectionId: record.id };
    }
    const pending = await oidcFlows(this.service.flowDeps()).peek(state);
    return pending
      ? { teamId: pending.teamId, connectionId: pending.connectionId }
      : { teamId: null, connectionId: pathConnectionId ?? 'unknown' };
  }

  /** What a verified identity may still not claim: Google outside its authority. Who the person may become is the core's rule. */
  private claimsProblem(result: SignInSuccess): string | null {
    return result.teamId === null ? googleEmailProblem(result.identity) : null;
  }

  /** Hands the identity to the core (policy, inactive members, JIT, audit) and starts the session. */
  private async complete(result: SignInSuccess, req: RequestInfo): Promise<SsoResult> {
    const { identity, teamId, connectionId } = result;
    const google = teamId === null;
    const protocol = protocolOf(connectionId);
    const requestId = req.requestId;
    const outcome = await this.service.env.signIn.complete({
      teamId,
      connectionId,
      protocol,
      method: google ? 'google' : 'oidc',
      subject: identity.subject,
      email: identity.email,
      givenName: identity.givenName,
      familyName: identity.familyName,
      displayName: identity.name,
      // The core links or creates by email only when it is vouched for (docs/security.md).
      emailVerified: identity.emailVerified,
      requestId,
    });
    const cookies = [result.setCookie];
    if (!outcome.ok)
      return refusalResult(
        { status: 403, error: outcome.code, message: outcome.reason, step: 'policy', requestId, accept: req.accept },
        { cookies },
      );
    return redirectResult(checkReturnTo(result.returnTo ?? '/', this.service.env.config.allowedOrigins, '/'), {
      cookies,
      session: outcome.token,
    });
  }
}
