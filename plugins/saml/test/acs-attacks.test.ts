/**
 * The attack set over HTTP at the ACS of a real Roster: every message is refused with 403 (never
 * a 500, never a session), and the refusal is recorded with its step and reason where a team
 * admin reads it (`SamlConnection.attempts`, R19). The connection allows IdP-initiated sign-in, so
 * nothing here is refused merely for being unsolicited; the victim is a real, active member.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SamlValidationStep } from '../src/index.js';
import { Browser } from './support/browser.js';
import { CLONE, IDP, assertionXml, responseXml, signAssertion, signResponse } from './support/idp.js';
import {
  attempts,
  createConnection,
  idpInitiated,
  me,
  spInitiated,
  startSamlRoster,
  type Connection,
  type SamlRoster,
  type Team,
} from './support/roster.js';
import { b64, readRedirectRequest, signedXml, spec } from './support/test-idp.js';
import { stripSignatures, xsw, type XswVariant } from './support/xsw.js';

const VICTIM = 'ceo@victim.example';
const ATTACKER = 'mallory@attacker.example';

let node: SamlRoster;
let team: Team;
let conn: Connection;
let otherTeam: Team;
let otherConn: Connection;

beforeAll(async () => {
  node = await startSamlRoster();
  team = await node.t.createTeam();
  otherTeam = await node.t.createTeam();
  conn = await createConnection(node.t, team, { allowIdpInitiated: true });
  otherConn = await createConnection(node.t, otherTeam, { allowIdpInitiated: true });
  await node.t.addMember(team.teamId, VICTIM);
  await node.t.addMember(team.teamId, ATTACKER);
  await node.t.addMember(otherTeam.teamId, 'bob@other.example');
});
afterAll(async () => {
  await node?.t.close();
});

/** Posts `xml` to the ACS and checks the refusal end to end: HTTP answer, no session, the recorded trace. */
async function expectRefused(
  xml: string | { field: string },
  step: SamlValidationStep | 'connection',
  target: { conn: Connection; team: Team } = { conn, team },
  browser = new Browser(),
) {
  const field = typeof xml === 'string' ? b64(xml) : xml.field;
  const response = await browser.postForm(target.conn.acsUrl, { SAMLResponse: field });
  const body = (await response.json()) as { error: string; step: string };
  expect(response.status).toBe(403);
  expect(body).toMatchObject({ error: 'SAML_SIGNIN_REFUSED', step });
  expect(response.headers.getSetCookie().some((c) => c.startsWith('roster_session='))).toBe(false);
  const [last] = (await attempts(node.t, target.team, 1))[target.conn.id] ?? [];
  expect(last).toMatchObject({ outcome: 'failure', step });
  expect(last?.reason?.length ?? 0).toBeGreaterThan(10);
  return last?.reason ?? '';
}

const assertionSigned = (nameId = ATTACKER) => signedXml(spec(conn, { nameId, attributes: { email: [nameId] } }), { signing: 'assertion' });
const responseSigned = (nameId = ATTACKER) => signedXml(spec(conn, { nameId, attributes: { email: [nameId] } }), { signing: 'response' });

