import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { wsfedPlugin } from '../src/index.js';
import { FABRIKAM, mintWresult } from './support/issuer.js';
import {
  ATTEMPTS,
  Browser,
  CONTOSO,
  KEYS,
  LIST,
  PUBLIC_URL,
  TEST_CONFIG,
  idpAnswer,
  meWithCookie,
  ok,
  onNode,
  person,
  signIn,
  teamWithAdfs,
  type ConnectionView,
} from './support/journey.js';
import { adfsMetadata } from './support/metadata.js';

/**
 * Journeys through a real Roster (HTTP, PostgreSQL or PGlite) with an in-process WS-Fed token
 * issuer shaped like ADFS. Until the server registry lists the wsfed plugin, the shared test
 * template lacks its table: `migrate: true` applies `wsfed/0001-connection` (a no-op afterwards).
 */
let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster({
    plugins: [wsfedPlugin({ metadataRefreshIntervalSeconds: 0 })],
    config: TEST_CONFIG,
    roster: { migrate: true },
  });
});
afterAll(async () => {
  await t?.close();
});

interface Attempt {
  at: string;
  outcome: string;
  step: string | null;
  reason: string | null;
  subject: string | null;
  email: string | null;
}
async function attempts(teamId: string, token: string, limit = 50): Promise<Attempt[]> {
  const d = await ok<{ team: { wsfedConnections: Array<{ id: string; attempts: Attempt[] }> } }>(t, ATTEMPTS, { id: teamId, limit }, token);
  return d.team.wsfedConnections[0]!.attempts;
}

describe('connection from ADFS FederationMetadata.xml (R18)', () => {
  it('R18: an admin creates a connection from the metadata and reads the values to paste into ADFS', async () => {
    const { team, conn } = await teamWithAdfs(t);
    expect(conn).toMatchObject({
      teamId: team.teamId,
      name: 'Contoso ADFS',
      enabled: true,
      idpIssuer: CONTOSO.issuer,
      idpSignInUrl: CONTOSO.signInUrl,
      realm: `${PUBLIC_URL}/wsfed/${conn.id}`,
      replyUrl: `${PUBLIC_URL}/wsfed/${conn.id}/acs`,
      loginUrl: `${PUBLIC_URL}/wsfed/${conn.id}/login`,
      logoutUrl: `${PUBLIC_URL}/wsfed/${conn.id}/logout`,
      claimPreset: 'adfs',
      metadataUrl: null,
    });
    // Primary and secondary token-signing certificates (rollover), with expiry for the admin.
    expect(conn.certificates).toHaveLength(2);
    for (const c of conn.certificates) {
      expect(c.subject).toContain('CN=');
      expect(c.expired).toBe(false);
      expect(c.expiryWarning).toBe(false);
      expect(c.daysUntilExpiry).toBeGreaterThan(30);
    }
    const list = await ok<{ team: { wsfedConnections: ConnectionView[] } }>(t, LIST, { id: team.teamId }, team.ownerToken);
    expect(list.team.wsfedConnections.map((c) => c.id)).toEqual([conn.id]);
    const audit = await ok<{
      team: { auditEvents: { edges: Array<{ node: { action: string; channel: string; actorType: string; targetId: string } }> } };
    }>(
      t,
      'query($id: ID!) { team(id: $id) { auditEvents(action: "wsfed.") { edges { node { action channel actorType targetId } } } } }',
      { id: team.teamId },
      team.ownerToken,
    );
    expect(audit.team.auditEvents.edges.map((e) => e.node)).toEqual([
      { action: 'wsfed.connection.created', channel: 'graphql', actorType: 'user', targetId: conn.id },
    ]);
  });
});

