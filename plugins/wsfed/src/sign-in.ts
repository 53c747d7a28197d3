/**
 * The passive requestor profile's endpoints, framework-free: each handler returns an `SsoResult`
 * and `routes.ts` is the thin Fastify adapter. Flow state (`wctx`), its binding cookie,
 * `return_to`, input hygiene and the refusal page are the SDK's SSO toolkit.
 */
import { randomBytes } from 'node:crypto';
import {
  checkReturnTo,
  inputProblem,
  parseCookieHeader,
  redirectResult,
  refusalResult,
  refuseSignIn,
  serializeCookie,
  SsoFlows,
  type PluginContext,
  type SsoResult,
} from '@roster/plugin-sdk';
import type { WsFedConnectionEntity } from './entity.js';
import { WsFedErrorCodes } from './errors.js';
import type { WsFedPluginOptions } from './options.js';
import { buildSignInUrl, buildSignOutUrl, handleSignOutCleanup, parseWsFedMessage, validateWsFedResponse } from './protocol/index.js';
import type { WsFedConnections } from './service.js';

/** Flow-store namespace of started sign-ins (key: wctx). */
export const FLOW_NAMESPACE = 'wsfed';
/** The cookie binding pending sign-ins (hashes of their wctx) to the browser; SameSite=None: the IdP posts cross-site. */
export const BINDING_COOKIE = 'roster_wsfed';
const AFTER_SIGNOUT_COOKIE = 'roster_wsfed_after_signout';

/** Steps the handlers add to the protocol core's (`xml`, `token`, `signature`, …) in the sign-in trace (R19). */
export type RouteStep = 'connection' | 'request' | 'state';

/** Who asked, as the handlers need it. */
export interface RequestInfo {
  requestId: string;
  accept: string;
  cookieHeader: string | undefined;
  /** The team of the request's signed-in viewer (sign-out cleanup only ends sessions of the connection's team). */
  viewerTeam(): Promise<string | null | undefined>;
}

type Ctx = PluginContext<WsFedPluginOptions>;

export class WsFedSignIn {
  private readonly flows: SsoFlows<Record<string, never>>;
  private readonly secure: boolean;

  constructor(
    private readonly ctx: Ctx,
    private readonly svc: WsFedConnections,
  ) {
    this.secure = ctx.config.production || ctx.config.publicUrl.startsWith('https:');
    this.flows = new SsoFlows(
      ctx.core.flows,
      {
        namespace: FLOW_NAMESPACE,
        cookie: { name: BINDING_COOKIE, path: '/wsfed/', sameSite: 'None' },
        ttlSeconds: ctx.options.flowTtlSeconds,
        parseData: () => ({}),
      },
      () => this.secure,
    );
  }

  private problem(status: number, error: keyof typeof WsFedErrorCodes, req: RequestInfo): SsoResult {
    return refusalResult({ status, error, message: WsFedErrorCodes[error].message, requestId: req.requestId, accept: req.accept });
  }

  /** Traces the refusal for the team's admins (R19), then answers 403. */
  private refuse(req: RequestInfo, conn: WsFedConnectionEntity, step: string, reason: string): Promise<SsoResult> {
    this.ctx.logger.info({ connectionId: conn.id, teamId: conn.teamId, step, reason, requestId: req.requestId }, 'WS-Fed sign-in refused');
    return refuseSignIn(
      this.ctx.signIn,
      { teamId: conn.teamId, connectionId: conn.id, protocol: 'wsfed', step, reason, requestId: req.requestId },
      { prefix: 'WSFED', accept: req.accept },
    );
  }

