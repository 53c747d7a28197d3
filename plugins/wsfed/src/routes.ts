import { randomBytes } from 'node:crypto';
import { checkReturnTo, type PluginContext } from '@roster/plugin-sdk';
import type { WsFedConnectionEntity } from './entity.js';
import { WsFedErrorCodes } from './errors.js';
import { appendCookie, readCookies, safeEqual, sendProblem, serializeCookie, sha256, toParams, type App, type Reply, type Request } from './http.js';
import type { WsFedPluginOptions } from './options.js';
import { buildSignInUrl, buildSignOutUrl, handleSignOutCleanup, parseWsFedMessage, validateWsFedResponse } from './protocol/index.js';
import type { WsFedConnections } from './service.js';

/** Flow-store namespace of started sign-ins (key: wctx). */
export const FLOW_NAMESPACE = 'wsfed';
/** Binding cookie: `roster_wsfed_<first 16 chars of sha256(wctx)>` = sha256(wctx). One per started sign-in, so tabs do not collide. */
export const BINDING_COOKIE_PREFIX = 'roster_wsfed_';
const AFTER_SIGNOUT_COOKIE = 'roster_wsfed_after_signout';
const WCTX = /^[A-Za-z0-9_-]{43}$/;

/** Steps the routes add to the protocol core's (`xml`, `token`, `signature`, …) in the sign-in trace (R19). */
export type RouteStep = 'connection' | 'request' | 'state';

interface FlowValue {
  connectionId: string;
  teamId: string;
  returnTo: string;
}

function isFlow(value: unknown): value is FlowValue {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.connectionId === 'string' && typeof v.teamId === 'string' && typeof v.returnTo === 'string';
}

type Params = { Params: { connectionId: string }; Querystring: Record<string, string | string[] | undefined> };

/**
 * The passive requestor profile over HTTP, under `/wsfed`:
 *   GET  /:connectionId/login   → 302 to the IdP (wsignin1.0), state in the flow store + binding cookie
 *   POST /:connectionId/acs     ← wresult from the IdP → core sign-in → session → 302 to return_to
 *   GET  /:connectionId/acs     ← wsignoutcleanup1.0 / wsignout1.0 from the IdP, or the landing after sign-out
 *   GET  /:connectionId/logout  → ends the Roster session, 302 to the IdP (wsignout1.0)
 * Nothing a client sends turns into a 500: refusals are 4xx and traced with their step.
 */
