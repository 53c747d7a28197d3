/**
 * OIDC protocol defects of issue #12, over real HTTP against a real Roster and two in-process
 * providers: IdP mix-up (RFC 9700 4.4) with a provider that sends no RFC 9207 `iss`, the `iss`
 * check, `azp` naming another client, and NUL bytes in the callback. Each refusal is a 403 with
 * a trace in the connection's sign-in attempts (R19), and no token request leaves Roster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { oidcPlugin } from '../src/index.js';
import { RogueOp } from './support/rogue-op.js';

let t: TestRoster;
let honest: RogueOp;
let attacker: RogueOp;
let advertising: RogueOp;

type Team = Awaited<ReturnType<TestRoster['createTeam']>>;

beforeAll(async () => {
  [honest, attacker, advertising] = await Promise.all([RogueOp.start(), RogueOp.start(), RogueOp.start({ issParameter: true })]);
  t = await startTestRoster({ plugins: [oidcPlugin({ allowInsecureIssuers: true })], roster: { migrate: true } });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([honest, attacker, advertising].map((op) => op?.close()));
});

async function connect(team: Team, op: RogueOp, clientId: string): Promise<string> {
  const r = await t.gql<{ createOidcConnection: { id: string; redirectUri: string; legacyRedirectUri: boolean } }>(
    'mutation($teamId: ID!, $input: CreateOidcConnectionInput!) { createOidcConnection(teamId: $teamId, input: $input) { id redirectUri legacyRedirectUri } }',
    { teamId: team.teamId, input: { issuer: op.issuer, clientId, clientSecret: 'secret-0123456789', allowInsecureRequests: true } },
    { token: team.ownerToken },
  );
  expect(r.errors).toBeUndefined();
  const conn = r.data!.createOidcConnection;
  expect(conn).toMatchObject({ redirectUri: `${t.url}/oidc/${conn.id}/callback`, legacyRedirectUri: false });
  return conn.id;
}

/** A browser: starts the sign-in at Roster and keeps the cookies it was given. */
async function start(connectionId: string): Promise<{ authorize: URL; cookie: string }> {
  const login = await fetch(`${t.url}/oidc/${connectionId}/login`, { redirect: 'manual' });
  expect(login.status).toBe(302);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { authorize: new URL(login.headers.get('location')!), cookie };
}

async function deliver(callback: URL, cookie: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL(`${callback.pathname}${callback.search}`, t.url), { redirect: 'manual', headers: { cookie } });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function lastAttempt(team: Team, connectionId: string) {
  const [last] = await t.core.signIn.attempts(team.teamId, connectionId, 1);
  return last;
}

/**
 * The attacker's provider, on receiving the victim's authorization request for connection B,
 * sends the browser to the honest provider as connection A: A's client id and A's registered
 * redirect URI, but B's state and B's PKCE challenge (RFC 9700 4.4.1).
 */
function mixUp(authorizeAtAttacker: URL, to: RogueOp, clientId: string, redirectUri: string): URL {
  const url = new URL(authorizeAtAttacker.href.replace(authorizeAtAttacker.origin, new URL(to.issuer).origin));
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  return url;
}

