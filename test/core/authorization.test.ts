import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@roster/core';
import { eventually, startTestRoster, type TestRoster } from '@roster/server/testing';
import { ADD_MEMBER, ok } from './helpers.js';

/**
 * Every root query and mutation, for anonymous / member / team admin / another team's admin /
 * platform admin. A new root field fails this test until it is added to the table.
 */
type Level = 'anyone' | 'member' | 'admin' | 'platform';
type Team = Awaited<ReturnType<TestRoster['createTeam']>>;
interface Op {
  query: string;
  level: Level;
  vars?: (team: Team) => Promise<Record<string, unknown>>;
}

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster();
});
afterAll(async () => {
  await t?.close();
});

const newMember = async (team: Team) =>
  (
    await ok<{ addMember: { id: string } }>(
      t,
      ADD_MEMBER,
      { teamId: team.teamId, email: `x${Math.random().toString(36).slice(2)}@${team.slug}.example.com` },
      team.ownerToken,
    )
  ).addMember.id;
const newGroup = async (team: Team) =>
  (
    await ok<{ createGroup: { id: string } }>(
      t,
      'mutation($t: ID!) { createGroup(teamId: $t, displayName: "G") { id } }',
      { t: team.teamId },
      team.ownerToken,
    )
  ).createGroup.id;
const licenseType = async (team: Team) =>
  (
    await ok<{ team: { licenses: Array<{ id: string }> } }>(
      t,
      'query($id: ID!) { team(id: $id) { licenses { id } } }',
      { id: team.teamId },
      team.ownerToken,
    )
  ).team.licenses[0]!.id;
const newDomain = async (team: Team) =>
  (
    await ok<{ addVerifiedDomain: { id: string } }>(
      t,
      'mutation($t: ID!, $d: String!) { addVerifiedDomain(teamId: $t, domain: $d) { id } }',
      { t: team.teamId, d: `${Math.random().toString(36).slice(2)}.example.org` },
      team.ownerToken,
    )
  ).addVerifiedDomain.id;
const newToken = async (team: Team) =>
  (
    await ok<{ createApiToken: { token: { id: string } } }>(
      t,
      'mutation($t: ID!) { createApiToken(teamId: $t, name: "ci") { token { id } } }',
      { t: team.teamId },
      team.ownerToken,
    )
  ).createApiToken.token.id;
/** A fresh endpoint; the team's earlier ones go first (a team keeps at most 20, and the matrix makes more). */
const newWebhook = async (team: Team) => {
  for (const e of await t.core.webhooks.list(team.teamId)) await t.core.webhooks.remove(e.id, SYSTEM_ACTOR);
  return (await t.core.webhooks.create(team.teamId, { url: 'http://127.0.0.1:9/hooks', eventTypes: ['test.authz'] }, SYSTEM_ACTOR)).endpoint
    .id;
};
/** A delivery (to a port nobody listens on): an event of the endpoint's type, fanned out by the worker. */
const newDelivery = async (team: Team) => {
  const endpointId = await newWebhook(team);
  await t.core
    .em()
    .transactional((em) => t.core.events.publish(em, { teamId: team.teamId, type: 'test.authz', data: {}, actor: SYSTEM_ACTOR }));
  let id: string | undefined;
  await eventually(async () => {
    await t.roster.webhooks.run();
    id = (await t.core.webhooks.deliveries(endpointId, { first: 1 }))[0]?.id;
    return id !== undefined;
  });
  return id!;
};

const newSetupLink = async (team: Team) =>
  (
    await ok<{ createSetupLink: { link: { id: string } } }>(
      t,
      'mutation($t: ID!) { createSetupLink(teamId: $t, input: { scopes: [sso] }) { link { id } } }',
      { t: team.teamId },
      team.ownerToken,
    )
  ).createSetupLink.link.id;

