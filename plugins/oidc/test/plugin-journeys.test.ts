/**
 * Journeys through a real Roster (HTTP, GraphQL, PostgreSQL or PGlite) with the OIDC plugin and
 * panva's oidc-provider running in-process as the OpenID Provider: connections made through
 * GraphQL, sign-in ending in a working GraphQL session, a flow finished on a second node, key
 * rotation, `hd`, Google sign-in and team policy (R3), inactive members (R7), the sign-in trace
 * (R19) and home-realm discovery (R4).
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@roster/plugin-sdk';
import { flowKeyHash } from '@roster/plugin-sdk';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { oidcPlugin } from '../src/index.js';
import { startOp, type AccountClaims, type TestOp } from './support/op.js';
import { browserSignIn, freePort } from './support/roster.js';

const accounts: Record<string, AccountClaims> = {};
let op: TestOp;
let t: TestRoster;
let publicUrl: string;
let clientKey: { privateJwk: JWK; publicJwk: JWK };

const SECRET = 'roster-client-secret-0123456789';
const GOOGLE_SECRET = 'google-client-secret-0123456789';

const plugin = () =>
  oidcPlugin({
    allowInsecureIssuers: true,
    google: { clientId: 'google-client', clientSecret: GOOGLE_SECRET, issuer: op.issuer, allowInsecureRequests: true },
  });

/** Boots a Roster node whose public URL is known before it listens (the provider registers the redirect URI). */
async function startNode(port: number, databaseUrl?: string): Promise<TestRoster> {
  return startTestRoster({
    plugins: [plugin()],
    // Pin the port so the plugin's ctx.config.publicUrl is right from the start (see README, "Tests").
    config: { port, publicUrl, allowedOrigins: [publicUrl, 'https://app.example.com'] },
    // The shared test template holds only the registered first-party plugins' tables.
    roster: { migrate: true },
    databaseUrl,
  });
}

