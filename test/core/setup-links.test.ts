/**
 * #16 self-serve setup links: created by a team admin or an API token, hashed at rest,
 * expiring, revocable, audited; the holder is an admin of one team for SSO and/or SCIM only,
 * and every field outside that scope is refused with SETUP_LINK_OUT_OF_SCOPE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { samlPlugin } from '@roster/plugin-saml';
import { scimPlugin } from '@roster/plugin-scim';
import { ok } from './helpers.js';

type Team = Awaited<ReturnType<TestRoster['createTeam']>>;
let t: TestRoster;
let a: Team;
let b: Team;

beforeAll(async () => {
  t = await startTestRoster({ plugins: [samlPlugin(), scimPlugin()] });
  a = await t.createTeam();
  b = await t.createTeam();
});
afterAll(async () => {
  await t?.close();
});

const CREATE = `mutation($t: ID!, $s: [SetupLinkScope!]!, $d: Int) {
  createSetupLink(teamId: $t, input: { scopes: $s, expiresInDays: $d, note: "Acme IT" }) { secret path link { id scopes expiresAt createdBy } }
}`;
interface Created {
  createSetupLink: { secret: string; path: string; link: { id: string; scopes: string[]; expiresAt: string; createdBy: string } };
}

const asLink = (secret: string, query: string, variables: Record<string, unknown> = {}) =>
  t.gql<Record<string, unknown>>(query, variables, { headers: { 'roster-setup-link': secret } });
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;

describe('#16 setup links', () => {
  it('#16: a team admin creates a link (7 days by default); the secret is kept only as its hash; the creation is audited', async () => {
    const created = (await ok<Created>(t, CREATE, { t: a.teamId, s: ['sso', 'scim'] }, a.ownerToken)).createSetupLink;
    expect(created.path).toBe(`/setup/${created.secret}`);
    expect(created.link.scopes).toEqual(['sso', 'scim']);
    const days = (new Date(created.link.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    const rows = await t.core.read<Record<string, unknown>>('select * from setup_link where id = ?', [created.link.id]);
    expect(JSON.stringify(rows)).not.toContain(created.secret);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    const audit = await t.core.read<{ action: string }>(
      "select action from audit_event where target_id = ? and action = 'setup_link.created'",
      [created.link.id],
    );
    expect(audit).toHaveLength(1);
  });

  it('#16: the host app creates one with an API token, and lists and revokes it', async () => {
    const api = await ok<{ createApiToken: { secret: string } }>(
      t,
      'mutation($t: ID!) { createApiToken(teamId: $t, name: "host app") { secret } }',
      { t: a.teamId },
      a.ownerToken,
    );
    const token = api.createApiToken.secret;
    const created = (await ok<Created>(t, CREATE, { t: a.teamId, s: ['scim'], d: 2 }, token)).createSetupLink;
    expect(created.link.createdBy).toBe('host app');
    const listed = await ok<{ team: { setupLinks: Array<{ id: string }> } }>(
      t,
      'query($t: ID!) { team(id: $t) { setupLinks { id } } }',
      { t: a.teamId },
      token,
    );
    expect(listed.team.setupLinks.map((l) => l.id)).toContain(created.link.id);
    await ok(t, 'mutation($t: ID!, $id: ID!) { revokeSetupLink(teamId: $t, id: $id) }', { t: a.teamId, id: created.link.id }, token);
    const refused = await asLink(created.secret, '{ setupLink { expiresAt } }');
    expect(codeOf(refused)).toBe('SETUP_LINK_REVOKED');
  });

  it('#16: input is checked — no scope, more than 30 days', async () => {
    for (const [s, d] of [
      [[], 7],
      [['sso'], 31],
      [['sso'], 0],
    ] as const) {
      const r = await t.gql(CREATE, { t: a.teamId, s, d }, { token: a.ownerToken });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
    }
  });

  it('#16: the holder reads and changes its team’s SSO and SCIM, and nothing else: members, me, policy, another team, new links are refused with a stable code, audited', async () => {
    const secret = (await ok<Created>(t, CREATE, { t: a.teamId, s: ['sso', 'scim'] }, a.ownerToken)).createSetupLink.secret;
    const opened = await asLink(secret, '{ setupLink { scopes expiresAt team { id name } } }');
    expect(opened.errors).toBeUndefined();
    expect(opened.data).toMatchObject({ setupLink: { scopes: ['sso', 'scim'], team: { id: a.teamId } } });

    const sso = await asLink(
      secret,
      'query($t: ID!) { team(id: $t) { id samlConnections { id acsUrl } scim { baseUrl tokens { id } } } }',
      {
        t: a.teamId,
      },
    );
    expect(sso.errors).toBeUndefined();
    const scimToken = await asLink(secret, 'mutation($t: ID!) { createScimToken(teamId: $t, name: "Okta") { secret } }', { t: a.teamId });
    expect(scimToken.errors).toBeUndefined();

    const outside: Array<[string, Record<string, unknown>]> = [
      ['query($t: ID!) { team(id: $t) { members { totalCount } } }', { t: a.teamId }],
      ['query($t: ID!) { team(id: $t) { id ...M } } fragment M on Team { members { edges { node { email } } } }', { t: a.teamId }],
      ['{ me { login } }', {}],
      ['query($t: ID!) { team(id: $t) { signInPolicy { methods } } }', { t: a.teamId }],
      ['query($t: ID!) { team(id: $t) { auditEvents { edges { node { id } } } } }', { t: a.teamId }],
      ['query($t: ID!) { apiTokens(teamId: $t) { id } }', { t: a.teamId }],
      ['mutation($t: ID!) { createSetupLink(teamId: $t, input: { scopes: [sso] }) { secret } }', { t: a.teamId }],
      ['query($id: ID!) { member(id: $id) { email } }', { id: a.ownerId }],
    ];
    for (const [query, variables] of outside) {
      const r = await asLink(secret, query, variables);
      expect(codeOf(r), query).toBe('SETUP_LINK_OUT_OF_SCOPE');
      expect(r.data ?? null).toBeNull();
    }
    // Another team: in scope by field, refused by team like any admin of another team.
    const other = await asLink(secret, 'query($t: ID!) { team(id: $t) { samlConnections { id } } }', { t: b.teamId });
    expect(codeOf(other)).toBe('NOT_FOUND');
    const otherToken = await asLink(secret, 'mutation($t: ID!) { createScimToken(teamId: $t, name: "x") { secret } }', { t: b.teamId });
    expect(codeOf(otherToken)).toBe('NOT_FOUND');

    const refusals = await t.core.read<{ n: number }>(
      "select count(*)::int as n from audit_event where team_id = ? and action = 'setup_link.scope.refused'",
      [a.teamId],
    );
    expect(refusals[0]!.n).toBeGreaterThanOrEqual(outside.length);
  });

  it('#16: an SSO-only link cannot reach SCIM', async () => {
    const secret = (await ok<Created>(t, CREATE, { t: a.teamId, s: ['sso'] }, a.ownerToken)).createSetupLink.secret;
    const r = await asLink(secret, 'query($t: ID!) { team(id: $t) { scim { baseUrl } } }', { t: a.teamId });
    expect(codeOf(r)).toBe('SETUP_LINK_OUT_OF_SCOPE');
    const ssoOk = await asLink(secret, 'query($t: ID!) { team(id: $t) { samlConnections { id } } }', { t: a.teamId });
    expect(ssoOk.errors).toBeUndefined();
  });

  it('#16: an expired, a revoked and an unknown link are refused (401) with their own codes, each audited', async () => {
    const created = (await ok<Created>(t, CREATE, { t: a.teamId, s: ['sso'] }, a.ownerToken)).createSetupLink;
    await t.core.read("update setup_link set expires_at = now() - interval '1 minute' where id = ?", [created.link.id]);
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'roster-setup-link': created.secret },
      body: JSON.stringify({ query: '{ setupLink { expiresAt } }' }),
    });
    expect(res.status).toBe(401);
    expect(codeOf((await res.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> })).toBe('SETUP_LINK_EXPIRED');
    expect(codeOf(await asLink('rsl_not-a-link', '{ setupLink { expiresAt } }'))).toBe('SETUP_LINK_INVALID');
    const audit = await t.core.read<{ reason: string }>(
      "select reason from audit_event where action = 'setup_link.refused' and target_id = ?",
      [created.link.id],
    );
    expect(audit.map((x) => x.reason)).toEqual(['SETUP_LINK_EXPIRED']);
    // Expired links are no longer listed.
    const listed = await ok<{ team: { setupLinks: Array<{ id: string }> } }>(
      t,
      'query($t: ID!) { team(id: $t) { setupLinks { id } } }',
      { t: a.teamId },
      a.ownerToken,
    );
    expect(listed.team.setupLinks.map((l) => l.id)).not.toContain(created.link.id);
  });

  it('#16: a setup link is read by GraphQL only: as a bearer token it opens nothing', async () => {
    const secret = (await ok<Created>(t, CREATE, { t: a.teamId, s: ['sso'] }, a.ownerToken)).createSetupLink.secret;
    const r = await t.gql<{ me: unknown }>('{ me { login } }', {}, { token: secret });
    expect(r.data?.me ?? null).toBeNull();
  });
});