const OPS: Record<string, Op> = {
  me: { query: '{ me { login } }', level: 'anyone' },
  signInMethods: { query: '{ signInMethods { id } }', level: 'anyone' },
  // The front page lists the same to anyone; the console hides sections of plugins not loaded.
  plugins: { query: '{ plugins { name version } }', level: 'anyone' },
  // Null unless the request carries a setup link (test/core/setup-links.test.ts).
  setupLink: { query: '{ setupLink { expiresAt } }', level: 'anyone' },
  createSetupLink: {
    query: 'mutation($t: ID!) { createSetupLink(teamId: $t, input: { scopes: [sso, scim] }) { secret } }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId }),
  },
  revokeSetupLink: {
    query: 'mutation($t: ID!, $id: ID!) { revokeSetupLink(teamId: $t, id: $id) }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId, id: await newSetupLink(x) }),
  },
  team: {
    query: 'query($t: ID!) { team(id: $t) { id members { totalCount } groups { id } licenses { id } } }',
    level: 'member',
    vars: async (x) => ({ t: x.teamId }),
  },
  teams: { query: '{ teams { id } }', level: 'platform' },
  events: { query: 'query($t: ID) { events(teamId: $t) { edges { cursor } } }', level: 'admin', vars: async (x) => ({ t: x.teamId }) },
  member: { query: 'query($id: ID!) { member(id: $id) { id } }', level: 'member', vars: async (x) => ({ id: x.ownerId }) },
  apiTokens: { query: 'query($t: ID!) { apiTokens(teamId: $t) { id } }', level: 'admin', vars: async (x) => ({ t: x.teamId }) },
  createTeam: {
    query: 'mutation($s: String!) { createTeam(slug: $s, name: "N") { id } }',
    level: 'platform',
    vars: async () => ({ s: `n-${Math.random().toString(36).slice(2, 10)}` }),
  },
  setSignInPolicy: {
    query: 'mutation($t: ID!) { setSignInPolicy(teamId: $t, policy: { methods: ["password"], ssoRequired: false }) { id } }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId }),
  },
  setLicenseSeats: {
    query: 'mutation($t: ID!, $l: ID!) { setLicenseSeats(teamId: $t, licenseTypeId: $l, seats: 3) { id } }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId, l: await licenseType(x) }),
  },
  addVerifiedDomain: {
    query: 'mutation($t: ID!, $d: String!) { addVerifiedDomain(teamId: $t, domain: $d) { id } }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId, d: `${Math.random().toString(36).slice(2)}.example.net` }),
  },
  verifyDomain: {
    query: 'mutation($t: ID!, $d: ID!) { verifyDomain(teamId: $t, domainId: $d) { id } }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId, d: await newDomain(x) }),
  },
  removeDomain: {
    query: 'mutation($t: ID!, $d: ID!) { removeDomain(teamId: $t, domainId: $d) }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId, d: await newDomain(x) }),
  },
  addMember: {
    query: ADD_MEMBER,
    level: 'admin',
    vars: async (x) => ({ teamId: x.teamId, email: `y${Math.random().toString(36).slice(2)}@${x.slug}.example.com` }),
  },
  updateMember: {
    query: 'mutation($id: ID!) { updateMember(id: $id, input: { creditLimit: 3 }) { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newMember(x) }),
  },
  deactivateMember: {
    query: 'mutation($id: ID!) { deactivateMember(id: $id) { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newMember(x) }),
  },
  reactivateMember: {
    query: 'mutation($id: ID!) { reactivateMember(id: $id) { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newMember(x) }),
  },
  removeMember: { query: 'mutation($id: ID!) { removeMember(id: $id) }', level: 'admin', vars: async (x) => ({ id: await newMember(x) }) },
  createGroup: {
    query: 'mutation($t: ID!) { createGroup(teamId: $t, displayName: "G") { id } }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId }),
  },
  renameGroup: {
    query: 'mutation($id: ID!) { renameGroup(id: $id, displayName: "H") { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newGroup(x) }),
  },
  deleteGroup: { query: 'mutation($id: ID!) { deleteGroup(id: $id) }', level: 'admin', vars: async (x) => ({ id: await newGroup(x) }) },
  addGroupMembers: {
    query: 'mutation($id: ID!, $m: [ID!]!) { addGroupMembers(id: $id, memberIds: $m) { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newGroup(x), m: [await newMember(x)] }),
  },
  removeGroupMembers: {
    query: 'mutation($id: ID!, $m: [ID!]!) { removeGroupMembers(id: $id, memberIds: $m) { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newGroup(x), m: [await newMember(x)] }),
  },
  linkGroupToLicense: {
    query: 'mutation($id: ID!, $l: ID!) { linkGroupToLicense(id: $id, licenseTypeId: $l) { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newGroup(x), l: await licenseType(x) }),
  },
  unlinkGroup: {
    query: 'mutation($id: ID!) { unlinkGroup(id: $id) { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newGroup(x) }),
  },
  createApiToken: {
    query: 'mutation($t: ID!) { createApiToken(teamId: $t, name: "n") { secret } }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId }),
  },
  revokeApiToken: {
    query: 'mutation($t: ID!, $id: ID!) { revokeApiToken(teamId: $t, id: $id) }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId, id: await newToken(x) }),
  },
  webhookEndpoints: {
    query: 'query($t: ID) { webhookEndpoints(teamId: $t) { id } }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId }),
  },
  webhookDeliveries: {
    query: 'query($id: ID!) { webhookDeliveries(endpointId: $id) { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newWebhook(x) }),
  },
  createWebhookEndpoint: {
    query:
      'mutation($t: ID) { createWebhookEndpoint(input: { teamId: $t, url: "http://127.0.0.1:9/hooks", eventTypes: ["test.authz"] }) { secret } }',
    level: 'admin',
    vars: async (x) => ({ t: x.teamId }),
  },
  updateWebhookEndpoint: {
    query: 'mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { description: "d" }) { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newWebhook(x) }),
  },
  deleteWebhookEndpoint: {
    query: 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }',
    level: 'admin',
    vars: async (x) => ({ id: await newWebhook(x) }),
  },
  rotateWebhookSecret: {
    query: 'mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }',
    level: 'admin',
    vars: async (x) => ({ id: await newWebhook(x) }),
  },
  redeliverWebhook: {
    query: 'mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }',
    level: 'admin',
    vars: async (x) => ({ id: await newDelivery(x) }),
  },
};

