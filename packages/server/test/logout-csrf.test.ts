/**
 * #13.4: logout ends the session however it is carried, on every node; an API token is no
 * session. #13.9: cross-site posts that set or use the session cookie are refused (CSRF, login CSRF).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@roster/core';
import { onPostgresServer, startTestRoster, type TestRoster } from '../src/testing/index.js';
import { send } from './support/http.js';

let a: TestRoster;
/** A second node on the same database (PostgreSQL server only). */
let b: TestRoster | null = null;
let team: { teamId: string; ownerToken: string };

beforeAll(async () => {
  a = await startTestRoster();
  if (onPostgresServer()) b = await startTestRoster({ databaseUrl: a.roster.databaseUrl });
  team = await a.createTeam();
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const other = () => b ?? a;
const EVIL = 'https://evil.example';
const meAs = async (t: TestRoster, auth: { bearer?: string; cookie?: string }): Promise<string | null> => {
  const headers: Record<string, string> = auth.cookie ? { cookie: `roster_session=${auth.cookie}` } : {};
  const r = await t.gql<{ me: { login: string } | null }>('{ me { login } }', {}, { token: auth.bearer, headers });
  return r.data?.me?.login ?? null;
};
async function signIn(): Promise<{ email: string; token: string }> {
  const email = `l${Math.random().toString(36).slice(2, 8)}@logout.example.com`;
  await a.addMember(team.teamId, email);
  const r = await send(a.url, 'POST', '/auth/login', { json: { email, password: 'test-password' } });
  expect(r.status).toBe(200);
  return { email, token: r.body.token as string };
}
async function auditCount(action: string, since: Date): Promise<number> {
  const [row] = await a.core
    .em()
    .execute<Array<{ n: number }>>('select count(*)::int as n from audit_event where action = ? and at >= ?', [action, since]);
  return row!.n;
}

describe('logout (#13.4)', () => {
  it('#13.4: logout with Authorization: Bearer <session> ends it at once on every node, as bearer and as cookie', async () => {
    const { email, token } = await signIn();
    expect(await meAs(other(), { bearer: token })).toBe(email);
    const out = await send(a.url, 'POST', '/auth/logout', { headers: { authorization: `Bearer ${token}` } });
    expect(out).toMatchObject({ status: 200, body: { ok: true } });
    expect(await meAs(other(), { bearer: token })).toBeNull();
    expect(await meAs(other(), { cookie: token })).toBeNull();
    expect(await meAs(a, { bearer: token })).toBeNull();
  });

  it('#13.4: cookie logout still ends the session on every node', async () => {
    const { email, token } = await signIn();
    expect(await meAs(other(), { cookie: token })).toBe(email);
    expect((await send(a.url, 'POST', '/auth/logout', { headers: { cookie: `roster_session=${token}` } })).status).toBe(200);
    expect(await meAs(other(), { cookie: token })).toBeNull();
    expect(await meAs(other(), { bearer: token })).toBeNull();
  });

  it('#13.4: an API token presented to /auth/logout is refused with NOT_A_SESSION (audited) and stays valid', async () => {
    const since = new Date(Date.now() - 1000);
    const { secret } = await a.core.tokens.create(team.teamId, 'ci', 'api', SYSTEM_ACTOR);
    const out = await send(a.url, 'POST', '/auth/logout', { headers: { authorization: `Bearer ${secret}` } });
    expect(out).toMatchObject({ status: 400, body: { error: 'NOT_A_SESSION' } });
    const r = await a.gql<{ team: { id: string } }>('query($id: ID!) { team(id: $id) { id } }', { id: team.teamId }, { token: secret });
    expect(r.data?.team.id).toBe(team.teamId);
    expect(await auditCount('session.logout.refused', since)).toBe(1);
  });

  it('#13.4: logging out twice, or with an unknown session, is not an error', async () => {
    const { token } = await signIn();
    for (let i = 0; i < 2; i++)
      expect((await send(a.url, 'POST', '/auth/logout', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await send(a.url, 'POST', '/auth/logout', { headers: { authorization: 'Bearer rss_unknown' } })).status).toBe(200);
  });
});

describe('cross-site requests (#13.9)', () => {
  it('#13.9: a cross-site login form post is refused: 403 CROSS_SITE_REQUEST, no cookie, audited', async () => {
    const since = new Date(Date.now() - 1000);
    const email = `c${Math.random().toString(36).slice(2, 8)}@csrf.example.com`;
    await a.addMember(team.teamId, email);
    const byOrigin = await send(a.url, 'POST', '/auth/login', { form: { email, password: 'test-password' }, headers: { origin: EVIL } });
    expect(byOrigin).toMatchObject({ status: 403, body: { error: 'CROSS_SITE_REQUEST' } });
    expect(byOrigin.cookies.roster_session).toBeUndefined();
    const byFetchSite = await send(a.url, 'POST', '/auth/login', {
      form: { email, password: 'test-password' },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(byFetchSite.status).toBe(403);
    const nullOrigin = await send(a.url, 'POST', '/auth/login', {
      form: { email, password: 'test-password' },
      headers: { origin: 'null' },
    });
    expect(nullOrigin.status).toBe(403);
    expect(await auditCount('request.cross_site.refused', since)).toBe(3);
    // The same form from Roster's own origin, and a client that sends no Origin (curl), sign in.
    expect(
      (
        await send(a.url, 'POST', '/auth/login', {
          form: { email, password: 'test-password' },
          headers: { origin: new URL(a.url).origin, 'sec-fetch-site': 'same-origin' },
        })
      ).status,
    ).toBe(200);
    expect((await send(a.url, 'POST', '/auth/login', { json: { email, password: 'test-password' } })).status).toBe(200);
  });

  it('#13.9: a cross-site logout does not end the session', async () => {
    const { email, token } = await signIn();
    const out = await send(a.url, 'POST', '/auth/logout', { headers: { cookie: `roster_session=${token}`, origin: EVIL } });
    expect(out).toMatchObject({ status: 403, body: { error: 'CROSS_SITE_REQUEST' } });
    expect(await meAs(a, { cookie: token })).toBe(email);
  });

  it('#13.9: cookie-authenticated GraphQL posts from a foreign origin are refused; bearer and same-origin ones pass', async () => {
    const { email, token } = await signIn();
    const query = JSON.stringify({ query: '{ me { login } }' });
    const gql = (headers: Record<string, string>) => send(a.url, 'POST', '/graphql', { json: JSON.parse(query), headers });
    expect(await gql({ cookie: `roster_session=${token}`, origin: EVIL })).toMatchObject({
      status: 403,
      body: { error: 'CROSS_SITE_REQUEST' },
    });
    expect((await gql({ cookie: `roster_session=${token}`, 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await gql({ cookie: `roster_session=${token}`, origin: new URL(a.url).origin })).body).toEqual({
      data: { me: { login: email } },
    });
    expect((await gql({ authorization: `Bearer ${token}`, origin: EVIL })).body).toEqual({ data: { me: { login: email } } });
    expect((await gql({ cookie: `roster_session=${token}` })).body).toEqual({ data: { me: { login: email } } });
    // Apollo's own CSRF prevention stays on: a "simple" request (no JSON content type, no preflight header) is refused.
    const simple = await send(a.url, 'GET', `/graphql?query=${encodeURIComponent('{ me { login } }')}`, {
      headers: { cookie: `roster_session=${token}` },
    });
    expect(simple.status).toBe(400);
  });
});
