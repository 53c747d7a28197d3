import { sendSsoResult, type RosterConfig, type RouteRegistrar, type SignInApi } from '@roster/plugin-sdk';
import { requestLink, showConfirm, verifyLink, type FlowEnv } from './flow.js';

/** The Fastify instance `ctx.http.register` hands over, typed through the SDK (fastify is the host's). */
type App = Parameters<Parameters<RouteRegistrar['register']>[0]>[0];
/** What the handlers read of a request. */
interface Request {
  id: unknown;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  query: unknown;
}

const header = (request: Request, name: string) => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The Fastify adapter: every handler is one call into `flow.ts`. */
export function emailLinkRoutes(env: FlowEnv, ctx: { signIn: SignInApi; config: RosterConfig }) {
  return async (app: App) => {
    const base = (request: Request) => ({ requestId: String(request.id), accept: header(request, 'accept') });
    app.post('/request', async (request, reply) =>
      sendSsoResult(reply, await requestLink(env, { ...base(request), body: request.body, ip: request.ip }), ctx),
    );
    app.get('/verify', async (request, reply) =>
      sendSsoResult(reply, await showConfirm(env, { ...base(request), query: request.query }), ctx),
    );
    app.post('/verify', async (request, reply) =>
      sendSsoResult(
        reply,
        await verifyLink(env, {
          ...base(request),
          body: request.body,
          origin: header(request, 'origin'),
          secFetchSite: header(request, 'sec-fetch-site'),
        }),
        ctx,
      ),
    );
  };
}