const ADMIN_FIELDS = {
  auditEvents: 'query($t: ID!) { team(id: $t) { auditEvents { edges { node { id } } } } }',
  domains: 'query($t: ID!) { team(id: $t) { domains { id } } }',
  setupLinks: 'query($t: ID!) { team(id: $t) { setupLinks { id } } }',
  waitlist: 'query($t: ID!) { team(id: $t) { licenses { waitlist { totalCount } } } }',
};

const AUTH_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'];
const RANK: Record<string, number> = { anonymous: 0, member: 1, admin: 2, otherAdmin: -1, platform: 3 };
const NEED: Record<Level, number> = { anyone: 0, member: 1, admin: 2, platform: 3 };

describe('authorization matrix', () => {
  it('covers every root query and mutation of the schema', () => {
    const fields = [t.roster.schema.getQueryType(), t.roster.schema.getMutationType()].flatMap((type) => Object.keys(type!.getFields()));
    expect(fields.filter((f) => !(f in OPS))).toEqual([]);
  });

  it('anonymous / member / admin / other-team admin / platform admin get exactly what their role allows', async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    const member = await t.addMember(a.teamId, `member@${a.slug}.example.com`);
    const tokens: Record<string, string | undefined> = {
      anonymous: undefined,
      member: member.token,
      admin: a.ownerToken,
      otherAdmin: b.ownerToken,
      platform: await t.platformAdminToken(),
    };
    const failures: string[] = [];
    for (const [name, op] of Object.entries(OPS)) {
      for (const [role, token] of Object.entries(tokens)) {
        const vars = op.vars ? await op.vars(a) : {};
        const r = await t.gql<Record<string, unknown>>(op.query, vars, token ? { token } : undefined);
        const code = r.errors?.[0]?.extensions?.code;
        const allowed = op.level === 'anyone' || RANK[role]! >= NEED[op.level];
        const denied = code !== undefined && AUTH_CODES.includes(code);
        if (allowed === denied)
          failures.push(
            `${name} as ${role}: ${allowed ? 'expected allowed' : 'expected denied'}, got ${code ?? 'data'} ${r.errors ? r.errors[0]!.message : ''}`,
          );
        if (!allowed && r.data && Object.values(r.data).some((v) => v !== null))
          failures.push(`${name} as ${role}: returned data while denied`);
      }
    }
    for (const [field, query] of Object.entries(ADMIN_FIELDS)) {
      for (const role of ['member', 'otherAdmin', 'anonymous']) {
        const code = (await t.gql(query, { t: a.teamId }, tokens[role] ? { token: tokens[role] } : undefined)).errors?.[0]?.extensions
          ?.code;
        if (!AUTH_CODES.includes(code ?? '')) failures.push(`Team.${field} as ${role}: expected denied, got ${code}`);
      }
      const r = await t.gql(query, { t: a.teamId }, { token: a.ownerToken });
      if (r.errors) failures.push(`Team.${field} as admin: ${r.errors[0]!.message}`);
    }
    expect(failures).toEqual([]);
  });

  it('an API token acts as its own team’s admin only', async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    const secret = (
      await ok<{ createApiToken: { secret: string } }>(
        t,
        'mutation($t: ID!) { createApiToken(teamId: $t, name: "integration") { secret } }',
        { t: a.teamId },
        a.ownerToken,
      )
    ).createApiToken.secret;
    expect((await t.gql('query($t: ID!) { team(id: $t) { id } }', { t: a.teamId }, { token: secret })).errors).toBeUndefined();
    expect((await t.gql('query($t: ID!) { team(id: $t) { id } }', { t: b.teamId }, { token: secret })).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('malformed ids answer NOT_FOUND, not a database error', async () => {
    const token = (await t.createTeam()).ownerToken;
    expect((await t.gql('query { team(id: "not-a-uuid") { id } }', {}, { token })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(
      (await t.gql('mutation { deactivateMember(id: "x\'; drop table team;--") { id } }', {}, { token })).errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
  });

  it('refuses queries over the field limit before running them', async () => {
    const nested =
      'query($t: ID!) { team(id: $t) { members { edges { node { groups { licenseType { id } } licenses { licenseType { id } } } } } } }';
    const a = await t.createTeam();
    expect((await t.gql(nested, { t: a.teamId }, { token: a.ownerToken })).errors).toBeUndefined();
    const tooMany = `{ ${Array.from({ length: 600 }, (_, i) => `f${i}: me { login }`).join(' ')} }`;
    const r = await t.gql(tooMany, {});
    // Refused before validation (#13.1), with its own code.
    expect(r.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(r.errors?.[0]?.message).toMatch(/more than 500 fields/);
    expect(r.data).toBeUndefined();
  });
});
