import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@roster/core';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { oidcPlugin } from '@roster/plugin-oidc';
import { samlPlugin } from '@roster/plugin-saml';
import { wsfedPlugin } from '@roster/plugin-wsfed';

/** R4 across plugins: the platform discovery route lists every protocol's entry points. */
let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster({ plugins: [oidcPlugin(), wsfedPlugin(), samlPlugin()] });
});
afterAll(async () => {
  await t?.close();
});

const CERT = new URL('../plugins/wsfed/test/fixtures/idp-signing.cert.pem', import.meta.url);
const SAML_CERT = new URL('../plugins/saml/test/fixtures/idp-cert.pem', import.meta.url);

interface Answer {
  domain: string;
  methods: string[];
  ssoRequired: boolean;
  redirectUrl: string | null;
  connections: Array<{ protocol: string; loginUrl: string }>;
}
const discover = async (email: string): Promise<Answer> =>
  (await fetch(`${t.url}/auth/discover?email=${encodeURIComponent(email)}`)).json() as Promise<Answer>;

describe('home-realm discovery', () => {
  it('R4: a verified domain routes to the team’s SSO connections, whatever the protocol; unknown and unverified domains reveal nothing', async () => {
    const team = await t.createTeam();
    const domain = `${team.slug}.example.com`;
    const created = await t.gql<{ createWsFedConnection: { id: string } }>(
      'mutation($t: ID!, $i: WsFedConnectionInput!) { createWsFedConnection(teamId: $t, input: $i) { id } }',
      {
        t: team.teamId,
        i: {
          name: 'ADFS',
          idpIssuer: 'http://adfs.example.com/adfs/services/trust',
          idpSignInUrl: 'https://adfs.example.com/adfs/ls/',
          signingCertificates: [await readFile(CERT, 'utf8')],
        },
      },
      { token: team.ownerToken },
    );
    expect(created.errors).toBeUndefined();
    const before = await discover(`someone@${domain}`);
    expect(before).toMatchObject({ domain, ssoRequired: false, redirectUrl: null, connections: [] });

    const d = await t.core.domains.add(team.teamId, domain, SYSTEM_ACTOR);
    await t.core.domains.verify(team.teamId, d.id, SYSTEM_ACTOR, true);
    await t.gql(
      'mutation($id: ID!) { setSignInPolicy(teamId: $id, policy: { methods: ["saml", "oidc", "wsfed"], ssoRequired: true }) { id } }',
      { id: team.teamId },
      { token: team.ownerToken },
    );
    const known = await discover(`owner@${domain}`);
    const unknownPerson = await discover(`nobody-here@${domain}`);
    expect(known.methods).toEqual(['sso']);
    expect(known.connections.map((c) => c.protocol)).toEqual(['wsfed']);
    expect(known.redirectUrl).toContain(`/wsfed/${created.data!.createWsFedConnection.id}/login`);
    // Same answer for an address with no account: discovery does not reveal accounts.
    expect({ ...unknownPerson, redirectUrl: null, connections: [] }).toEqual({ ...known, redirectUrl: null, connections: [] });
    expect(unknownPerson.connections.length).toBe(known.connections.length);
  });

  it("R4: the SAML plugin lists a team's enabled connections, not its disabled ones", async () => {
    const team = await t.createTeam();
    const create = async (name: string) => {
      const r = await t.gql<{ createSamlConnection: { id: string; loginUrl: string } }>(
        'mutation($t: ID!, $i: SamlConnectionInput!) { createSamlConnection(teamId: $t, input: $i) { id loginUrl } }',
        {
          t: team.teamId,
          i: {
            name,
            idpEntityId: `https://${name.toLowerCase()}.example.com/saml`,
            idpSsoUrl: `https://${name.toLowerCase()}.example.com/sso`,
            idpCertificates: [await readFile(SAML_CERT, 'utf8')],
          },
        },
        { token: team.ownerToken },
      );
      expect(r.errors).toBeUndefined();
      return r.data!.createSamlConnection;
    };
    const okta = await create('Okta');
    const old = await create('Old');
    const off = await t.gql(
      'mutation($id: ID!) { updateSamlConnection(id: $id, input: { enabled: false }) { id } }',
      { id: old.id },
      { token: team.ownerToken },
    );
    expect(off.errors).toBeUndefined();
    const domain = `${team.slug}.example.com`;
    const d = await t.core.domains.add(team.teamId, domain, SYSTEM_ACTOR);
    await t.core.domains.verify(team.teamId, d.id, SYSTEM_ACTOR, true);
    const answer = await discover(`someone@${domain}`);
    // Discovery hands the typed address on as `login_hint` (the SAML login route ignores it).
    const hint = `login_hint=${encodeURIComponent(`someone@${domain}`)}`;
    expect(answer.connections).toEqual([{ protocol: 'saml', connectionId: okta.id, name: 'Okta', loginUrl: `${okta.loginUrl}?${hint}` }]);
  });
});
