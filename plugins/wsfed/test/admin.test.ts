import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { isPrivateAddress } from '@roster/plugin-sdk';
import { describeCertificates, wsfedPlugin, type WsFedPlugin } from '../src/index.js';
import { certBody } from './support/keys.js';
import {
  CONTOSO,
  CREATE,
  KEYS,
  LIST,
  REFRESH,
  TEST_CONFIG,
  UPDATE,
  gqlError,
  ok,
  person,
  signIn,
  teamWithAdfs,
  type ConnectionView,
} from './support/journey.js';
import { adfsMetadata, signMetadata } from './support/metadata.js';

/** A fake IdP web server for metadata downloads: serves documents by URL and counts requests. */
class MetadataHost {
  readonly documents = new Map<string, string>();
  readonly hits = new Map<string, number>();
  delayMs = 0;
  readonly fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    this.hits.set(url, (this.hits.get(url) ?? 0) + 1);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const body = this.documents.get(url);
    return body === undefined
      ? new Response('not found', { status: 404 })
      : new Response(body, { status: 200, headers: { 'content-type': 'application/samlmetadata+xml' } });
  };
}

const host = new MetadataHost();
let plugin: WsFedPlugin;
let t: TestRoster;
beforeAll(async () => {
  plugin = wsfedPlugin({ fetch: host.fetch, metadataRefreshIntervalSeconds: 3600, metadataCheckEveryMs: 24 * 3600 * 1000 });
  t = await startTestRoster({ plugins: [plugin], config: TEST_CONFIG, roster: { migrate: true } });
});
afterAll(async () => {
  await t?.close();
});

let n = 0;
const metadataUrl = () => `https://adfs${++n}.contoso.test/FederationMetadata/2007-06/FederationMetadata.xml`;
const MANUAL = { idpIssuer: CONTOSO.issuer, idpSignInUrl: CONTOSO.signInUrl, signingCertificates: [KEYS.idp.cert] };
const ageMetadataCheck = (id: string, seconds: number) =>
  t.core.em().execute(`update wsfed_connection set metadata_checked_at = now() - make_interval(secs => ?) where id = ?`, [seconds, id]);

describe('authorization (R1, R18)', () => {
  it("only the team's admins see and change its connections; other teams get NOT_FOUND", async () => {
    const { team, conn } = await teamWithAdfs(t);
    const member = await t.addMember(team.teamId, person('member').email);
    const other = await t.createTeam();
    const listErr = async (token?: string) => gqlError(t, LIST, { id: team.teamId }, token);
    expect(await listErr()).toBe('UNAUTHENTICATED');
    expect(await listErr(member.token)).toBe('FORBIDDEN');
    expect(await listErr(other.ownerToken)).toBe('NOT_FOUND');

    const mutations: Array<[string, Record<string, unknown>]> = [
      [CREATE, { teamId: team.teamId, input: MANUAL }],
      [UPDATE, { id: conn.id, input: { name: 'x' } }],
      [REFRESH, { id: conn.id }],
      ['mutation($id: ID!) { deleteWsFedConnection(id: $id) }', { id: conn.id }],
    ];
    for (const [query, vars] of mutations) {
      expect(await gqlError(t, query, vars)).toBe('UNAUTHENTICATED');
      expect(await gqlError(t, query, vars, member.token)).toBe('FORBIDDEN');
      expect(await gqlError(t, query, vars, other.ownerToken)).toBe('NOT_FOUND');
    }
    // Platform admins manage every team.
    const platform = await t.platformAdminToken();
    const { team: seen } = await ok<{ team: { wsfedConnections: ConnectionView[] } }>(t, LIST, { id: team.teamId }, platform);
    expect(seen.wsfedConnections).toHaveLength(1);
    expect(await gqlError(t, CREATE, { teamId: '00000000-0000-4000-8000-000000000000', input: MANUAL }, platform)).toBe('NOT_FOUND');
    expect(await gqlError(t, CREATE, { teamId: 'nope', input: MANUAL }, platform)).toBe('NOT_FOUND');
    expect(await gqlError(t, UPDATE, { id: 'nope', input: {} }, team.ownerToken)).toBe('NOT_FOUND');
  });
});

