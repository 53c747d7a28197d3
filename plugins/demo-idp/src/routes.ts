/**
 * HTTP adapters of the test IdPs under `/demo-idp`: each route reads the request, calls the
 * framework-free message code, and answers with a page, a form to post on, or a redirect. Every
 * URL the IdPs post or redirect to must be on Roster's own origin (`onRoster`), so a test IdP
 * can never hand one of its assertions to another site.
 */
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type Provider from 'oidc-provider';
import type { DemoIdpKeys } from './keys.js';
import { choiceOf, choices, DEMO_DOMAIN, PEOPLE } from './people.js';
import { indexPage, messagePage, postForm, signInPage } from './page.js';
import { buildResponse, idpMetadata, logoutRequestUrl, logoutResponseUrl, readMessage, SamlMessageError } from './saml-idp.js';
import { wresult, type TokenVersion } from './wsfed-idp.js';
import { finishInteraction, interactionPrompt } from './oidc-idp.js';

export const PREFIX = '/demo-idp';

/** The IdPs' own URLs, from Roster's public URL (read per request: it may be known only once the server listens). */
export function idpUrls(publicUrl: string) {
  const base = `${publicUrl}${PREFIX}`;
  return {
    home: `${base}/`,
    samlEntityId: `${base}/saml/metadata`,
    samlMetadata: `${base}/saml/metadata`,
    samlSso: `${base}/saml/sso`,
    samlSlo: `${base}/saml/slo`,
    samlIdpInitiated: `${base}/saml/idp-initiated`,
    samlLogout: `${base}/saml/logout`,
    oidcIssuer: `${base}/oidc`,
    wsfedIssuer: `${base}/wsfed`,
    wsfedSignIn: `${base}/wsfed`,
  };
}

export interface RouteEnv {
  publicUrl: () => string;
  keys: DemoIdpKeys;
  provider: () => Promise<Provider>;
}

type Form = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** The pages load nothing and run nothing; their forms post to this origin only (the IdPs', which is Roster's). */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const HTML_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'cache-control': 'no-store' };
const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).headers(HTML_HEADERS).send(body);
const refuse = (reply: FastifyReply, status: number, error: string, message: string) =>
  reply.code(status).headers(HTML_HEADERS).header('x-demo-idp-error', error).send(messagePage('The demo IdP refused', message));

/** A Roster connection id as it appears in URLs (uuid). */
const CONNECTION_ID = /^[A-Za-z0-9-]{1,64}$/;

