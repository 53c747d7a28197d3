import type { WsFedConnection } from './types.js';

/** WS-Federation passive requestor profile: the `wa` actions this relying party speaks. */
export const WA = {
  signIn: 'wsignin1.0',
  signOut: 'wsignout1.0',
  signOutCleanup: 'wsignoutcleanup1.0',
} as const;

export class WsFedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WsFedRequestError';
  }
}

/** ADFS truncates or refuses very long wctx values; state is an opaque handle, not a payload. */
const MAX_WCTX_LENGTH = 1024;

export interface SignInUrlOptions {
  /** Opaque state echoed back by the IdP; the caller binds it to the browser (phase 2). */
  wctx: string;
  /** Defaults to the connection's reply URL; must stay on its origin so tokens only come back to Roster. */
  wreply?: string;
  /** Home realm hint (ADFS claims-provider trust, Entra domain hint). */
  whr?: string;
  /** Maximum age in minutes of the IdP session; `0` forces a fresh sign-in. */
  wfresh?: number;
  now?: Date;
}

export function buildSignInUrl(conn: WsFedConnection, options: SignInUrlOptions): string {
  if (options.wctx === '' || options.wctx.length > MAX_WCTX_LENGTH) {
    throw new WsFedRequestError(`wctx must be 1..${MAX_WCTX_LENGTH} characters`);
  }
  const wreply = options.wreply ?? conn.replyUrl;
  if (origin(wreply) !== origin(conn.replyUrl)) {
    throw new WsFedRequestError('wreply must be on the origin of the connection reply URL');
  }
  // URL keeps query parameters the IdP endpoint already has (Entra tenants, ADFS customisations).
  const url = new URL(conn.idpSignInUrl);
  url.searchParams.set('wa', WA.signIn);
  url.searchParams.set('wtrealm', conn.realm);
  url.searchParams.set('wreply', wreply);
  url.searchParams.set('wctx', options.wctx);
  url.searchParams.set('wct', (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (options.whr !== undefined) url.searchParams.set('whr', options.whr);
  if (options.wfresh !== undefined) {
    if (!Number.isInteger(options.wfresh) || options.wfresh < 0) throw new WsFedRequestError('wfresh must be a non-negative integer');
    url.searchParams.set('wfresh', String(options.wfresh));
  }
  return url.toString();
}

export interface SignOutUrlOptions {
  /** Where the IdP sends the browser after signing out everywhere. */
  wreply?: string;
}

export function buildSignOutUrl(conn: WsFedConnection, options: SignOutUrlOptions = {}): string {
  const url = new URL(conn.idpSignOutUrl ?? conn.idpSignInUrl);
  url.searchParams.set('wa', WA.signOut);
  url.searchParams.set('wtrealm', conn.realm);
  if (options.wreply !== undefined) {
    origin(options.wreply); // throws on a relative or non-http(s) URL
    url.searchParams.set('wreply', options.wreply);
  }
  return url.toString();
}

export type WsFedParams = URLSearchParams | Readonly<Record<string, string | string[] | undefined>>;

export type WsFedMessage =
  | { action: 'signin'; wresult: string; wctx?: string }
  | { action: 'signout' | 'signoutcleanup'; wreply?: string }
  | { action: 'invalid'; reason: string };

/** Classifies what the IdP sent to the reply URL (form post or query string). */
export function parseWsFedMessage(params: WsFedParams): WsFedMessage {
  const read = (name: string): string | undefined | 'duplicate' => {
    const values = params instanceof URLSearchParams ? params.getAll(name) : toArray(params[name]);
    // A repeated parameter means two parsers could disagree about which one counts: refuse it.
    if (values.length > 1) return 'duplicate';
    return values[0];
  };
  const wa = read('wa');
  const wresult = read('wresult');
  const wctx = read('wctx');
  const wreply = read('wreply');
  for (const [name, value] of [
    ['wa', wa],
    ['wresult', wresult],
    ['wctx', wctx],
    ['wreply', wreply],
  ] as const) {
    if (value === 'duplicate') return { action: 'invalid', reason: `parameter ${name} appears more than once` };
  }
  switch (wa) {
    case WA.signIn:
      if (!wresult) return { action: 'invalid', reason: 'wsignin1.0 response without wresult' };
      return wctx === undefined ? { action: 'signin', wresult } : { action: 'signin', wresult, wctx };
    case WA.signOut:
      return wreply === undefined ? { action: 'signout' } : { action: 'signout', wreply };
    case WA.signOutCleanup:
      return wreply === undefined ? { action: 'signoutcleanup' } : { action: 'signoutcleanup', wreply };
    case undefined:
      return { action: 'invalid', reason: 'missing wa parameter' };
    default:
      return { action: 'invalid', reason: `unsupported wa action ${JSON.stringify(wa.slice(0, 40))}` };
  }
}

export type SignOutCleanupResponse =
  { kind: 'redirect'; status: 302; location: string } | { kind: 'image'; status: 200; contentType: 'image/gif'; body: Buffer };

export interface SignOutCleanupResult {
  /** Always true: the caller ends the member's Roster session for this connection. */
  clearSession: true;
  response: SignOutCleanupResponse;
}

/** 1x1 transparent GIF: ADFS and Entra load cleanup URLs as images/iframes and expect one. */
const TRANSPARENT_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * Handles `wsignoutcleanup1.0` (and an IdP-sent `wsignout1.0`): the session is always cleared; the
 * browser is redirected only to the IdP's own origin so the cleanup URL is no open redirect.
 */
export function handleSignOutCleanup(conn: WsFedConnection, wreply?: string): SignOutCleanupResult {
  if (wreply !== undefined) {
    const idpOrigins = [conn.idpSignInUrl, conn.idpSignOutUrl].filter((u): u is string => u !== undefined).map(origin);
    let target: string | undefined;
    try {
      target = origin(wreply);
    } catch {
      target = undefined;
    }
    if (target !== undefined && idpOrigins.includes(target)) {
      return { clearSession: true, response: { kind: 'redirect', status: 302, location: wreply } };
    }
  }
  return { clearSession: true, response: { kind: 'image', status: 200, contentType: 'image/gif', body: TRANSPARENT_GIF } };
}

function origin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WsFedRequestError(`not an absolute URL: ${value.slice(0, 80)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WsFedRequestError('only http(s) URLs are allowed');
  return url.origin;
}

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