export function wsfedRoutes(ctx: PluginContext<WsFedPluginOptions>, svc: WsFedConnections) {
  const cfg = ctx.config;
  const secureContext = cfg.production || cfg.publicUrl.startsWith('https:');

  const cookiePath = (conn: WsFedConnectionEntity): string => {
    try {
      return new URL(conn.replyUrl).pathname.replace(/\/[^/]*$/, '') || '/';
    } catch {
      return '/';
    }
  };
  const clearSessionCookie = (reply: Reply) =>
    appendCookie(reply, serializeCookie(cfg.sessionCookie, '', { path: '/', maxAgeSeconds: 0, sameSite: 'lax', secure: cfg.production }));

  const notFound = (request: Request, reply: Reply) =>
    sendProblem(request, reply, 404, { error: 'WSFED_CONNECTION_NOT_FOUND', message: WsFedErrorCodes.WSFED_CONNECTION_NOT_FOUND.message });

  /** Traces the refusal for the team's admins, then answers 403. */
  const refuse = async (request: Request, reply: Reply, conn: WsFedConnectionEntity, step: string, reason: string) => {
    await ctx.signIn.refuse({ teamId: conn.teamId, connectionId: conn.id, protocol: 'wsfed', step, reason, requestId: String(request.id) });
    request.log.info({ connectionId: conn.id, teamId: conn.teamId, step, reason }, 'WS-Fed sign-in refused');
    return sendProblem(request, reply, 403, {
      error: 'WSFED_SIGNIN_REFUSED',
      step,
      message: 'The sign-in could not be completed. Start again from your application; if it keeps failing, your administrator can see why in the connection’s sign-in attempts.',
    });
  };

  /** wsignoutcleanup1.0 (and an IdP-sent wsignout1.0): end this team's Roster session, answer as the IdP expects. */
  const cleanup = async (request: Request, reply: Reply, conn: WsFedConnectionEntity, wreply: string | undefined) => {
    const result = handleSignOutCleanup(svc.toProtocol(conn), wreply);
    const token = readCookies(request).get(cfg.sessionCookie);
    if (token) {
      const viewer = await ctx.viewerOf(request);
      // A session of another team is not this IdP's to end.
      if (!viewer || viewer.teamId === conn.teamId) {
        await ctx.core.sessions.revoke(token);
        clearSessionCookie(reply);
      }
    }
    reply.header('cache-control', 'no-store');
    if (result.response.kind === 'redirect') return reply.redirect(result.response.location, 302);
    return reply.code(200).type(result.response.contentType).send(result.response.body);
  };

  return async (app: App) => {
    app.get<Params>('/:connectionId/login', async (request, reply) => {
      const conn = await svc.find(request.params.connectionId);
      if (!conn) return notFound(request, reply);
      if (!conn.enabled) return sendProblem(request, reply, 403, { error: 'WSFED_CONNECTION_DISABLED', message: WsFedErrorCodes.WSFED_CONNECTION_DISABLED.message });
      const returnTo = checkReturnTo(request.query.return_to, cfg.allowedOrigins);
      const whr = request.query.whr;
      const wctx = randomBytes(32).toString('base64url');
      const hash = sha256(wctx);
      await ctx.core.flows.put(FLOW_NAMESPACE, wctx, { connectionId: conn.id, teamId: conn.teamId, returnTo } satisfies FlowValue, ctx.options.flowTtlSeconds);
      appendCookie(reply, serializeCookie(`${BINDING_COOKIE_PREFIX}${hash.slice(0, 16)}`, hash, {
        path: cookiePath(conn), maxAgeSeconds: ctx.options.flowTtlSeconds, sameSite: secureContext ? 'none' : 'unset', secure: secureContext,
      }));
      const url = buildSignInUrl(svc.toProtocol(conn), { wctx, ...(typeof whr === 'string' && whr.length > 0 && whr.length <= 256 ? { whr } : {}) });
      return reply.header('cache-control', 'no-store').redirect(url, 302);
    });

    app.post<Params>('/:connectionId/acs', async (request, reply) => {
      const conn = await svc.find(request.params.connectionId);
      if (!conn) return notFound(request, reply);
      const message = parseWsFedMessage(toParams(request.body));
      if (message.action === 'invalid') return refuse(request, reply, conn, 'request', message.reason);
      if (message.action !== 'signin') return cleanup(request, reply, conn, message.wreply);
      if (!conn.enabled) return refuse(request, reply, conn, 'connection', 'the connection is disabled');

      // State: single-use, from any node (flow store), and bound to the browser that started it (cookie).
      const wctx = message.wctx;
      if (wctx === undefined || !WCTX.test(wctx)) return refuse(request, reply, conn, 'state', 'the response carries no wctx issued by Roster (IdP-initiated sign-in is not supported)');
      const hash = sha256(wctx);
      const bindingName = `${BINDING_COOKIE_PREFIX}${hash.slice(0, 16)}`;
      const bound = readCookies(request).get(bindingName);
      if (bound === undefined || !safeEqual(bound, hash)) return refuse(request, reply, conn, 'state', 'the sign-in was not started in this browser (binding cookie missing or different)');
      const flow = await ctx.core.flows.take(FLOW_NAMESPACE, wctx);
      if (!isFlow(flow)) return refuse(request, reply, conn, 'state', 'unknown, expired or already used sign-in state');
      if (flow.connectionId !== conn.id || flow.teamId !== conn.teamId) return refuse(request, reply, conn, 'state', 'the sign-in was started for another connection');
      appendCookie(reply, serializeCookie(bindingName, '', { path: cookiePath(conn), maxAgeSeconds: 0, sameSite: secureContext ? 'none' : 'unset', secure: secureContext }));

      const result = await validateWsFedResponse(message.wresult, svc.toProtocol(conn), {
        replay: { claim: (ns, key, exp) => ctx.core.replay.claim(ns, key, exp) },
      });
      if (!result.ok) {
        const named = result.assertionId ? ` [assertion ${result.assertionId}${result.issuer ? ` from ${result.issuer}` : ''}]` : '';
        return refuse(request, reply, conn, result.step, `${result.reason}${named}`);
      }

      const id = result.identity;
      const outcome = await ctx.signIn.complete({
        teamId: conn.teamId,
        connectionId: conn.id,
        protocol: 'wsfed',
        method: 'sso',
        subject: id.nameId,
        email: id.email ?? null,
        givenName: id.givenName ?? null,
        familyName: id.familyName ?? null,
        displayName: id.displayName ?? null,
        // The admin's call (`trustEmails`); the core also counts the team's verified domains.
        emailVerified: conn.trustEmails,
        requestId: String(request.id),
      });
      // The core decided (R3 policy, R7 inactive, JIT) and traced it with step "policy".
      if (!outcome.ok) return sendProblem(request, reply, 403, { error: outcome.code, message: outcome.reason });
      ctx.signIn.startSession(reply, outcome.token);
      return reply.header('cache-control', 'no-store').redirect(checkReturnTo(flow.returnTo, cfg.allowedOrigins), 302);
    });

    app.get<Params>('/:connectionId/acs', async (request, reply) => {
      const conn = await svc.find(request.params.connectionId);
      if (!conn) return notFound(request, reply);
      const query = toParams(request.query);
      if (query.wa === undefined) {
        // Back from the IdP's sign-out (wreply of /logout): continue where the member asked to go.
        const cookies = readCookies(request);
        let target: string | undefined;
        try {
          const raw = cookies.get(AFTER_SIGNOUT_COOKIE);
          target = raw === undefined ? undefined : decodeURIComponent(raw);
        } catch {
          target = undefined;
        }
        appendCookie(reply, serializeCookie(AFTER_SIGNOUT_COOKIE, '', { path: cookiePath(conn), maxAgeSeconds: 0, sameSite: 'lax', secure: secureContext }));
        return reply.header('cache-control', 'no-store').redirect(checkReturnTo(target, cfg.allowedOrigins), 302);
      }
      const message = parseWsFedMessage(query);
      if (message.action === 'invalid') return refuse(request, reply, conn, 'request', message.reason);
      // A token in a URL ends up in logs and browser history: WS-Fed posts it.
      if (message.action === 'signin') return refuse(request, reply, conn, 'request', 'wsignin1.0 responses must be posted, not sent in the query string');
      return cleanup(request, reply, conn, message.wreply);
    });

    app.get<Params>('/:connectionId/logout', async (request, reply) => {
      const conn = await svc.find(request.params.connectionId);
      if (!conn) return notFound(request, reply);
      const token = readCookies(request).get(cfg.sessionCookie);
      if (token) await ctx.core.sessions.revoke(token);
      clearSessionCookie(reply);
      const returnTo = checkReturnTo(request.query.return_to, cfg.allowedOrigins);
      reply.header('cache-control', 'no-store');
      if (!conn.enabled) return reply.redirect(returnTo, 302);
      appendCookie(reply, serializeCookie(AFTER_SIGNOUT_COOKIE, encodeURIComponent(returnTo), { path: cookiePath(conn), maxAgeSeconds: 600, sameSite: 'lax', secure: secureContext }));
      // The IdP ends its session (and the other relying parties'), then comes back to the reply URL.
      return reply.redirect(buildSignOutUrl(svc.toProtocol(conn), { wreply: conn.replyUrl }), 302);
    });
  };
}