describe('#12.4: IdP mix-up', () => {
  it("#12.4: a code issued by team A's provider never reaches team B's token endpoint (per-connection redirect URI)", async () => {
    const [teamA, teamB] = [await t.createTeam(), await t.createTeam()];
    const connA = await connect(teamA, honest, 'client-a');
    const connB = await connect(teamB, attacker, 'client-b');
    const tokenHits = () => (attacker.hits.get('token') ?? 0) + (honest.hits.get('token') ?? 0);
    const before = tokenHits();

    const victim = await start(connB);
    // The honest provider answers at connection A's own redirect URI, carrying B's state.
    const callback = honest.respond(mixUp(victim.authorize, honest, 'client-a', `${t.url}/oidc/${connA}/callback`));
    expect(callback.pathname).toBe(`/oidc/${connA}/callback`);
    const answer = await deliver(callback, victim.cookie);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: 'OIDC_SIGNIN_REFUSED', step: 'state' });
    expect(tokenHits()).toBe(before);
    expect(await lastAttempt(teamA, connA)).toMatchObject({ outcome: 'failure', step: 'state' });
  });

  it('#12.4: a code delivered to the shared /oidc/callback is never redeemed for a connection with its own redirect URI', async () => {
    const [teamA, teamB] = [await t.createTeam(), await t.createTeam()];
    const connA = await connect(teamA, honest, 'client-a');
    // Team A's connection predates per-connection redirect URIs (as after oidc/0002).
    await t.core.em().execute('update oidc_connection set legacy_callback = true where id = ?', [connA]);
    const connB = await connect(teamB, attacker, 'client-b');
    const before = attacker.hits.get('token') ?? 0;

    const victim = await start(connB);
    const callback = honest.respond(mixUp(victim.authorize, honest, 'client-a', `${t.url}/oidc/callback`));
    const answer = await deliver(callback, victim.cookie);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: 'OIDC_SIGNIN_REFUSED', step: 'state' });
    expect(String(answer.body.message)).toMatch(/has its own/);
    expect(attacker.hits.get('token') ?? 0).toBe(before);
    expect(await lastAttempt(teamB, connB)).toMatchObject({ outcome: 'failure', step: 'state' });
  });

  it('#12.4: the legacy connection still signs in on /oidc/callback and is told to move (GraphQL hint)', async () => {
    const team = await t.createTeam();
    const conn = await connect(team, honest, 'client-legacy');
    await t.core.em().execute('update oidc_connection set legacy_callback = true where id = ?', [conn]);
    const q = 'query($id: ID!) { team(id: $id) { oidcConnections { id redirectUri legacyRedirectUri redirectUriHint } } }';
    const listed = await t.gql<{ team: { oidcConnections: Array<Record<string, unknown>> } }>(
      q,
      { id: team.teamId },
      { token: team.ownerToken },
    );
    expect(listed.data!.team.oidcConnections[0]).toMatchObject({
      redirectUri: `${t.url}/oidc/callback`,
      legacyRedirectUri: true,
      redirectUriHint: `${t.url}/oidc/${conn}/callback`,
    });

    const run = await start(conn);
    expect(run.authorize.searchParams.get('redirect_uri')).toBe(`${t.url}/oidc/callback`);
    const answer = await deliver(honest.respond(run.authorize), run.cookie);
    // Not provisioned (no member, no JIT): refused by the core's policy, past every protocol check.
    expect(answer.body).toMatchObject({ step: 'policy' });

    const moved = await t.gql<{ updateOidcConnection: Record<string, unknown> }>(
      'mutation($id: ID!, $input: UpdateOidcConnectionInput!) { updateOidcConnection(id: $id, input: $input) { redirectUri legacyRedirectUri redirectUriHint } }',
      { id: conn, input: { useConnectionRedirectUri: true } },
      { token: team.ownerToken },
    );
    expect(moved.data?.updateOidcConnection).toEqual({
      redirectUri: `${t.url}/oidc/${conn}/callback`,
      legacyRedirectUri: false,
      redirectUriHint: null,
    });
    const back = await t.gql(
      'mutation($id: ID!, $input: UpdateOidcConnectionInput!) { updateOidcConnection(id: $id, input: $input) { id } }',
      { id: conn, input: { useConnectionRedirectUri: false } },
      { token: team.ownerToken },
    );
    expect(back.errors?.[0]?.extensions?.code).toBe('OIDC_CONFIGURATION_INVALID');
  });

  it('#12.4: the RFC 9207 iss parameter is checked when present, and required when advertised, before the flow is consumed', async () => {
    const team = await t.createTeam();
    const conn = await connect(team, advertising, 'client-iss');
    const run = await start(conn);
    const wrong = await deliver(advertising.respond(run.authorize, {}, { iss: attacker.issuer }), run.cookie);
    expect(wrong).toMatchObject({ status: 403, body: { error: 'OIDC_SIGNIN_REFUSED', step: 'issuer' } });
    const missing = await deliver(advertising.respond(run.authorize, {}, { iss: null }), run.cookie);
    expect(missing).toMatchObject({ status: 403, body: { step: 'issuer' } });
    expect(await lastAttempt(team, conn)).toMatchObject({ outcome: 'failure', step: 'issuer' });
    // The pending sign-in survived both: the genuine response still gets past the protocol checks.
    const genuine = await deliver(advertising.respond(run.authorize), run.cookie);
    expect(genuine.body).toMatchObject({ step: 'policy' });
  });
});

describe('#12.6: azp', () => {
  it('#12.6: a single-audience ID token whose azp names another client is refused', async () => {
    const team = await t.createTeam();
    const conn = await connect(team, honest, 'client-azp');
    const run = await start(conn);
    const answer = await deliver(honest.respond(run.authorize, { claims: { azp: 'another-client' } }), run.cookie);
    expect(answer).toMatchObject({ status: 403, body: { error: 'OIDC_SIGNIN_REFUSED', step: 'audience' } });
    expect(String(answer.body.message)).toMatch(/issued to another client/);
    expect(await lastAttempt(team, conn)).toMatchObject({ outcome: 'failure', step: 'audience' });
    // azp equal to our client id is fine.
    const ours = await start(conn);
    expect((await deliver(honest.respond(ours.authorize, { claims: { azp: 'client-azp' } }), ours.cookie)).body).toMatchObject({
      step: 'policy',
    });
  });
});

describe('#12.5: input hygiene at the callback', () => {
  it('#12.5: GET /oidc/callback?state=%00 is a traced 403, never a 500', async () => {
    const team = await t.createTeam();
    const conn = await connect(team, honest, 'client-nul');
    for (const path of [
      '/oidc/callback?state=%00',
      `/oidc/${conn}/callback?state=%00`,
      `/oidc/${conn}/callback?code=a%00b&state=abcdefgh12345678`,
    ]) {
      const response = await fetch(`${t.url}${path}`, { redirect: 'manual' });
      expect([path, response.status]).toEqual([path, 403]);
      expect(await response.json()).toMatchObject({ error: 'OIDC_SIGNIN_REFUSED', step: 'request' });
    }
    expect(await lastAttempt(team, conn)).toMatchObject({ outcome: 'failure', step: 'request' });
  });
});
