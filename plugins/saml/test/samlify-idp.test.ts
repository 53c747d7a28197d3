/**
 * Interoperability with a real SAML IdP implementation running in-process: samlify 2.13.1 as the
 * IdP reads Roster's SP metadata, verifies Roster's signed AuthnRequest, and answers with its own
 * signed (and encrypted) response, which Roster's ACS turns into a working session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as samlify from 'samlify';
import { Browser } from './support/browser.js';
import { IDP } from './support/idp.js';
import { createConnection, me, startSamlRoster, type Connection, type SamlRoster, type Team } from './support/roster.js';
import { idpMetadata } from './support/test-idp.js';

// samlify validates against the SAML schema only with an external validator (STACK.md).
samlify.setSchemaValidator({ validate: async () => 'ok' });

const ENTITY = 'https://samlify-idp.test/metadata';
const SSO = 'https://samlify-idp.test/sso';

let node: SamlRoster;
let team: Team;

beforeAll(async () => {
  node = await startSamlRoster();
  team = await node.t.createTeam();
  await node.t.addMember(team.teamId, 'grace@samlify.example');
});
afterAll(async () => {
  await node?.t.close();
});

/**
 * What samlify leaves to the caller with its default template: every tag value, including the
 * AuthnStatement and the attributes (inserted as XML; samlify escapes the values it replaces).
 */
function fill(template: string, sp: Connection, requestId: string, email: string): { id: string; context: string } {
  const now = new Date();
  const later = new Date(now.getTime() + 5 * 60_000).toISOString();
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const attribute = (name: string, value: string) =>
    `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">${esc(value)}</saml:AttributeValue></saml:Attribute>`;
  const xml = {
    AuthnStatement: `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="_samlify_session"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
    AttributeStatement: `<saml:AttributeStatement>${attribute('email', email)}${attribute('firstName', 'Grace')}${attribute('lastName', 'Hopper')}</saml:AttributeStatement>`,
  };
  const values = {
    ID: `_samlify_r_${Date.now()}`,
    AssertionID: `_samlify_a_${Date.now()}`,
    Destination: sp.acsUrl,
    Audience: sp.entityId,
    EntityID: sp.entityId,
    SubjectRecipient: sp.acsUrl,
    Issuer: ENTITY,
    IssueInstant: now.toISOString(),
    StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
    ConditionsNotBefore: now.toISOString(),
    ConditionsNotOnOrAfter: later,
    SubjectConfirmationDataNotOnOrAfter: later,
    NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    NameID: email,
    InResponseTo: requestId,
  };
  const withStatements = template.replace('{AuthnStatement}', xml.AuthnStatement).replace('{AttributeStatement}', xml.AttributeStatement);
  return { id: values.ID, context: samlify.SamlLib.replaceTagsByValue(withStatements, values) };
}

describe('samlify 2.13.1 as the IdP', () => {
  for (const encrypted of [false, true]) {
    it(`SP-initiated sign-in through samlify (${encrypted ? 'encrypted, ' : ''}assertion and response signed) ends in a GraphQL session`, async () => {
      const conn = await createConnection(node.t, team, {
        metadataXml: idpMetadata({ entityId: ENTITY, sso: SSO, slo: null, wantAuthnRequestsSigned: true }),
      });
      expect(conn.signAuthnRequests).toBe(true);
      const spMetadata = await (await fetch(conn.metadataUrl)).text();
      const sp = samlify.ServiceProvider({ metadata: spMetadata, wantMessageSigned: true });
      const idp = samlify.IdentityProvider({
        metadata: idpMetadata({ entityId: ENTITY, sso: SSO, slo: null, wantAuthnRequestsSigned: true }),
        privateKey: IDP.key,
        wantAuthnRequestsSigned: true,
        isAssertionEncrypted: encrypted,
      });

      const browser = new Browser();
      const login = await browser.get(`${conn.loginUrl}?return_to=/welcome`);
      const location = new URL(login.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(SSO);
      // samlify verifies Roster's Redirect-binding signature with the certificate from SP metadata.
      const octetString = location.search.slice(1).split('&Signature=')[0] ?? '';
      const parsed = await idp.parseLoginRequest(sp, 'redirect', { query: Object.fromEntries(location.searchParams), octetString });
      const requestId = String((parsed.extract.request as Record<string, string>).id);
      expect(requestId).toMatch(/^_[0-9a-f]{40}$/);

      const response = await idp.createLoginResponse(
        sp,
        { extract: parsed.extract },
        'post',
        { email: 'grace@samlify.example' },
        {
          customTagReplacement: (template: string) => fill(template, conn, requestId, 'grace@samlify.example'),
          encryptThenSign: true,
        },
      );
      const xml = Buffer.from(response.context, 'base64').toString('utf8');
      expect(xml.includes('EncryptedAssertion')).toBe(encrypted);
      expect(xml.match(/<ds:Signature[ >]/g)?.length).toBe(encrypted ? 1 : 2);

      const acs = await browser.postForm(conn.acsUrl, {
        SAMLResponse: response.context,
        RelayState: location.searchParams.get('RelayState') ?? '',
      });
      expect(acs.status, await acs.clone().text()).toBe(302);
      expect(acs.headers.get('location')).toBe('/welcome');
      expect(await me(browser, node.t.url)).toBe('grace@samlify.example');
    });
  }
});
