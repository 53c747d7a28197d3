/**
 * HTTP routes under /oidc:
 *   GET /oidc/:connectionId/login?return_to=&login_hint=   start a sign-in (`google` = the platform Google connection)
 *   GET /oidc/callback                                      the one redirect URI of every connection
 *   GET /oidc/:connectionId/jwks.json                       public key for private_key_jwt (paste the URL into the IdP)
 *   GET /oidc/discover?email=&return_to=                    home-realm discovery (R4)
 *
 * The flow state lives in PostgreSQL (`ctx.core.flows`), so any node finishes a flow another
 * node started. A short-lived HttpOnly cookie binds the flow to the browser that started it.
 */
import { checkReturnTo as sdkCheckReturnTo, type PluginContext, type RouteRegistrar, type SignInApi } from '@roster/plugin-sdk';
import { oidcError } from './errors.js';
import { signInOptions } from './home-realm.js';
import { SignInStepError } from './protocol/errors.js';
import { beginSignIn, finishSignIn, parseFlowState } from './protocol/flow.js';
import { checkReturnTo } from './protocol/return-to.js';
import { FLOW_NAMESPACE, type FailureStep, type OidcConnection, type OidcIdentity } from './protocol/types.js';
import { GOOGLE_CONNECTION_ID, type OidcService } from './service.js';

type App = Parameters<Parameters<RouteRegistrar['register']>[0]>[0];
type Reply = Parameters<SignInApi['startSession']>[0];
type Request = Parameters<PluginContext<unknown>['viewerOf']>[0];

export const STATE_COOKIE = 'roster_oidc_state';
/** Sign-ins started in other tabs stay finishable; older ones drop out. */
const MAX_STATES = 3;
const STATE = /^[A-Za-z0-9_-]{16,128}$/;

function first(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

function readStates(cookieHeader: string | undefined): string[] {
  if (!cookieHeader) return [];
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== STATE_COOKIE) continue;
    return part.slice(eq + 1).trim().split('.').filter((s) => STATE.test(s)).slice(-MAX_STATES);
  }
  return [];
}

function stateCookie(states: string[], secure: boolean, maxAgeSeconds: number): string {
  const value = states.length ? states.join('.') : '';
  const maxAge = states.length ? maxAgeSeconds : 0;
  return `${STATE_COOKIE}=${value}; Path=/oidc; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A refusal for people (HTML) or programs (JSON): never a 500 for what the client or IdP sent. */
function refusal(request: Request, reply: Reply, status: number, body: { error: string; message: string; step?: FailureStep | string }): Reply {
  reply.code(status).header('cache-control', 'no-store');
  const accept = first(request.headers.accept) ?? '';
  if (accept.includes('text/html')) {
    const step = body.step ? `<p>Step: <code>${escapeHtml(body.step)}</code></p>` : '';
    return reply.type('text/html; charset=utf-8').send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in refused</title></head><body><h1>Sign-in refused</h1>` +
        `<p>${escapeHtml(body.message)}</p>${step}<p>Code: <code>${escapeHtml(body.error)}</code> · Request id: <code>${escapeHtml(String(request.id))}</code></p>` +
        `<p>Your team's admin can see this attempt in the connection's sign-in trace.</p></body></html>`,
    );
  }
  return reply.send({ ...body, requestId: String(request.id) });
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

/** `GET /discover?email=&return_to=`: home-realm discovery (R4), mounted under /oidc and /auth. */
export function discoveryRoute(service: OidcService) {
  return async (app: App): Promise<void> => {
    app.get<{ Querystring: Record<string, unknown> }>('/discover', async (request, reply) => {
      const answer = await signInOptions(service, first(request.query.email), first(request.query.return_to));
      reply.header('cache-control', 'no-store');
      return answer;
    });
  };
}

