/**
 * #16 a setup link with the `scim` scope maps the groups the IdP pushed to license types (R13,
 * R15): it reads the team's groups and license types and links / unlinks a group, in its own team
 * only, audited with the link as actor. Anything else is refused with a stable code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { scimPlugin } from '@roster/plugin-scim';
import { ADD_MEMBER, memberLicenses, ok } from './helpers.js';

type Team = Awaited<ReturnType<TestRoster['createTeam']>>;
let t: TestRoster;
let a: Team;
let b: Team;

beforeAll(async () => {
  t = await startTestRoster({ plugins: [scimPlugin()] });
  a = await t.createTeam(undefined, { salesperson: 5 });
  b = await t.createTeam();
});
afterAll(async () => {
  await t?.close();
});

const CREATE = `mutation($t: ID!, $s: [SetupLinkScope!]!) {
  createSetupLink(teamId: $t, input: { scopes: $s }) { secret link { id } }
}`;
const newLink = async (team: Team, scopes: string[]) =>
  (await ok<{ createSetupLink: { secret: string; link: { id: string } } }>(t, CREATE, { t: team.teamId, s: scopes }, team.ownerToken))
    .createSetupLink;
const asLink = (secret: string, query: string, variables: Record<string, unknown> = {}) =>
  t.gql<Record<string, unknown>>(query, variables, { headers: { 'roster-setup-link': secret } });
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;

const GROUPS = `query($t: ID!) { team(id: $t) { id licenses { id key name }
  groups { id displayName externalId memberCount licenseType { id name } } } }`;
const LINK = 'mutation($g: ID!, $l: ID!) { linkGroupToLicense(id: $g, licenseTypeId: $l) { id licenseType { key } } }';
const UNLINK = 'mutation($g: ID!) { unlinkGroup(id: $g) { id licenseType { key } } }';
interface Groups {
  team: {
    licenses: Array<{ id: string; key: string; name: string }>;
    groups: Array<{ id: string; displayName: string; externalId: string | null; memberCount: number; licenseType: { id: string } | null }>;
  };
}

/** A group pushed by the IdP over SCIM (a real SCIM request with a team token), with one member. */
async function pushGroup(team: Team, name: string): Promise<{ groupId: string; memberId: string }> {
  const token = (
    await ok<{ createScimToken: { secret: string } }>(
      t,
      'mutation($t: ID!) { createScimToken(teamId: $t, name: "idp") { secret } }',
      { t: team.teamId },
      team.ownerToken,
    )
  ).createScimToken.secret;
  const memberId = (
    await ok<{ addMember: { id: string } }>(
      t,
      ADD_MEMBER,
      { teamId: team.teamId, email: `${name.toLowerCase().replace(/\W+/g, '-')}@${team.slug}.example.com` },
      team.ownerToken,
    )
  ).addMember.id;
  const res = await fetch(`${t.url}/scim/v2/${team.slug}/Groups`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: name,
      externalId: `okta-${name}`,
      members: [{ value: memberId }],
    }),
  });
  expect(res.status).toBe(201);
  return { groupId: ((await res.json()) as { id: string }).id, memberId };
}

