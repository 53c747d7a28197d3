import { expect } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { samlPlugin, type SamlPlugin, type SamlPluginInput } from '../../src/index.js';
import { Browser, freePort } from './browser.js';
import { b64, readRedirectRequest, signedXml, spec, idpMetadata, type Signing } from './test-idp.js';
import type { ResponseSpec, SignWith } from './idp.js';

export const APP_ORIGIN = 'https://app.example.com';

export interface SamlRoster {
  t: TestRoster;
  plugin: SamlPlugin;
  publicUrl: string;
}

/**
 * A Roster node with the SAML plugin whose public URL is known before it listens (SP entity ids
 * and ACS URLs derive from it). A second node passes the first one's `publicUrl` and database.
 */
export async function startSamlRoster(
  options: SamlPluginInput = {},
  node: { publicUrl?: string; databaseUrl?: string } = {},
): Promise<SamlRoster> {
  const port = await freePort();
  const publicUrl = node.publicUrl ?? `http://127.0.0.1:${port}`;
  // Tests serve IdP metadata from 127.0.0.1 over http; production refuses both by default.
  const plugin = samlPlugin({ allowPrivateMetadataHosts: true, ...options });
  const t = await startTestRoster({
    plugins: [plugin],
    config: { port, publicUrl, allowedOrigins: [publicUrl, APP_ORIGIN] },
    // The shared test template holds only the registered first-party plugins' tables.
    roster: { migrate: true },
    ...(node.databaseUrl ? { databaseUrl: node.databaseUrl } : {}),
  });
  return { t, plugin, publicUrl };
}

export type Team = Awaited<ReturnType<TestRoster['createTeam']>>;

export const CONNECTION_FIELDS = `id teamId name enabled preset setupHint entityId acsUrl metadataUrl loginUrl logoutUrl sloUrl spCertificate spCertificateNotAfter
  idpEntityId idpSsoUrl idpSsoBinding idpSloUrl certificateExpiresSoon
  certificates { fingerprintSha256 subject notBefore notAfter expired expiresSoon daysLeft pem }
  attributeMapping { email givenName familyName groups } attributeOverrides { email groups }
  nameIdFormat allowSha1 clockSkewSeconds allowIdpInitiated wantAssertionsSigned wantResponseSigned signAuthnRequests trustEmails
  idpMetadataUrl metadataRefreshedAt metadataCheckedAt metadataError createdAt updatedAt`;

export interface Connection {
  id: string;
  entityId: string;
  acsUrl: string;
  metadataUrl: string;
  loginUrl: string;
  logoutUrl: string;
  sloUrl: string;
  spCertificate: string;
  certificates: Array<{ fingerprintSha256: string; notAfter: string; expiresSoon: boolean; pem: string }>;
  idpMetadataUrl: string | null;
  metadataError: string | null;
  [key: string]: unknown;
}

/**
 * A connection to the test IdP. It vouches for the emails it asserts (`trustEmails`): the journeys
 * sign in members of `@example.com`, a domain no test team can verify for itself.
 */
