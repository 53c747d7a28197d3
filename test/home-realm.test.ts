import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@roster/core';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { oidcPlugin } from '@roster/plugin-oidc';
import { wsfedPlugin } from '@roster/plugin-wsfed';

/** R4 across plugins: the platform discovery route lists every protocol's entry points. */
let t: TestRoster;
beforeAll(async () => { t = await startTestRoster({ plugins: [oidcPlugin(), wsfedPlugin()] }); });
afterAll(async () => { await t?.close(); });

const CERT = new URL('../plugins/wsfed/test/fixtures/idp-signing.cert.pem', import.meta.url);

interface Answer { domain: string; methods: string[]; ssoRequired: boolean; redirectUrl: string | null; connections: Array<{ protocol: string; loginUrl: string }> }
const discover = async (email: string): Promise<Answer> => (await fetch(`${t.url}/auth/discover?email=${encodeURIComponent(email)}`)).json() as Promise<Answer>;

describe('home-realm discovery', () => {
  it('R4: a verified domain routes to the team’s SSO connections, whatever the protocol; unknown and unverified domains reveal nothing', async () => {
    const team = await t.createTeam();
    const domain = `${team.slug}.example.com`;
    const created = await t.gql<{ createWsFedConnection: { id: string } }>(
      'mutation($t: ID!, $i: WsFedConnectionInput!) { createWsFedConnection(teamId: $t, input: $i) { id } }',
      { t: team.teamId, i: { name: 'ADFS', idpIssuer: 'http://adfs.example.com/adfs/services/trust', idpSignInUrl: 'https://adfs.example.com/adfs/ls/', signingCertificates: [await readFile(CERT, 'utf8')] } },
      { token: team.ownerToken },
    );
    expect(created.errors).toBeUndefined();
    const before = await discover(`someone@${domain}`);
    expect(before).toMatchObject({ domain, ssoRequired: false, redirectUrl: null, connections: [] });

    const d = await t.core.domains.add(team.teamId, domain, SYSTEM_ACTOR);
    await t.core.domains.verify(team.teamId, d.id, SYSTEM_ACTOR, true);
    await t.gql('mutation($id: ID!) { setSignInPolicy(teamId: $id, policy: { methods: [sso], ssoRequired: true }) { id } }', { id: team.teamId }, { token: team.ownerToken });
    const known = await discover(`owner@${domain}`);
    const unknownPerson = await discover(`nobody-here@${domain}`);
    expect(known.methods).toEqual(['sso']);
    expect(known.connections.map((c) => c.protocol)).toEqual(['wsfed']);
    expect(known.redirectUrl).toContain(`/wsfed/${created.data!.createWsFedConnection.id}/login`);
    // Same answer for an address with no account: discovery does not reveal accounts.
    expect({ ...unknownPerson, redirectUrl: null, connections: [] }).toEqual({ ...known, redirectUrl: null, connections: [] });
    expect(unknownPerson.connections.length).toBe(known.connections.length);
  });
});