describe('attacks at the ACS over HTTP (none accepted, each refused with a recorded reason)', () => {
  it('baseline: an untouched response signs the attacker in as the attacker, nobody else', async () => {
    const run = await idpInitiated(conn, { xml: assertionSigned() });
    expect(run.acs.status).toBe(302);
    expect((await run.browser.gql<{ me: { login: string } }>(node.t.url, '{ me { login } }')).data?.me.login).toBe(ATTACKER);
  });

  const expectedStep: Record<XswVariant, SamlValidationStep> = {
    1: 'signature',
    2: 'signature',
    3: 'assertion',
    4: 'assertion',
    5: 'assertion',
    6: 'assertion',
    7: 'assertion',
    8: 'assertion',
  };
  for (const variant of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
    it(`XSW${variant} (Somorovsky et al. 2012) naming the victim is refused at "${expectedStep[variant]}"`, async () => {
      const attack = xsw(variant, variant <= 2 ? responseSigned() : assertionSigned(), VICTIM);
      expect(attack).toContain(VICTIM);
      await expectRefused(attack, expectedStep[variant]);
    });
  }

  it('signature stripping', async () => {
    const reason = await expectRefused(stripSignatures(assertionSigned(VICTIM)), 'signature');
    expect(reason).toBe('neither the Response nor the Assertion is signed');
  });

  it('re-signed with a self-signed clone of the IdP certificate (same subject, clone in KeyInfo)', async () => {
    const reason = await expectRefused(signedXml(spec(conn, { nameId: VICTIM }), { signer: CLONE }), 'signature');
    expect(reason).toContain('signature does not match any configured certificate');
    await expectRefused(signedXml(spec(conn, { nameId: VICTIM }), { signer: CLONE, signing: 'response' }), 'signature');
  });

  it('tampering after signing (NameID swapped for the victim)', async () => {
    const reason = await expectRefused(assertionSigned().replace(`${ATTACKER}</saml:NameID>`, `${VICTIM}</saml:NameID>`), 'signature');
    expect(reason).toContain('digest mismatch');
  });

  it('a genuine signature carrying unsigned payload in ds:Object', async () => {
    const signed = assertionSigned();
    const evil = assertionXml(spec(conn, { nameId: VICTIM }));
    const reason = await expectRefused(
      signed.replace('</ds:Signature>', `<ds:Object>${evil.replace(/ ID="[^"]+"/, ' ID="_evil"')}</ds:Object></ds:Signature>`),
      'assertion',
    );
    expect(reason).toContain('assertions outside <Advice>');
    const plain = signed.replace('</ds:Signature>', '<ds:Object><x xmlns="urn:evil">payload</x></ds:Object></ds:Signature>');
    expect(await expectRefused(plain, 'signature')).toContain('only SignedInfo, SignatureValue and KeyInfo are allowed');
  });

  it('replay: the same assertion is accepted once, refused the second time', async () => {
    const xml = assertionSigned();
    expect((await idpInitiated(conn, { xml })).acs.status).toBe(302);
    const reason = await expectRefused(xml, 'replay');
    expect(reason).toMatch(/already used \(replay\)/);
    // Re-wrapped in a freshly signed Response, the assertion id still counts.
    const resigned = signResponse(xml.replace(/<samlp:Response ([^>]*)ID="[^"]+"/, '<samlp:Response $1ID="_fresh_response"'), IDP);
    await expectRefused(resigned, 'replay');
  });

  it('a replayed solicited response (its request id is single-use and bound to the browser)', async () => {
    const run = await spInitiated(conn, { nameId: ATTACKER });
    expect(run.acs.status).toBe(302);
    // Same browser, same response again: the request was consumed.
    const again = spec(conn, { inResponseTo: run.requestId, nameId: ATTACKER });
    await expectRefused(signedXml(again), 'in_response_to', { conn, team }, run.browser);
  });

  it("a response stolen from another browser (no binding cookie) does not burn the victim's request", async () => {
    const victimBrowser = new Browser();
    const login = await victimBrowser.get(conn.loginUrl);
    const request = readRedirectRequest(login.headers.get('location') ?? '');
    const xml = signedXml(spec(conn, { inResponseTo: request.id, nameId: VICTIM, attributes: { email: [VICTIM] } }));
    const reason = await expectRefused(xml, 'in_response_to', { conn, team }, new Browser());
    expect(reason).toContain('was not started in this browser');
    // The victim's own browser still completes the sign-in.
    const own = await victimBrowser.postForm(conn.acsUrl, { SAMLResponse: b64(xml), RelayState: request.relayState ?? '' });
    expect(own.status).toBe(302);
  });

  it('#12.7: a response with a foreign RelayState is refused and does not consume the pending request', async () => {
    const browser = new Browser();
    const login = await browser.get(conn.loginUrl);
    const request = readRedirectRequest(login.headers.get('location') ?? '');
    const xml = signedXml(spec(conn, { inResponseTo: request.id, nameId: VICTIM, attributes: { email: [VICTIM] } }));
    const foreign = await browser.postForm(conn.acsUrl, { SAMLResponse: b64(xml), RelayState: 'someone-elses-relay-state' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: 'SAML_SIGNIN_REFUSED', step: 'in_response_to' });
    const [trace] = (await attempts(node.t, team, 1))[conn.id] ?? [];
    expect(trace).toMatchObject({ outcome: 'failure', step: 'in_response_to' });
    expect(trace?.reason).toContain('RelayState does not belong');
    // The legitimate response that follows still finds its pending request (the README's promise).
    const own = await browser.postForm(conn.acsUrl, { SAMLResponse: b64(xml), RelayState: request.relayState ?? '' });
    expect(own.status).toBe(302);
    expect(await me(browser, node.t.url)).toBe(VICTIM);
  });

  it('#12.7: a response naming a request started for another team / connection is refused and leaves that request pending', async () => {
    const browser = new Browser();
    const login = await browser.get(otherConn.loginUrl);
    const request = readRedirectRequest(login.headers.get('location') ?? '');
    // Valid for team A's connection in every other respect, but answering team B's request.
    const misdirected = signedXml(spec(conn, { inResponseTo: request.id, nameId: VICTIM, attributes: { email: [VICTIM] } }));
    const refused = await browser.postForm(conn.acsUrl, { SAMLResponse: b64(misdirected), RelayState: request.relayState ?? '' });
    expect(refused.status).toBe(403);
    const [trace] = (await attempts(node.t, team, 1))[conn.id] ?? [];
    expect(trace).toMatchObject({ outcome: 'failure', step: 'in_response_to' });
    expect(trace?.reason).toContain('started for another team');
    const genuine = signedXml(
      spec(otherConn, { inResponseTo: request.id, nameId: 'bob@other.example', attributes: { email: ['bob@other.example'] } }),
    );
    const own = await browser.postForm(otherConn.acsUrl, { SAMLResponse: b64(genuine), RelayState: request.relayState ?? '' });
    expect(own.status).toBe(302);
    expect(await me(browser, node.t.url)).toBe('bob@other.example');
  });

  it('#12.5: NUL bytes or lone surrogates in the form are a traced protocol refusal, never a 5xx', async () => {
    const valid = encodeURIComponent(b64(assertionSigned()));
    const posts: Array<[string, string]> = [
      ['application/x-www-form-urlencoded', 'SAMLResponse=abc%00def'],
      ['application/x-www-form-urlencoded', `SAMLResponse=${valid}&RelayState=x%00`],
      // Only a JSON body can carry an unpaired surrogate (URL-encoded, it stays percent-encoded).
      ['application/json', `{"SAMLResponse":"${b64(assertionSigned())}","RelayState":"\\ud800"}`],
    ];
    for (const [type, body] of posts) {
      const response = await fetch(conn.acsUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': type }, body });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'SAML_SIGNIN_REFUSED', step: 'request' });
      const [trace] = (await attempts(node.t, team, 1))[conn.id] ?? [];
      expect(trace).toMatchObject({ outcome: 'failure', step: 'request' });
    }
  });

  it('comment and CDATA injection in NameID (VU#475445)', async () => {
    const signed = signedXml(spec(conn, { nameId: `${VICTIM}.attacker.example`, attributes: {} }));
    await expectRefused(signed.replace(`${VICTIM}.attacker.example`, `${VICTIM}<!---->.attacker.example`), 'subject');
    await expectRefused(
      signed.replace(`${VICTIM}.attacker.example</saml:NameID>`, `${VICTIM}<![CDATA[.attacker.example]]></saml:NameID>`),
      'subject',
    );
  });

  it('an entity-expansion DTD (billion laughs) and an external entity', async () => {
    const dtd =
      '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>';
    expect(await expectRefused(dtd + assertionSigned(), 'xml')).toContain('DOCTYPE');
    await expectRefused(
      '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
        assertionSigned().replace(`${ATTACKER}</saml:NameID>`, '&x;</saml:NameID>'),
      'xml',
    );
  });

  it("cross-team (R1): team B's genuine response posted to team A's ACS, and the other way round", async () => {
    const forB = signedXml(spec(otherConn, { nameId: 'bob@other.example', attributes: { email: ['bob@other.example'] } }));
    expect(await expectRefused(forB, 'destination')).toContain(`expected ${conn.acsUrl}`);
    const forA = signedXml(spec(conn, { nameId: VICTIM }));
    await expectRefused(forA, 'destination', { conn: otherConn, team: otherTeam });
    // Without Destination the signed Recipient, then the Audience, still name the other connection.
    await expectRefused(signedXml(spec(otherConn, { nameId: VICTIM, destination: null })), 'recipient');
    await expectRefused(signedXml(spec(conn, { nameId: VICTIM, audience: otherConn.entityId })), 'audience');
  });

  it("a request started for team B's connection cannot be finished at team A's ACS", async () => {
    const browser = new Browser();
    const login = await browser.get(otherConn.loginUrl);
    const request = readRedirectRequest(login.headers.get('location') ?? '');
    const xml = signedXml(spec(conn, { inResponseTo: request.id, nameId: VICTIM }));
    expect(await expectRefused(xml, 'in_response_to', { conn, team }, browser)).toMatch(/another (team|connection)/);
  });

  it('SHA-1, expired, not-yet-valid, wrong issuer, status failure', async () => {
    await expectRefused(signAssertion(responseXml(spec(conn, { nameId: VICTIM })), { ...IDP, algorithm: 'sha1' }), 'signature');
    const past = Date.now() - 20 * 60_000;
    await expectRefused(
      signedXml(spec(conn, { nameId: VICTIM, notBefore: new Date(past - 60_000), notOnOrAfter: new Date(past) })),
      'time',
    );
    await expectRefused(signedXml(spec(conn, { nameId: VICTIM, notBefore: new Date(Date.now() + 20 * 60_000) })), 'time');
    await expectRefused(signedXml(spec(conn, { nameId: VICTIM, issuer: 'https://evil-idp.example' })), 'issuer');
    expect(await expectRefused(signedXml(spec(conn, { status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' })), 'status')).toContain(
      'Responder',
    );
  });

  it('malformed input is a 403 with a trace (or 404 for no connection), never a 500', async () => {
    await expectRefused({ field: '' }, 'xml');
    await expectRefused({ field: '!!!not base64!!!' }, 'xml');
    await expectRefused({ field: b64('<html><body>hi</body></html>') }, 'xml');
    await expectRefused({ field: b64('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"') }, 'xml');
    const json = await fetch(conn.acsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ SAMLResponse: 1 }),
    });
    expect(json.status).toBe(403);
    const repeated = await fetch(conn.acsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `SAMLResponse=${encodeURIComponent(b64(assertionSigned()))}&SAMLResponse=x`,
    });
    expect(repeated.status).toBe(403);
    const odd = await fetch(conn.acsUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(odd.status).toBeGreaterThanOrEqual(400);
    expect(odd.status).toBeLessThan(500);
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid', '..%2F..%2Fgraphql']) {
      const r = await fetch(`${node.t.url}/saml/${id}/acs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'SAMLResponse=x',
      });
      expect(r.status).toBe(404);
    }
  });
});
