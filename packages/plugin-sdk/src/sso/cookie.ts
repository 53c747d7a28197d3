/** The one cookie codec of the SSO toolkit: reading the Cookie header and writing Set-Cookie values. */

/** Cookie header → name/value pairs (first occurrence wins, as browsers send the most specific first; values percent-decoded when valid). */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === '' || out.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
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
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  secure: boolean;
  /** `None` needs `secure` (browsers drop it otherwise, so it is left out over plain http); undefined: the browser default (Lax). */
  sameSite?: 'Lax' | 'None' | 'Strict';
}

/** One HttpOnly Set-Cookie value; the value is percent-encoded. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const maxAge = Math.max(0, Math.floor(attributes.maxAge));
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${attributes.path}`, `Max-Age=${maxAge}`, 'HttpOnly'];
  if (maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (attributes.secure) parts.push('Secure');
  if (attributes.sameSite && (attributes.sameSite !== 'None' || attributes.secure)) parts.push(`SameSite=${attributes.sameSite}`);
  return parts.join('; ');
}
