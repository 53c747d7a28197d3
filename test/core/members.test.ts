import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { ADD_MEMBER, ADD_TO_GROUP, DEACTIVATE, REACTIVATE, errorCode, licenses, ok } from './helpers.js';
import { methodsPlugin } from '../support/method-plugin.js';

let t: TestRoster;
beforeAll(async () => {
  // An SSO method (`corp-sso`) and another (`magic`) besides the core's `password`.
  t = await startTestRoster({ plugins: [methodsPlugin()] });
});
afterAll(async () => {
  await t?.close();
});

const login = (email: string, password = 'test-password') =>
  fetch(`${t.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

describe('tenancy and identity', () => {
  it('R1: a team admin never reads another team or its members', async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    expect(await errorCode(t, 'query($id: ID!) { team(id: $id) { id } }', { id: b.teamId }, a.ownerToken)).toBe('NOT_FOUND');
    expect(await errorCode(t, 'query($id: ID!) { member(id: $id) { id } }', { id: b.ownerId }, a.ownerToken)).toBe('NOT_FOUND');
    expect(await errorCode(t, DEACTIVATE, { id: b.ownerId }, a.ownerToken)).toBe('NOT_FOUND');
  });

  it('R2: adding a person who belongs to another team fails with USER_IN_OTHER_TEAM and changes neither team', async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    await ok(t, ADD_MEMBER, { teamId: a.teamId, email: 'Person@Shared.example' }, a.ownerToken);
    expect(await errorCode(t, ADD_MEMBER, { teamId: b.teamId, email: 'person@shared.EXAMPLE' }, b.ownerToken)).toBe('USER_IN_OTHER_TEAM');
    expect(await errorCode(t, ADD_MEMBER, { teamId: a.teamId, email: 'person@shared.example' }, a.ownerToken)).toBe('ALREADY_MEMBER');
    const count = async (teamId: string, token: string) =>
      (
        await ok<{ team: { members: { totalCount: number } } }>(
          t,
          'query($id: ID!) { team(id: $id) { members { totalCount } } }',
          { id: teamId },
          token,
        )
      ).team.members.totalCount;
    expect(await count(a.teamId, a.ownerToken)).toBe(2);
    expect(await count(b.teamId, b.ownerToken)).toBe(1);
  });

  it('R2: concurrent adds of one person to two teams end with exactly one membership', async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    const results = await Promise.all([
      t.gql(ADD_MEMBER, { teamId: a.teamId, email: 'race@example.com' }, { token: a.ownerToken }),
      t.gql(ADD_MEMBER, { teamId: b.teamId, email: 'race@example.com' }, { token: b.ownerToken }),
    ]);
    const codes = results.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['OK', 'USER_IN_OTHER_TEAM']);
  });

  it('R2: concurrent adds of one person to the same team: one member, the other told ALREADY_MEMBER', async () => {
    const a = await t.createTeam();
    const results = await Promise.all(
      [1, 2, 3].map(() => t.gql(ADD_MEMBER, { teamId: a.teamId, email: 'twice@example.com' }, { token: a.ownerToken })),
    );
    expect(results.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort()).toEqual(['ALREADY_MEMBER', 'ALREADY_MEMBER', 'OK']);
  });

  it('R3: "SSO required" turns password sign-in off for every member at once, and it is audited', async () => {
    const a = await t.createTeam();
    await t.addMember(a.teamId, `m1@${a.slug}.example.com`);
    await ok(
      t,
      'mutation($id: ID!) { setSignInPolicy(teamId: $id, policy: { methods: ["corp-sso"], ssoRequired: true }) { signInPolicy { ssoRequired methods } } }',
      { id: a.teamId },
      a.ownerToken,
    );
    for (const email of [`m1@${a.slug}.example.com`, `owner@${a.slug}.example.com`]) {
      const r = await login(email);
      expect(r.status).toBe(403);
      expect(((await r.json()) as { error: string }).error).toBe('SSO_REQUIRED');
    }
    const audit = await ok<{ team: { auditEvents: { edges: Array<{ node: { action: string; reason: string } }> } } }>(
      t,
      'query($id: ID!) { team(id: $id) { auditEvents(first: 5, action: "signin.refused") { edges { node { action reason } } } } }',
      { id: a.teamId },
      a.ownerToken,
    );
    expect(audit.team.auditEvents.edges).toHaveLength(2);
    expect(audit.team.auditEvents.edges[0]!.node.reason).toMatch(/single sign-on/);
  });

  it('R3: the policy is team-wide; a team that allows only another method refuses passwords', async () => {
    const a = await t.createTeam();
    await ok(
      t,
      'mutation($id: ID!) { setSignInPolicy(teamId: $id, policy: { methods: ["magic"], ssoRequired: false }) { id } }',
      { id: a.teamId },
      a.ownerToken,
    );
    const r = await login(`owner@${a.slug}.example.com`);
    expect(((await r.json()) as { error: string }).error).toBe('SIGN_IN_METHOD_NOT_ALLOWED');
  });
});

describe('password sign-in', () => {
  it('R19: wrong passwords are refused and audited; after 10 in 15 minutes even the right one waits (429)', async () => {
    const a = await t.createTeam();
    const email = `owner@${a.slug}.example.com`;
    for (let i = 0; i < 10; i++) expect((await login(email, 'wrong')).status).toBe(401);
    const r = await login(email);
    expect(r.status).toBe(429);
    expect(((await r.json()) as { error: string }).error).toBe('TOO_MANY_ATTEMPTS');
    // Another account is not affected.
    await t.addMember(a.teamId, `other@${a.slug}.example.com`);
    expect((await login(`other@${a.slug}.example.com`)).status).toBe(200);
  });
});

describe('member lifecycle', () => {
  it('R7: deactivation ends existing sessions at once and refuses sign-in; reactivation restores access', async () => {
    const a = await t.createTeam();
    const m = await t.addMember(a.teamId, `leaver@${a.slug}.example.com`);
    expect((await ok<{ me: { login: string } | null }>(t, '{ me { login } }', {}, m.token)).me?.login).toBe(`leaver@${a.slug}.example.com`);
    await ok(t, DEACTIVATE, { id: m.membershipId }, a.ownerToken);
    expect((await ok<{ me: null }>(t, '{ me { login } }', {}, m.token)).me).toBeNull();
    expect(((await (await login(`leaver@${a.slug}.example.com`)).json()) as { error: string }).error).toBe('MEMBER_INACTIVE');
    await ok(t, REACTIVATE, { id: m.membershipId }, a.ownerToken);
    expect((await login(`leaver@${a.slug}.example.com`)).status).toBe(200);
  });

  it('R8: admins cannot change an inactive member’s role, credit limit or groups, but can remove them', async () => {
    const a = await t.createTeam();
    const m = await t.addMember(a.teamId, `frozen@${a.slug}.example.com`);
    const lic = await licenses(t, a.teamId, a.ownerToken);
    await ok(t, DEACTIVATE, { id: m.membershipId }, a.ownerToken);
    expect(
      await errorCode(
        t,
        'mutation($id: ID!) { updateMember(id: $id, input: { role: admin }) { id } }',
        { id: m.membershipId },
        a.ownerToken,
      ),
    ).toBe('MEMBER_INACTIVE');
    expect(
      await errorCode(
        t,
        'mutation($id: ID!) { updateMember(id: $id, input: { creditLimit: 5 }) { id } }',
        { id: m.membershipId },
        a.ownerToken,
      ),
    ).toBe('MEMBER_INACTIVE');
    expect(await errorCode(t, ADD_TO_GROUP, { id: lic.salesperson!.groupId, ids: [m.membershipId] }, a.ownerToken)).toBe('MEMBER_INACTIVE');
    expect(await ok(t, 'mutation($id: ID!) { removeMember(id: $id) }', { id: m.membershipId }, a.ownerToken)).toEqual({
      removeMember: true,
    });
  });

  it('R8: an active member’s role and credit limit can change', async () => {
    const a = await t.createTeam();
    const m = await t.addMember(a.teamId, `active@${a.slug}.example.com`);
    const d = await ok<{ updateMember: { role: string; creditLimit: number } }>(
      t,
      'mutation($id: ID!) { updateMember(id: $id, input: { role: admin, creditLimit: 250 }) { role creditLimit } }',
      { id: m.membershipId },
      a.ownerToken,
    );
    expect(d.updateMember).toEqual({ role: 'admin', creditLimit: 250 });
  });

  it('the last active owner cannot be deactivated or removed', async () => {
    const a = await t.createTeam();
    expect(await errorCode(t, DEACTIVATE, { id: a.ownerId }, a.ownerToken)).toBe('LAST_OWNER');
  });
});

describe('sessions', () => {
  it('R18: deleting a connection ends the sessions it issued, and only those', async () => {
    const a = await t.createTeam();
    const m = await t.addMember(a.teamId, `sso@${a.slug}.example.com`);
    const viaSso = await t.core.sessions.create(t.core.em(), {
      userId: (await t.core.members.get(a.teamId, m.membershipId)).user.id,
      teamId: a.teamId,
      membershipId: m.membershipId,
      method: 'saml',
      connectionId: 'conn-1',
    });
    expect(await t.core.sessions.resolve(viaSso.token)).not.toBeNull();
    expect(await t.core.sessions.revokeForConnection(a.teamId, 'conn-1')).toBe(1);
    expect(await t.core.sessions.resolve(viaSso.token)).toBeNull();
    expect(await t.core.sessions.resolve(m.token)).not.toBeNull();
  });
});