export function samlAndWsFedRoutes(env: RouteEnv) {
  const onRoster = (url: string | null): url is string => {
    if (!url) return false;
    try {
      const u = new URL(url);
      return u.origin === new URL(env.publicUrl()).origin && !u.username && !u.password;
    } catch {
      return false;
    }
  };
  const samlChoices = () => choices({ tokenMisbehaviours: true });

  return async (app: FastifyInstance) => {
    // The demo's front page for SSO: the sign-in URLs of the connections home-realm discovery
    // lists for the demo domain (asked over Roster's public route, as a browser would).
    app.get('/', async (_request, reply) => {
      const u = idpUrls(env.publicUrl());
      const email = `${PEOPLE[0]!.id}@${DEMO_DOMAIN}`;
      let connections: Array<{ protocol: string; name: string | null; loginUrl: string }> = [];
      try {
        const res = await fetch(`${env.publicUrl()}/auth/discover?email=${encodeURIComponent(email)}`);
        if (res.ok) connections = ((await res.json()) as { connections?: typeof connections }).connections ?? [];
      } catch {
        connections = [];
      }
      return html(
        reply,
        indexPage({
          connections,
          email,
          idps: [
            { label: 'SAML 2.0 metadata', url: u.samlMetadata },
            { label: 'OpenID Connect discovery', url: `${u.oidcIssuer}/.well-known/openid-configuration` },
            { label: 'WS-Federation passive endpoint', url: u.wsfedSignIn },
          ],
        }),
      );
    });

    // ---- SAML 2.0 ----
    app.get('/saml/metadata', async (_request, reply) => {
      const u = idpUrls(env.publicUrl());
      return reply
        .type('application/samlmetadata+xml')
        .send(idpMetadata({ entityId: u.samlEntityId, ssoUrl: u.samlSso, sloUrl: u.samlSlo, certificatePem: env.keys.certificatePem }));
    });

    const authnPage = (reply: FastifyReply, encoded: unknown, binding: 'redirect' | 'post', relayState: unknown) => {
      let request;
      try {
        request = readMessage(encoded, binding);
      } catch (e) {
        if (e instanceof SamlMessageError) return refuse(reply, 400, 'SAML_REQUEST_INVALID', e.message);
        throw e;
      }
      if (request.kind !== 'AuthnRequest') return refuse(reply, 400, 'SAML_REQUEST_INVALID', 'expected an AuthnRequest');
      // Roster's SP metadata names one ACS per connection; the request carries it.
      const acs = request.acsUrl ?? request.issuer.replace(/\/metadata$/, '/acs');
      if (!onRoster(acs)) return refuse(reply, 400, 'SAML_ACS_NOT_ALLOWED', 'This demo IdP only answers Roster itself.');
      return html(
        reply,
        signInPage({
          protocol: 'SAML 2.0',
          action: `${PREFIX}/saml/answer`,
          hidden: { acs, audience: request.issuer, requestId: request.id, relayState: str(relayState) },
          choices: samlChoices(),
        }),
      );
    };
    // HTTP-Redirect and HTTP-POST bindings of the SSO service.
    app.get<{ Querystring: Form }>('/saml/sso', async (request, reply) =>
      authnPage(reply, request.query.SAMLRequest, 'redirect', request.query.RelayState),
    );
    app.post<{ Body: Form }>('/saml/sso', async (request, reply) =>
      authnPage(reply, (request.body ?? {}).SAMLRequest, 'post', (request.body ?? {}).RelayState),
    );

    // IdP-initiated: the person starts here, as from an Okta dashboard tile.
    app.get<{ Querystring: Form }>('/saml/idp-initiated', async (request, reply) => {
      const connection = str(request.query.connection);
      if (!CONNECTION_ID.test(connection))
        return refuse(reply, 400, 'SAML_CONNECTION_REQUIRED', 'Name the Roster SAML connection: ?connection={connection id}.');
      const base = `${env.publicUrl()}/saml/${connection}`;
      return html(
        reply,
        signInPage({
          protocol: 'SAML 2.0',
          action: `${PREFIX}/saml/answer`,
          hidden: { acs: `${base}/acs`, audience: `${base}/metadata`, requestId: '', relayState: str(request.query.RelayState) },
          choices: samlChoices(),
        }),
      );
    });

    app.post<{ Body: Form }>('/saml/answer', async (request, reply) => {
      const form = request.body ?? {};
      const acs = str(form.acs);
      const choice = choiceOf(form.who, { tokenMisbehaviours: true });
      if (!onRoster(acs)) return refuse(reply, 400, 'SAML_ACS_NOT_ALLOWED', 'This demo IdP only answers Roster itself.');
      if (!choice) return refuse(reply, 400, 'CHOICE_REQUIRED', 'Pick who to sign in as.');
      const u = idpUrls(env.publicUrl());
      const response = buildResponse({
        keys: env.keys,
        issuer: u.samlEntityId,
        acsUrl: acs,
        audience: str(form.audience),
        ...(str(form.requestId) ? { inResponseTo: str(form.requestId) } : {}),
        person: choice.person,
        misbehaviour: choice.misbehaviour,
        sessionIndex: `_${randomUUID()}`,
      });
      const relayState = str(form.relayState);
      return html(
        reply,
        postForm({
          protocol: 'SAML 2.0',
          action: acs,
          fields: { SAMLResponse: response, ...(relayState ? { RelayState: relayState } : {}) },
        }),
      );
    });

    // Single logout, IdP-initiated: the IdP tells Roster that `who` signed out.
    app.get<{ Querystring: Form }>('/saml/logout', async (request, reply) => {
      const connection = str(request.query.connection);
      const person = choiceOf(request.query.who, { tokenMisbehaviours: false })?.person;
      if (!CONNECTION_ID.test(connection) || !person)
        return refuse(reply, 400, 'SAML_LOGOUT_INVALID', 'Name the connection and the person: ?connection={connection id}&who=ada.');
      const u = idpUrls(env.publicUrl());
      return reply.redirect(
        logoutRequestUrl({
          keys: env.keys,
          issuer: u.samlEntityId,
          destination: `${env.publicUrl()}/saml/${connection}/slo`,
          nameId: person.email,
        }),
        302,
      );
    });

    // Single logout service: Roster's LogoutRequest (SP-initiated) or its LogoutResponse (to ours).
    app.get<{ Querystring: Form }>('/saml/slo', async (request, reply) => {
      const encoded = request.query.SAMLRequest ?? request.query.SAMLResponse;
      let message;
      try {
        message = readMessage(encoded, 'redirect');
      } catch (e) {
        if (e instanceof SamlMessageError) return refuse(reply, 400, 'SAML_REQUEST_INVALID', e.message);
        throw e;
      }
      if (message.kind === 'LogoutResponse') return html(reply, messagePage('Signed out', 'Roster ended the session: single logout done.'));
      if (message.kind !== 'LogoutRequest') return refuse(reply, 400, 'SAML_REQUEST_INVALID', 'expected a LogoutRequest');
      const destination = message.issuer.replace(/\/metadata$/, '/slo');
      if (!onRoster(destination)) return refuse(reply, 400, 'SAML_SLO_NOT_ALLOWED', 'This demo IdP only answers Roster itself.');
      const relayState = str(request.query.RelayState);
      return reply.redirect(
        logoutResponseUrl({
          keys: env.keys,
          issuer: idpUrls(env.publicUrl()).samlEntityId,
          destination,
          inResponseTo: message.id,
          ...(relayState ? { relayState } : {}),
        }),
        302,
      );
    });

    // ---- WS-Federation (passive requestor profile) ----
    app.get<{ Querystring: Form }>('/wsfed', async (request, reply) => {
      const q = request.query;
      if (q.wa === 'wsignout1.0' || q.wa === 'wsignoutcleanup1.0') {
        const back = str(q.wreply);
        return onRoster(back)
          ? reply.redirect(back, 302)
          : html(reply, messagePage('Signed out', 'You are signed out of the demo WS-Federation IdP.'));
      }
      if (q.wa !== 'wsignin1.0') return refuse(reply, 400, 'WSFED_REQUEST_INVALID', 'wa must be wsignin1.0 or wsignout1.0');
      const wreply = str(q.wreply);
      if (!onRoster(wreply)) return refuse(reply, 400, 'WSFED_REPLY_NOT_ALLOWED', 'This demo IdP only answers Roster itself.');
      return html(
        reply,
        signInPage({
          protocol: 'WS-Federation',
          action: `${PREFIX}/wsfed/answer`,
          hidden: { wtrealm: str(q.wtrealm), wreply, wctx: str(q.wctx) },
          choices: samlChoices(),
          tokenVersions: true,
        }),
      );
    });

    app.post<{ Body: Form }>('/wsfed/answer', async (request, reply) => {
      const form = request.body ?? {};
      const wreply = str(form.wreply);
      const choice = choiceOf(form.who, { tokenMisbehaviours: true });
      if (!onRoster(wreply)) return refuse(reply, 400, 'WSFED_REPLY_NOT_ALLOWED', 'This demo IdP only answers Roster itself.');
      if (!choice) return refuse(reply, 400, 'CHOICE_REQUIRED', 'Pick who to sign in as.');
      const version: TokenVersion = form.token === '2.0' ? '2.0' : '1.1';
      const token = wresult({
        keys: env.keys,
        issuer: idpUrls(env.publicUrl()).wsfedIssuer,
        realm: str(form.wtrealm),
        person: choice.person,
        misbehaviour: choice.misbehaviour,
        version,
      });
      const wctx = str(form.wctx);
      return html(
        reply,
        postForm({ protocol: 'WS-Federation', action: wreply, fields: { wa: 'wsignin1.0', wresult: token, ...(wctx ? { wctx } : {}) } }),
      );
    });
  };
}

