import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin } from '@roster/plugin-sdk';
import { scimPlugin } from '@roster/plugin-scim';
import { startTestRoster, type TestRoster } from '@roster/server/testing';

/**
 * Hooks run after the change commits (HookBus): a plugin's hook that throws or rejects cannot
 * turn the committed change into a 500. It is logged with the plugin and the hook, counted in
 * roster_plugin_hook_failures_total, and the hooks after it still run.
 */
const heard: string[] = [];
const brittle = definePlugin({
  name: 'brittle',
  version: '1.0.0',
  setup(ctx) {
    ctx.on('memberProvisioned', async () => {
      await Promise.resolve();
      throw new Error('webhook endpoint down');
    });
    ctx.on('memberDeactivated', () => {
      throw new Error('sync crashed');
    });
  },
});
const steady = definePlugin({
  name: 'steady',
  version: '1.0.0',
  setup(ctx) {
    ctx.on('memberProvisioned', ({ membershipId }) => void heard.push(`provisioned ${membershipId}`));
    ctx.on('memberDeactivated', ({ membershipId }) => void heard.push(`deactivated ${membershipId}`));
  },
});

let t: TestRoster;
beforeAll(async () => {
  // Expected failures: their error lines are asserted below, not echoed.
  t = await startTestRoster({ plugins: [scimPlugin(), brittle, steady], echoErrors: false });
});
afterAll(async () => {
  await t?.close();
});

const failuresMetric = async (hook: string): Promise<number> => {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`roster_plugin_hook_failures_total{plugin="brittle",hook="${hook}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
};

describe('plugin hooks (ctx.on) that fail', () => {
  it('#15.6: a rejecting memberProvisioned hook leaves a SCIM create a 201, logged and counted', async () => {
    const team = await t.createTeam();
    const before = await failuresMetric('memberProvisioned');
    const token = (
      await t.gql<{ createScimToken: { secret: string } }>(
        'mutation($t: ID!) { createScimToken(teamId: $t, name: "idp") { secret } }',
        { t: team.teamId },
        { token: team.ownerToken },
      )
    ).data!.createScimToken.secret;
    const r = await fetch(`${t.url}/scim/v2/${team.teamId}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `ada@${team.slug}.example.com`,
        active: true,
      }),
    });
    expect(r.status).toBe(201);
    const id = ((await r.json()) as { id: string }).id;
    expect((await fetch(`${t.url}/scim/v2/${team.teamId}/Users/${id}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    expect(heard).toContain(`provisioned ${id}`);
    const line = t.logs('brittle').find((l) => l.hook === 'memberProvisioned' && JSON.stringify(l.event).includes(id));
    expect(line).toMatchObject({
      level: 50,
      plugin: 'brittle',
      hook: 'memberProvisioned',
      msg: 'plugin brittle: hook memberProvisioned failed (the change stands)',
    });
    expect(JSON.stringify(line)).toContain('webhook endpoint down');
    expect(await failuresMetric('memberProvisioned')).toBe(before + 1);
  });

  it('#15.6: a throwing memberDeactivated hook leaves the GraphQL deactivation committed and answered', async () => {
    const team = await t.createTeam();
    const m = await t.addMember(team.teamId, `grace@${team.slug}.example.com`);
    const r = await t.gql<{ deactivateMember: { status: string } }>(
      'mutation($id: ID!) { deactivateMember(id: $id) { status } }',
      { id: m.membershipId },
      { token: team.ownerToken },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.deactivateMember.status).toBe('inactive');
    const [row] = await t.core.read<{ status: string }>('select status from membership where id = ?', [m.membershipId]);
    expect(row?.status).toBe('inactive');
    expect(heard).toContain(`deactivated ${m.membershipId}`);
    expect(t.logs('brittle').filter((l) => l.hook === 'memberDeactivated')).toHaveLength(1);
    expect(await failuresMetric('memberDeactivated')).toBe(1);
  });
});
