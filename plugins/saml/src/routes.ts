import {
  firstParam,
  inputProblem,
  parseCookieHeader,
  sendSsoResult,
  type PluginContext,
  type RouteRegistrar,
  type SignInApi,
} from '@roster/plugin-sdk';
import { jsonError, type HttpResult, type RequestInfo } from './http-result.js';
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
  const info = (request: Request): RequestInfo => ({ requestId: String(request.id), accept: firstParam(request.headers.accept) ?? '' });
  const send = (reply: Reply, result: HttpResult) => sendSsoResult(reply, result, ctx);
  /** NUL bytes or lone surrogates in a logout message: a bad request, never a 5xx. */
  const unclean = (request: Request, ...sources: unknown[]) => {
    const problem = inputProblem(...sources);
    return problem ? jsonError(400, 'SAML_BAD_REQUEST', problem, info(request)) : null;
  };

  return async (app: App) => {
    app.get<WithId>('/:id/metadata', async (request, reply) => send(reply, await signIn.metadata(request.params.id, info(request))));

    app.get<WithReturnTo>('/:id/login', async (request, reply) =>
      send(reply, await signIn.login(request.params.id, request.query.return_to, request.headers.cookie, info(request))),
    );

    app.post<WithId>('/:id/acs', async (request, reply) =>
      send(
        reply,
        await signIn.acs({ connectionId: request.params.id, body: request.body, cookieHeader: request.headers.cookie, ...info(request) }),
      ),
    );

    app.get<WithReturnTo>('/:id/logout', async (request, reply) => {
      const session = parseCookieHeader(request.headers.cookie).get(ctx.config.sessionCookie);
      return send(reply, await logout.spInitiated(request.params.id, request.query.return_to, session, String(request.id)));
    });

    app.get<WithId>('/:id/slo', async (request, reply) => {
      const refused = unclean(request, request.query);
      if (refused) return send(reply, refused);
      const url = request.raw.url ?? '';
      const rawQuery = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
      return send(reply, await logout.slo(request.params.id, { binding: 'redirect', rawQuery }, String(request.id)));
    });

    app.post<WithId>('/:id/slo', async (request, reply) => {
      const form = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
      const refused = unclean(request, form);
      if (refused) return send(reply, refused);
      return send(reply, await logout.slo(request.params.id, { binding: 'post', form }, String(request.id)));
    });
  };
}
