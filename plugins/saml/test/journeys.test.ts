/**
 * Journeys through a real Roster (HTTP, GraphQL, PostgreSQL or PGlite) with the SAML plugin and
 * the in-process test IdP (responses built and signed with xml-crypto and our test keys):
 * connections administered through GraphQL, SP- and IdP-initiated sign-in ending in a working
 * GraphQL session, a sign-in started on one node and finished on another, encrypted assertions,
 * signed AuthnRequests, and the team policy (R3) and inactive members (R7) applied by the core.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@roster/plugin-sdk';
import { parseXmlSafely, verifyElementSignature } from '@roster/xml-security';
import { Browser } from './support/browser.js';
import { IDP } from './support/idp.js';
import {
  APP_ORIGIN,
  CONNECTION_FIELDS,
  attempts,
  createConnection,
  idpInitiated,
  me,
  spInitiated,
  startSamlRoster,
  updateConnection,
  type SamlRoster,
  type Team,
} from './support/roster.js';
import { IDP_ENTITY, IDP_SSO, describeRequest, formFields, idpMetadata } from './support/test-idp.js';

let node: SamlRoster;
let team: Team;

beforeAll(async () => {
  node = await startSamlRoster();
  team = await node.t.createTeam();
});
afterAll(async () => {
  await node?.t.close();
});

describe('connections through GraphQL (R18)', () => {
  it('creates a connection from IdP metadata and shows the SP values to paste, with certificate expiry', async () => {
    const conn = await createConnection(node.t, team, { name: 'Okta production' });
    const base = `${node.publicUrl}/saml/${conn.id}`;
    expect(conn).toMatchObject({
      name: 'Okta production',
      enabled: true,
      preset: 'okta',
      entityId: `${base}/metadata`,
      acsUrl: `${base}/acs`,
      metadataUrl: `${base}/metadata`,
      loginUrl: `${base}/login`,
      sloUrl: `${base}/slo`,
      idpEntityId: IDP_ENTITY,
      idpSsoUrl: IDP_SSO,
      idpSsoBinding: 'redirect',
      idpSloUrl: 'https://idp.test/saml/slo',
      allowSha1: false,
      clockSkewSeconds: 180,
      allowIdpInitiated: false,
      signAuthnRequests: false,
      attributeMapping: { email: ['email'], givenName: ['firstName'], familyName: ['lastName'], groups: ['groups'] },
    });
    expect(conn.certificates).toHaveLength(1);
    const idpCert = new X509Certificate(IDP.cert);
    expect(conn.certificates[0]).toMatchObject({
      fingerprintSha256: idpCert.fingerprint256,
      notAfter: new Date(idpCert.validTo).toISOString(),
    });
    expect(typeof conn.certificates[0]?.expiresSoon).toBe('boolean');

    // The SP certificate was generated for this connection; its key is sealed at rest.
    const spCert = new X509Certificate(conn.spCertificate);
    expect(spCert.subject).toContain(conn.id);
    const [row] = await node.t.core
      .em()
      .execute<Array<{ sp_private_key_sealed: string }>>('select sp_private_key_sealed from saml_connection where id = ?', [conn.id]);
    expect(row?.sp_private_key_sealed.startsWith('v1.')).toBe(true);
    expect(row?.sp_private_key_sealed).not.toContain('PRIVATE KEY');
    expect(
      spCert.checkPrivateKey(
        await import('node:crypto').then((c) => c.createPrivateKey(node.t.core.secrets.decrypt(row!.sp_private_key_sealed))),
      ),
    ).toBe(true);

    // SP metadata at the metadata URL.
    const metadata = await fetch(conn.metadataUrl);
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get('content-type')).toContain('application/samlmetadata+xml');
    const xml = await metadata.text();
    expect(xml).toContain(`entityID="${conn.entityId}"`);
    expect(xml).toContain(`Location="${conn.acsUrl}"`);
    expect(xml).toContain(`Location="${conn.sloUrl}"`);
    expect(xml).toContain(
      conn.spCertificate
        .replace(/-----[^-]+-----/g, '')
        .replace(/\s+/g, '')
        .slice(0, 60),
    );

    // Admin changes are audited (R19).
    const audit = await node.t.gql<{ team: { auditEvents: { edges: Array<{ node: { action: string; targetId: string } }> } } }>(
      `query($id: ID!) { team(id: $id) { auditEvents(first: 20, action: "saml.") { edges { node { action targetId } } } } }`,
      { id: team.teamId },
      { token: team.ownerToken },
    );
    expect(audit.data?.team.auditEvents.edges.map((e) => e.node)).toContainEqual({ action: 'saml.connection.created', targetId: conn.id });
  });

  it('accepts typed-in IdP fields, overrides of the preset, and refuses unreadable input with stable codes', async () => {
    const typed = await createConnection(node.t, team, {
      metadataXml: null,
      preset: 'entra',
      idpEntityId: 'https://sts.windows.net/tenant/',
      idpSsoUrl: 'https://login.microsoftonline.com/tenant/saml2',
      idpCertificates: [IDP.cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')],
      attributeMapping: { email: ['mail'] },
    });
    expect(typed).toMatchObject({
      preset: 'entra',
      idpEntityId: 'https://sts.windows.net/tenant/',
      idpSsoBinding: 'redirect',
      attributeOverrides: { email: ['mail'], groups: null },
    });
    expect((typed.attributeMapping as { email: string[] }).email).toEqual(['mail']);

    const create = (input: Record<string, unknown>) =>
      node.t.gql(
        `mutation($teamId: ID!, $input: SamlConnectionInput!) { createSamlConnection(teamId: $teamId, input: $input) { id } }`,
        { teamId: team.teamId, input },
        { token: team.ownerToken },
      );
    const code = async (input: Record<string, unknown>) => (await create(input)).errors?.[0]?.extensions?.code;
    expect(await code({ idpEntityId: 'x', idpSsoUrl: 'https://idp.example/sso', idpCertificates: ['not a certificate'] })).toBe(
      'SAML_CERTIFICATE_INVALID',
    );
    expect(await code({ metadataXml: '<not-metadata/>' })).toBe('SAML_METADATA_INVALID');
    expect(await code({ metadataXml: '<!DOCTYPE x [<!ENTITY a "b">]><x/>' })).toBe('SAML_METADATA_INVALID');
    expect(await code({ metadataXml: idpMetadata(), idpSsoUrl: 'https://elsewhere.example/sso' })).toBe('SAML_INVALID_INPUT');
    expect(await code({ idpEntityId: 'x', idpSsoUrl: 'javascript:alert(1)', idpCertificates: [IDP.cert] })).toBe('SAML_INVALID_INPUT');
    expect(await code({ preset: 'okta' })).toBe('SAML_INVALID_INPUT');
    expect(await code({ metadataXml: idpMetadata(), clockSkewSeconds: 5000 })).toBe('SAML_INVALID_INPUT');
  });

  it("lets only the team's admins see and change its connections (R1)", async () => {
    const conn = await createConnection(node.t, team);
    const member = await node.t.addMember(team.teamId, `member-${Date.now()}@example.com`);
    const other = await node.t.createTeam();
    const list = `query($id: ID!) { team(id: $id) { samlConnections { id } } }`;
    expect((await node.t.gql(list, { id: team.teamId }, { token: member.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await node.t.gql(list, { id: team.teamId }, { token: other.ownerToken })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const update = `mutation($id: ID!) { updateSamlConnection(id: $id, input: { enabled: false }) { id } }`;
    expect((await node.t.gql(update, { id: conn.id }, { token: other.ownerToken })).errors?.[0]?.extensions?.code).toBe(
      'SAML_CONNECTION_NOT_FOUND',
    );
    expect((await node.t.gql(update, { id: 'nope' }, { token: team.ownerToken })).errors?.[0]?.extensions?.code).toBe(
      'SAML_CONNECTION_NOT_FOUND',
    );
    const del = await node.t.gql<{ deleteSamlConnection: boolean }>(
      `mutation($id: ID!) { deleteSamlConnection(id: $id) }`,
      { id: conn.id },
      { token: team.ownerToken },
    );
    expect(del.data?.deleteSamlConnection).toBe(true);
    expect((await fetch(conn.metadataUrl)).status).toBe(404);
    expect((await fetch(conn.loginUrl, { redirect: 'manual' })).status).toBe(404);
  });
});

describe('sign-in', () => {
  it('SP-initiated (HTTP-Redirect) ends in a working GraphQL session and returns to the asked path', async () => {
    const conn = await createConnection(node.t, team);
    await node.t.addMember(team.teamId, 'ada.sp@example.com');
    const run = await spInitiated(conn, { nameId: 'ada.sp@example.com', returnTo: '/app/leads?tab=1' });
    expect(run.acs.status, await run.acs.clone().text()).toBe(302);
    expect(run.acs.headers.get('location')).toBe('/app/leads?tab=1');
    expect(run.browser.jar.has('roster_session')).toBe(true);
    expect(await me(run.browser, node.t.url)).toBe('ada.sp@example.com');
    // RelayState is a random key, never the return URL; the binding cookie holds hashes, not ids.
    expect(run.relayState).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(run.relayState).not.toContain('app');
    const last = (await attempts(node.t, team))[conn.id]?.[0];
    expect(last).toMatchObject({ outcome: 'success', step: 'done', subject: 'ada.sp@example.com' });
  });

  it('sends the AuthnRequest the IdP expects: issuer, ACS, destination; return_to off-site falls back to /', async () => {
    const conn = await createConnection(node.t, team);
    await node.t.addMember(team.teamId, 'bo.sp@example.com');
    const browser = new Browser();
    const login = await browser.get(`${conn.loginUrl}?return_to=${encodeURIComponent('https://evil.example/steal')}`);
    const location = login.headers.get('location') ?? '';
    expect(location.startsWith(`${IDP_SSO}?SAMLRequest=`)).toBe(true);
    const request = describeRequest((await import('./support/test-idp.js')).readRedirectRequest(location).xml);
    expect(request).toMatchObject({ issuer: conn.entityId, acsUrl: conn.acsUrl, destination: IDP_SSO });
    expect(login.headers.getSetCookie().join()).toMatch(/roster_saml=[A-Za-z0-9_-]{22}; Path=\/saml\/; Max-Age=600; HttpOnly/);
    const run = await spInitiated(conn, { nameId: 'bo.sp@example.com', returnTo: 'https://evil.example/steal' });
    expect(run.acs.headers.get('location')).toBe('/');
    const allowed = await spInitiated(conn, { nameId: 'bo.sp@example.com', returnTo: `${APP_ORIGIN}/home` });
    expect(allowed.acs.headers.get('location')).toBe(`${APP_ORIGIN}/home`);
  });

  it('POST binding with signed AuthnRequests (verifiable with the SP certificate from metadata)', async () => {
    const conn = await createConnection(node.t, team, { metadataXml: idpMetadata({ postOnly: true, wantAuthnRequestsSigned: true }) });
    expect(conn).toMatchObject({ idpSsoBinding: 'post', signAuthnRequests: true });
    const browser = new Browser();
    const login = await browser.get(conn.loginUrl);
    expect(login.status).toBe(200);
    expect(login.headers.get('content-security-policy')).toContain('form-action https://idp.test');
    const form = formFields(await login.text());
    expect(form.action).toBe(IDP_SSO);
    const xml = Buffer.from(form.fields.SAMLRequest ?? '', 'base64').toString('utf8');
    const doc = parseXmlSafely(xml);
    const verified = verifyElementSignature(doc, doc.documentElement!, { trustedCerts: [conn.spCertificate], allowSha1: false });
    expect(verified.signedElement.localName).toBe('AuthnRequest');
    expect(form.fields.RelayState).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it("decrypts an assertion encrypted for the connection's SP certificate", async () => {
    const conn = await createConnection(node.t, team);
    await node.t.addMember(team.teamId, 'cy.enc@example.com');
    const run = await spInitiated(conn, { nameId: 'cy.enc@example.com', signing: 'both', encryptFor: conn.spCertificate });
    expect(run.acs.status, await run.acs.clone().text()).toBe(302);
    expect(await me(run.browser, node.t.url)).toBe('cy.enc@example.com');
  });

  it('IdP-initiated: refused while off (the default), then accepted once the admin turns it on', async () => {
    const conn = await createConnection(node.t, team);
    await node.t.addMember(team.teamId, 'dee.idp@example.com');
    const off = await idpInitiated(conn, { nameId: 'dee.idp@example.com' });
    expect(off.acs.status).toBe(403);
    expect(await off.acs.json()).toMatchObject({ error: 'SAML_SIGNIN_REFUSED', step: 'in_response_to' });
    expect(off.browser.jar.has('roster_session')).toBe(false);
    await updateConnection(node.t, team, conn.id, { allowIdpInitiated: true });
    const on = await idpInitiated(conn, { nameId: 'dee.idp@example.com', relayState: '/dashboard' });
    expect(on.acs.status, await on.acs.clone().text()).toBe(302);
    expect(on.acs.headers.get('location')).toBe('/dashboard');
    expect(await me(on.browser, node.t.url)).toBe('dee.idp@example.com');
    const offsite = await idpInitiated(conn, { nameId: 'dee.idp@example.com', relayState: '//evil.example/x' });
    expect(offsite.acs.headers.get('location')).toBe('/');
    const trace = (await attempts(node.t, team))[conn.id] ?? [];
    expect(trace.find((a) => a.outcome === 'failure')).toMatchObject({
      step: 'in_response_to',
      reason: 'unsolicited response: IdP-initiated sign-in is off for this connection',
    });
  });

  it('a disabled connection refuses sign-in and records why', async () => {
    const conn = await createConnection(node.t, team, { allowIdpInitiated: true });
    await updateConnection(node.t, team, conn.id, { enabled: false });
    expect((await new Browser().get(conn.loginUrl)).status).toBe(403);
    const run = await idpInitiated(conn, { nameId: 'nobody@example.com' });
    expect(run.acs.status).toBe(403);
    expect((await attempts(node.t, team))[conn.id]?.[0]).toMatchObject({ step: 'connection', reason: 'the connection is disabled' });
  });
});

describe("team policy is the core's (R3, R7)", () => {
  it('R7: an inactive member is refused, and SAML sign-in works again after reactivation', async () => {
    const t2 = await node.t.createTeam();
    const conn = await createConnection(node.t, t2);
    const eve = await node.t.addMember(t2.teamId, 'eve.inactive@example.com');
    await node.t.core.members.setActive(t2.teamId, eve.membershipId, false, SYSTEM_ACTOR);
    const refused = await spInitiated(conn, { nameId: 'eve.inactive@example.com' });
    expect(refused.acs.status).toBe(403);
    expect(await refused.acs.json()).toMatchObject({ error: 'MEMBER_INACTIVE' });
    expect(refused.browser.jar.has('roster_session')).toBe(false);
    expect((await attempts(node.t, t2))[conn.id]?.[0]).toMatchObject({
      outcome: 'failure',
      step: 'policy',
      email: 'eve.inactive@example.com',
    });
    await node.t.core.members.setActive(t2.teamId, eve.membershipId, true, SYSTEM_ACTOR);
    const back = await spInitiated(conn, { nameId: 'eve.inactive@example.com' });
    expect(back.acs.status).toBe(302);
  });

  it('R3: an "SSO required" team signs in through SAML while password sign-in is refused', async () => {
    const t3 = await node.t.createTeam();
    const conn = await createConnection(node.t, t3);
    await node.t.addMember(t3.teamId, 'fay.sso@example.com');
    const policy = await node.t.gql(
      `mutation($id: ID!) { setSignInPolicy(teamId: $id, policy: { methods: ["saml"], ssoRequired: true }) { id } }`,
      { id: t3.teamId },
      { token: t3.ownerToken },
    );
    expect(policy.errors).toBeUndefined();
    const password = await fetch(`${node.t.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fay.sso@example.com', password: 'test-password' }),
    });
    expect(password.status).toBe(403);
    expect(await password.json()).toMatchObject({ error: 'SSO_REQUIRED' });
    const run = await spInitiated(conn, { nameId: 'fay.sso@example.com' });
    expect(run.acs.status, await run.acs.clone().text()).toBe(302);
    expect(await me(run.browser, node.t.url)).toBe('fay.sso@example.com');
  });

  it('a person of another team is refused (R2), and nobody is created without JIT', async () => {
    const t4 = await node.t.createTeam();
    const conn = await createConnection(node.t, t4);
    const other = await node.t.createTeam();
    await node.t.addMember(other.teamId, 'gus.other@example.com');
    const run = await spInitiated(conn, { nameId: 'gus.other@example.com' });
    expect(run.acs.status).toBe(403);
    expect(await run.acs.json()).toMatchObject({ error: 'USER_IN_OTHER_TEAM' });
    const stranger = await spInitiated(conn, { nameId: 'stranger@example.com' });
    expect(await stranger.acs.json()).toMatchObject({ error: 'NOT_PROVISIONED' });
  });
});

describe('several Roster nodes share PostgreSQL', () => {
  // A second node on the embedded PGlite would be a second, separate database: the journey only
  // means something on a real PostgreSQL server (ROSTER_TEST_PG_URL).
  it.skipIf(!process.env.ROSTER_TEST_PG_URL)('a sign-in started on node 1 finishes on node 2', async () => {
    expect(node.t.database).toBe('postgresql');
    const conn = await createConnection(node.t, team);
    await node.t.addMember(team.teamId, 'hal.nodes@example.com');
    const node2 = await startSamlRoster({}, { publicUrl: node.publicUrl, databaseUrl: node.t.roster.databaseUrl });
    try {
      const run = await spInitiated(conn, { nameId: 'hal.nodes@example.com', returnTo: '/from-node-2', finishOn: node2.t.url });
      expect(run.acs.status, await run.acs.clone().text()).toBe(302);
      expect(run.acs.headers.get('location')).toBe('/from-node-2');
      // The session works on both nodes.
      expect(await me(run.browser, node2.t.url)).toBe('hal.nodes@example.com');
      expect(await me(run.browser, node.t.url)).toBe('hal.nodes@example.com');
      // And node 2 serves the connection node 1 created, with the same SP values.
      const list = await node2.t.gql<{ team: { samlConnections: Array<{ id: string; acsUrl: string }> } }>(
        `query($id: ID!) { team(id: $id) { samlConnections { ${CONNECTION_FIELDS} } } }`,
        { id: team.teamId },
        { token: team.ownerToken },
      );
      expect(list.data?.team.samlConnections.find((c) => c.id === conn.id)?.acsUrl).toBe(conn.acsUrl);
    } finally {
      await node2.t.close();
    }
  });
});