beforeAll(async () => {
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  clientKey = {
    privateJwk: { ...(await exportJWK(privateKey)), kid: 'roster-rp-1' },
    publicJwk: { ...(await exportJWK(publicKey)), kid: 'roster-rp-1', use: 'sig', alg: 'ES256' },
  };
  const redirect = [`${publicUrl}/oidc/callback`];
  op = await startOp({
    accounts,
    redirectUriPrefix: `${publicUrl}/oidc/`,
    clients: [
      { client_id: 'roster', client_secret: SECRET, redirect_uris: redirect, token_endpoint_auth_method: 'client_secret_basic' },
      {
        client_id: 'roster-pkjwt',
        redirect_uris: redirect,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [clientKey.publicJwk] },
      },
      {
        client_id: 'google-client',
        client_secret: GOOGLE_SECRET,
        redirect_uris: redirect,
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
  });
  t = await startNode(port);
});
afterAll(async () => {
  await t?.close();
  await op?.close();
});

type Team = Awaited<ReturnType<TestRoster['createTeam']>>;

const CONNECTION_FIELDS =
  'id teamId name provider issuer clientId hasClientSecret tokenEndpointAuthMethod publicJwk jwksUri scopes hostedDomain enabled redirectUri loginUrl claimMapping { email groups }';

async function createConnection(team: Team, input: Record<string, unknown> = {}) {
  const r = await t.gql<{ createOidcConnection: Record<string, unknown> & { id: string } }>(
    `mutation($teamId: ID!, $input: CreateOidcConnectionInput!) { createOidcConnection(teamId: $teamId, input: $input) { ${CONNECTION_FIELDS} } }`,
    { teamId: team.teamId, input: { issuer: op.issuer, clientId: 'roster', clientSecret: SECRET, allowInsecureRequests: true, ...input } },
    { token: team.ownerToken },
  );
  return r;
}

async function connectionOf(team: Team, input: Record<string, unknown> = {}): Promise<string> {
  const r = await createConnection(team, input);
  expect(r.errors).toBeUndefined();
  return r.data!.createOidcConnection.id;
}

/** A team member and the matching provider account (the account id is the email: login_hint picks it). */
async function member(team: Team, local: string, claims: Record<string, unknown> = {}): Promise<{ email: string; membershipId: string }> {
  const email = `${local}@${team.slug}.example.com`;
  const { membershipId } = await t.addMember(team.teamId, email);
  accounts[email] = { email, email_verified: true, given_name: local, family_name: 'Test', name: `${local} Test`, ...claims };
  return { email, membershipId };
}

async function me(session: string | null): Promise<string | null> {
  const r = await t.gql<{ me: { login: string } | null }>(
    '{ me { login } }',
    {},
    { headers: { cookie: `roster_session=${session ?? ''}` } },
  );
  return r.data?.me?.login ?? null;
}

async function attempts(team: Team, connectionId: string) {
  const r = await t.gql<{
    team: {
      oidcConnections: Array<{
        id: string;
        attempts: Array<{ outcome: string; step: string | null; reason: string | null; email: string | null }>;
      }>;
    };
  }>(
    'query($id: ID!) { team(id: $id) { oidcConnections { id attempts(limit: 10) { outcome step reason email } } } }',
    { id: team.teamId },
    { token: team.ownerToken },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.team.oidcConnections.find((c) => c.id === connectionId)!.attempts;
}

async function setPolicy(team: Team, methods: string[], ssoRequired: boolean) {
  const r = await t.gql(
    'mutation($id: ID!, $p: SignInPolicyInput!) { setSignInPolicy(teamId: $id, policy: $p) { id } }',
    { id: team.teamId, p: { methods, ssoRequired } },
    { token: team.ownerToken },
  );
  expect(r.errors).toBeUndefined();
}

describe('OIDC connections through GraphQL (R18)', () => {
  it('R18: creating a connection runs discovery, seals the secret and shows the redirect URI', async () => {
    const team = await t.createTeam();
    const r = await createConnection(team, { name: 'Okta', provider: 'okta' });
    expect(r.errors).toBeUndefined();
    const conn = r.data!.createOidcConnection;
    expect(conn).toMatchObject({
      teamId: team.teamId,
      name: 'Okta',
      provider: 'okta',
      issuer: op.issuer,
      clientId: 'roster',
      hasClientSecret: true,
      tokenEndpointAuthMethod: 'client_secret_basic',
      publicJwk: null,
      redirectUri: `${publicUrl}/oidc/${conn.id}/callback`,
      loginUrl: `${publicUrl}/oidc/${conn.id}/login`,
      scopes: ['openid', 'profile', 'email'],
      enabled: true,
    });
    // The secret is stored sealed (AES-256-GCM) and no GraphQL field returns it.
    const [row] = await t.core
      .em()
      .execute<Array<{ client_secret_encrypted: string }>>('select client_secret_encrypted from oidc_connection where id = ?', [conn.id]);
    expect(row!.client_secret_encrypted).toMatch(/^v1\./);
    expect(row!.client_secret_encrypted).not.toContain(SECRET);
    expect(t.core.secrets.decrypt(row!.client_secret_encrypted)).toBe(SECRET);
    const bad = await t.gql(`{ team(id: "${team.teamId}") { oidcConnections { clientSecret } } }`, {}, { token: team.ownerToken });
    expect(bad.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // Audited (R19), without the secret.
    const audit = await t.gql<{ team: { auditEvents: { edges: Array<{ node: { action: string; data: Record<string, unknown> } }> } } }>(
      'query($id: ID!) { team(id: $id) { auditEvents(action: "oidc.") { edges { node { action data } } } } }',
      { id: team.teamId },
      { token: team.ownerToken },
    );
    const created = audit.data!.team.auditEvents.edges.map((e) => e.node).find((n) => n.action === 'oidc.connection_created');
    expect(created?.data).toMatchObject({ issuer: op.issuer, clientId: 'roster' });
    expect(JSON.stringify(created)).not.toContain(SECRET);
  });

  it('refuses a connection whose discovery fails, or that points production at plain http', async () => {
    const team = await t.createTeam();
    const missing = await createConnection(team, { issuer: `${op.issuer}/nowhere` });
    expect(missing.errors?.[0]?.extensions?.code).toBe('OIDC_DISCOVERY_FAILED');
    const insecure = await createConnection(team, { allowInsecureRequests: false });
    expect(insecure.errors?.[0]?.extensions?.code).toBe('OIDC_CONFIGURATION_INVALID');
    const noSecret = await createConnection(team, { clientSecret: null });
    expect(noSecret.errors?.[0]?.extensions?.code).toBe('OIDC_CONFIGURATION_INVALID');
    const entra = await createConnection(team, { provider: 'entra', issuer: 'https://login.microsoftonline.com/organizations/v2.0' });
    expect(entra.errors?.[0]).toMatchObject({ extensions: { code: 'OIDC_CONFIGURATION_INVALID' } });
    expect(entra.errors?.[0]?.message).toMatch(/tenantIds/);
    const listed = await t.gql<{ team: { oidcConnections: unknown[] } }>(
      `{ team(id: "${team.teamId}") { oidcConnections { id } } }`,
      {},
      { token: team.ownerToken },
    );
    expect(listed.data!.team.oidcConnections).toEqual([]);
  });

  it('only team admins manage and read connections', async () => {
    const team = await t.createTeam();
    const other = await t.createTeam();
    const id = await connectionOf(team);
    const { token } = await t.addMember(team.teamId, `plain@${team.slug}.example.com`);
    const asMember = await t.gql(`{ team(id: "${team.teamId}") { oidcConnections { id } } }`, {}, { token });
    expect(asMember.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherAdmin = await t.gql('mutation($id: ID!) { deleteOidcConnection(id: $id) }', { id }, { token: other.ownerToken });
    expect(otherAdmin.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const create = await t.gql(
      'mutation($t: ID!, $i: CreateOidcConnectionInput!) { createOidcConnection(teamId: $t, input: $i) { id } }',
      { t: team.teamId, i: { issuer: op.issuer, clientId: 'x' } },
      { token },
    );
    expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('updates (secret kept unless replaced) and deletes, each audited', async () => {
    const team = await t.createTeam();
    const id = await connectionOf(team);
    const updated = await t.gql<{ updateOidcConnection: { name: string; hasClientSecret: boolean; scopes: string[]; enabled: boolean } }>(
      'mutation($id: ID!, $i: UpdateOidcConnectionInput!) { updateOidcConnection(id: $id, input: $i) { name hasClientSecret scopes enabled } }',
      { id, i: { name: 'Keycloak', scopes: ['openid', 'email', 'groups'], enabled: false } },
      { token: team.ownerToken },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateOidcConnection).toEqual({
      name: 'Keycloak',
      hasClientSecret: true,
      scopes: ['openid', 'email', 'groups'],
      enabled: false,
    });
    // A disabled connection cannot start a sign-in.
    const disabled = await fetch(`${t.url}/oidc/${id}/login`, { redirect: 'manual' });
    expect(disabled.status).toBe(403);
    expect(await disabled.json()).toMatchObject({ error: 'OIDC_CONNECTION_DISABLED' });
    const deleted = await t.gql<{ deleteOidcConnection: boolean }>(
      'mutation($id: ID!) { deleteOidcConnection(id: $id) }',
      { id },
      { token: team.ownerToken },
    );
    expect(deleted.data?.deleteOidcConnection).toBe(true);
    const gone = await fetch(`${t.url}/oidc/${id}/login`, { redirect: 'manual' });
    expect(gone.status).toBe(404);
    const audit = await t.gql<{ team: { auditEvents: { edges: Array<{ node: { action: string; actorType: string } }> } } }>(
      'query($id: ID!) { team(id: $id) { auditEvents(action: "oidc.") { edges { node { action actorType } } } } }',
      { id: team.teamId },
      { token: team.ownerToken },
    );
    expect(audit.data!.team.auditEvents.edges.map((e) => e.node.action).sort()).toEqual([
      'oidc.connection_created',
      'oidc.connection_deleted',
      'oidc.connection_updated',
    ]);
  });

  it('private_key_jwt: Roster generates a key and serves only its public half as a JWKS', async () => {
    const team = await t.createTeam();
    const r = await t.gql<{
      createOidcConnection: { id: string; publicJwk: Record<string, unknown>; jwksUri: string; hasClientSecret: boolean };
    }>(
      'mutation($t: ID!, $i: CreateOidcConnectionInput!) { createOidcConnection(teamId: $t, input: $i) { id publicJwk jwksUri hasClientSecret } }',
      // oidc-provider offers private_key_jwt; the client's key is registered at the IdP afterwards.
      {
        t: team.teamId,
        i: { issuer: op.issuer, clientId: 'roster-generated', tokenEndpointAuthMethod: 'private_key_jwt', allowInsecureRequests: true },
      },
      { token: team.ownerToken },
    );
    expect(r.errors).toBeUndefined();
    const conn = r.data!.createOidcConnection;
    expect(conn.hasClientSecret).toBe(false);
    expect(conn.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(conn.publicJwk).not.toHaveProperty('d');
    expect(conn.jwksUri).toBe(`${publicUrl}/oidc/${conn.id}/jwks.json`);
    const jwks = (await (await fetch(`${t.url}/oidc/${conn.id}/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toEqual([conn.publicJwk]);
    const [row] = await t.core
      .em()
      .execute<Array<{ private_key_encrypted: string }>>('select private_key_encrypted from oidc_connection where id = ?', [conn.id]);
    expect(JSON.parse(t.core.secrets.decrypt(row!.private_key_encrypted))).toHaveProperty('d');
  });
});

describe('OIDC sign-in journeys', () => {
  it('R18: code + PKCE sign-in through a team connection ends in a working GraphQL session', async () => {
    const team = await t.createTeam();
    const ada = await member(team, 'ada');
    const id = await connectionOf(team);
    const run = await browserSignIn(t.url, publicUrl, id, { loginHint: ada.email, returnTo: '/app/leads' });
    expect(run.authorizationUrl?.origin).toBe(op.issuer);
    expect(run.authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(run.authorizationUrl?.searchParams.get('redirect_uri')).toBe(`${publicUrl}/oidc/${id}/callback`);
    expect(run.status).toBe(302);
    expect(run.location).toBe('/app/leads');
    expect(run.session).toBeTruthy();
    expect(await me(run.session)).toBe(ada.email);
    // The state cookie is spent, and the callback cannot be replayed even with it: single use.
    expect(run.jar.header()).not.toContain('roster_oidc_state=');
    const state = run.callback!.searchParams.get('state')!;
    const replay = await fetch(new URL(`${run.callback!.pathname}${run.callback!.search}`, t.url), {
      redirect: 'manual',
      headers: { cookie: `roster_oidc_state=${flowKeyHash(state)}` },
    });
    expect(replay.status).toBe(403);
    expect(await replay.json()).toMatchObject({
      error: 'OIDC_SIGNIN_REFUSED',
      step: 'state',
      message: 'unknown, expired or already used sign-in state',
    });
    // The replay arrived on the connection's own callback: traced to its team too (R19).
    const [replayed, signedIn] = await attempts(team, id);
    expect(replayed).toMatchObject({ outcome: 'failure', step: 'state' });
    expect(signedIn).toMatchObject({ outcome: 'success', step: 'done', email: ada.email });
  });

  it('private_key_jwt with an imported key signs in', async () => {
    const team = await t.createTeam();
    const bo = await member(team, 'bo');
    const id = await connectionOf(team, {
      clientId: 'roster-pkjwt',
      clientSecret: null,
      tokenEndpointAuthMethod: 'private_key_jwt',
      privateKeyJwk: clientKey.privateJwk,
    });
    const run = await browserSignIn(t.url, publicUrl, id, { loginHint: bo.email });
    expect(run.status).toBe(302);
    expect(await me(run.session)).toBe(bo.email);
  });

  it('return_to is kept to allowed origins: an open redirect falls back to /', async () => {
    const team = await t.createTeam();
    const cy = await member(team, 'cy');
    const id = await connectionOf(team);
    const evil = await browserSignIn(t.url, publicUrl, id, { loginHint: cy.email, returnTo: 'https://evil.example/steal' });
    expect(evil.location).toBe('/');
    const allowed = await browserSignIn(t.url, publicUrl, id, { loginHint: cy.email, returnTo: 'https://app.example.com/home' });
    expect(allowed.location).toBe('https://app.example.com/home');
  });

  it('the flow is bound to the browser: a callback without the state cookie is refused (login CSRF)', async () => {
    const team = await t.createTeam();
    const dee = await member(team, 'dee');
    const id = await connectionOf(team);
    const run = await browserSignIn(t.url, publicUrl, id, { loginHint: dee.email, dropStateCookie: true });
    expect(run.status).toBe(403);
    expect(run.body).toMatchObject({ error: 'OIDC_SIGNIN_REFUSED', step: 'state' });
    expect(run.session).toBeNull();
    // Traced to the team although the flow was not consumed (R19).
    expect((await attempts(team, id))[0]).toMatchObject({ outcome: 'failure', step: 'state' });
    // A made-up callback is a 403 too, never a 500.
    const forged = await fetch(`${t.url}/oidc/callback?code=abc&state=${'x'.repeat(43)}`, { redirect: 'manual' });
    expect(forged.status).toBe(403);
    const html = await fetch(`${t.url}/oidc/callback`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(403);
    expect(await html.text()).toContain('Sign-in refused');
  });

  // Two nodes share one database only on a PostgreSQL server: the embedded PGlite test database
  // accepts a single connection, so a second node cannot attach to it.
  it.skipIf(!process.env.ROSTER_TEST_PG_URL)('a flow started on node 1 finishes on node 2 (state in PostgreSQL)', async () => {
    expect(t.database).toBe('postgresql');
    // Node 2 sits behind the same public URL (a load balancer) on its own port.
    const node2 = await startNode(await freePort(), t.roster.databaseUrl);
    try {
      const team = await t.createTeam();
      const eli = await member(team, 'eli');
      const id = await connectionOf(team);
      const run = await browserSignIn(t.url, publicUrl, id, { loginHint: eli.email, returnTo: '/after', finishOn: node2.url });
      expect(run.status).toBe(302);
      expect(run.location).toBe('/after');
      expect(await me(run.session)).toBe(eli.email);
    } finally {
      await node2.close();
    }
  });

  it('key rotation at the provider: the new kid is fetched once and sign-in continues', async () => {
    const team = await t.createTeam();
    const fay = await member(team, 'fay');
    const id = await connectionOf(team);
    expect((await browserSignIn(t.url, publicUrl, id, { loginHint: fay.email })).status).toBe(302);
    const before = op.hits.get('/jwks') ?? 0;
    expect((await browserSignIn(t.url, publicUrl, id, { loginHint: fay.email })).status).toBe(302);
    expect(op.hits.get('/jwks') ?? 0).toBe(before);
    await op.rotateKeys();
    const after = await browserSignIn(t.url, publicUrl, id, { loginHint: fay.email });
    expect(after.status).toBe(302);
    expect(await me(after.session)).toBe(fay.email);
    expect(op.hits.get('/jwks') ?? 0).toBe(before + 1);
  });

  it('R19: Google Workspace connection refuses accounts of another hd; the admin reads the failing step', async () => {
    const team = await t.createTeam();
    const domain = `${team.slug}.example.com`;
    const gus = await member(team, 'gus', { hd: domain });
    const hal = await member(team, 'hal', { hd: 'elsewhere.example' });
    const ivy = await member(team, 'ivy'); // no hd: a personal account
    const id = await connectionOf(team, { provider: 'google', hostedDomain: domain });
    const ok = await browserSignIn(t.url, publicUrl, id, { loginHint: gus.email });
    expect(ok.authorizationUrl?.searchParams.get('hd')).toBe(domain);
    expect(await me(ok.session)).toBe(gus.email);
    const other = await browserSignIn(t.url, publicUrl, id, { loginHint: hal.email });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ error: 'OIDC_SIGNIN_REFUSED', step: 'hd' });
    const personal = await browserSignIn(t.url, publicUrl, id, { loginHint: ivy.email });
    expect(personal.body).toMatchObject({ step: 'hd' });
    const trace = await attempts(team, id);
    expect(trace.map((a) => a.step)).toEqual(['hd', 'hd', 'done']);
    expect(trace[1]!.reason).toMatch(/elsewhere\.example/);
  });

  it('R7: an inactive member is refused, with the reason in the trace', async () => {
    const team = await t.createTeam();
    const jo = await member(team, 'jo');
    const id = await connectionOf(team);
    const r = await t.gql(
      'mutation($id: ID!) { deactivateMember(id: $id) { status } }',
      { id: jo.membershipId },
      { token: team.ownerToken },
    );
    expect(r.errors).toBeUndefined();
    const run = await browserSignIn(t.url, publicUrl, id, { loginHint: jo.email });
    expect(run.status).toBe(403);
    expect(run.body).toMatchObject({ error: 'MEMBER_INACTIVE' });
    expect(run.session).toBeNull();
    expect((await attempts(team, id))[0]).toMatchObject({ outcome: 'failure', step: 'policy', email: jo.email });
  });

  it('#12.8: refuses an email of a domain another team verified (R2, R4), in the core, with its code in the trace', async () => {
    const team = await t.createTeam();
    const owner = await t.createTeam();
    const d = await t.core.domains.add(owner.teamId, `${owner.slug}.example.com`, SYSTEM_ACTOR);
    await t.core.domains.verify(owner.teamId, d.id, SYSTEM_ACTOR, true);
    const email = `kim@${owner.slug}.example.com`;
    accounts[email] = { email, email_verified: true };
    const id = await connectionOf(team);
    const run = await browserSignIn(t.url, publicUrl, id, { loginHint: email });
    expect(run.body).toMatchObject({ error: 'DOMAIN_OF_ANOTHER_TEAM', step: 'policy' });
    expect(run.session).toBeNull();
    expect((await attempts(team, id))[0]).toMatchObject({ outcome: 'failure', step: 'policy', email });
  });
});

describe('Google sign-in (platform connection)', () => {
  it('R3: a member signs in with Google; "SSO required" then blocks it', async () => {
    const team = await t.createTeam();
    const domain = `${team.slug}.example.com`;
    const lee = await member(team, 'lee', { hd: domain });
    const ok = await browserSignIn(t.url, publicUrl, 'google', { loginHint: lee.email, returnTo: '/welcome' });
    expect(ok.status).toBe(302);
    expect(ok.location).toBe('/welcome');
    expect(await me(ok.session)).toBe(lee.email);

    await setPolicy(team, ['oidc'], true);
    const blocked = await browserSignIn(t.url, publicUrl, 'google', { loginHint: lee.email });
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ error: 'SSO_REQUIRED' });
    expect(blocked.session).toBeNull();
    const trace = await t.core.signIn.attempts(team.teamId, 'google');
    expect(trace[0]).toMatchObject({ outcome: 'failure', step: 'policy', email: lee.email });
  });

  it('R3: refused when the team does not allow the Google method', async () => {
    const team = await t.createTeam();
    const mo = await member(team, 'mo', { hd: `${team.slug}.example.com` });
    await setPolicy(team, ['password'], false);
    const run = await browserSignIn(t.url, publicUrl, 'google', { loginHint: mo.email });
    expect(run.body).toMatchObject({ error: 'SIGN_IN_METHOD_NOT_ALLOWED' });
  });

  it('accepts only emails Google is authoritative for and marks verified', async () => {
    const team = await t.createTeam();
    const ned = await member(team, 'ned', { hd: `${team.slug}.example.com`, email_verified: false });
    const oz = await member(team, 'oz'); // verified, but neither Gmail nor Workspace
    const unverified = await browserSignIn(t.url, publicUrl, 'google', { loginHint: ned.email });
    expect(unverified.body).toMatchObject({ error: 'OIDC_SIGNIN_REFUSED', step: 'claims' });
    const foreign = await browserSignIn(t.url, publicUrl, 'google', { loginHint: oz.email });
    expect(foreign.body).toMatchObject({ error: 'OIDC_SIGNIN_REFUSED', step: 'claims' });
    expect(String(foreign.body?.message)).toMatch(/not a Gmail or Google Workspace address/);
  });
});

describe('R4: home-realm discovery', () => {
  type Options = {
    domain: string;
    methods: string[];
    ssoRequired: boolean;
    redirectUrl: string | null;
    googleUrl: string | null;
    connections: Array<{ protocol: string; connectionId: string; loginUrl: string }>;
  };
  const QUERY =
    'query($e: String!, $r: String) { signInOptions(email: $e, returnTo: $r) { domain methods ssoRequired redirectUrl googleUrl connections { protocol connectionId name loginUrl } } }';
  const ask = async (email: string, returnTo?: string): Promise<Options> => {
    const r = await t.gql<{ signInOptions: Options }>(QUERY, { e: email, r: returnTo ?? null });
    expect(r.errors).toBeUndefined();
    return r.data!.signInOptions;
  };
  /** The answer with the email itself blanked out: what it says about the person. */
  const shape = (answer: unknown, email: string) =>
    JSON.parse(JSON.stringify(answer).replaceAll(encodeURIComponent(email), 'EMAIL')) as unknown;

  it('a verified domain routes to the team’s SSO connection', async () => {
    const team = await t.createTeam();
    const domain = `${team.slug}.example.com`;
    const id = await connectionOf(team, { name: 'Corporate SSO' });
    const d = await t.core.domains.add(team.teamId, domain, SYSTEM_ACTOR);
    await t.core.domains.verify(team.teamId, d.id, SYSTEM_ACTOR, true);
    const pat = await member(team, 'pat');

    const answer = await ask(pat.email, '/app');
    expect(answer).toMatchObject({
      domain,
      methods: ['password', 'google', 'sso'],
      ssoRequired: false,
      connections: [{ protocol: 'oidc', connectionId: id }],
    });
    const redirect = new URL(answer.redirectUrl!);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(`${publicUrl}/oidc/${id}/login`);
    expect(redirect.searchParams.get('login_hint')).toBe(pat.email);
    expect(redirect.searchParams.get('return_to')).toBe('/app');

    // Following the redirect signs the person in (login_hint reaches the provider).
    const run = await browserSignIn(t.url, publicUrl, id, { loginHint: redirect.searchParams.get('login_hint')! });
    expect(await me(run.session)).toBe(pat.email);

    // SSO required: only SSO is offered.
    await setPolicy(team, ['oidc'], true);
    const required = await ask(pat.email);
    expect(required).toMatchObject({ methods: ['sso'], ssoRequired: true, googleUrl: null });
    expect(required.redirectUrl).toContain(`/oidc/${id}/login`);

    // Whether the account exists does not change the answer.
    const stranger = `nobody-${Date.now()}@${domain}`;
    expect(shape(await ask(stranger), stranger)).toEqual(shape(required, pat.email));
    // The REST route answers the same.
    const rest = await fetch(`${t.url}/oidc/discover?email=${encodeURIComponent(pat.email)}`);
    expect(rest.status).toBe(200);
    expect(await rest.json()).toEqual(required);
  });

  it('an unverified domain and an unknown domain get the same default answer', async () => {
    const team = await t.createTeam();
    await connectionOf(team);
    await t.core.domains.add(team.teamId, `${team.slug}.example.com`, SYSTEM_ACTOR); // not verified
    const quinn = await member(team, 'quinn');
    const unverified = await ask(quinn.email);
    expect(unverified).toMatchObject({ methods: ['password', 'google'], ssoRequired: false, redirectUrl: null, connections: [] });
    const unknown = `someone@unknown-${Date.now()}.example.org`;
    const answer = await ask(unknown);
    expect(shape(answer, unknown)).toEqual({ ...(shape(unverified, quinn.email) as object), domain: answer.domain });
    expect(answer.googleUrl).toContain('/oidc/google/login');
  });

  it('refuses something that is not an email with a client error', async () => {
    const r = await t.gql(QUERY, { e: 'not-an-email' });
    expect(r.errors?.[0]?.extensions?.code).toBe('OIDC_EMAIL_INVALID');
    const rest = await fetch(`${t.url}/oidc/discover?email=nope`);
    expect(rest.status).toBe(400);
    expect(await rest.json()).toMatchObject({ error: 'OIDC_EMAIL_INVALID' });
  });
});
