/**
 * Secrets travel in sign-in URLs (authorization codes, state, SAML messages, tokens): request
 * logs must not keep them. `redactUrl` masks their values and leaves everything else verbatim.
 */

/** Query parameters whose values never reach a log (compared without case). */
export const SECRET_PARAMS: readonly string[] = [
  'code',
  'state',
  'token',
  'samlrequest',
  'samlresponse',
  'relaystate',
  'wresult',
  'wctx',
  'id_token',
  'access_token',
  'refresh_token',
  'client_secret',
  'password',
  'signature',
];

const SECRET = new Set(SECRET_PARAMS);

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/** `/oidc/callback?code=abc&state=xyz&x=1` → `/oidc/callback?code=[REDACTED]&state=[REDACTED]&x=1`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return SECRET.has(decodedName(name)) ? `${name}=[REDACTED]` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${redacted}${hash < 0 ? '' : '#[REDACTED]'}`;
}
