/**
 * What a sign-in endpoint answers, framework-free (STYLE 6): handlers return an `SsoResult`, and
 * `sendSsoResult` is the whole Fastify adapter. Refusals have one shape in every protocol: a
 * small HTML page for people, JSON `{ error, message, step, requestId }` for programs, always
 * `no-store`, never a 5xx for what a browser or an IdP sent.
 */
import type { FastifyReply } from 'fastify';
import type { ProtocolRefusal } from '@roster/core';
import type { RosterConfig, SignInApi } from '../plugin.js';
import { serializeCookie } from './cookie.js';

export interface SsoResult {
  status: number;
  headers: Record<string, string>;
  body?: string | Uint8Array | Record<string, unknown>;
  /** Set-Cookie values (flow binding cookies…), in order. */
  cookies?: string[];
  /** A successful sign-in: the core session token to set as the session cookie. */
  session?: string;
  /** A sign-out: delete the session cookie. */
  clearSession?: boolean;
}

/**
 * One naming of the SSO error codes across protocols: `<PREFIX>_<KIND>`, e.g.
 * `SAML_SIGNIN_REFUSED`, `OIDC_SIGNIN_REFUSED`, `WSFED_SIGNIN_REFUSED`.
 */
export type SsoErrorKind = 'SIGNIN_REFUSED' | 'CONNECTION_NOT_FOUND' | 'CONNECTION_DISABLED';

export function ssoErrorCode<P extends string, K extends SsoErrorKind>(prefix: P, kind: K): `${P}_${K}` {
  return `${prefix}_${kind}`;
}

/** What people read on a refusal; the precise reason is in the connection's sign-in trace (R19). */
export const REFUSAL_MESSAGE =
  'The sign-in could not be completed. Start again from your application; if it keeps failing, your administrator can see why in the connection’s sign-in attempts.';

export function redirectResult(location: string, extra: Partial<SsoResult> = {}): SsoResult {
  return { status: 302, ...extra, headers: { location, 'cache-control': 'no-store', ...extra.headers } };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface RefusalBody {
  status: number;
  error: string;
  message: string;
  step?: string;
  /** The HTTP request id, shown so support can find the trace. */
  requestId: string;
  /** The request's Accept header: HTML for browsers, JSON otherwise. */
  accept?: string;
}

/** The one refusal shape (HTML or JSON). */
export function refusalResult(r: RefusalBody, extra: Partial<SsoResult> = {}): SsoResult {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (r.accept?.includes('text/html')) {
    const step = r.step ? `, step <code>${escapeHtml(r.step)}</code>` : '';
    const body =
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Sign-in refused</title></head>' +
      `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem"><h1>Sign-in refused</h1><p>${escapeHtml(r.message)}</p>` +
      `<p style="color:#666">Code <code>${escapeHtml(r.error)}</code>${step} · request id <code>${escapeHtml(r.requestId)}</code></p></body></html>`;
    return {
      ...extra,
      status: r.status,
      headers: {
        ...headers,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        ...extra.headers,
      },
      body,
    };
  }
  return {
    ...extra,
    status: r.status,
    headers: { ...headers, ...extra.headers },
    body: { error: r.error, message: r.message, ...(r.step ? { step: r.step } : {}), requestId: r.requestId },
  };
}

/**
 * Records a refused sign-in in the connection's trace (R19), then answers with the refusal
 * shape. Every protocol refusal goes through here, so none is left without a trace.
 */
export async function refuseSignIn(
  signIn: Pick<SignInApi, 'refuse'>,
  trace: ProtocolRefusal & { requestId: string },
  answer: { prefix: string; accept?: string; status?: number; message?: string },
  extra: Partial<SsoResult> = {},
): Promise<SsoResult> {
  await signIn.refuse(trace);
  return refusalResult(
    {
      status: answer.status ?? 403,
      error: ssoErrorCode(answer.prefix, 'SIGNIN_REFUSED'),
      message: answer.message ?? REFUSAL_MESSAGE,
      step: trace.step,
      requestId: trace.requestId,
      accept: answer.accept,
    },
    extra,
  );
}

/** Writes an `SsoResult` to a Fastify reply: the thin adapter every SSO route ends with. */
export function sendSsoResult(
  reply: FastifyReply,
  result: SsoResult,
  env: { signIn: Pick<SignInApi, 'startSession'>; config: Pick<RosterConfig, 'sessionCookie' | 'production'> },
): FastifyReply {
  for (const [name, value] of Object.entries(result.headers)) reply.header(name, value);
  // Fastify appends repeated set-cookie headers; @fastify/cookie merges the session cookie on send.
  for (const cookie of result.cookies ?? []) reply.header('set-cookie', cookie);
  if (result.clearSession)
    reply.header(
      'set-cookie',
      serializeCookie(env.config.sessionCookie, '', { path: '/', maxAge: 0, secure: env.config.production, sameSite: 'Lax' }),
    );
  if (result.session) env.signIn.startSession(reply, result.session);
  return reply.code(result.status).send(result.body ?? '');
}