describe('#16 a setup link maps IdP groups to license types', () => {
  it('#16: a scim link reads the pushed groups and the license types, moves Salesperson to a pushed group; audited with the link as actor', async () => {
    const pushed = await pushGroup(a, 'Sales EMEA');
    const link = await newLink(a, ['scim']);
    const read = await asLink(link.secret, GROUPS, { t: a.teamId });
    expect(read.errors).toBeUndefined();
    const { team } = read.data as unknown as Groups;
    const sales = team.licenses.find((l) => l.key === 'salesperson')!;
    expect(team.groups.find((g) => g.id === pushed.groupId)).toMatchObject({
      externalId: 'okta-Sales EMEA',
      memberCount: 1,
      licenseType: null,
    });
    const appGroup = team.groups.find((g) => g.licenseType?.id === sales.id)!;

    // One group per license type: the app group lets it go first, as on the Groups page.
    expect(codeOf(await asLink(link.secret, LINK, { g: pushed.groupId, l: sales.id }))).toBe('CONFLICT');
    const unlinked = await asLink(link.secret, UNLINK, { g: appGroup.id });
    expect(unlinked.errors).toBeUndefined();
    const linked = await asLink(link.secret, LINK, { g: pushed.groupId, l: sales.id });
    expect(linked.errors).toBeUndefined();
    expect(linked.data).toEqual({ linkGroupToLicense: { id: pushed.groupId, licenseType: { key: 'salesperson' } } });
    // The pushed group's member now requests (and, with seats bought, holds) the license (R13).
    expect(await memberLicenses(t, pushed.memberId, a.ownerToken)).toEqual({ salesperson: 'GRANTED' });

    const audit = await t.core.read<{ action: string; actor_type: string; actor_id: string; target_id: string }>(
      "select action, actor_type, actor_id, target_id from audit_event where team_id = ? and action in ('group.linked', 'group.unlinked') order by at",
      [a.teamId],
    );
    expect(audit).toEqual([
      { action: 'group.unlinked', actor_type: 'token', actor_id: link.link.id, target_id: appGroup.id },
      { action: 'group.linked', actor_type: 'token', actor_id: link.link.id, target_id: pushed.groupId },
    ]);
  });

  it('#16: the link reads no seat counts, waitlist or group members (SETUP_LINK_OUT_OF_SCOPE)', async () => {
    const link = await newLink(a, ['scim']);
    for (const query of [
      'query($t: ID!) { team(id: $t) { licenses { id purchased } } }',
      'query($t: ID!) { team(id: $t) { licenses { waitlist { edges { node { member { email } } } } } } }',
      'query($t: ID!) { team(id: $t) { members { totalCount } } }',
    ]) {
      const r = await asLink(link.secret, query, { t: a.teamId });
      expect(codeOf(r), query).toBe('SETUP_LINK_OUT_OF_SCOPE');
      expect(r.data ?? null).toBeNull();
    }
  });

  it('#16: refused with stable codes — a link without scim, an expired link, a revoked link, a link of another team', async () => {
    const pushed = await pushGroup(a, 'Managers');
    const manager = (await ok<Groups>(t, GROUPS, { t: a.teamId }, a.ownerToken)).team.licenses.find((l) => l.key === 'manager')!;
    const vars = { g: pushed.groupId, l: manager.id };

    const ssoOnly = await newLink(a, ['sso']);
    expect(codeOf(await asLink(ssoOnly.secret, LINK, vars))).toBe('SETUP_LINK_OUT_OF_SCOPE');
    expect(codeOf(await asLink(ssoOnly.secret, UNLINK, { g: pushed.groupId }))).toBe('SETUP_LINK_OUT_OF_SCOPE');
    expect(codeOf(await asLink(ssoOnly.secret, GROUPS, { t: a.teamId }))).toBe('SETUP_LINK_OUT_OF_SCOPE');

    const expired = await newLink(a, ['scim']);
    await t.core.read("update setup_link set expires_at = now() - interval '1 minute' where id = ?", [expired.link.id]);
    expect(codeOf(await asLink(expired.secret, LINK, vars))).toBe('SETUP_LINK_EXPIRED');

    const revoked = await newLink(a, ['scim']);
    await ok(t, 'mutation($t: ID!, $id: ID!) { revokeSetupLink(teamId: $t, id: $id) }', { t: a.teamId, id: revoked.link.id }, a.ownerToken);
    expect(codeOf(await asLink(revoked.secret, LINK, vars))).toBe('SETUP_LINK_REVOKED');

    // In scope by field, refused by team, like any admin of another team.
    const otherTeams = await newLink(b, ['scim']);
    expect(codeOf(await asLink(otherTeams.secret, LINK, vars))).toBe('NOT_FOUND');
    expect(codeOf(await asLink(otherTeams.secret, UNLINK, { g: pushed.groupId }))).toBe('NOT_FOUND');
    expect(codeOf(await asLink(otherTeams.secret, GROUPS, { t: a.teamId }))).toBe('NOT_FOUND');

    // Nothing changed, and each refusal left a trace (R19).
    expect(
      (await ok<Groups>(t, GROUPS, { t: a.teamId }, a.ownerToken)).team.groups.find((g) => g.id === pushed.groupId)?.licenseType,
    ).toBeNull();
    const traces = await t.core.read<{ action: string; reason: string | null }>(
      "select action, reason from audit_event where team_id = ? and outcome = 'failure' and action like 'setup_link.%'",
      [a.teamId],
    );
    expect(traces.map((x) => x.reason)).toEqual(expect.arrayContaining(['SETUP_LINK_EXPIRED', 'SETUP_LINK_REVOKED']));
    expect(traces.filter((x) => x.action === 'setup_link.scope.refused').length).toBeGreaterThanOrEqual(3);
  });
});
