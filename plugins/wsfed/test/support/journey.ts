import { randomUUID } from 'node:crypto';
import type { TestRoster } from '@roster/server/testing';
import { CLAIM } from '../../src/protocol/index.js';
import { CONTOSO, mintWresult, type MintOptions, type RstrOptions } from './issuer.js';
import { KEYS } from './keys.js';
import { adfsMetadata } from './metadata.js';

/**
 * Test deployments run behind this public URL (realm and reply URL are derived from it, like
 * behind a load balancer); requests go to the node's real address with the same path.
 */
export const PUBLIC_URL = 'https://roster.test';
export const TEST_CONFIG = { publicUrl: PUBLIC_URL, allowedOrigins: [PUBLIC_URL, 'https://app.roster.test'] };

export interface HttpResult {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** A browser: a cookie jar (paths ignored, Max-Age=0 deletes) and no automatic redirects. */
export class Browser {
  readonly jar = new Map<string, string>();

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<HttpResult> {
    return this.send(url, { method: 'GET', headers });
  }

  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResult> {
    return this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  async send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<HttpResult> {
    const headers = { ...init.headers };
    if (this.jar.size && headers.cookie === undefined) headers.cookie = this.cookieHeader();
    const r = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of r.headers.getSetCookie()) {
      const [pair = '', ...attrs] = c.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expired = attrs.some((a) => /^max-age=0$/i.test(a));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const text = await r.text();
    return { status: r.status, location: r.headers.get('location'), headers: r.headers, text, json: <T>() => JSON.parse(text) as T };
  }
}

export interface Person {
  email: string;
  givenName?: string;
  familyName?: string;
}

export function person(prefix = 'alice', domain = 'contoso.test'): Person {
  return { email: `${prefix}-${randomUUID().slice(0, 8)}@${domain}`, givenName: 'Alice', familyName: 'Liddell' };
}

/** What the IdP posts back: the form fields and the reply URL it posts them to. */
export interface IdpPost {
  wreply: string;
  form: { wa: string; wresult: string; wctx: string };
}

/**
 * The in-process IdP's side of the passive profile: reads the wsignin1.0 redirect Roster issued
 * (wtrealm, wreply, wctx), authenticates `who` and mints the wresult ADFS would post.
 */
export function idpAnswer(signInUrl: string, who: Person, options: MintOptions & RstrOptions = {}): IdpPost {
  const url = new URL(signInUrl);
  if (url.searchParams.get('wa') !== 'wsignin1.0') throw new Error(`not a wsignin1.0 redirect: ${signInUrl}`);
  const wtrealm = url.searchParams.get('wtrealm')!;
  const wreply = url.searchParams.get('wreply')!;
  const wctx = url.searchParams.get('wctx')!;
  const wresult = mintWresult({
    audiences: wtrealm,
    appliesTo: wtrealm,
    nameId: who.email,
    attributes: {
      [CLAIM.email]: who.email,
      ...(who.givenName ? { [CLAIM.givenName]: who.givenName } : {}),
      ...(who.familyName ? { [CLAIM.surname]: who.familyName } : {}),
      [CLAIM.groups]: ['Sales'],
    },
    ...((options.version ?? '1.1') === '2.0' ? { recipient: wreply } : {}),
    ...options,
  });
  return { wreply, form: { wa: 'wsignin1.0', wresult, wctx } };
}

/** Where a browser posting to `wreply` lands on a given node: same path, the node's address. */
export function onNode(node: TestRoster, publicUrl: string): string {
  const u = new URL(publicUrl);
  return `${node.url}${u.pathname}${u.search}`;
}

export const CONNECTION_FIELDS = `id teamId name enabled realm replyUrl loginUrl logoutUrl idpIssuer idpSignInUrl idpSignOutUrl allowSha1 trustEmails clockSkewSeconds claimPreset
  certificates { fingerprintSha256 subject notBefore notAfter expired daysUntilExpiry expiryWarning }
  claimOverrides { email upn } claimMapping { email groups }
  metadataUrl metadataRefreshedAt metadataCheckedAt metadataError createdAt updatedAt`;

export interface ConnectionView {
  id: string;
  teamId: string;
  name: string;
  enabled: boolean;
  realm: string;
  replyUrl: string;
  loginUrl: string;
  logoutUrl: string;
  idpIssuer: string;
  idpSignInUrl: string;
  idpSignOutUrl: string | null;
  claimPreset: string;
  trustEmails: boolean;
  certificates: Array<{
    fingerprintSha256: string;
    subject: string;
    notAfter: string;
    expired: boolean;
    daysUntilExpiry: number;
    expiryWarning: boolean;
  }>;
  claimOverrides: { email: string[] | null; upn: string[] | null };
  claimMapping: { email: string[]; groups: string[] };
  metadataUrl: string | null;
  metadataRefreshedAt: string | null;
  metadataCheckedAt: string | null;
  metadataError: string | null;
}

export const CREATE = `mutation($teamId: ID!, $input: WsFedConnectionInput!) { createWsFedConnection(teamId: $teamId, input: $input) { ${CONNECTION_FIELDS} } }`;
export const UPDATE = `mutation($id: ID!, $input: WsFedConnectionInput!) { updateWsFedConnection(id: $id, input: $input) { ${CONNECTION_FIELDS} } }`;
export const REFRESH = `mutation($id: ID!) { refreshWsFedMetadata(id: $id) { ${CONNECTION_FIELDS} } }`;
export const LIST = `query($id: ID!) { team(id: $id) { wsfedConnections { ${CONNECTION_FIELDS} } } }`;
export const ATTEMPTS = `query($id: ID!, $limit: Int) { team(id: $id) { wsfedConnections { id attempts(limit: $limit) { at outcome step reason subject email } } } }`;

export async function ok<T>(t: TestRoster, query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const r = await t.gql<T>(query, variables, { token });
  if (r.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(r.errors)}`);
  return r.data!;
}

export async function gqlError(
  t: TestRoster,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<string | undefined> {
  const r = await t.gql(query, variables, token ? { token } : undefined);
  return r.errors?.[0]?.extensions?.code;
}

/**
 * A team, its owner, and a WS-Fed connection imported from an ADFS-shaped FederationMetadata.xml.
 * The connection vouches for the emails it asserts (`trustEmails`), as a corporate ADFS does: the
 * journeys sign in people of `contoso.test`, which no test team verifies for itself.
 */
export async function teamWithAdfs(t: TestRoster, metadata = adfsMetadata()) {
  const team = await t.createTeam();
  const { createWsFedConnection: conn } = await ok<{ createWsFedConnection: ConnectionView }>(
    t,
    CREATE,
    { teamId: team.teamId, input: { name: 'Contoso ADFS', metadataXml: metadata, trustEmails: true } },
    team.ownerToken,
  );
  return { team, conn };
}

export interface SignInRun {
  login: HttpResult;
  idp: IdpPost;
  acs: HttpResult;
  browser: Browser;
}

/** Browser → /login → IdP → POST to the ACS (on `finishOn`, default the same node). */
export async function signIn(
  start: TestRoster,
  connectionId: string,
  who: Person,
  options: MintOptions & RstrOptions & { finishOn?: TestRoster; returnTo?: string; browser?: Browser } = {},
): Promise<SignInRun> {
  const { finishOn = start, returnTo = '/dashboard', browser = new Browser(), ...mint } = options;
  const login = await browser.get(`${start.url}/wsfed/${connectionId}/login?return_to=${encodeURIComponent(returnTo)}`);
  if (login.status !== 302 || !login.location) throw new Error(`login did not redirect: ${login.status} ${login.text}`);
  const idp = idpAnswer(login.location, who, mint);
  const acs = await browser.post(onNode(finishOn, idp.wreply), idp.form);
  return { login, idp, acs, browser };
}

export async function meWithCookie(t: TestRoster, browser: Browser): Promise<{ login: string } | null> {
  const session = browser.jar.get('roster_session');
  if (!session) return null;
  const r = await t.gql<{ me: { login: string } | null }>('{ me { login } }', {}, { headers: { cookie: `roster_session=${session}` } });
  return r.data?.me ?? null;
}

export { KEYS, CONTOSO };
