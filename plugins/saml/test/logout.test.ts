/**
 * Single logout: SP-initiated (`/saml/:id/logout` ends the Roster session and sends a signed
 * LogoutRequest to the IdP when it has an SLO endpoint) and IdP-initiated (a signed LogoutRequest
 * at `/saml/:id/slo` ends that subject's sessions and is answered with a signed LogoutResponse).
 */
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMParser } from '@xmldom/xmldom';
import { Browser } from './support/browser.js';
import { CLONE, signResponse } from './support/idp.js';
import { createConnection, me, spInitiated, startSamlRoster, type Connection, type SamlRoster, type Team } from './support/roster.js';
import { IDP_ENTITY, IDP_SLO, b64, idpLogoutRequestUrl, idpMetadata, redirectSignatureValid } from './support/test-idp.js';

let node: SamlRoster;
let team: Team;
let conn: Connection;

beforeAll(async () => {
  node = await startSamlRoster();
  team = await node.t.createTeam();
  conn = await createConnection(node.t, team);
  for (const email of ['ada.slo@example.com', 'bob.slo@example.com', 'cy.slo@example.com', 'dee.slo@example.com'])
    await node.t.addMember(team.teamId, email);
});
afterAll(async () => {
  await node?.t.close();
});

function samlMessage(location: string, field: 'SAMLRequest' | 'SAMLResponse') {
  const url = new URL(location);
  const xml = inflateRawSync(Buffer.from(url.searchParams.get(field) ?? '', 'base64')).toString('utf8');
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
  const text = (name: string) => root.getElementsByTagNameNS('*', name).item(0)?.textContent ?? null;
  return {
    url,
    root,
    nameId: text('NameID'),
    sessionIndex: text('SessionIndex'),
    issuer: text('Issuer'),
    status: root.getElementsByTagNameNS('*', 'StatusCode').item(0)?.getAttribute('Value') ?? null,
  };
}

async function signedIn(email: string, sessionIndex: string): Promise<{ browser: Browser; token: string }> {
  const run = await spInitiated(conn, { nameId: email, overrides: { sessionIndex } });
  expect(run.acs.status).toBe(302);
  const token = run.browser.jar.get('roster_session') ?? '';
  expect(await me(run.browser, node.t.url)).toBe(email);
  return { browser: run.browser, token };
}

const sessionWorks = async (token: string) =>
  (await node.t.gql<{ me: { login: string } | null }>('{ me { login } }', {}, { token })).data?.me?.login ?? null;

describe('SP-initiated single logout', () => {
  it("ends the session and sends the IdP a signed LogoutRequest; the IdP's answer returns to return_to", async () => {
    const { browser, token } = await signedIn('ada.slo@example.com', '_idx_ada');
    const logout = await browser.get(`${conn.logoutUrl}?return_to=${encodeURIComponent('/bye')}`);
    expect(logout.status).toBe(302);
    const location = logout.headers.get('location') ?? '';
    expect(location.startsWith(`${IDP_SLO}?SAMLRequest=`)).toBe(true);
    expect(redirectSignatureValid(location, conn.spCertificate)).toBe(true);
    const request = samlMessage(location, 'SAMLRequest');
    expect(request).toMatchObject({ nameId: 'ada.slo@example.com', sessionIndex: '_idx_ada', issuer: conn.entityId });
    expect(request.root.getAttribute('Destination')).toBe(IDP_SLO);
    // The session is gone, cookie and server side.
    expect(browser.jar.has('roster_session')).toBe(false);
    expect(await sessionWorks(token)).toBeNull();

    // The IdP answers (HTTP-Redirect) with a LogoutResponse to our SLO endpoint.
    const response = `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lresp1" Version="2.0" IssueInstant="${new Date().toISOString()}" InResponseTo="${request.root.getAttribute('ID')}"><saml:Issuer>${IDP_ENTITY}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>`;
    const { deflateRawSync } = await import('node:zlib');
    const back = await browser.get(
      `${conn.sloUrl}?SAMLResponse=${encodeURIComponent(deflateRawSync(Buffer.from(response)).toString('base64'))}&RelayState=${request.url.searchParams.get('RelayState')}`,
    );
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/bye');
    // The stored return path is single-use.
    const again = await browser.get(
      `${conn.sloUrl}?SAMLResponse=${encodeURIComponent(deflateRawSync(Buffer.from(response)).toString('base64'))}`,
    );
    expect(again.headers.get('location')).toBe('/');
  });

  it('without an IdP SLO endpoint (or without a session) it ends the local session and redirects', async () => {
    const noSlo = await createConnection(node.t, team, { metadataXml: idpMetadata({ slo: null }) });
    expect(noSlo.idpSloUrl).toBeNull();
    const run = await spInitiated(noSlo, { nameId: 'bob.slo@example.com' });
    const token = run.browser.jar.get('roster_session') ?? '';
    const logout = await run.browser.get(`${noSlo.logoutUrl}?return_to=/signed-out`);
    expect(logout.headers.get('location')).toBe('/signed-out');
    expect(await sessionWorks(token)).toBeNull();
    const anonymous = await new Browser().get(`${noSlo.logoutUrl}?return_to=https://evil.example/`);
    expect(anonymous.headers.get('location')).toBe('/');
  });
});

