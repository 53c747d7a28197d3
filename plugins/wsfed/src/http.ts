import { createHash, timingSafeEqual } from 'node:crypto';
import type { PluginContext, RouteRegistrar, SignInApi } from '@roster/plugin-sdk';

/** Fastify types, taken from the SDK contract so the plugin needs no direct fastify dependency. */
export type App = Parameters<Parameters<RouteRegistrar['register']>[0]>[0];
export type Request = Parameters<PluginContext<unknown>['viewerOf']>[0];
export type Reply = Parameters<SignInApi['startSession']>[0];

export interface CookieOptions {
  path: string;
  maxAgeSeconds: number;
  /** `none` needs a secure context; browsers then send the cookie on the IdP's cross-site form post. */
  sameSite: 'lax' | 'none' | 'unset';
  secure: boolean;
}

/** Serialises one Set-Cookie value; names and values here are base64url or URI-encoded, never raw input. */
export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${o.path}`, `Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`, 'HttpOnly'];
  if (o.maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (o.sameSite === 'lax') parts.push('SameSite=Lax');
  if (o.sameSite === 'none') parts.push('SameSite=None');
  if (o.secure || o.sameSite === 'none') parts.push('Secure');
  return parts.join('; ');
}

/** Adds a Set-Cookie header (Fastify appends repeated set-cookie; @fastify/cookie merges the session cookie on send). */
export function appendCookie(reply: Reply, cookie: string): void {
  reply.header('set-cookie', cookie);
}

/** Cookies of a request, read from the header (first value wins, like browsers send them most-specific first). */
export function readCookies(request: Request): Map<string, string> {
  const out = new Map<string, string>();
  const header = request.headers.cookie;
  if (typeof header !== 'string') return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name && !out.has(name)) out.set(name, value);
  }
  return out;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Form or query parameters as plain strings; anything else (objects from a JSON body) is dropped. */
export function toParams(input: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return out;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) out[key] = value;
  }
  return out;
}

export function wantsHtml(request: Request): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A refusal for the browser: a tiny HTML page or JSON, always a 4xx. The detailed reason goes to
 * the sign-in trace for the team's admins, not to whoever posted the message.
 */
export function sendProblem(request: Request, reply: Reply, status: number, body: { error: string; message: string; step?: string }): Reply {
  reply.code(status).header('cache-control', 'no-store');
  if (wantsHtml(request)) {
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Sign-in refused</title></head>`
      + `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem"><h1>Sign-in refused</h1><p>${escapeHtml(body.message)}</p>`
      + `<p style="color:#666">Code ${escapeHtml(body.error)}${body.step ? `, step ${escapeHtml(body.step)}` : ''} · reference ${escapeHtml(String(request.id))}</p></body></html>`;
    return reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").type('text/html; charset=utf-8').send(html);
  }
  return reply.send({ ...body, requestId: String(request.id) });
}