export async function createConnection(t: TestRoster, team: Team, input: Record<string, unknown> = {}): Promise<Connection> {
  const r = await t.gql<{ createSamlConnection: Connection }>(
    `mutation($teamId: ID!, $input: SamlConnectionInput!) { createSamlConnection(teamId: $teamId, input: $input) { ${CONNECTION_FIELDS} } }`,
    { teamId: team.teamId, input: { preset: 'okta', metadataXml: idpMetadata(), trustEmails: true, ...input } },
    { token: team.ownerToken },
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.createSamlConnection;
}

export async function updateConnection(t: TestRoster, team: Team, id: string, input: Record<string, unknown>): Promise<Connection> {
  const r = await t.gql<{ updateSamlConnection: Connection }>(
    `mutation($id: ID!, $input: SamlConnectionInput!) { updateSamlConnection(id: $id, input: $input) { ${CONNECTION_FIELDS} } }`,
    { id, input },
    { token: team.ownerToken },
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.updateSamlConnection;
}

export interface Attempt {
  outcome: string;
  step: string | null;
  reason: string | null;
  subject: string | null;
  email: string | null;
}

export async function attempts(t: TestRoster, team: Team, limit = 20): Promise<Record<string, Attempt[]>> {
  const r = await t.gql<{ team: { samlConnections: Array<{ id: string; attempts: Attempt[] }> } }>(
    `query($id: ID!, $limit: Int!) { team(id: $id) { samlConnections { id attempts(limit: $limit) { outcome step reason subject email } } } }`,
    { id: team.teamId, limit },
    { token: team.ownerToken },
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return Object.fromEntries(r.data!.team.samlConnections.map((c) => [c.id, c.attempts]));
}

export interface SignInRun {
  browser: Browser;
  /** The ACS answer. */
  acs: Response;
  requestId: string;
  relayState: string | null;
}

/**
 * SP-initiated sign-in as a browser does it: /login → (IdP) → POST to the ACS with the
 * RelayState. `finishOn` posts the response to another node (same public URL, shared database).
 */
export async function spInitiated(
  conn: Connection,
  options: {
    returnTo?: string;
    nameId?: string;
    attributes?: Record<string, string[]>;
    signing?: Signing;
    signer?: SignWith;
    finishOn?: string;
    startOn?: string;
    overrides?: Partial<ResponseSpec>;
    browser?: Browser;
    encryptFor?: string;
  } = {},
): Promise<SignInRun> {
  const browser = options.browser ?? new Browser();
  const start = new URL(conn.loginUrl);
  const startBase = options.startOn ?? start.origin;
  const login = await browser.get(
    `${startBase}${start.pathname}${options.returnTo ? `?return_to=${encodeURIComponent(options.returnTo)}` : ''}`,
  );
  expect(login.status, await login.clone().text()).toBe(302);
  const request = readRedirectRequest(login.headers.get('location') ?? '');
  const nameId = options.nameId ?? 'ada@example.com';
  const s = spec(conn, {
    inResponseTo: request.id,
    nameId,
    attributes: options.attributes ?? { email: [nameId], firstName: ['Ada'], lastName: ['Lovelace'] },
    ...options.overrides,
  });
  const xml = signedXml(s, {
    ...(options.signing ? { signing: options.signing } : {}),
    ...(options.signer ? { signer: options.signer } : {}),
    ...(options.encryptFor ? { encryptFor: options.encryptFor } : {}),
  });
  const acsUrl = new URL(conn.acsUrl);
  const acs = await browser.postForm(`${options.finishOn ?? acsUrl.origin}${acsUrl.pathname}`, {
    SAMLResponse: b64(xml),
    ...(request.relayState ? { RelayState: request.relayState } : {}),
  });
  return { browser, acs, requestId: request.id, relayState: request.relayState };
}

/** An unsolicited (IdP-initiated) response posted to the ACS. */
export async function idpInitiated(
  conn: Connection,
  options: { xml?: string; nameId?: string; relayState?: string; browser?: Browser; overrides?: Partial<ResponseSpec> } = {},
): Promise<{ browser: Browser; acs: Response; xml: string }> {
  const browser = options.browser ?? new Browser();
  const nameId = options.nameId ?? 'ada@example.com';
  const xml = options.xml ?? signedXml(spec(conn, { nameId, attributes: { email: [nameId] }, ...options.overrides }));
  const acs = await browser.postForm(conn.acsUrl, {
    SAMLResponse: b64(xml),
    ...(options.relayState ? { RelayState: options.relayState } : {}),
  });
  return { browser, acs, xml };
}

export async function me(browser: Browser, url: string): Promise<string | null> {
  const r = await browser.gql<{ me: { login: string } | null }>(url, '{ me { login } }');
  return r.data?.me?.login ?? null;
}