describe('IdP-initiated single logout', () => {
  it('ends every session of that NameID on this connection (or only the SessionIndex given) and answers with a signed LogoutResponse', async () => {
    const cy1 = await signedIn('cy.slo@example.com', '_idx_cy1');
    const cy2 = await signedIn('cy.slo@example.com', '_idx_cy2');
    const dee = await signedIn('dee.slo@example.com', '_idx_dee');

    // SessionIndex given: only that session.
    const one = await cy1.browser.get(
      idpLogoutRequestUrl(conn.sloUrl, { nameId: 'cy.slo@example.com', sessionIndex: '_idx_cy1', relayState: 'idp-state-1' }),
    );
    expect(one.status).toBe(302);
    expect(await sessionWorks(cy1.token)).toBeNull();
    expect(await sessionWorks(cy2.token)).toBe('cy.slo@example.com');
    const answer = one.headers.get('location') ?? '';
    expect(answer.startsWith(`${IDP_SLO}?SAMLResponse=`)).toBe(true);
    expect(redirectSignatureValid(answer, conn.spCertificate)).toBe(true);
    const message = samlMessage(answer, 'SAMLResponse');
    expect(message).toMatchObject({ issuer: conn.entityId, status: 'urn:oasis:names:tc:SAML:2.0:status:Success' });
    expect(message.root.getAttribute('InResponseTo')).toMatch(/^_lr\d+$/);
    expect(message.url.searchParams.get('RelayState')).toBe('idp-state-1');

    // No SessionIndex: all of the subject's sessions on this connection; other people keep theirs.
    const all = await new Browser().get(idpLogoutRequestUrl(conn.sloUrl, { nameId: 'cy.slo@example.com' }));
    expect(all.status).toBe(302);
    expect(await sessionWorks(cy2.token)).toBeNull();
    expect(await sessionWorks(dee.token)).toBe('dee.slo@example.com');

    // POST binding, enveloped XML signature.
    const xml = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lr_post" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${conn.sloUrl}"><saml:Issuer>${IDP_ENTITY}</saml:Issuer><saml:NameID>dee.slo@example.com</saml:NameID></samlp:LogoutRequest>`;
    const posted = await new Browser().postForm(conn.sloUrl, { SAMLRequest: b64(signResponse(xml)) });
    expect(posted.status).toBe(302);
    expect(await sessionWorks(dee.token)).toBeNull();
  });

  it('refuses unsigned, wrongly signed, replayed, misaddressed and foreign-issuer requests, and records why', async () => {
    const eve = await signedIn('ada.slo@example.com', '_idx_eve');
    const refused = async (url: string) => {
      const r = await new Browser().get(url);
      expect(r.status).toBe(403);
      expect(await r.json()).toMatchObject({ error: 'SAML_LOGOUT_REFUSED' });
    };
    await refused(idpLogoutRequestUrl(conn.sloUrl, { nameId: 'ada.slo@example.com', sign: null }));
    await refused(idpLogoutRequestUrl(conn.sloUrl, { nameId: 'ada.slo@example.com', sign: CLONE }));
    await refused(idpLogoutRequestUrl(conn.sloUrl, { nameId: 'ada.slo@example.com', issuer: 'https://evil-idp.example' }));
    // An algorithm outside the allow-list (the signed octets change with it, too).
    await refused(idpLogoutRequestUrl(conn.sloUrl, { nameId: 'ada.slo@example.com' }).replace('&SigAlg=', '&SigAlg=x'));
    const once = idpLogoutRequestUrl(conn.sloUrl, { nameId: 'nobody@example.com', id: '_lr_replayed' });
    expect((await new Browser().get(once)).status).toBe(302);
    await refused(once);
    // Misaddressed: a LogoutRequest for another connection's SLO endpoint.
    const other = await createConnection(node.t, team);
    await refused(idpLogoutRequestUrl(conn.sloUrl, { nameId: 'ada.slo@example.com' }).replace(conn.sloUrl, other.sloUrl));
    expect(await sessionWorks(eve.token)).toBe('ada.slo@example.com');
    const audit = await node.t.gql<{ team: { auditEvents: { edges: Array<{ node: { reason: string } }> } } }>(
      `query($id: ID!) { team(id: $id) { auditEvents(first: 20, action: "saml.logout.refused") { edges { node { reason } } } } }`,
      { id: team.teamId },
      { token: team.ownerToken },
    );
    const reasons = audit.data?.team.auditEvents.edges.map((e) => e.node.reason) ?? [];
    expect(reasons).toContain('LogoutRequest ' + '_lr_replayed' + ' was already processed (replay)');
    expect(reasons).toContain('the LogoutRequest is not signed (Signature and SigAlg are required)');
    expect(reasons).toContain('signature does not match any configured certificate');
    expect(reasons.some((r) => r.startsWith('issuer mismatch'))).toBe(true);
  });
});
