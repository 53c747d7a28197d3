/**
 * IdP metadata by URL (R18): imported at creation, refreshed on a schedule so a certificate
 * rollover needs no action, several certificates valid at once, failures kept visible without
 * dropping the working configuration, and the download itself bounded (timeout, size, scheme,
 * private addresses).
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchMetadata } from '../src/metadata-fetch.js';
import { IDP, NEXT } from './support/idp.js';
import {
  CONNECTION_FIELDS,
  createConnection,
  idpInitiated,
  startSamlRoster,
  type Connection,
  type SamlRoster,
  type Team,
} from './support/roster.js';
import { IDP_ENTITY, idpMetadata, metadataServer, signedXml, spec } from './support/test-idp.js';

type MetadataServer = Awaited<ReturnType<typeof metadataServer>>;

async function connection(node: SamlRoster, team: Team, id: string): Promise<Connection> {
  const r = await node.t.gql<{ team: { samlConnections: Connection[] } }>(
    `query($id: ID!) { team(id: $id) { samlConnections { ${CONNECTION_FIELDS} } } }`,
    { id: team.teamId },
    { token: team.ownerToken },
  );
  const found = r.data?.team.samlConnections.find((c) => c.id === id);
  if (!found) throw new Error(JSON.stringify(r));
  return found;
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('scheduled refresh: a certificate rollover needs no action', () => {
  let node: SamlRoster;
  let team: Team;
  let server: MetadataServer;

  beforeAll(async () => {
    // Every connection is due a second after its last check; each node looks five times a second.
    node = await startSamlRoster({ metadataRefreshIntervalSeconds: 1, metadataCheckEveryMs: 200 });
    team = await node.t.createTeam();
    server = await metadataServer(idpMetadata({ certs: [IDP.cert] }));
    await node.t.addMember(team.teamId, 'ada@example.com');
  });
  afterAll(async () => {
    await node?.t.close();
    await server?.close();
  });

  it('the IdP adds its next certificate, then drops the old one: sign-ins follow by themselves', async () => {
    const conn = await createConnection(node.t, team, { metadataXml: null, metadataUrl: server.url, allowIdpInitiated: true });
    expect(conn).toMatchObject({ idpMetadataUrl: server.url, idpEntityId: IDP_ENTITY, metadataError: null });
    expect(conn.certificates).toHaveLength(1);
    const signIn = async (signer: typeof IDP) => (await idpInitiated(conn, { xml: signedXml(spec(conn), { signer }) })).acs.status;

    expect(await signIn(NEXT)).toBe(403); // not trusted yet
    server.set(idpMetadata({ certs: [IDP.cert, NEXT.cert] }));
    const overlap = await until(
      () => connection(node, team, conn.id),
      (c) => c.certificates.length === 2,
    );
    expect(overlap.certificates).toHaveLength(2);
    expect(await signIn(NEXT)).toBe(302);
    expect(await signIn(IDP)).toBe(302); // both valid during the overlap

    server.set(idpMetadata({ certs: [NEXT.cert] }));
    const rolled = await until(
      () => connection(node, team, conn.id),
      (c) => c.certificates.length === 1,
    );
    expect(rolled.certificates[0]?.pem.replace(/\s+/g, '')).toBe(NEXT.cert.replace(/\s+/g, ''));
    expect(await signIn(IDP)).toBe(403);
    expect(await signIn(NEXT)).toBe(302);
    expect(rolled.metadataRefreshedAt).not.toBeNull();

    const audit = await node.t.gql<{ team: { auditEvents: { edges: Array<{ node: { action: string; actorType: string } }> } } }>(
      `query($id: ID!) { team(id: $id) { auditEvents(first: 50, action: "saml.metadata.refreshed") { edges { node { action actorType } } } } }`,
      { id: team.teamId },
      { token: team.ownerToken },
    );
    expect(audit.data?.team.auditEvents.edges.length).toBeGreaterThanOrEqual(2);
    expect(audit.data?.team.auditEvents.edges[0]?.node.actorType).toBe('system');
    // Stop the schedule for this connection before the server goes away.
    await node.t.gql(
      `mutation($id: ID!) { updateSamlConnection(id: $id, input: { metadataUrl: null }) { id } }`,
      { id: conn.id },
      { token: team.ownerToken },
    );
  });
});

describe('manual refresh, failures and several nodes', () => {
  let node: SamlRoster;
  let team: Team;
  let server: MetadataServer;

  beforeAll(async () => {
    // The schedule exists but never fires on its own during the test: passes are run by hand.
    node = await startSamlRoster({ metadataRefreshIntervalSeconds: 3600, metadataCheckEveryMs: 24 * 3600 * 1000 });
    team = await node.t.createTeam();
    server = await metadataServer(idpMetadata());
  });
  afterAll(async () => {
    await node?.t.close();
    await server?.close();
  });

  const refresh = (id: string) =>
    node.t.gql<{ refreshSamlMetadata: Connection }>(
      `mutation($id: ID!) { refreshSamlMetadata(id: $id) { ${CONNECTION_FIELDS} } }`,
      { id },
      { token: team.ownerToken },
    );

  it('a failed refresh keeps the working certificates and says why; the next one clears the error', async () => {
    const conn = await createConnection(node.t, team, { metadataXml: null, metadataUrl: server.url });
    server.fail(500);
    const failed = await refresh(conn.id);
    expect(failed.errors?.[0]?.extensions?.code).toBe('SAML_METADATA_FETCH_FAILED');
    const kept = await connection(node, team, conn.id);
    expect(kept.certificates).toHaveLength(1);
    expect(kept.metadataError).toContain('HTTP 500');
    server.fail(null);
    server.set('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>');
    expect((await refresh(conn.id)).errors?.[0]?.extensions?.code).toBe('SAML_METADATA_INVALID');
    server.set(idpMetadata({ entityId: 'https://another-idp.example' }));
    expect((await refresh(conn.id)).errors?.[0]?.extensions?.code).toBe('SAML_METADATA_ENTITY_CHANGED');
    server.set(idpMetadata({ certs: [IDP.cert, NEXT.cert] }));
    const ok = await refresh(conn.id);
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.refreshSamlMetadata).toMatchObject({ metadataError: null });
    expect(ok.data?.refreshSamlMetadata.certificates).toHaveLength(2);
    const noUrl = await createConnection(node.t, team);
    expect((await refresh(noUrl.id)).errors?.[0]?.extensions?.code).toBe('SAML_NO_METADATA_URL');
  });

  it('two refresh passes at once (two nodes) download each due connection once (for update skip locked)', async () => {
    const conn = await createConnection(node.t, team, { metadataXml: null, metadataUrl: server.url });
    await node.t.core
      .em()
      .execute("update saml_connection set metadata_checked_at = now() - interval '2 hours' where metadata_url is not null");
    const due = await node.t.core
      .em()
      .execute<Array<{ n: number }>>('select count(*)::int as n from saml_connection where metadata_url is not null and enabled');
    const before = server.hits();
    const [a, b] = await Promise.all([node.plugin.metadataRefresh.runOnce(), node.plugin.metadataRefresh.runOnce()]);
    expect(a.claimed + b.claimed).toBe(due[0]?.n);
    expect(server.hits() - before).toBe(due[0]?.n);
    expect(a.failed + b.failed).toBe(0);
    // Nothing is due right after.
    expect((await node.plugin.metadataRefresh.runOnce()).claimed).toBe(0);
    expect((await connection(node, team, conn.id)).metadataRefreshedAt).not.toBeNull();
  });
});

describe('the metadata download is bounded', () => {
  let slow: Server;
  let big: Server;
  let redirecting: Server;
  let slowUrl: string;
  let bigUrl: string;
  let redirectUrl: string;

  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/md`;
  };
  beforeAll(async () => {
    slow = createServer((_req, res) => {
      res.writeHead(200);
      res.write('<md:'); /* never ends */
    });
    big = createServer((_req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(64 * 1024));
    });
    redirecting = createServer((_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    });
    [slowUrl, bigUrl, redirectUrl] = [await listen(slow), await listen(big), await listen(redirecting)];
  });
  afterAll(() => {
    for (const s of [slow, big, redirecting]) s.closeAllConnections();
    for (const s of [slow, big, redirecting]) s.close();
  });

  const open = { allowHttp: true, allowPrivateAddresses: true, timeoutMs: 2000, maxBytes: 1024 * 1024 };
  const codeOf = async (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
    );

  it('times out, caps the size, and refuses http in production and private addresses', async () => {
    expect(await codeOf(fetchMetadata(slowUrl, { ...open, timeoutMs: 300 }))).toBe(
      'SAML_METADATA_FETCH_FAILED: metadata download: the request timed out',
    );
    expect(await codeOf(fetchMetadata(bigUrl, { ...open, maxBytes: 4096 }))).toBe(
      'SAML_METADATA_FETCH_FAILED: metadata download: the response is larger than 4096 bytes',
    );
    expect(await codeOf(fetchMetadata(bigUrl, open))).toBe('OK');
    expect(await codeOf(fetchMetadata(bigUrl, { ...open, allowHttp: false }))).toBe(
      'SAML_INVALID_INPUT: metadataUrl: the URL must be https',
    );
    expect(await codeOf(fetchMetadata(bigUrl, { ...open, allowPrivateAddresses: false }))).toMatch(
      /SAML_METADATA_FETCH_FAILED: .*private or loopback/,
    );
    expect(await codeOf(fetchMetadata(bigUrl.replace('127.0.0.1', 'localhost'), { ...open, allowPrivateAddresses: false }))).toMatch(
      /private or loopback/,
    );
    expect(await codeOf(fetchMetadata('https://[::1]/md', { ...open, allowPrivateAddresses: false }))).toMatch(/private or loopback/);
    expect(await codeOf(fetchMetadata('https://[::ffff:10.0.0.1]/md', { ...open, allowPrivateAddresses: false }))).toMatch(
      /private or loopback/,
    );
    // A redirect is followed only to where the first URL could have gone.
    expect(await codeOf(fetchMetadata(redirectUrl, { ...open, allowPrivateAddresses: false }))).toMatch(/private or loopback/);
    expect(await codeOf(fetchMetadata('ftp://example.com/md', open))).toBe('SAML_INVALID_INPUT: metadataUrl: the URL must be http(s)');
    expect(await codeOf(fetchMetadata('https://user:pw@example.com/md', open))).toBe(
      'SAML_INVALID_INPUT: metadataUrl: the URL must not carry credentials',
    );
  });
});
