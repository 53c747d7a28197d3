import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { SYSTEM_ACTOR, SignInMethodRegistry, coreMigrations, isRosterError } from '@roster/core';
import { definePlugin, type RosterPlugin, type SignInApi } from '@roster/plugin-sdk';
import { errorCode, ok } from './helpers.js';

/** Declares an SSO method and a non-SSO one, and keeps the sign-in API a plugin gets. */
let signIn: SignInApi;
const probe = definePlugin({
  name: 'probe',
  version: '0.0.0',
  signInMethods: [
    { id: 'corp-sso', label: 'Corporate SSO', sso: true },
    { id: 'magic', label: 'Magic word', sso: false, allowedByDefault: true },
    { id: 'later', label: 'Off by default', sso: false },
  ],
  setup(ctx) {
    signIn = ctx.signIn;
  },
}) as RosterPlugin<unknown>;

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster({ plugins: [probe] });
});
afterAll(async () => {
  await t?.close();
});

const SET_POLICY =
  'mutation($id: ID!, $p: SignInPolicyInput!) { setSignInPolicy(teamId: $id, policy: $p) { signInPolicy { methods ssoRequired jitProvisioning } } }';
const POLICY = 'query($id: ID!) { team(id: $id) { signInPolicy { methods ssoRequired jitProvisioning } } }';

async function refusals(teamId: string): Promise<Array<{ reason: string; code: string; channel: string; target_id: string | null }>> {
  return t.core
    .em()
    .execute(
      "select reason, data->>'code' as code, channel, target_id from audit_event where team_id = ? and action = 'signin.refused' order by at",
      [teamId],
    );
}