  /** `GET /wsfed/:id/login` → 302 to the IdP (wsignin1.0), state in the flow store + binding cookie. */
  async login(connectionId: string, query: Record<string, string | string[]>, req: RequestInfo): Promise<SsoResult> {
    const conn = await this.svc.find(connectionId);
    if (!conn) return this.problem(404, 'WSFED_CONNECTION_NOT_FOUND', req);
    if (!conn.enabled) return this.problem(403, 'WSFED_CONNECTION_DISABLED', req);
    const returnTo = checkReturnTo(query.return_to, this.ctx.config.allowedOrigins);
    const whr = query.whr;
    const wctx = randomBytes(32).toString('base64url');
    const { setCookie } = await this.flows.begin(
      wctx,
      { connectionId: conn.id, teamId: conn.teamId, returnTo, data: {} },
      req.cookieHeader,
    );
    const url = buildSignInUrl(this.svc.toProtocol(conn), {
      wctx,
      ...(typeof whr === 'string' && whr.length > 0 && whr.length <= 256 && !inputProblem({ whr }) ? { whr } : {}),
    });
    return redirectResult(url, { cookies: [setCookie] });
  }

  /** `POST /wsfed/:id/acs` ← wresult from the IdP → core sign-in → session → 302 to return_to. */
  async acsPost(connectionId: string, form: Record<string, string | string[]>, req: RequestInfo): Promise<SsoResult> {
    const conn = await this.svc.find(connectionId);
    if (!conn) return this.problem(404, 'WSFED_CONNECTION_NOT_FOUND', req);
    const unclean = inputProblem(form);
    if (unclean) return this.refuse(req, conn, 'request', unclean);
    const message = parseWsFedMessage(form);
    if (message.action === 'invalid') return this.refuse(req, conn, 'request', message.reason);
    if (message.action !== 'signin') return this.cleanup(conn, message.wreply, req);
    if (!conn.enabled) return this.refuse(req, conn, 'connection', 'the connection is disabled');
    if (message.wctx === undefined)
      return this.refuse(req, conn, 'state', 'the response carries no wctx issued by Roster (IdP-initiated sign-in is not supported)');

    // State: single-use, from any node (flow store), bound to this connection and to the browser
    // that started it. The token is validated once the state is known to be this browser's, and
    // the state is consumed only if the token passed: a refused response (another browser, a bad
    // token) leaves the pending sign-in for the real one.
    const checked: { result?: Awaited<ReturnType<typeof validateWsFedResponse>> } = {};
    const claimed = await this.flows.claim(message.wctx, req.cookieHeader, {
      connectionId: conn.id,
      teamId: conn.teamId,
      check: async () => {
        checked.result = await validateWsFedResponse(message.wresult, this.svc.toProtocol(conn), {
          replay: { claim: (ns, key, exp) => this.ctx.core.replay.claim(ns, key, exp) },
        });
        return checked.result.ok ? null : checked.result.reason;
      },
    });
    const result = checked.result;
    if (result && !result.ok) {
      const named = result.assertionId ? ` [assertion ${result.assertionId}${result.issuer ? ` from ${result.issuer}` : ''}]` : '';
      return this.refuse(req, conn, result.step, `${result.reason}${named}`);
    }
    if (!claimed.ok || !result) return this.refuse(req, conn, 'state', claimed.ok ? 'the response was not validated' : claimed.reason);

    const id = result.identity;
    const outcome = await this.ctx.signIn.complete({
      teamId: conn.teamId,
      connectionId: conn.id,
      protocol: 'wsfed',
      method: 'wsfed',
      subject: id.nameId,
      email: id.email ?? null,
      givenName: id.givenName ?? null,
      familyName: id.familyName ?? null,
      displayName: id.displayName ?? null,
      // Whether the IdP vouches for the email is the admin's call (`trustEmails`); the core also
      // accepts addresses in a domain this team verified.
      emailVerified: conn.trustEmails,
      requestId: req.requestId,
    });
    const cookies = [claimed.setCookie];
    // The core decided (R3 policy, R7 inactive, JIT) and traced it with step "policy".
    if (!outcome.ok)
      return refusalResult(
        { status: 403, error: outcome.code, message: outcome.reason, step: 'policy', requestId: req.requestId, accept: req.accept },
        { cookies },
      );
    return redirectResult(checkReturnTo(claimed.flow.returnTo, this.ctx.config.allowedOrigins), { cookies, session: outcome.token });
  }

