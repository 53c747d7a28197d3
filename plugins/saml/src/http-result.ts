import { createHash } from 'node:crypto';

/**
 * What a SAML endpoint answers, framework-free: the Fastify routes are a thin adapter that
 * writes it to the reply (STYLE 6), and the benchmark drives the handlers directly.
 */
export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body?: string | Record<string, unknown>;
  /** New value of the request-binding cookie (hashes of pending AuthnRequest ids); [] clears it. */
  requestCookie?: string[];
  /** Successful sign-in: the core session token to set as the session cookie. */
  session?: string;
  /** Sign-out: clear the session cookie. */
  clearSession?: boolean;
}

export function jsonError(status: number, error: string, message: string, extra: Record<string, unknown> = {}): HttpResult {
  return { status, headers: { 'cache-control': 'no-store' }, body: { error, message, ...extra } };
}

export function redirect(location: string, extra: Partial<HttpResult> = {}): HttpResult {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, ...extra };
}

/** What the binding cookie holds for a request id: 128 bits of its SHA-256, never the id itself. */
export function requestHash(requestId: string): string {
  return createHash('sha256').update(requestId).digest('base64url').slice(0, 22);
}

const HASH = /^[A-Za-z0-9_-]{22}$/;
/** Pending requests one browser may have at once (tabs); the oldest falls out. */
export const MAX_PENDING_IN_COOKIE = 4;

export function parseRequestCookie(value: string | undefined): string[] {
  if (!value) return [];
  return value.split('.').filter((h) => HASH.test(h)).slice(-MAX_PENDING_IN_COOKIE);
}

/** Cookie header → name/value pairs (first occurrence wins, values percent-decoded when valid). */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === '' || out.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep the raw value
    }
    out.set(name, value);
  }
  return out;
}

export interface CookieAttributes {
  path: string;
  maxAge: number;
  secure: boolean;
  /** `None` needs `secure`; undefined leaves the browser default (Lax). */
  sameSite?: 'Lax' | 'None' | 'Strict';
}

export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${attributes.path}`, `Max-Age=${attributes.maxAge}`, 'HttpOnly'];
  if (attributes.secure) parts.push('Secure');
  if (attributes.sameSite) parts.push(`SameSite=${attributes.sameSite}`);
  return parts.join('; ');
}