describe('#15.1 sign-in methods are declared, and policies list them by id', () => {
  it('#15.1: the server lists the core’s password and each plugin’s methods, with whether they count as SSO', async () => {
    const r = await t.gql<{ signInMethods: Array<{ id: string; sso: boolean; declaredBy: string }> }>(
      '{ signInMethods { id label sso declaredBy } }',
    );
    expect(r.data?.signInMethods).toEqual([
      { id: 'password', label: 'Password', sso: false, declaredBy: 'core' },
      { id: 'corp-sso', label: 'Corporate SSO', sso: true, declaredBy: 'probe' },
      { id: 'magic', label: 'Magic word', sso: false, declaredBy: 'probe' },
      { id: 'later', label: 'Off by default', sso: false, declaredBy: 'probe' },
    ]);
  });

  it('#15.1: a new team allows the methods declared allowedByDefault, not the others', async () => {
    const a = await t.createTeam();
    const d = await ok<{ team: { signInPolicy: { methods: string[] } } }>(t, POLICY, { id: a.teamId }, a.ownerToken);
    expect(d.team.signInPolicy.methods).toEqual(['password', 'magic']);
  });

  it('#15.1: a policy lists any declared method by id; an unknown id is refused with SIGN_IN_METHOD_UNKNOWN and changes nothing', async () => {
    const a = await t.createTeam();
    const set = await ok<{ setSignInPolicy: { signInPolicy: { methods: string[] } } }>(
      t,
      SET_POLICY,
      { id: a.teamId, p: { methods: ['later', 'password', 'later'], ssoRequired: false } },
      a.ownerToken,
    );
    expect(set.setSignInPolicy.signInPolicy.methods).toEqual(['later', 'password']);
    for (const unknown of ['sso', 'email-link', 'PASSWORD'])
      expect(
        await errorCode(t, SET_POLICY, { id: a.teamId, p: { methods: ['password', unknown], ssoRequired: false } }, a.ownerToken),
      ).toBe('SIGN_IN_METHOD_UNKNOWN');
    const d = await ok<{ team: { signInPolicy: { methods: string[] } } }>(t, POLICY, { id: a.teamId }, a.ownerToken);
    expect(d.team.signInPolicy.methods).toEqual(['later', 'password']);
  });

  it('#15.1: the guard still holds: no method at all, or SSO required without an SSO method, is refused (nobody, admins included, could sign in)', async () => {
    const a = await t.createTeam();
    expect(await errorCode(t, SET_POLICY, { id: a.teamId, p: { methods: [], ssoRequired: false } }, a.ownerToken)).toBe('BAD_USER_INPUT');
    expect(await errorCode(t, SET_POLICY, { id: a.teamId, p: { methods: ['password', 'magic'], ssoRequired: true } }, a.ownerToken)).toBe(
      'BAD_USER_INPUT',
    );
    const d = await ok<{ team: { signInPolicy: { methods: string[]; ssoRequired: boolean } } }>(t, POLICY, { id: a.teamId }, a.ownerToken);
    expect(d.team.signInPolicy).toMatchObject({ methods: ['password', 'magic'], ssoRequired: false });
  });

  it('#15.1 (R3): "SSO required" turns off every non-SSO method, whoever declared it, even when listed', async () => {
    const a = await t.createTeam();
    const m = await t.addMember(a.teamId, `sso-req@${a.slug}.example.com`);
    await ok(t, SET_POLICY, { id: a.teamId, p: { methods: ['password', 'magic', 'corp-sso'], ssoRequired: true } }, a.ownerToken);
    expect(await signIn.canSignIn({ memberId: m.membershipId }, 'magic')).toMatchObject({ ok: false, code: 'SSO_REQUIRED' });
    expect(await signIn.canSignIn({ memberId: m.membershipId }, 'password')).toMatchObject({ ok: false, code: 'SSO_REQUIRED' });
    expect(await signIn.canSignIn({ memberId: m.membershipId }, 'corp-sso')).toEqual({ ok: true });
    // The plugin's own method, handed over with a member it identified, is refused and audited.
    const out = await signIn.complete({ memberId: m.membershipId, method: 'magic' });
    expect(out).toMatchObject({ ok: false, code: 'SSO_REQUIRED' });
    // Password sign-in over HTTP is refused the same way.
    const r = await fetch(`${t.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `sso-req@${a.slug}.example.com`, password: 'test-password' }),
    });
    expect(((await r.json()) as { error: string }).error).toBe('SSO_REQUIRED');
    expect((await refusals(a.teamId)).map((e) => [e.channel, e.code]).sort()).toEqual([
      ['magic', 'SSO_REQUIRED'],
      ['password', 'SSO_REQUIRED'],
    ]);
  });

  it('#15.1: a boot declaring a malformed or duplicate method id fails with a code', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isRosterError(e) ? e.code : String(e);
      }
      return 'no error';
    };
    const m = { label: 'X', sso: false, declaredBy: 'p' };
    expect(code(() => new SignInMethodRegistry([{ ...m, id: 'Bad Id' }]))).toBe('SIGN_IN_METHOD_INVALID');
    expect(code(() => new SignInMethodRegistry([{ ...m, id: 'password' }]))).toBe('SIGN_IN_METHOD_DUPLICATE');
    expect(
      code(
        () =>
          new SignInMethodRegistry([
            { ...m, id: 'x' },
            { ...m, id: 'x', declaredBy: 'q' },
          ]),
      ),
    ).toBe('SIGN_IN_METHOD_DUPLICATE');
    expect(code(() => new SignInMethodRegistry([{ ...m, id: 'x' }]))).toBe('no error');
  });

  it('#15.1: core/0007 moves the old "sso" to the SSO protocols’ ids without losing a method or a flag', async () => {
    const migration = coreMigrations.find((x) => x.name === 'core/0007-sign-in-methods')!;
    const old = [
      { methods: ['password', 'google', 'sso'], ssoRequired: false, jitProvisioning: false },
      { methods: ['sso'], ssoRequired: true, jitProvisioning: true },
      { methods: ['password'], ssoRequired: false, jitProvisioning: false },
      { methods: ['google'], ssoRequired: false, jitProvisioning: true },
    ];
    const ids: string[] = [];
    for (const policy of old) {
      const team = await t.core.teams.create({ slug: `mig-${Math.random().toString(36).slice(2, 10)}`, name: 'Old' }, SYSTEM_ACTOR);
      await t.core.em().execute('update team set sign_in_policy = ?::jsonb where id = ?', [JSON.stringify(policy), team.id]);
      ids.push(team.id);
    }
    // Only these teams are old-style: the migration is re-run on them as a fresh database would.
    const onlyThese = migration.sql.replace(/;\s*$/, ')').replace(/\nwhere /, `\nwhere id in (${ids.map(() => '?').join(', ')}) and (`);
    await t.core.em().execute(onlyThese, ids);
    const rows = await t.core
      .em()
      .execute<Array<{ id: string; sign_in_policy: unknown }>>(
        `select id, sign_in_policy from team where id in (${ids.map(() => '?').join(', ')})`,
        ids,
      );
    const after = ids.map((id) => rows.find((r) => r.id === id)!.sign_in_policy);
    expect(after).toEqual([
      { methods: ['password', 'google', 'saml', 'oidc', 'wsfed'], ssoRequired: false, jitProvisioning: false },
      { methods: ['saml', 'oidc', 'wsfed'], ssoRequired: true, jitProvisioning: true },
      { methods: ['password'], ssoRequired: false, jitProvisioning: false },
      { methods: ['google'], ssoRequired: false, jitProvisioning: true },
    ]);
  });
});

describe('#15.5 the core answers plugins that identify members themselves', () => {
  it('#15.5: findMember finds a member of a team by email (normalised), by team id or slug, and nobody in another team', async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    const m = await t.addMember(a.teamId, `Find.Me@${a.slug}.example.com`);
    const found = await signIn.findMember({ team: { slug: a.slug.toUpperCase() }, email: `  find.me@${a.slug}.EXAMPLE.com ` });
    expect(found).toMatchObject({ memberId: m.membershipId, teamId: a.teamId, userId: expect.any(String), active: true });
    expect([found!.userName.toLowerCase(), found!.email?.toLowerCase()]).toEqual([
      `find.me@${a.slug}.example.com`,
      `find.me@${a.slug}.example.com`,
    ]);
    expect(await signIn.findMember({ team: { id: a.teamId }, email: `find.me@${a.slug}.example.com` })).toMatchObject({
      memberId: m.membershipId,
    });
    expect(await signIn.findMember({ team: { id: b.teamId }, email: `find.me@${a.slug}.example.com` })).toBeNull();
    expect(await signIn.findMember({ team: { id: 'not-a-uuid' }, email: `find.me@${a.slug}.example.com` })).toBeNull();
    expect(await signIn.findMember({ team: { slug: a.slug }, email: `nobody@${a.slug}.example.com` })).toBeNull();
  });

  it('#15.5: complete({ memberId, method }) opens a session for an identified member, audited on the method’s channel', async () => {
    const a = await t.createTeam();
    const m = await t.addMember(a.teamId, `linked@${a.slug}.example.com`);
    expect(await signIn.canSignIn({ memberId: m.membershipId }, 'magic')).toEqual({ ok: true });
    const out = await signIn.complete({ memberId: m.membershipId, method: 'magic', requestId: 'req-1' });
    if (!out.ok) throw new Error(out.reason);
    expect(out).toMatchObject({ membershipId: m.membershipId, teamId: a.teamId });
    const me = await ok<{ me: { login: string } }>(t, '{ me { login } }', {}, out.token);
    expect(me.me.login).toBe(`linked@${a.slug}.example.com`);
    const [session] = await t.core
      .em()
      .execute('select method, connection_id from session where membership_id = ? and method = ?', [m.membershipId, 'magic']);
    expect(session).toEqual({ method: 'magic', connection_id: 'magic' });
    const [ev] = await t.core
      .em()
      .execute("select channel, target_id, request_id from audit_event where team_id = ? and action = 'signin.succeeded'", [a.teamId]);
    expect(ev).toEqual({ channel: 'magic', target_id: m.membershipId, request_id: 'req-1' });
  });

  it('#15.5: canSignIn and complete refuse a method the policy does not list, an unknown method, an inactive member, an unknown id — each refusal audited with its code', async () => {
    const a = await t.createTeam();
    const m = await t.addMember(a.teamId, `refused@${a.slug}.example.com`);
    expect(await signIn.canSignIn({ memberId: m.membershipId }, 'later')).toMatchObject({ ok: false, code: 'SIGN_IN_METHOD_NOT_ALLOWED' });
    expect(await signIn.canSignIn({ memberId: m.membershipId }, 'nope')).toMatchObject({ ok: false, code: 'SIGN_IN_METHOD_UNKNOWN' });
    expect(await signIn.canSignIn({ memberId: '00000000-0000-4000-8000-000000000000' }, 'magic')).toMatchObject({
      ok: false,
      code: 'NOT_PROVISIONED',
    });
    expect(await signIn.canSignIn({ memberId: "'; drop table team; --" }, 'magic')).toMatchObject({ ok: false, code: 'NOT_PROVISIONED' });
    expect(await signIn.complete({ memberId: m.membershipId, method: 'later' })).toMatchObject({
      ok: false,
      code: 'SIGN_IN_METHOD_NOT_ALLOWED',
    });
    expect(await signIn.complete({ memberId: m.membershipId, method: 'nope' })).toMatchObject({
      ok: false,
      code: 'SIGN_IN_METHOD_UNKNOWN',
    });
    await t.core.members.setActive(a.teamId, m.membershipId, false, SYSTEM_ACTOR);
    expect(await signIn.canSignIn({ memberId: m.membershipId }, 'magic')).toMatchObject({ ok: false, code: 'MEMBER_INACTIVE' });
    expect(await signIn.complete({ memberId: m.membershipId, method: 'magic' })).toMatchObject({ ok: false, code: 'MEMBER_INACTIVE' });
    expect((await refusals(a.teamId)).map((e) => [e.code, e.target_id]).sort()).toEqual([
      ['MEMBER_INACTIVE', m.membershipId],
      ['SIGN_IN_METHOD_NOT_ALLOWED', m.membershipId],
      ['SIGN_IN_METHOD_UNKNOWN', m.membershipId],
    ]);
    const [sessions] = await t.core
      .em()
      .execute('select count(*)::int as n from session where membership_id = ? and method <> ?', [m.membershipId, 'password']);
    expect(sessions).toEqual({ n: 0 });
  });
});
