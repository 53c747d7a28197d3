import { firstParam, sendSsoResult, type PluginContext } from '@roster/plugin-sdk';
import { toParams, type App, type Request } from './http.js';
import type { WsFedPluginOptions } from './options.js';
import type { WsFedConnections } from './service.js';
import { WsFedSignIn, type RequestInfo } from './sign-in.js';

type Params = { Params: { connectionId: string } };

/**
 * The passive requestor profile over HTTP, under `/wsfed`: a thin adapter over `WsFedSignIn`.
 *   GET  /:connectionId/login   → 302 to the IdP (wsignin1.0), state in the flow store + binding cookie
 *   POST /:connectionId/acs     ← wresult from the IdP → core sign-in → session → 302 to return_to
 *   GET  /:connectionId/acs     ← wsignoutcleanup1.0 / wsignout1.0 from the IdP, or the landing after sign-out
 *   GET  /:connectionId/logout  → ends the Roster session, 302 to the IdP (wsignout1.0)
 * Nothing a client sends turns into a 500: refusals are 4xx and traced with their step.
 */
export function wsfedRoutes(ctx: PluginContext<WsFedPluginOptions>, svc: WsFedConnections) {
  const handlers = new WsFedSignIn(ctx, svc);
  const info = (request: Request): RequestInfo => ({
    requestId: String(request.id),
    accept: firstParam(request.headers.accept) ?? '',
    cookieHeader: request.headers.cookie,
    viewerTeam: async () => (await ctx.viewerOf(request))?.teamId,
  });

  return async (app: App) => {
    app.get<Params>('/:connectionId/login', async (request, reply) =>
      sendSsoResult(reply, await handlers.login(request.params.connectionId, toParams(request.query), info(request)), ctx),
    );
    app.post<Params>('/:connectionId/acs', async (request, reply) =>
      sendSsoResult(reply, await handlers.acsPost(request.params.connectionId, toParams(request.body), info(request)), ctx),
    );
    app.get<Params>('/:connectionId/acs', async (request, reply) =>
      sendSsoResult(reply, await handlers.acsGet(request.params.connectionId, toParams(request.query), info(request)), ctx),
    );
    app.get<Params>('/:connectionId/logout', async (request, reply) =>
      sendSsoResult(reply, await handlers.logout(request.params.connectionId, toParams(request.query), info(request)), ctx),
    );
  };
}