describe('typed-in settings and validation', () => {
  it('creates a connection from typed-in IdP settings (base64 DER certificate as pasted), and signs in through it', async () => {
    const team = await t.createTeam();
    const { createWsFedConnection: conn } = await ok<{ createWsFedConnection: ConnectionView }>(
      t,
      CREATE,
      {
        teamId: team.teamId,
        input: {
          ...MANUAL,
          signingCertificates: [certBody(KEYS.idp.cert)],
          idpSignOutUrl: 'https://adfs.contoso.test/adfs/ls/?wa=signout',
          claimOverrides: { email: ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'] },
          trustEmails: true,
        },
      },
      team.ownerToken,
    );
    expect(conn).toMatchObject({
      name: 'WS-Federation',
      trustEmails: true,
      idpSignOutUrl: 'https://adfs.contoso.test/adfs/ls/?wa=signout',
      claimOverrides: { email: ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'], upn: null },
    });
    expect(conn.claimMapping.email).toEqual(['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn']);
    expect(conn.certificates).toHaveLength(1);

    // The override makes the UPN the email: the token carries the member's address only as UPN.
    const alice = person();
    await t.addMember(team.teamId, alice.email);
    const run = await signIn(
      t,
      conn.id,
      { email: alice.email },
      {
        attributes: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': alice.email },
        nameId: 'CONTOSO\\alice',
      },
    );
    expect(run.acs.status).toBe(302);
  });

  it('an Entra ID issuer gets the entra claim preset by default', async () => {
    const team = await t.createTeam();
    const { createWsFedConnection: conn } = await ok<{ createWsFedConnection: ConnectionView }>(
      t,
      CREATE,
      {
        teamId: team.teamId,
        input: {
          idpIssuer: 'https://sts.windows.net/4a1b0c2d-0000-4000-8000-000000000001/',
          idpSignInUrl: 'https://login.microsoftonline.com/4a1b0c2d-0000-4000-8000-000000000001/wsfed',
          signingCertificates: [KEYS.idp.cert],
          realm: 'api://7d3c9a55-0000-4000-8000-00000000abcd',
        },
      },
      team.ownerToken,
    );
    expect(conn.claimPreset).toBe('entra');
    const { updateWsFedConnection: moved } = await ok<{ updateWsFedConnection: ConnectionView }>(
      t,
      UPDATE,
      { id: conn.id, input: { replyUrl: 'https://app.roster.test/sso/wsfed' } },
      team.ownerToken,
    );
    expect(moved.replyUrl).toBe('https://app.roster.test/sso/wsfed');
    const { updateWsFedConnection: reset } = await ok<{ updateWsFedConnection: ConnectionView }>(
      t,
      UPDATE,
      { id: conn.id, input: { replyUrl: null } },
      team.ownerToken,
    );
    expect(reset.replyUrl).toBe(`https://roster.test/wsfed/${conn.id}/acs`);
    expect(conn.realm).toBe('api://7d3c9a55-0000-4000-8000-00000000abcd');
  });

  it('refuses invalid settings with stable codes', async () => {
    const team = await t.createTeam();
    const create = (input: Record<string, unknown>) => gqlError(t, CREATE, { teamId: team.teamId, input }, team.ownerToken);
    expect(await create({})).toBe('WSFED_INVALID_INPUT');
    expect(await create({ ...MANUAL, signingCertificates: ['not a certificate'] })).toBe('WSFED_CERTIFICATE_INVALID');
    expect(await create({ ...MANUAL, signingCertificates: [] })).toBe('WSFED_INVALID_INPUT');
    expect(await create({ ...MANUAL, idpSignInUrl: 'javascript:alert(1)' })).toBe('WSFED_INVALID_INPUT');
    expect(await create({ ...MANUAL, idpSignInUrl: 'https://user:pw@adfs.contoso.test/adfs/ls/' })).toBe('WSFED_INVALID_INPUT');
    expect(await create({ ...MANUAL, realm: 'not a uri' })).toBe('WSFED_INVALID_INPUT');
    // Tokens go to the reply URL: never off Roster's own origins.
    expect(await create({ ...MANUAL, replyUrl: 'https://evil.test/wsfed/acs' })).toBe('WSFED_INVALID_INPUT');
    expect(await create({ ...MANUAL, clockSkewSeconds: 3600 })).toBe('WSFED_INVALID_INPUT');
    expect(await create({ ...MANUAL, name: 'x'.repeat(201) })).toBe('WSFED_INVALID_INPUT');
    expect(await create({ metadataXml: adfsMetadata(), idpIssuer: 'http://other' })).toBe('WSFED_INVALID_INPUT');
    expect(await create({ metadataXml: '<not-metadata/>' })).toBe('WSFED_METADATA_INVALID');
    expect(await create({ metadataXml: 'garbage' })).toBe('WSFED_METADATA_INVALID');
    expect(await create({ metadataXml: '<!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><x>&a;</x>' })).toBe(
      'WSFED_METADATA_INVALID',
    );
    expect(await create({ metadataXml: adfsMetadata({ validUntil: new Date(Date.now() - 1000) }) })).toBe('WSFED_METADATA_EXPIRED');
    // Private metadata hosts: the SSO toolkit's outbound policy, proven in test/sso-toolkit.test.ts (#12.9).
    expect(await create({ metadataUrl: 'https://missing.contoso.test/FederationMetadata.xml' })).toBe('WSFED_METADATA_FETCH_FAILED');
    const { list } = { list: await ok<{ team: { wsfedConnections: unknown[] } }>(t, LIST, { id: team.teamId }, team.ownerToken) };
    expect(list.team.wsfedConnections).toEqual([]);
  });

  it('a realm names one connection: a second connection (any team) cannot reuse it', async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    const realm = `urn:roster:shared:${Math.random().toString(36).slice(2)}`;
    await ok(t, CREATE, { teamId: a.teamId, input: { ...MANUAL, realm } }, a.ownerToken);
    expect(await gqlError(t, CREATE, { teamId: b.teamId, input: { ...MANUAL, realm } }, b.ownerToken)).toBe('WSFED_REALM_TAKEN');
  });

  it('updates only the fields given, audits what changed, and deletes (R19)', async () => {
    const { team, conn } = await teamWithAdfs(t);
    const { updateWsFedConnection: u } = await ok<{ updateWsFedConnection: ConnectionView }>(
      t,
      UPDATE,
      {
        id: conn.id,
        input: { name: 'Contoso (new farm)', signingCertificates: [KEYS.rollover.cert], clockSkewSeconds: 30 },
      },
      team.ownerToken,
    );
    expect(u).toMatchObject({ name: 'Contoso (new farm)', idpIssuer: CONTOSO.issuer, realm: conn.realm });
    expect(u.certificates.map((c) => c.fingerprintSha256)).toEqual([conn.certificates[1]!.fingerprintSha256]);
    await ok(t, 'mutation($id: ID!) { deleteWsFedConnection(id: $id) }', { id: conn.id }, team.ownerToken);
    const list = await ok<{ team: { wsfedConnections: unknown[] } }>(t, LIST, { id: team.teamId }, team.ownerToken);
    expect(list.team.wsfedConnections).toEqual([]);
    const login = await fetch(`${t.url}/wsfed/${conn.id}/login`, { redirect: 'manual' });
    expect(login.status).toBe(404);

    const audit = await ok<{ team: { auditEvents: { edges: Array<{ node: { action: string; data: Record<string, unknown> } }> } } }>(
      t,
      'query($id: ID!) { team(id: $id) { auditEvents(action: "wsfed.") { edges { node { action data } } } } }',
      { id: team.teamId },
      team.ownerToken,
    );
    const events = audit.team.auditEvents.edges.map((e) => e.node);
    expect(events.map((e) => e.action)).toEqual(['wsfed.connection.deleted', 'wsfed.connection.updated', 'wsfed.connection.created']);
    expect(events[1]!.data).toMatchObject({
      changed: ['name', 'signingCertificates', 'clockSkewSeconds'],
      certificatesRemoved: [conn.certificates[0]!.fingerprintSha256],
      certificatesAdded: [],
    });
  });
});

describe('metadata URL and refresh (R18)', () => {
  it('imports from a metadata URL, then a refresh follows a certificate rollover signed by a trusted certificate', async () => {
    const url = metadataUrl();
    host.documents.set(url, signMetadata(adfsMetadata({ signingCerts: [KEYS.idp.cert] })));
    const team = await t.createTeam();
    const { createWsFedConnection: conn } = await ok<{ createWsFedConnection: ConnectionView }>(
      t,
      CREATE,
      { teamId: team.teamId, input: { metadataUrl: url, trustEmails: true } },
      team.ownerToken,
    );
    expect(conn).toMatchObject({ metadataUrl: url, idpIssuer: CONTOSO.issuer, metadataError: null });
    expect(conn.metadataRefreshedAt).not.toBeNull();
    expect(conn.certificates).toHaveLength(1);

    // ADFS publishes the new certificate as secondary, still signing with the current one.
    host.documents.set(url, signMetadata(adfsMetadata({ signingCerts: [KEYS.idp.cert, KEYS.rollover.cert] }), KEYS.idp));
    const { refreshWsFedMetadata: r } = await ok<{ refreshWsFedMetadata: ConnectionView }>(t, REFRESH, { id: conn.id }, team.ownerToken);
    expect(r.certificates).toHaveLength(2);
    // Tokens signed by the new certificate now sign in.
    const alice = person();
    await t.addMember(team.teamId, alice.email);
    expect((await signIn(t, conn.id, alice, { keys: KEYS.rollover })).acs.status).toBe(302);
  });

  it('a refreshed document signed by an untrusted key, or unsigned, changes nothing and is recorded as the last error', async () => {
    const url = metadataUrl();
    host.documents.set(url, signMetadata(adfsMetadata({ signingCerts: [KEYS.idp.cert] })));
    const team = await t.createTeam();
    const { createWsFedConnection: conn } = await ok<{ createWsFedConnection: ConnectionView }>(
      t,
      CREATE,
      { teamId: team.teamId, input: { metadataUrl: url } },
      team.ownerToken,
    );

    host.documents.set(url, signMetadata(adfsMetadata({ signingCerts: [KEYS.attackerClone.cert] }), KEYS.attackerClone));
    expect(await gqlError(t, REFRESH, { id: conn.id }, team.ownerToken)).toBe('WSFED_METADATA_SIGNATURE');
    host.documents.set(url, adfsMetadata({ signingCerts: [KEYS.attackerClone.cert] }));
    expect(await gqlError(t, REFRESH, { id: conn.id }, team.ownerToken)).toBe('WSFED_METADATA_SIGNATURE');
    host.documents.set(
      url,
      signMetadata(adfsMetadata({ entityId: 'http://adfs.evil.test/adfs/services/trust', signingCerts: [KEYS.idp.cert] })),
    );
    expect(await gqlError(t, REFRESH, { id: conn.id }, team.ownerToken)).toBe('WSFED_METADATA_ISSUER_CHANGED');

    const { team: seen } = await ok<{ team: { wsfedConnections: ConnectionView[] } }>(t, LIST, { id: team.teamId }, team.ownerToken);
    const after = seen.wsfedConnections[0]!;
    expect(after.certificates.map((c) => c.fingerprintSha256)).toEqual(conn.certificates.map((c) => c.fingerprintSha256));
    expect(after.idpIssuer).toBe(CONTOSO.issuer);
    expect(after.metadataError).toMatch(/^WSFED_METADATA_ISSUER_CHANGED/);
    expect(after.metadataRefreshedAt).toBe(conn.metadataRefreshedAt);

    // An explicit re-import by the admin is how a really new IdP key is accepted.
    host.documents.set(url, signMetadata(adfsMetadata({ signingCerts: [KEYS.rollover.cert] }), KEYS.rollover));
    const { updateWsFedConnection: u } = await ok<{ updateWsFedConnection: ConnectionView }>(
      t,
      UPDATE,
      { id: conn.id, input: { metadataUrl: url } },
      team.ownerToken,
    );
    expect(u.metadataError).toBeNull();
    expect(u.certificates).toHaveLength(1);
    expect(u.certificates[0]!.fingerprintSha256).not.toBe(conn.certificates[0]!.fingerprintSha256);
    expect(await gqlError(t, REFRESH, { id: (await teamWithAdfs(t)).conn.id }, undefined)).toBe('UNAUTHENTICATED');
  });

  it('a connection without metadata URL cannot be refreshed; metadataUrl: null stops the schedule', async () => {
    const { team, conn } = await teamWithAdfs(t);
    expect(await gqlError(t, REFRESH, { id: conn.id }, team.ownerToken)).toBe('WSFED_NO_METADATA_URL');
    const url = metadataUrl();
    host.documents.set(url, signMetadata(adfsMetadata()));
    const { updateWsFedConnection: withUrl } = await ok<{ updateWsFedConnection: ConnectionView }>(
      t,
      UPDATE,
      { id: conn.id, input: { metadataUrl: url } },
      team.ownerToken,
    );
    expect(withUrl.metadataUrl).toBe(url);
    const { updateWsFedConnection: without } = await ok<{ updateWsFedConnection: ConnectionView }>(
      t,
      UPDATE,
      { id: conn.id, input: { metadataUrl: null } },
      team.ownerToken,
    );
    expect(without).toMatchObject({ metadataUrl: null, metadataRefreshedAt: null });
    expect(without.certificates).toHaveLength(2);
  });

  it('the scheduler refreshes only connections whose last refresh is older than the interval, each once even when passes race', async () => {
    const team = await t.createTeam();
    const urls = [metadataUrl(), metadataUrl(), metadataUrl()];
    const ids: string[] = [];
    for (const url of urls) {
      host.documents.set(url, signMetadata(adfsMetadata({ signingCerts: [KEYS.idp.cert] })));
      const { createWsFedConnection: c } = await ok<{ createWsFedConnection: ConnectionView }>(
        t,
        CREATE,
        { teamId: team.teamId, input: { metadataUrl: url } },
        team.ownerToken,
      );
      ids.push(c.id);
    }
    const hitsOf = (u: string) => host.hits.get(u) ?? 0;
    const before = urls.map(hitsOf);
    // All three were imported just now: nothing is due.
    await plugin.metadataRefresh.runOnce();
    expect(urls.map(hitsOf)).toEqual(before);

    // Two are older than the interval (3600 s); the third is not.
    await ageMetadataCheck(ids[0]!, 7200);
    await ageMetadataCheck(ids[1]!, 3700);
    await ageMetadataCheck(ids[2]!, 1800);
    for (const url of urls) host.documents.set(url, signMetadata(adfsMetadata({ signingCerts: [KEYS.idp.cert, KEYS.rollover.cert] })));
    host.delayMs = 50;
    const results = await Promise.all([
      plugin.metadataRefresh.runOnce(),
      plugin.metadataRefresh.runOnce(),
      plugin.metadataRefresh.runOnce(),
    ]);
    host.delayMs = 0;
    expect(results.reduce((s, r) => s + r.refreshed, 0)).toBeGreaterThanOrEqual(2);
    expect(urls.map(hitsOf)).toEqual([before[0]! + 1, before[1]! + 1, before[2]!]);

    const { team: seen } = await ok<{ team: { wsfedConnections: ConnectionView[] } }>(t, LIST, { id: team.teamId }, team.ownerToken);
    const byId = new Map(seen.wsfedConnections.map((c) => [c.id, c]));
    expect(byId.get(ids[0]!)!.certificates).toHaveLength(2);
    expect(byId.get(ids[1]!)!.certificates).toHaveLength(2);
    expect(byId.get(ids[2]!)!.certificates).toHaveLength(1);
    // Right after, nothing is due again.
    await plugin.metadataRefresh.runOnce();
    expect(urls.map(hitsOf)).toEqual([before[0]! + 1, before[1]! + 1, before[2]!]);

    // Scheduled changes are audited as the system, on the wsfed channel (R19).
    const audit = await ok<{ team: { auditEvents: { edges: Array<{ node: { action: string; actorType: string; channel: string } }> } } }>(
      t,
      'query($id: ID!) { team(id: $id) { auditEvents(action: "wsfed.metadata") { edges { node { action actorType channel } } } } }',
      { id: team.teamId },
      team.ownerToken,
    );
    expect(audit.team.auditEvents.edges.map((e) => e.node)).toEqual([
      { action: 'wsfed.metadata.refreshed', actorType: 'system', channel: 'wsfed' },
      { action: 'wsfed.metadata.refreshed', actorType: 'system', channel: 'wsfed' },
    ]);
  });

  it('the timer started in setup refreshes a due connection on its own, and close() stops it', async () => {
    const host2 = new MetadataHost();
    const timed = wsfedPlugin({ fetch: host2.fetch, metadataRefreshIntervalSeconds: 1, metadataCheckEveryMs: 100 });
    const node = await startTestRoster({ plugins: [timed], config: TEST_CONFIG, roster: { migrate: true } });
    try {
      const url = metadataUrl();
      host2.documents.set(url, signMetadata(adfsMetadata({ signingCerts: [KEYS.idp.cert] })));
      const team = await node.createTeam();
      const { createWsFedConnection: conn } = await ok<{ createWsFedConnection: ConnectionView }>(
        node,
        CREATE,
        { teamId: team.teamId, input: { metadataUrl: url } },
        team.ownerToken,
      );
      host2.documents.set(url, signMetadata(adfsMetadata({ signingCerts: [KEYS.idp.cert, KEYS.rollover.cert] })));
      const deadline = Date.now() + 10_000;
      let certs = conn.certificates.length;
      while (certs < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 150));
        const { team: seen } = await ok<{ team: { wsfedConnections: ConnectionView[] } }>(node, LIST, { id: team.teamId }, team.ownerToken);
        certs = seen.wsfedConnections[0]!.certificates.length;
      }
      expect(certs).toBe(2);
    } finally {
      await node.close();
    }
    const hits = host2.hits.size ? [...host2.hits.values()].reduce((a, b) => a + b, 0) : 0;
    await new Promise((r) => setTimeout(r, 300));
    expect([...host2.hits.values()].reduce((a, b) => a + b, 0)).toBe(hits);
  });

  it.skipIf(process.env.ROSTER_TEST_PG_URL === undefined || process.env.ROSTER_TEST_PG_URL === '')(
    'two nodes running the refresh pass at once download each due document once',
    async () => {
      // PostgreSQL server only: PGlite serves a single connection and cannot be shared by two nodes.
      const secondPlugin = wsfedPlugin({ fetch: host.fetch, metadataRefreshIntervalSeconds: 3600, metadataCheckEveryMs: 24 * 3600 * 1000 });
      const second = await startTestRoster({ plugins: [secondPlugin], config: TEST_CONFIG, databaseUrl: t.roster.databaseUrl });
      try {
        const team = await t.createTeam();
        const urls = [metadataUrl(), metadataUrl(), metadataUrl(), metadataUrl()];
        for (const url of urls) {
          host.documents.set(url, signMetadata(adfsMetadata({ signingCerts: [KEYS.idp.cert] })));
          const { createWsFedConnection: c } = await ok<{ createWsFedConnection: ConnectionView }>(
            t,
            CREATE,
            { teamId: team.teamId, input: { metadataUrl: url } },
            team.ownerToken,
          );
          await ageMetadataCheck(c.id, 7200);
        }
        const before = urls.map((u) => host.hits.get(u) ?? 0);
        host.delayMs = 100;
        const [r1, r2] = await Promise.all([plugin.metadataRefresh.runOnce(), secondPlugin.metadataRefresh.runOnce()]);
        host.delayMs = 0;
        expect(r1.claimed + r2.claimed).toBe(4);
        expect(urls.map((u, i) => (host.hits.get(u) ?? 0) - before[i]!)).toEqual([1, 1, 1, 1]);
      } finally {
        await second.close();
      }
    },
  );
});

describe('certificate expiry warning (R18)', () => {
  it('flags certificates that expired or expire within 30 days', () => {
    const [cert] = describeCertificates([KEYS.idp.cert]);
    const notAfter = cert!.notAfter.getTime();
    const at = (daysBefore: number) => describeCertificates([KEYS.idp.cert], new Date(notAfter - daysBefore * 86_400_000))[0]!;
    expect(at(31).expiryWarning).toBe(false);
    expect(at(29)).toMatchObject({ expiryWarning: true, expired: false, daysUntilExpiry: 29 });
    expect(at(-1)).toMatchObject({ expiryWarning: true, expired: true });
  });

  it('metadata hosts that are loopback, private or link-local are refused (SSRF)', () => {
    for (const h of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '[::1]',
      '[fd00::1]',
      '[fe80::1]',
      '::ffff:10.0.0.1',
    ])
      expect([h, isPrivateAddress(h)]).toEqual([h, true]);
    for (const h of ['8.8.8.8', '[2001:db8::1]', '2606:4700::1111']) expect([h, isPrivateAddress(h)]).toEqual([h, false]);
  });
});
