/**
 * `return_to` check: where the browser may be sent after a sign-in or sign-out without becoming
 * an open redirect. Accepted: a path on Roster's own origin (`/app?x=1`), or an absolute http(s)
 * URL whose origin is listed. Everything a browser might read as another host is refused:
 * `//evil`, `/\evil`, `\\evil`, `/<tab>/evil` (browsers drop tabs and newlines), `javascript:`,
 * `https://allowed@evil`. One implementation for every protocol plugin (SAML RelayState, OIDC
 * and WS-Fed `return_to`, sign-out targets).
 */

export type ReturnToCheck = { ok: true; value: string } | { ok: false; reason: string };

const MAX_LENGTH = 2048;

function normaliseOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** The verdict with its reason (for a sign-in trace); `checkReturnTo` is the usual call. */
export function inspectReturnTo(input: unknown, allowedOrigins: readonly string[]): ReturnToCheck {
  if (typeof input !== 'string' || input.length === 0) return { ok: false, reason: 'return_to is empty' };
  if (input.length > MAX_LENGTH) return { ok: false, reason: 'return_to is too long' };
  // Control characters and spaces are removed or rewritten by browsers before parsing.
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u0020\u007f-\u009f\u2028\u2029\ufeff]/.test(input))
    return { ok: false, reason: 'return_to contains control or space characters' };
  // Browsers read a backslash as a slash in http(s) URLs: `/\evil.com` is `//evil.com`.
  if (input.includes('\\')) return { ok: false, reason: 'return_to contains a backslash' };

  if (input.startsWith('/')) {
    if (input.startsWith('//')) return { ok: false, reason: 'return_to is a protocol-relative URL' };
    // A path-absolute reference always stays on the current origin; keep it verbatim, because
    // normalising `/.//evil` would produce `//evil`.
    return { ok: true, value: input };
  }

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: 'return_to is neither a path nor an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, reason: `return_to scheme ${url.protocol} is not allowed` };
  if (url.username || url.password) return { ok: false, reason: 'return_to must not carry credentials' };
  if (!allowedOrigins.map(normaliseOrigin).includes(url.origin))
    return { ok: false, reason: `return_to origin ${url.origin} is not allowed` };
  return { ok: true, value: url.href };
}

/** The checked value, or `fallback` when it is refused: never an open redirect. */
export function checkReturnTo(value: unknown, allowedOrigins: readonly string[], fallback = '/'): string {
  const result = inspectReturnTo(value, allowedOrigins);
  return result.ok ? result.value : fallback;
}