/** Reads a urlencoded body from the raw stream (the OIDC scope leaves bodies unparsed for oidc-provider). */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 16 * 1024) break;
  }
  return new URLSearchParams(body);
}

/**
 * The OpenID Provider's scope, `/demo-idp/oidc`: bodies stay unread (oidc-provider parses its
 * own), the login interaction is ours, everything else is oidc-provider's Koa app.
 */
export function oidcRoutes(env: RouteEnv) {
  const prefix = `${PREFIX}/oidc`;
  return async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    app.get<{ Params: { uid: string } }>('/interaction/:uid', async (request, reply) => {
      const provider = await env.provider();
      reply.hijack();
      try {
        const prompt = await interactionPrompt(provider, request.raw, reply.raw);
        if (prompt !== 'login') return await finishInteraction(provider, request.raw, reply.raw, null);
        const page = signInPage({
          protocol: 'OpenID Connect',
          action: `${prefix}/interaction/${encodeURIComponent(request.params.uid)}`,
          hidden: {},
          choices: choices({ tokenMisbehaviours: false }),
        });
        reply.raw.writeHead(200, HTML_HEADERS).end(page);
      } catch (e) {
        reply.raw.writeHead(400, HTML_HEADERS).end(messagePage('The demo IdP refused', (e as Error).message));
      }
    });

    app.post<{ Params: { uid: string } }>('/interaction/:uid', async (request, reply) => {
      const provider = await env.provider();
      const form = await readForm(request.raw);
      const person = choiceOf(form.get('who'), { tokenMisbehaviours: false })?.person;
      reply.hijack();
      try {
        await finishInteraction(provider, request.raw, reply.raw, person?.id ?? null);
      } catch (e) {
        reply.raw.writeHead(400, HTML_HEADERS).end(messagePage('The demo IdP refused', (e as Error).message));
      }
    });

    const handOver = async (request: { raw: IncomingMessage & { originalUrl?: string } }, reply: FastifyReply) => {
      const provider = await env.provider();
      reply.hijack();
      const raw = request.raw;
      const url = raw.url ?? '/';
      // oidc-provider routes relative to its mount point and finds that point from originalUrl.
      raw.originalUrl = url;
      const rest = url.slice(prefix.length);
      raw.url = rest.startsWith('/') ? rest : `/${rest}`;
      provider.callback()(raw, reply.raw);
    };
    app.all('/', handOver);
    app.all('/*', handOver);
  };
}