describe('sign-in journeys ending in a GraphQL session', () => {
  for (const [version, trust] of [
    ['1.1', '2005'],
    ['2.0', '1.3'],
  ] as const) {
    it(`SAML ${version} in a WS-Trust ${trust} RSTR: login → IdP → ACS → session cookie → { me }`, async () => {
      const { team, conn } = await teamWithAdfs(t);
      const alice = person();
      await t.addMember(team.teamId, alice.email);
      const run = await signIn(t, conn.id, alice, { version, trust });

      // The redirect Roster sent the browser to: the IdP's passive endpoint with the connection's realm.
      const redirect = new URL(run.login.location!);
      expect(`${redirect.origin}${redirect.pathname}`).toBe(CONTOSO.signInUrl);
      expect(redirect.searchParams.get('wtrealm')).toBe(conn.realm);
      expect(redirect.searchParams.get('wreply')).toBe(conn.replyUrl);
      // The wctx is bound to this browser by an HttpOnly cookie holding its hash.
      const binding = run.login.headers.getSetCookie().find((c) => c.startsWith('roster_wsfed='));
      expect(binding).toMatch(/HttpOnly/);
      expect(binding).toMatch(/Secure; SameSite=None/);
      expect(binding).not.toContain(redirect.searchParams.get('wctx')!);

      expect(run.acs.status).toBe(302);
      expect(run.acs.location).toBe('/dashboard');
      expect(run.acs.headers.getSetCookie().find((c) => c.startsWith('roster_session='))).toMatch(/HttpOnly/);
      expect(await meWithCookie(t, run.browser)).toEqual({ login: alice.email });
    });
  }

  it('a return_to on another site ends on the home page (no open redirect); an allowed origin is kept', async () => {
    const { team, conn } = await teamWithAdfs(t);
    const alice = person();
    await t.addMember(team.teamId, alice.email);
    const evil = await signIn(t, conn.id, alice, { returnTo: 'https://evil.test/steal' });
    expect(evil.acs.location).toBe('/');
    const app = await signIn(t, conn.id, alice, { returnTo: 'https://app.roster.test/inbox?x=1' });
    expect(app.acs.location).toBe('https://app.roster.test/inbox?x=1');
  });

  it('R3: a team with "SSO required" still signs in through WS-Fed, while password sign-in is refused', async () => {
    const { team, conn } = await teamWithAdfs(t);
    const alice = person();
    await t.addMember(team.teamId, alice.email);
    await ok(
      t,
      'mutation($t: ID!) { setSignInPolicy(teamId: $t, policy: { methods: ["wsfed"], ssoRequired: true }) { id } }',
      { t: team.teamId },
      team.ownerToken,
    );
    const run = await signIn(t, conn.id, alice);
    expect(run.acs.status).toBe(302);
    expect(await meWithCookie(t, run.browser)).toEqual({ login: alice.email });
    const password = await fetch(`${t.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: alice.email, password: 'test-password' }),
    });
    expect(password.status).toBe(403);
    expect(((await password.json()) as { error: string }).error).toBe('SSO_REQUIRED');
  });

  it("R7: an inactive member is refused with the core's code, and the trace says why", async () => {
    const { team, conn } = await teamWithAdfs(t);
    const alice = person();
    const m = await t.addMember(team.teamId, alice.email);
    await ok(t, 'mutation($id: ID!) { deactivateMember(id: $id) { id } }', { id: m.membershipId }, team.ownerToken);
    const run = await signIn(t, conn.id, alice);
    expect(run.acs.status).toBe(403);
    expect(run.acs.json()).toMatchObject({ error: 'MEMBER_INACTIVE' });
    expect(run.browser.jar.has('roster_session')).toBe(false);
    const [last] = await attempts(team.teamId, team.ownerToken);
    expect(last).toMatchObject({ outcome: 'failure', step: 'policy', email: alice.email });
    expect(last!.reason).toMatch(/inactive/);
  });

  it('someone the IdP knows but the team does not is refused (no JIT by default)', async () => {
    const { conn } = await teamWithAdfs(t);
    const run = await signIn(t, conn.id, person('stranger'));
    expect(run.acs.status).toBe(403);
    expect(run.acs.json()).toMatchObject({ error: 'NOT_PROVISIONED' });
  });

  it.skipIf(process.env.ROSTER_TEST_PG_URL === undefined || process.env.ROSTER_TEST_PG_URL === '')(
    'a flow begun on one node is finished on a second node sharing the database',
    async () => {
      // PostgreSQL server only: PGlite serves a single connection and cannot be shared by two nodes.
      const second = await startTestRoster({
        plugins: [wsfedPlugin({ metadataRefreshIntervalSeconds: 0 })],
        config: TEST_CONFIG,
        databaseUrl: t.roster.databaseUrl,
      });
      try {
        expect(t.database).toBe('postgresql');
        const { team, conn } = await teamWithAdfs(t);
        const alice = person();
        await t.addMember(team.teamId, alice.email);
        const run = await signIn(t, conn.id, alice, { version: '2.0', finishOn: second });
        expect(run.acs.status).toBe(302);
        // The session issued by node 2 works on both nodes.
        expect(await meWithCookie(second, run.browser)).toEqual({ login: alice.email });
        expect(await meWithCookie(t, run.browser)).toEqual({ login: alice.email });
        // The same wresult replayed against node 1 (in a fresh flow) is refused: the replay cache is shared.
        const browser = new Browser();
        const again = await browser.get(`${t.url}/wsfed/${conn.id}/login`);
        const wctx = new URL(again.location!).searchParams.get('wctx')!;
        const replay = await browser.post(onNode(t, run.idp.wreply), { ...run.idp.form, wctx });
        expect(replay.status).toBe(403);
        expect(replay.json()).toMatchObject({ step: 'replay' });
      } finally {
        await second.close();
      }
    },
  );
});

describe('refusals: never accepted, never a 500, always traced (R19)', () => {
  it('a second POST of the same response is refused: the state is single-use, the assertion accepted once', async () => {
    const { team, conn } = await teamWithAdfs(t);
    const alice = person();
    await t.addMember(team.teamId, alice.email);
    const run = await signIn(t, conn.id, alice);
    expect(run.acs.status).toBe(302);

    // Same browser, same form: the wctx was consumed (and its binding cookie cleared).
    const browser = new Browser();
    for (const [k, v] of run.browser.jar) browser.jar.set(k, v);
    const hash = [...run.login.headers.getSetCookie()].find((c) => c.startsWith('roster_wsfed='))!.split(';')[0]!;
    const [name, value] = hash.split('=') as [string, string];
    browser.jar.set(name, value);
    const second = await browser.post(onNode(t, run.idp.wreply), run.idp.form);
    expect(second.status).toBe(403);
    expect(second.json()).toMatchObject({ error: 'WSFED_SIGNIN_REFUSED', step: 'state' });

    // A fresh, genuine flow carrying the old token: refused by the replay cache.
    const fresh = new Browser();
    const login = await fresh.get(`${t.url}/wsfed/${conn.id}/login`);
    const wctx = new URL(login.location!).searchParams.get('wctx')!;
    const replay = await fresh.post(onNode(t, run.idp.wreply), { ...run.idp.form, wctx });
    expect(replay.status).toBe(403);
    expect(replay.json()).toMatchObject({ step: 'replay' });
    expect(fresh.jar.has('roster_session')).toBe(false);
  });

  it("R1: a token minted for team A's connection and posted to team B's ACS is refused (same ADFS: audience)", async () => {
    const a = await teamWithAdfs(t);
    const b = await teamWithAdfs(t);
    const alice = person();
    await t.addMember(a.team.teamId, alice.email);
    const bob = person('bob');
    await t.addMember(b.team.teamId, bob.email);

    // The attacker starts a genuine flow on B, then posts a token the IdP issued for A's realm.
    const browser = new Browser();
    const login = await browser.get(`${t.url}/wsfed/${b.conn.id}/login`);
    const wctx = new URL(login.location!).searchParams.get('wctx')!;
    const forA = mintWresult({
      audiences: a.conn.realm,
      appliesTo: a.conn.realm,
      nameId: bob.email,
      attributes: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': bob.email },
    });
    const r = await browser.post(`${t.url}/wsfed/${b.conn.id}/acs`, { wa: 'wsignin1.0', wresult: forA, wctx });
    expect(r.status).toBe(403);
    expect(r.json()).toMatchObject({ step: 'audience' });

    // A's own flow (wctx + cookie) posted to B's ACS: refused before the token is even read.
    const run = await signIn(t, a.conn.id, alice, {});
    const crossed = new Browser();
    const l2 = await crossed.get(`${t.url}/wsfed/${a.conn.id}/login`);
    const post = idpAnswer(l2.location!, alice);
    const r2 = await crossed.post(`${t.url}/wsfed/${b.conn.id}/acs`, post.form);
    expect(r2.status).toBe(403);
    expect(r2.json()).toMatchObject({ step: 'state' });
    expect(run.acs.status).toBe(302);

    const trace = await attempts(b.team.teamId, b.team.ownerToken);
    expect(trace.map((x) => x.step)).toEqual(['state', 'audience']);
  });

  it("R1: team B on another IdP never accepts a token from team A's IdP (signature)", async () => {
    const a = await teamWithAdfs(t);
    const b = await teamWithAdfs(
      t,
      adfsMetadata({ entityId: FABRIKAM.issuer, passiveEndpoint: FABRIKAM.signInUrl, signingCerts: [KEYS.otherIdp.cert] }),
    );
    const bob = person('bob', 'fabrikam.test');
    await t.addMember(b.team.teamId, bob.email);
    // Contoso's IdP signs a token naming B's realm: B trusts only Fabrikam's certificate.
    const run = await signIn(t, b.conn.id, bob, { keys: KEYS.idp, issuer: CONTOSO.issuer });
    expect(run.acs.status).toBe(403);
    expect(run.acs.json()).toMatchObject({ step: 'signature' });
    // Fabrikam's real token for B works.
    const good = await signIn(t, b.conn.id, bob, { keys: KEYS.otherIdp, issuer: FABRIKAM.issuer });
    expect(good.acs.status).toBe(302);
    expect(a.conn.realm).not.toBe(b.conn.realm);
  });

  it('login CSRF: a genuine response posted from a browser that did not start the sign-in is refused', async () => {
    const { team, conn } = await teamWithAdfs(t);
    const mallory = person('mallory');
    await t.addMember(team.teamId, mallory.email);
    const attacker = new Browser();
    const login = await attacker.get(`${t.url}/wsfed/${conn.id}/login`);
    const post = idpAnswer(login.location!, mallory);
    // The victim's browser auto-submits the attacker's form: no binding cookie.
    const victim = new Browser();
    const r = await victim.post(onNode(t, post.wreply), post.form, { accept: 'text/html' });
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.text).toContain('Sign-in refused');
    expect(victim.jar.has('roster_session')).toBe(false);
  });

  it('garbage, tampering and odd requests get a 4xx, never a 500', async () => {
    const { team, conn } = await teamWithAdfs(t);
    const alice = person();
    await t.addMember(team.teamId, alice.email);
    const acs = `${t.url}/wsfed/${conn.id}/acs`;
    const browser = new Browser();
    const started = async () => new URL((await browser.get(`${t.url}/wsfed/${conn.id}/login`)).location!).searchParams.get('wctx')!;

    const cases: Array<[string, () => Promise<{ status: number; text: string }>]> = [
      [
        'unknown connection',
        () => browser.post(`${t.url}/wsfed/00000000-0000-4000-8000-000000000000/acs`, { wa: 'wsignin1.0', wresult: 'x' }),
      ],
      ['connection id that is no uuid', () => browser.post(`${t.url}/wsfed/not-a-uuid/acs`, { wa: 'wsignin1.0', wresult: 'x' })],
      ['no wa', () => browser.post(acs, { wresult: 'x' })],
      ['unknown wa', () => browser.post(acs, { wa: 'wattr1.0' })],
      [
        'wa twice',
        () =>
          browser.send(acs, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'wa=wsignin1.0&wa=wsignin1.0&wresult=x',
          }),
      ],
      [
        'JSON body with objects',
        () =>
          browser.send(acs, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ wa: { $ne: 1 }, wresult: ['a', 'b'] }),
          }),
      ],
      ['unsupported content type', () => browser.send(acs, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' })],
      ['no wctx', () => browser.post(acs, { wa: 'wsignin1.0', wresult: '<x/>' })],
      ['wsignin1.0 in the query string', () => browser.get(`${acs}?wa=wsignin1.0&wresult=x`)],
      [
        'XML with a DOCTYPE',
        async () => browser.post(acs, { wa: 'wsignin1.0', wctx: await started(), wresult: '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>' }),
      ],
      ['not XML at all', async () => browser.post(acs, { wa: 'wsignin1.0', wctx: await started(), wresult: '{"not":"xml"}' })],
      [
        'a signed claim changed',
        async () => {
          const login = await browser.get(`${t.url}/wsfed/${conn.id}/login`);
          const post = idpAnswer(login.location!, alice);
          return browser.post(onNode(t, post.wreply), {
            ...post.form,
            wresult: post.form.wresult.replace(alice.email, 'boss@contoso.test'),
          });
        },
      ],
      [
        'an expired token',
        async () => {
          const login = await browser.get(`${t.url}/wsfed/${conn.id}/login`);
          const post = idpAnswer(login.location!, alice, { lifetimeSeconds: -600, lifetime: null });
          return browser.post(onNode(t, post.wreply), post.form);
        },
      ],
      ['login on an unknown connection', () => browser.get(`${t.url}/wsfed/00000000-0000-4000-8000-000000000000/login`)],
    ];
    for (const [name, run] of cases) {
      const r = await run();
      expect([name, r.status >= 400 && r.status < 500]).toEqual([name, true]);
    }
    expect(browser.jar.has('roster_session')).toBe(false);
    const steps = (await attempts(team.teamId, team.ownerToken)).map((a) => a.step);
    expect(steps).toEqual(expect.arrayContaining(['request', 'state', 'xml', 'signature', 'time']));
  });

  it('R19: the trace lists each attempt newest first with its failing step, and the success', async () => {
    const { team, conn } = await teamWithAdfs(t);
    const alice = person();
    const m = await t.addMember(team.teamId, alice.email);
    const ok1 = await signIn(t, conn.id, alice);
    const wrongAudience = await signIn(t, conn.id, alice, { audiences: 'urn:someone-else', appliesTo: null });
    const cloned = await signIn(t, conn.id, alice, { keys: KEYS.attackerClone });
    await ok(t, 'mutation($id: ID!) { deactivateMember(id: $id) { id } }', { id: m.membershipId }, team.ownerToken);
    const inactive = await signIn(t, conn.id, alice);
    expect([ok1.acs.status, wrongAudience.acs.status, cloned.acs.status, inactive.acs.status]).toEqual([302, 403, 403, 403]);

    const trace = await attempts(team.teamId, team.ownerToken, 10);
    expect(trace.map((a) => [a.outcome, a.step])).toEqual([
      ['failure', 'policy'],
      ['failure', 'signature'],
      ['failure', 'audience'],
      ['success', 'done'],
    ]);
    expect(trace[2]!.reason).toContain('urn:someone-else');
    expect(trace[3]).toMatchObject({ subject: alice.email, email: alice.email });
    const limited = await attempts(team.teamId, team.ownerToken, 2);
    expect(limited).toHaveLength(2);
  });

  it('a disabled connection refuses to start or finish a sign-in', async () => {
    const { team, conn } = await teamWithAdfs(t);
    const alice = person();
    await t.addMember(team.teamId, alice.email);
    const browser = new Browser();
    const login = await browser.get(`${t.url}/wsfed/${conn.id}/login`);
    const post = idpAnswer(login.location!, alice);
    await ok(
      t,
      'mutation($id: ID!) { updateWsFedConnection(id: $id, input: { enabled: false }) { id } }',
      { id: conn.id },
      team.ownerToken,
    );
    const refused = await browser.post(onNode(t, post.wreply), post.form);
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ step: 'connection' });
    const again = await browser.get(`${t.url}/wsfed/${conn.id}/login`);
    expect(again.status).toBe(403);
    expect(again.json()).toMatchObject({ error: 'WSFED_CONNECTION_DISABLED' });
  });
});

describe('sign-out', () => {
  it('logout ends the Roster session and sends the browser to the IdP (wsignout1.0), then back to return_to', async () => {
    const { team, conn } = await teamWithAdfs(t);
    const alice = person();
    await t.addMember(team.teamId, alice.email);
    const { browser } = await signIn(t, conn.id, alice);
    const session = browser.jar.get('roster_session')!;
    const out = await browser.get(`${t.url}/wsfed/${conn.id}/logout?return_to=/bye`);
    expect(out.status).toBe(302);
    const idp = new URL(out.location!);
    expect(`${idp.origin}${idp.pathname}`).toBe(CONTOSO.signInUrl);
    expect(Object.fromEntries(idp.searchParams)).toEqual({ wa: 'wsignout1.0', wtrealm: conn.realm, wreply: conn.replyUrl });
    expect(browser.jar.has('roster_session')).toBe(false);
    const stale = await t.gql<{ me: unknown }>('{ me { login } }', {}, { headers: { cookie: `roster_session=${session}` } });
    expect(stale.data?.me).toBeNull();
    // The IdP signs out and redirects to wreply: the browser continues to return_to.
    const back = await browser.get(onNode(t, conn.replyUrl));
    expect(back.status).toBe(302);
    expect(back.location).toBe('/bye');
  });

  it('wsignoutcleanup1.0 from the IdP ends the session and answers with an image (or a redirect to the IdP only)', async () => {
    const { team, conn } = await teamWithAdfs(t);
    const alice = person();
    await t.addMember(team.teamId, alice.email);
    const { browser } = await signIn(t, conn.id, alice);
    const session = browser.jar.get('roster_session')!;
    const img = await browser.get(`${onNode(t, conn.replyUrl)}?wa=wsignoutcleanup1.0`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/gif');
    const stale = await t.gql<{ me: unknown }>('{ me { login } }', {}, { headers: { cookie: `roster_session=${session}` } });
    expect(stale.data?.me).toBeNull();

    const toIdp = await browser.get(
      `${onNode(t, conn.replyUrl)}?wa=wsignoutcleanup1.0&wreply=${encodeURIComponent('https://adfs.contoso.test/adfs/ls/?done')}`,
    );
    expect(toIdp.status).toBe(302);
    expect(toIdp.location).toBe('https://adfs.contoso.test/adfs/ls/?done');
    const elsewhere = await browser.get(
      `${onNode(t, conn.replyUrl)}?wa=wsignoutcleanup1.0&wreply=${encodeURIComponent('https://evil.test/')}`,
    );
    expect(elsewhere.status).toBe(200);
  });

  it("a cleanup from one team's IdP does not end another team's session", async () => {
    const a = await teamWithAdfs(t);
    const b = await teamWithAdfs(t);
    const bob = person('bob');
    await t.addMember(b.team.teamId, bob.email);
    const { browser } = await signIn(t, b.conn.id, bob);
    await browser.get(`${onNode(t, a.conn.replyUrl)}?wa=wsignoutcleanup1.0`);
    expect(await meWithCookie(t, browser)).toEqual({ login: bob.email });
  });
});
