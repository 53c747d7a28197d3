/**
 * The SSO toolkit across the three protocol plugins (#12): one outbound-fetch policy (#12.9), the
 * operator's switch for private addresses (off by default, on in the test kit), and request logs
 * that never keep the secrets of a sign-in URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcPlugin } from '@roster/plugin-oidc';
import { samlPlugin } from '@roster/plugin-saml';
import { wsfedPlugin } from '@roster/plugin-wsfed';
import { loadConfig } from '@roster/server';
import { startTestRoster, type TestRoster } from '@roster/server/testing';

/** A local "IdP" that counts every request reaching it: a refused URL must never connect. */
let idp: Server;
let port: number;
let hits = 0;
beforeAll(async () => {
  idp = createServer((_req, res) => {
    hits += 1;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  port = (idp.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => idp.close(() => resolve())));

const plugins = () => [oidcPlugin({ allowInsecureIssuers: true }), samlPlugin(), wsfedPlugin()];

type Team = Awaited<ReturnType<TestRoster['createTeam']>>;

/** The three admin mutations that make Roster fetch an admin-supplied URL; each answers its error code and message. */
async function pointAt(t: TestRoster, team: Team, base: string): Promise<Record<string, { code?: string; message?: string }>> {
  const auth = { token: team.ownerToken };
  const oidc = await t.gql(
    'mutation($t: ID!, $i: CreateOidcConnectionInput!) { createOidcConnection(teamId: $t, input: $i) { id } }',
    { t: team.teamId, i: { issuer: base, clientId: 'c', clientSecret: 's', allowInsecureRequests: true } },
    auth,
  );
  const saml = await t.gql(
    'mutation($t: ID!, $i: SamlConnectionInput!) { createSamlConnection(teamId: $t, input: $i) { id } }',
    { t: team.teamId, i: { metadataUrl: `${base}/saml/metadata.xml` } },
    auth,
  );
  const wsfed = await t.gql(
    'mutation($t: ID!, $i: WsFedConnectionInput!) { createWsFedConnection(teamId: $t, input: $i) { id } }',
    { t: team.teamId, i: { metadataUrl: `${base}/FederationMetadata/2007-06/FederationMetadata.xml` } },
    auth,
  );
  const answer = (r: { errors?: Array<{ message: string; extensions?: { code?: string } }> }) => ({
    code: r.errors?.[0]?.extensions?.code,
    message: r.errors?.[0]?.message,
  });
  return { oidc: answer(oidc), saml: answer(saml), wsfed: answer(wsfed) };
}

describe('#12.9: one outbound-fetch policy for SAML, OIDC and WS-Fed', () => {
  it('#12.9: private addresses are refused by default (ROSTER_OUTBOUND_ALLOW_PRIVATE unset)', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).outboundAllowPrivate).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', ROSTER_OUTBOUND_ALLOW_PRIVATE: 'true' }).outboundAllowPrivate).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'test', ROSTER_OUTBOUND_ALLOW_ADDRESSES: 'adfs.internal' })).toThrow(
      /ROSTER_OUTBOUND_ALLOW_ADDRESSES/,
    );
  });

  describe('a Roster whose operator did not allow private addresses', () => {
    let t: TestRoster;
    beforeAll(async () => {
      t = await startTestRoster({ plugins: plugins(), config: { outboundAllowPrivate: false } });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('#12.9: a DNS name resolving to loopback is refused by every plugin, without connecting', async () => {
      const team = await t.createTeam();
      const before = hits;
      // `localhost` is a name, not a literal: only a check of the resolved address catches it
      // (WS-Fed checked the literal hostname only; OIDC discovery, JWKS and token requests nothing).
      const answers = await pointAt(t, team, `http://localhost:${port}`);
      expect(answers).toMatchObject({
        oidc: { code: 'OIDC_DISCOVERY_FAILED', message: expect.stringMatching(/private or loopback/) },
        saml: { code: 'SAML_METADATA_FETCH_FAILED', message: expect.stringMatching(/private or loopback/) },
        wsfed: { code: 'WSFED_METADATA_FETCH_FAILED', message: expect.stringMatching(/private or loopback/) },
      });
      expect(hits).toBe(before);
    });

    it('#12.9: literal loopback and IPv4-mapped IPv6 addresses are refused the same way', async () => {
      const team = await t.createTeam();
      const before = hits;
      for (const base of [`http://127.0.0.1:${port}`, `http://[::ffff:127.0.0.1]:${port}`]) {
        const answers = await pointAt(t, team, base);
        for (const plugin of ['oidc', 'saml', 'wsfed'] as const)
          expect([base, plugin, answers[plugin]?.message]).toEqual([base, plugin, expect.stringMatching(/private or loopback/)]);
      }
      expect(hits).toBe(before);
    });
  });

  it('#12.9: the test kit allows loopback explicitly, so in-process IdPs are reached through the same policy', async () => {
    const t = await startTestRoster({ plugins: plugins() });
    try {
      const team = await t.createTeam();
      const before = hits;
      const answers = await pointAt(t, team, `http://localhost:${port}`);
      // Reached (the local IdP answers 404), not refused for its address.
      for (const plugin of ['oidc', 'saml', 'wsfed'] as const) expect(answers[plugin]?.message ?? '').not.toMatch(/private or loopback/);
      expect(hits).toBe(before + 3);
    } finally {
      await t.close();
    }
  });
});

describe('redaction of sign-in secrets in request logs', () => {
  it('#12: a logged request line for /oidc/callback?code=SECRET&state=… does not contain the secret', async () => {
    const lines: string[] = [];
    const t = await startTestRoster({
      plugins: plugins(),
      config: { logLevel: 'info' },
      roster: { logStream: { write: (line: string) => void lines.push(line) } },
    });
    try {
      await fetch(`${t.url}/oidc/callback?code=SECRET-CODE-123&state=SECRET-STATE-456&iss=https%3A%2F%2Fidp.example`, {
        redirect: 'manual',
      });
      await fetch(`${t.url}/saml/00000000-0000-0000-0000-000000000000/slo?SAMLRequest=SECRET-SAML-789&RelayState=SECRET-RELAY`, {
        redirect: 'manual',
      });
      const requestLines = lines.filter((l) => l.includes('/oidc/callback') || l.includes('/slo'));
      expect(requestLines.length).toBeGreaterThan(0);
      const all = lines.join('\n');
      for (const secret of ['SECRET-CODE-123', 'SECRET-STATE-456', 'SECRET-SAML-789', 'SECRET-RELAY']) expect(all).not.toContain(secret);
      expect(all).toContain('/oidc/callback?code=[REDACTED]&state=[REDACTED]&iss=https%3A%2F%2Fidp.example');
    } finally {
      await t.close();
    }
  });
});
