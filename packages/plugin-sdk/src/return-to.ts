/**
 * Where a sign-in may send the browser back to: a same-site path, or a URL on one of the
 * allowed origins. Anything else (`//evil.example`, `https:evil`, backslashes, `javascript:`)
 * falls back to `fallback` — never an open redirect.
 */
export function checkReturnTo(value: unknown, allowedOrigins: readonly string[], fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return fallback;
  if (/[\\\u0000-\u001f]/.test(value)) return fallback;
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  try {
    const url = new URL(value);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && allowedOrigins.includes(url.origin)) return url.toString();
  } catch {
    // not a URL: fall through
  }
  return fallback;
}
