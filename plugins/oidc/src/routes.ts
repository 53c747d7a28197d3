/**
 * HTTP routes under /oidc, a thin adapter over the framework-free handlers of `sign-in.ts`:
 *   GET /oidc/:connectionId/login?return_to=&login_hint=   start a sign-in (`google` = the platform Google connection)
 *   GET /oidc/:connectionId/callback                        the connection's own redirect URI (mix-up defence)
 *   GET /oidc/callback                                      the shared redirect URI of connections made before it
 *   GET /oidc/:connectionId/jwks.json                       public key for private_key_jwt (paste the URL into the IdP)
 *   GET /oidc/discover?email=&return_to=                    home-realm discovery (R4)
 */
import { firstParam, sendSsoResult, type PluginContext, type RouteRegistrar } from '@roster/plugin-sdk';
import { signInOptions } from './home-realm.js';
import type { OidcService } from './service.js';
import { OidcSignIn, type RequestInfo } from './sign-in.js';

type App = Parameters<Parameters<RouteRegistrar['register']>[0]>[0];
type Request = Parameters<PluginContext<unknown>['viewerOf']>[0];
type WithId = { Params: { connectionId: string }; Querystring: Record<string, unknown> };

const info = (request: Request): RequestInfo => ({
  requestId: String(request.id),
  accept: firstParam(request.headers.accept) ?? '',
  cookieHeader: request.headers.cookie,
});

/** `GET /discover?email=&return_to=`: home-realm discovery (R4), mounted under /oidc and /auth. */
export function discoveryRoute(service: OidcService) {
  return async (app: App): Promise<void> => {
    app.get<{ Querystring: Record<string, unknown> }>('/discover', async (request, reply) => {
      const answer = await signInOptions(service, firstParam(request.query.email), firstParam(request.query.return_to));
      reply.header('cache-control', 'no-store');
      return answer;
    });
  };
}

export function oidcRoutes(service: OidcService) {
  const handlers = new OidcSignIn(service);
  const env = { signIn: service.env.signIn, config: service.env.config };
  // The provider sends the browser back to the registered redirect URI: rebuild it on the public URL.
  const callbackUrl = (request: Request) => new URL(request.url, `${service.publicUrl}/`);

  return async (app: App): Promise<void> => {
    await discoveryRoute(service)(app);
    app.get<WithId>('/:connectionId/jwks.json', async (request, reply) =>
      sendSsoResult(reply, await handlers.jwks(request.params.connectionId, info(request)), env),
    );
    app.get<WithId>('/:connectionId/login', async (request, reply) =>
      sendSsoResult(reply, await handlers.login(request.params.connectionId, request.query, info(request)), env),
    );
    app.get<WithId>('/:connectionId/callback', async (request, reply) =>
      sendSsoResult(reply, await handlers.callback(request.params.connectionId, callbackUrl(request), info(request)), env),
    );
    app.get('/callback', async (request, reply) =>
      sendSsoResult(reply, await handlers.callback(null, callbackUrl(request), info(request)), env),
    );
  };
}