export function oidcRoutes(service: OidcService) {
  const { config, core, options, signIn } = service.env;

  return async (app: App): Promise<void> => {
    await discoveryRoute(service)(app);

    app.get<{ Params: { connectionId: string }; Querystring: Record<string, unknown> }>('/:connectionId/jwks.json', async (request, reply) => {
      const record = await service.find(request.params.connectionId);
      if (!record?.publicJwk) {
        const e = oidcError('OIDC_CONNECTION_NOT_FOUND', 'This connection has no private_key_jwt key.');
        return reply.code(e.status).send({ error: e.code, message: e.message });
      }
      reply.header('cache-control', 'public, max-age=300');
      return { keys: [record.publicJwk] };
    });

    app.get<{ Params: { connectionId: string }; Querystring: Record<string, unknown> }>('/:connectionId/login', async (request, reply) => {
      const found = await service.forSignIn(request.params.connectionId);
      if (!found.ok) {
        const e = oidcError(found.code);
        return refusal(request, reply, e.status, { error: e.code, message: e.message });
      }
      const conn: OidcConnection = found.conn;
      const returnTo = checkReturnTo(first(request.query.return_to), { allowedOrigins: config.allowedOrigins });
      const hint = first(request.query.login_hint)?.trim();
      let started: { url: URL; state: string };
      try {
        started = await beginSignIn(conn, service.flowDeps(), { returnTo: returnTo.ok ? returnTo.value : null, loginHint: hint && hint.length <= 320 ? hint : undefined });
      } catch (error) {
        if (!(error instanceof SignInStepError)) throw error;
        await signIn.refuse({ teamId: conn.teamId, connectionId: conn.id, protocol: protocolOf(conn.id), step: error.step, reason: error.reason, requestId: String(request.id) });
        const e = oidcError('OIDC_PROVIDER_UNAVAILABLE');
        return refusal(request, reply, e.status, { error: e.code, message: e.message, step: error.step });
      }
      const states = [...readStates(request.headers.cookie), started.state].slice(-MAX_STATES);
      reply.header('set-cookie', stateCookie(states, config.production, options.flowTtlSeconds));
      reply.header('cache-control', 'no-store');
      return reply.redirect(started.url.href, 302);
    });

    app.get<{ Querystring: Record<string, unknown> }>('/callback', async (request, reply) => {
      const requestId = String(request.id);
      const states = readStates(request.headers.cookie);
      const state = first(request.query.state);
      // Always bind: with no cookie at all the expected state is '' and nothing matches.
      const expectedState = state && states.includes(state) ? state : (states.at(-1) ?? '');
      const callbackUrl = new URL(request.url, `${service.publicUrl}/`);
      let disabled = false;
      const result = await finishSignIn(
        async (id) => {
          const found = await service.forSignIn(id);
          if (found.ok) return found.conn;
          disabled = found.code === 'OIDC_CONNECTION_DISABLED';
          return null;
        },
        callbackUrl,
        service.flowDeps(),
        { expectedState },
      );
      const remaining = states.filter((s) => s !== state);
      reply.header('set-cookie', stateCookie(remaining, config.production, options.flowTtlSeconds));
      reply.header('cache-control', 'no-store');

      if (!result.ok) {
        let teamId = result.teamId ?? null;
        let connectionId = result.connectionId;
        if (!connectionId && state) {
          // Refused before the flow was consumed (other browser): still trace it to its team.
          const flow = parseFlowState(await core.flows.peek(FLOW_NAMESPACE, state));
          if (flow) ({ teamId, connectionId } = flow);
        }
        const reason = disabled && result.step === 'configuration' ? 'the connection is disabled' : result.reason;
        await signIn.refuse({ teamId, connectionId: connectionId ?? 'unknown', protocol: protocolOf(connectionId ?? ''), step: result.step, reason, requestId });
        const e = oidcError('OIDC_SIGN_IN_REFUSED');
        return refusal(request, reply, e.status, { error: e.code, message: reason, step: result.step });
      }

      const { identity, teamId, connectionId } = result;
      const google = teamId === null;
      const protocol = protocolOf(connectionId);
      const refuseClaims = async (reason: string) => {
        await signIn.refuse({ teamId, connectionId, protocol, step: 'claims', reason, requestId });
        const e = oidcError('OIDC_SIGN_IN_REFUSED');
        return refusal(request, reply, e.status, { error: e.code, message: reason, step: 'claims' });
      };
      if (google) {
        const problem = googleEmailProblem(identity);
        if (problem) return refuseClaims(problem);
      }

      const outcome = await signIn.complete({
        teamId,
        connectionId,
        protocol,
        method: google ? 'google' : 'sso',
        subject: identity.subject,
        email: identity.email,
        givenName: identity.givenName,
        familyName: identity.familyName,
        displayName: identity.name,
        // The core links or creates by email only when it is vouched for (docs/security.md).
        emailVerified: identity.emailVerified,
        requestId,
      });
      if (!outcome.ok) return refusal(request, reply, 403, { error: outcome.code, message: outcome.reason, step: 'policy' });
      signIn.startSession(reply, outcome.token);
      return reply.redirect(sdkCheckReturnTo(result.returnTo ?? '/', config.allowedOrigins, '/'), 302);
    });
  };
}