  /** `GET /wsfed/:id/acs` ← wsignoutcleanup1.0 / wsignout1.0 from the IdP, or the landing after sign-out. */
  async acsGet(connectionId: string, query: Record<string, string | string[]>, req: RequestInfo): Promise<SsoResult> {
    const conn = await this.svc.find(connectionId);
    if (!conn) return this.problem(404, 'WSFED_CONNECTION_NOT_FOUND', req);
    const unclean = inputProblem(query);
    if (unclean) return this.refuse(req, conn, 'request', unclean);
    if (query.wa === undefined) {
      // Back from the IdP's sign-out (wreply of /logout): continue where the member asked to go.
      const target = parseCookieHeader(req.cookieHeader).get(AFTER_SIGNOUT_COOKIE);
      return redirectResult(checkReturnTo(target, this.ctx.config.allowedOrigins), { cookies: [this.afterSignOutCookie('', 0)] });
    }
    const message = parseWsFedMessage(query);
    if (message.action === 'invalid') return this.refuse(req, conn, 'request', message.reason);
    // A token in a URL ends up in logs and browser history: WS-Fed posts it.
    if (message.action === 'signin')
      return this.refuse(req, conn, 'request', 'wsignin1.0 responses must be posted, not sent in the query string');
    return this.cleanup(conn, message.wreply, req);
  }

  /** `GET /wsfed/:id/logout` → ends the Roster session, 302 to the IdP (wsignout1.0). */
  async logout(connectionId: string, query: Record<string, string | string[]>, req: RequestInfo): Promise<SsoResult> {
    const conn = await this.svc.find(connectionId);
    if (!conn) return this.problem(404, 'WSFED_CONNECTION_NOT_FOUND', req);
    const token = parseCookieHeader(req.cookieHeader).get(this.ctx.config.sessionCookie);
    if (token) await this.ctx.core.sessions.revoke(token);
    const returnTo = checkReturnTo(query.return_to, this.ctx.config.allowedOrigins);
    if (!conn.enabled) return redirectResult(returnTo, { clearSession: true });
    // The IdP ends its session (and the other relying parties'), then comes back to the reply URL.
    return redirectResult(buildSignOutUrl(this.svc.toProtocol(conn), { wreply: conn.replyUrl }), {
      clearSession: true,
      cookies: [this.afterSignOutCookie(returnTo, 600)],
    });
  }

  /** wsignoutcleanup1.0 (and an IdP-sent wsignout1.0): end this team's Roster session, answer as the IdP expects. */
  private async cleanup(conn: WsFedConnectionEntity, wreply: string | undefined, req: RequestInfo): Promise<SsoResult> {
    const result = handleSignOutCleanup(this.svc.toProtocol(conn), wreply);
    const token = parseCookieHeader(req.cookieHeader).get(this.ctx.config.sessionCookie);
    let clearSession = false;
    if (token) {
      const team = await req.viewerTeam();
      // A session of another team is not this IdP's to end.
      if (!team || team === conn.teamId) {
        await this.ctx.core.sessions.revoke(token);
        clearSession = true;
      }
    }
    if (result.response.kind === 'redirect') return redirectResult(result.response.location, { clearSession });
    return {
      status: 200,
      headers: { 'content-type': result.response.contentType, 'cache-control': 'no-store' },
      body: result.response.body,
      clearSession,
    };
  }

  private afterSignOutCookie(value: string, maxAge: number): string {
    return serializeCookie(AFTER_SIGNOUT_COOKIE, value, { path: '/wsfed/', maxAge, sameSite: 'Lax', secure: this.secure });
  }
}
