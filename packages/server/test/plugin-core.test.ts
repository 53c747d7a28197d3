/**
 * #15.4: the SDK is the whole contract. What a plugin gets as `ctx.core` is the SDK's interfaces,
 * built by the host over the core: no ORM, no core object, no entity ever crosses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, definePlugin, type PluginCore } from '@roster/plugin-sdk';
import { startTestRoster, type TestRoster } from '@roster/server/testing';

const isPlain = (value: unknown) => typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

describe('#15.4: ctx.core is the SDK contract', () => {
  let t: TestRoster;
  let core!: PluginCore;

  beforeAll(async () => {
    const probe = definePlugin({
      name: 'contract-probe',
      version: '1.0.0',
      setup(ctx) {
        core = ctx.core;
      },
    });
    t = await startTestRoster({ plugins: [probe] });
  });
  afterAll(() => t?.close());

  it('#15.4: holds the SDK interfaces only — no ORM, raw SQL runner of the core, node cache or core object', () => {
    expect(Object.keys(core).sort()).toEqual(
      [
        'audit',
        'db',
        'domains',
        'flows',
        'groups',
        'members',
        'replay',
        'rows',
        'secrets',
        'sessions',
        'signInMethods',
        'teams',
        'tokens',
      ].sort(),
    );
    for (const name of ['orm', 'em', 'read', 'hooks', 'seats', 'signIn', 'throttle']) expect(name in core).toBe(false);
    expect(core.members).not.toBe(t.core.members);
    expect(Object.isFrozen(core)).toBe(true);
  });

  it('#15.4: answers are plain records, never the core entities', async () => {
    const team = await t.createTeam();
    const teamRecord = await core.teams.get(team.teamId);
    expect(isPlain(teamRecord)).toBe(true);
    expect(teamRecord).toMatchObject({ id: team.teamId, slug: team.slug, signInPolicy: { ssoRequired: false } });
    expect(await core.teams.find('00000000-0000-4000-8000-000000000000')).toBeNull();

    const m = await core.members.provision(
      team.teamId,
      { userName: 'ada@contract.example', email: 'ada@contract.example', givenName: 'Ada' },
      SYSTEM_ACTOR,
    );
    expect(isPlain(m)).toBe(true);
    expect(m).toMatchObject({
      teamId: team.teamId,
      userName: 'ada@contract.example',
      status: 'active',
      givenName: 'Ada',
      email: 'ada@contract.example',
    });

    let seen: unknown;
    const synced = await core.members.sync(
      team.teamId,
      m.id,
      (current) => {
        seen = current;
        return { familyName: 'Lovelace' };
      },
      SYSTEM_ACTOR,
    );
    expect(isPlain(seen)).toBe(true);
    expect(isPlain(synced.member)).toBe(true);
    expect(synced).toMatchObject({ changed: ['familyName'], member: { familyName: 'Lovelace' } });

    const g = await core.groups.create(team.teamId, { displayName: 'Engineers' }, SYSTEM_ACTOR);
    expect(isPlain(g)).toBe(true);
    await core.db.em().transactional((tx) => core.groups.changeMembers(tx, team.teamId, g.id, { add: [m.id] }, SYSTEM_ACTOR));

    const { token, secret } = await core.tokens.create(team.teamId, 'probe', 'scim', SYSTEM_ACTOR);
    expect(isPlain(token)).toBe(true);
    expect(await core.tokens.verify(secret, 'scim')).toMatchObject({ id: token.id, teamId: team.teamId });
    expect(await core.tokens.find(team.teamId, token.id, 'scim')).toMatchObject({ id: token.id, name: 'probe' });
    await core.tokens.revoke(team.teamId, token.id, SYSTEM_ACTOR);
    expect(await core.tokens.find(team.teamId, token.id, 'scim')).toBeNull();
  });

  it('#15.4: sessions — an SSO handle is taken once; IdP logout ends the sessions of a subject (and session index)', async () => {
    const team = await t.createTeam();
    const member = await t.addMember(team.teamId, 'sso@contract.example');
    const connectionId = '11111111-1111-4111-8111-111111111111';
    const session = async (sessionIndex: string) => {
      const { token, session: s } = await t.core.sessions.create(t.core.em(), {
        userId: (await t.core.members.get(team.teamId, member.membershipId)).user.id,
        teamId: team.teamId,
        membershipId: member.membershipId,
        method: 'sso',
        connectionId,
      });
      await t.core
        .em()
        .execute('update session set sso = ? where id = ?', [JSON.stringify({ subject: 'sso-subject', sessionIndex }), s.id]);
      return token;
    };
    const first = await session('idx-1');
    expect(await core.sessions.takeSsoHandle(first, connectionId)).toEqual({ subject: 'sso-subject', sessionIndex: 'idx-1' });
    expect(await core.sessions.takeSsoHandle(first, connectionId)).toBeNull();

    await session('idx-2');
    await session('idx-3');
    expect(await core.sessions.revokeBySsoHandle(connectionId, 'sso-subject', ['idx-2'])).toBe(1);
    expect(await core.sessions.revokeBySsoHandle(connectionId, 'sso-subject', ['idx-2'])).toBe(0);
    expect(await core.sessions.revokeBySsoHandle(connectionId, 'sso-subject', [])).toBe(1);
  });

  it('#15.4: audit — record joins the plugin transaction, write stands alone', async () => {
    const team = await t.createTeam();
    await core.audit.write(SYSTEM_ACTOR, { teamId: team.teamId, action: 'probe.written' });
    await core.db.em().transactional(async (tx) => core.audit.record(tx, SYSTEM_ACTOR, { teamId: team.teamId, action: 'probe.recorded' }));
    const rolledBack = core.db.em().transactional(async (tx) => {
      core.audit.record(tx, SYSTEM_ACTOR, { teamId: team.teamId, action: 'probe.rolled-back' });
      await tx.flush();
      throw new Error('abort');
    });
    await expect(rolledBack).rejects.toThrow('abort');
    const rows = await core.db.read<{ action: string }>(
      'select action from audit_event where team_id = ? and action like ? order by action',
      [team.teamId, 'probe.%'],
    );
    expect(rows.map((r) => r.action)).toEqual(['probe.recorded', 'probe.written']);
  });
});
