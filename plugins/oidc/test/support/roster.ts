/**
 * Roster with the OIDC plugin against the in-process oidc-provider, driven like a browser:
 * /oidc/:id/login → provider interaction → /oidc/:id/callback → roster_session cookie.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { CookieJar, followToCallback } from './browser.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface BrowserSignIn {
  /** Where Roster's login route sent the browser (the provider's authorization URL). */
  authorizationUrl: URL | null;
  /** The callback the provider sent back (on Roster's public URL). */
  callback: URL | null;
  /** Final Roster response status and redirect. */
  status: number;
  location: string | null;
  body: Record<string, unknown> | null;
  /** The roster_session cookie, when a session was started. */
  session: string | null;
  jar: CookieJar;
}

function cookieValue(response: Response, name: string): string | null {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    if (pair?.startsWith(`${name}=`)) return pair.slice(name.length + 1) || null;
  }
  return null;
}

async function bodyOf(response: Response): Promise<Record<string, unknown> | null> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return text ? { text } : null;
  }
}

/**
 * Runs one browser sign-in. `finishOn` is the base URL the callback is delivered to (another
 * node behind the same public URL); `dropStateCookie` simulates a callback in another browser.
 */
export async function browserSignIn(
  rosterUrl: string,
  publicUrl: string,
  connectionId: string,
  opts: { loginHint?: string; returnTo?: string; finishOn?: string; dropStateCookie?: boolean } = {},
): Promise<BrowserSignIn> {
  const jar = new CookieJar();
  const login = new URL(`${rosterUrl}/oidc/${connectionId}/login`);
  if (opts.loginHint) login.searchParams.set('login_hint', opts.loginHint);
  if (opts.returnTo) login.searchParams.set('return_to', opts.returnTo);
  const started = await fetch(login, { redirect: 'manual' });
  jar.store(started);
  const location = started.headers.get('location');
  if (started.status !== 302 || !location) {
    return { authorizationUrl: null, callback: null, status: started.status, location, body: await bodyOf(started), session: null, jar };
  }
  const authorizationUrl = new URL(location);
  const callback = await followToCallback(authorizationUrl, authorizationUrl.searchParams.get('redirect_uri') ?? `${publicUrl}/oidc/`, jar);
  const target = new URL(`${callback.pathname}${callback.search}`, opts.finishOn ?? rosterUrl);
  const cookie = opts.dropStateCookie
    ? jar
        .header()
        .split('; ')
        .filter((c) => !c.startsWith('roster_oidc_state='))
        .join('; ')
    : jar.header();
  const finished = await fetch(target, { redirect: 'manual', headers: { cookie } });
  jar.store(finished);
  return {
    authorizationUrl,
    callback,
    status: finished.status,
    location: finished.headers.get('location'),
    body: finished.status === 302 ? null : await bodyOf(finished),
    session: cookieValue(finished, 'roster_session'),
    jar,
  };
}
