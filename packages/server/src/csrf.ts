import type { FastifyInstance, FastifyRequest } from 'fastify';
import { auditEvent, ErrorCodes, type Core } from '@roster/core';
import type { ServerConfig } from './config.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Set or end the session cookie: checked even without a cookie (login CSRF plants the attacker's session). */
const COOKIE_SETTING_PATHS = new Set(['/auth/login', '/auth/logout']);

/**
 * Why a browser request is cross-site, or null when it is not (or comes from no browser).
 * A browser names the page that sent a POST in `Origin`, and modern ones say in `Sec-Fetch-Site`
 * how it relates to us; a request with neither comes from curl, a server or an IdP back channel,
 * which carry bearer tokens rather than our cookie, and keeps working.
 */
export function crossSiteReason(request: FastifyRequest, allowedOrigins: readonly string[]): string | null {
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  if (origin !== undefined) return allowedOrigins.includes(origin) ? null : `Origin ${origin} is not an allowed origin`;
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`;
  return null;
}

/**
 * Refuses cross-site requests that would act with, or set, the session cookie (CSRF and login
 * CSRF): `POST /auth/login` and `/auth/logout` always, and every other unsafe request that
 * authenticates with the cookie (GraphQL mutations, plugin routes). The cookie is `SameSite=Lax`,
 * so browsers already leave it off cross-site POSTs; this is the server's own check, for older
 * browsers and for what Lax lets through. Requests that authenticate with `Authorization` are
 * not cookie-authenticated and pass; so do SSO ACS posts (IdP → Roster, cross-site by design),
 * which carry no session cookie from a browser. Refusals answer 403 `CROSS_SITE_REQUEST` and are
 * audited (R19).
 */
export function csrfGuard(app: FastifyInstance, core: Core, cfg: ServerConfig): void {
  app.addHook('onRequest', async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    const path = request.routeOptions.url ?? request.url.split('?', 1)[0] ?? '';
    const cookieAuthenticated = request.headers.authorization === undefined && Boolean(request.cookies?.[cfg.sessionCookie]);
    if (!COOKIE_SETTING_PATHS.has(path) && !cookieAuthenticated) return;
    // Read at request time: the public URL may be known only once the server listens.
    const reason = crossSiteReason(request, cfg.allowedOrigins);
    if (!reason) return;
    await core
      .em()
      .fork()
      .persistAndFlush(
        auditEvent(
          { type: 'user', channel: 'http', label: request.headers.origin ?? 'unknown', requestId: String(request.id) },
          {
            teamId: null,
            action: 'request.cross_site.refused',
            outcome: 'failure',
            reason,
            data: { code: 'CROSS_SITE_REQUEST', method: request.method, path },
          },
        ),
      );
    return reply.code(403).send({ error: 'CROSS_SITE_REQUEST', message: ErrorCodes.CROSS_SITE_REQUEST.message });
  });
}
