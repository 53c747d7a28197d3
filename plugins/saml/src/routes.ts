import type { PluginContext, RouteRegistrar, SignInApi } from '@roster/plugin-sdk';
import { parseCookieHeader, parseRequestCookie, serializeCookie, type HttpResult } from './http-result.js';
import type { SamlLogout } from './logout.js';
import type { SamlPluginOptions } from './options.js';
import type { SamlSignIn } from './sign-in.js';

/** Fastify types, taken from the SDK contract so the plugin needs no direct fastify dependency. */
type App = Parameters<Parameters<RouteRegistrar['register']>[0]>[0];
type Request = Parameters<PluginContext<unknown>['viewerOf']>[0];
type Reply = Parameters<SignInApi['startSession']>[0];

type WithId = { Params: { id: string } };
type WithReturnTo = WithId & { Querystring: { return_to?: unknown } };

/**
 * `/saml` routes: a thin adapter from Fastify to the framework-free handlers.
 *
 * - `GET  /saml/:id/metadata` SP metadata XML (entity id, ACS, SLO, certificate)
 * - `GET  /saml/:id/login?return_to=` AuthnRequest (Redirect or POST binding)
 * - `POST /saml/:id/acs` Assertion Consumer Service (HTTP-POST binding)
 * - `GET  /saml/:id/logout?return_to=` SP-initiated single logout
 * - `GET|POST /saml/:id/slo` the IdP's LogoutRequest / LogoutResponse
 */
export function samlRoutes(ctx: PluginContext<SamlPluginOptions>, signIn: SamlSignIn, logout: SamlLogout) {
  const cookieName = ctx.options.requestCookie;
  // The ACS is reached by a cross-site POST from the IdP: the binding cookie must be SameSite=None,
  // which browsers only keep with Secure. Over plain http (development) the attribute is left out.
  const secure = ctx.config.production || ctx.config.publicUrl.startsWith('https:');
  const pending = (request: Request) => parseRequestCookie(parseCookieHeader(request.headers.cookie).get(cookieName));

  const send = (reply: Reply, result: HttpResult) => {
    for (const [name, value] of Object.entries(result.headers)) reply.header(name, value);
    if (result.requestCookie) {
      const value = result.requestCookie.join('.');
      reply.header('set-cookie', serializeCookie(cookieName, value, {
        path: '/saml/', maxAge: value === '' ? 0 : ctx.options.requestTtlSeconds, secure, ...(secure ? { sameSite: 'None' as const } : {}),
      }));
    }
    if (result.clearSession) {
      reply.header('set-cookie', serializeCookie(ctx.config.sessionCookie, '', { path: '/', maxAge: 0, secure: ctx.config.production, sameSite: 'Lax' }));
    }
    if (result.session) ctx.signIn.startSession(reply, result.session);
    return reply.code(result.status).send(result.body ?? '');
  };

  return async (app: App) => {
    app.get<WithId>('/:id/metadata', async (request, reply) => send(reply, await signIn.metadata(request.params.id)));

    app.get<WithReturnTo>('/:id/login', async (request, reply) =>
      send(reply, await signIn.login(request.params.id, request.query.return_to, pending(request))));

    app.post<WithId>('/:id/acs', async (request, reply) =>
      send(reply, await signIn.acs({ connectionId: request.params.id, body: request.body, pendingHashes: pending(request), requestId: String(request.id) })));

    app.get<WithReturnTo>('/:id/logout', async (request, reply) => {
      const session = parseCookieHeader(request.headers.cookie).get(ctx.config.sessionCookie);
      return send(reply, await logout.spInitiated(request.params.id, request.query.return_to, session, String(request.id)));
    });

    app.get<WithId>('/:id/slo', async (request, reply) => {
      const url = request.raw.url ?? '';
      const rawQuery = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
      return send(reply, await logout.slo(request.params.id, { binding: 'redirect', rawQuery }, String(request.id)));
    });

    app.post<WithId>('/:id/slo', async (request, reply) => {
      const form = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
      return send(reply, await logout.slo(request.params.id, { binding: 'post', form }, String(request.id)));
    });
  };
}
