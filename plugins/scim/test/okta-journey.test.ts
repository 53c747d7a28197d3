/**
 * A full Okta provisioning lifecycle, request by request as Okta sends it (lookup before
 * create, pathless `replace` for profile and deactivation, Push Groups, Link Group to a license
 * app group, `{id, displayName}` renames, remove+add in one PATCH), with the admin's GraphQL
 * view asserted after each step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster } from '@roster/server/testing';
import {
  CORE_GROUP,
  CORE_USER,
  LICENSE,
  auditEvents,
  client,
  gqlOk,
  patchOp,
  startScimRoster,
  teamView,
  type Json,
  type ScimClient,
  type TeamView,
} from './support.js';

const OKTA_HEADERS = { 'user-agent': 'Okta SCIM Client 1.0.0', accept: 'application/scim+json' };

let t: TestRoster;
let team: { teamId: string; slug: string; ownerToken: string };
let okta: ScimClient;
let tokenId: string;
const ids: Record<string, string> = {};
let engineering = '';
let salesperson = '';

beforeAll(async () => {
  t = await startScimRoster();
  team = await t.createTeam(undefined, { salesperson: 2 });
});
afterAll(async () => {
  await t?.close();
});

const view = (): Promise<TeamView> => teamView(t, team.teamId, team.ownerToken);

/** Okta's user body on "Push Users". */
function oktaUser(login: string, given: string, family: string): Json {
  return {
    schemas: [CORE_USER],
    userName: login,
    name: { givenName: given, familyName: family },
    emails: [{ primary: true, value: login, type: 'work' }],
    displayName: `${given} ${family}`,
    locale: 'en-US',
    externalId: `00u${given.toLowerCase()}`,
    groups: [],
    password: 'never-stored',
    active: true,
  };
}

/** Okta: look the user up by userName, create only when absent. */
async function push(login: string, given: string, family: string): Promise<string> {
  const found = await okta.get<{ totalResults: number }>(
    `/Users?filter=${encodeURIComponent(`userName eq "${login}"`)}&startIndex=1&count=100`,
  );
  expect(found.status).toBe(200);
  expect(found.json.totalResults).toBe(0);
  const created = await okta.post<{ id: string; active: boolean }>('/Users', oktaUser(login, given, family));
  expect(created.status).toBe(201);
  expect(created.headers.get('location')).toMatch(new RegExp(`/scim/v2/${team.slug}/Users/${created.json.id}$`));
  return created.json.id;
}

describe('Okta lifecycle', () => {
  it('R17: the admin creates a SCIM token in GraphQL and sees the base URL to paste into Okta', async () => {
    const d = await gqlOk<{ createScimToken: { secret: string; token: { id: string; name: string } } }>(
      t,
      'mutation($t: ID!) { createScimToken(teamId: $t, name: "Okta production") { secret token { id name } } }',
      { t: team.teamId },
      team.ownerToken,
    );
    tokenId = d.createScimToken.token.id;
    const s = await gqlOk<{ team: { scim: { baseUrl: string; tokens: Array<{ id: string; name: string; lastUsedAt: string | null }> } } }>(
      t,
      'query($id: ID!) { team(id: $id) { scim { baseUrl tokens { id name lastUsedAt } } } }',
      { id: team.teamId },
      team.ownerToken,
    );
    expect(s.team.scim.baseUrl).toMatch(new RegExp(`/scim/v2/${team.slug}$`));
    expect(s.team.scim.tokens).toEqual([{ id: tokenId, name: 'Okta production', lastUsedAt: null }]);
    okta = client({ base: `${t.url}/scim/v2/${team.slug}`, token: d.createScimToken.secret }, OKTA_HEADERS);
    // Okta's "Test Connector Configuration".
    const probe = await okta.get<{ totalResults: number }>('/Users?startIndex=1&count=2');
    expect(probe.status).toBe(200);
    expect(probe.json.totalResults).toBe(1); // the owner
  });

  it('R5: Push Users — lookup by userName, then create; each person is an active member at once', async () => {
    ids.alice = await push('alice@acme.example', 'Alice', 'Archer');
    ids.bob = await push('bob@acme.example', 'Bob', 'Baker');
    ids.carol = await push('carol@acme.example', 'Carol', 'Cole');
    ids.dave = await push('dave@acme.example', 'Dave', 'Dunn');
    const v = await view();
    expect(v.members['alice@acme.example']).toMatchObject({
      id: ids.alice,
      status: 'active',
      email: 'alice@acme.example',
      givenName: 'Alice',
      familyName: 'Archer',
      displayName: 'Alice Archer',
      externalId: '00ualice',
    });
    expect(v.members['alice@acme.example']!.attributes).toMatchObject({ locale: 'en-US' });
    expect(JSON.stringify(v.members['alice@acme.example']!.attributes)).not.toContain('never-stored');
    expect(Object.keys(v.members)).toHaveLength(5);
    // Okta's repeated push of the same person is a 409 uniqueness, not a second member.
    const again = await okta.post<{ status: string; scimType: string }>('/Users', oktaUser('Alice@ACME.example', 'Alice', 'Archer'));
    expect([again.status, again.json.scimType]).toEqual([409, 'uniqueness']);
  });

  it('R6: Update User Attributes — a pathless replace of name and title updates the profile', async () => {
    const r = await okta.patch(
      `/Users/${ids.alice}`,
      patchOp({
        op: 'replace',
        value: { name: { givenName: 'Alicia', familyName: 'Archer' }, title: 'Account Executive', displayName: 'Alicia Archer' },
      }),
    );
    expect(r.status).toBe(204);
    const v = await view();
    expect(v.members['alice@acme.example']).toMatchObject({ givenName: 'Alicia', displayName: 'Alicia Archer', status: 'active' });
    expect(v.members['alice@acme.example']!.attributes).toMatchObject({ title: 'Account Executive', locale: 'en-US' });
    // Okta apps that PUT the whole user get the same result.
    const put = await okta.put<Json>(`/Users/${ids.bob}`, { ...oktaUser('bob@acme.example', 'Robert', 'Baker'), title: 'SDR' });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ userName: 'bob@acme.example', name: { givenName: 'Robert' }, title: 'SDR', active: true });
    expect((await view()).members['bob@acme.example']).toMatchObject({ givenName: 'Robert', status: 'active' });
  });

  it("R7: Deactivate — replace {active:false} ends the member's sessions at once; reactivation restores access", async () => {
    const m = await t.core.members.get(team.teamId, ids.dave!);
    const { token } = await t.core.sessions.create(t.core.em(), {
      userId: m.user.id,
      teamId: team.teamId,
      membershipId: m.id,
      method: 'sso',
    });
    const me = () => gqlOk<{ me: { login: string } | null }>(t, '{ me { login } }', {}, token);
    expect((await me()).me?.login).toBe('dave@acme.example');
    const off = await okta.patch(`/Users/${ids.dave}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(off.status).toBe(204);
    expect((await view()).members['dave@acme.example']!.status).toBe('inactive');
    expect((await me()).me).toBeNull();
    const scimView = await okta.get<{ active: boolean }>(`/Users/${ids.dave}`);
    expect(scimView.json.active).toBe(false);
    const on = await okta.patch(`/Users/${ids.dave}`, patchOp({ op: 'replace', value: { active: true } }));
    expect(on.status).toBe(204);
    expect((await view()).members['dave@acme.example']!.status).toBe('active');
  });

  it('R16: Push Groups — a pushed group and its memberships appear in GraphQL', async () => {
    const r = await okta.post<{ id: string; members: Array<{ value: string; display: string }> }>('/Groups', {
      schemas: [CORE_GROUP],
      displayName: 'Engineering',
      members: [
        { value: ids.alice, display: 'alice@acme.example' },
        { value: ids.bob, display: 'bob@acme.example' },
      ],
    });
    expect(r.status).toBe(201);
    engineering = r.json.id;
    expect(r.json.members.map((m) => m.display).sort()).toEqual(['alice@acme.example', 'bob@acme.example']);
    const v = await view();
    expect(v.groups.Engineering).toEqual({ id: engineering, memberCount: 2, licenseType: null });
    expect(v.members['alice@acme.example']!.groups).toEqual(['Engineering']);
    // Okta's membership update: remove bob and add carol in one request, rename resent with it.
    const p = await okta.patch(
      `/Groups/${engineering}`,
      patchOp(
        { op: 'remove', path: `members[value eq "${ids.bob}"]` },
        { op: 'add', path: 'members', value: [{ value: ids.carol, display: 'carol@acme.example' }] },
        { op: 'replace', value: { id: engineering, displayName: 'Engineering' } },
      ),
    );
    expect(p.status).toBe(204);
    const after = await view();
    expect(after.groups.Engineering!.memberCount).toBe(2);
    expect(after.members['bob@acme.example']!.groups).toEqual([]);
    expect(after.members['carol@acme.example']!.groups).toEqual(['Engineering']);
  });

  it('R16: renaming a pushed group and a full members replace keep GraphQL in step', async () => {
    const p = await okta.patch(`/Groups/${engineering}`, patchOp({ op: 'replace', value: { id: engineering, displayName: 'R&D' } }));
    expect(p.status).toBe(204);
    const r = await okta.patch(
      `/Groups/${engineering}`,
      patchOp({ op: 'replace', path: 'members', value: [{ value: ids.bob }, { value: ids.carol }] }),
    );
    expect(r.status).toBe(204);
    const v = await view();
    expect(v.groups['R&D']).toMatchObject({ id: engineering, memberCount: 2 });
    expect(v.groups.Engineering).toBeUndefined();
    expect(v.members['alice@acme.example']!.groups).toEqual([]);
    expect(v.members['bob@acme.example']!.groups).toEqual(['R&D']);
  });

  it('R15: GET /Groups lists the license app groups so Okta "Link Group" can bind to them', async () => {
    const r = await okta.get<{ Resources: Array<{ id: string; displayName: string }> }>(
      '/Groups?startIndex=1&count=100&excludedAttributes=members',
    );
    expect(r.status).toBe(200);
    const names = r.json.Resources.map((g) => g.displayName);
    expect(names).toEqual(expect.arrayContaining(['Salesperson', 'Prep User', 'Manager', 'R&D']));
    salesperson = r.json.Resources.find((g) => g.displayName === 'Salesperson')!.id;
    expect((await view()).licenses.salesperson!.groupId).toBe(salesperson);
  });

  it('R13/R15: Link Group — Okta renames the app group and pushes members; the link follows the id and requests the license', async () => {
    const rename = await okta.patch(
      `/Groups/${salesperson}`,
      patchOp({ op: 'replace', value: { id: salesperson, displayName: 'Okta Sales Team' } }),
    );
    expect(rename.status).toBe(204);
    // One at a time, as Okta pushes each assignment: the request order is the FIFO order.
    for (const who of ['alice', 'bob'] as const) {
      const r = await okta.patch(
        `/Groups/${salesperson}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: ids[who], display: `${who}@acme.example` }] }),
      );
      expect(r.status).toBe(204);
    }
    const v = await view();
    expect(v.groups['Okta Sales Team']).toEqual({ id: salesperson, memberCount: 2, licenseType: 'salesperson' });
    expect(v.groups.Salesperson).toBeUndefined();
    expect(v.members['alice@acme.example']!.licenses).toEqual({ salesperson: 'GRANTED' });
    expect(v.members['bob@acme.example']!.licenses).toEqual({ salesperson: 'GRANTED' });
    expect(v.licenses.salesperson).toMatchObject({ purchased: 2, used: 2, pending: 0, available: 0 });
  });

  it('R14: over-subscription — members beyond the seats are provisioned and listed, PENDING_SEAT', async () => {
    for (const who of ['carol', 'dave'] as const) {
      const r = await okta.patch(`/Groups/${salesperson}`, patchOp({ op: 'add', path: 'members', value: [{ value: ids[who] }] }));
      expect(r.status).toBe(204);
    }
    const v = await view();
    expect(v.groups['Okta Sales Team']!.memberCount).toBe(4);
    expect(v.members['carol@acme.example']!.licenses).toEqual({ salesperson: 'PENDING_SEAT' });
    expect(v.members['dave@acme.example']!.licenses).toEqual({ salesperson: 'PENDING_SEAT' });
    expect(v.licenses.salesperson).toMatchObject({ used: 2, pending: 2, available: 0 });
    // The IdP sees the same state in Roster's read-only license extension.
    const carol = await okta.get<Json>(`/Users/${ids.carol}`);
    expect(carol.json[LICENSE]).toEqual({ licenses: [{ value: 'salesperson', display: 'Salesperson', state: 'PENDING_SEAT' }] });
    const group = await okta.get<{ members: Array<{ value: string }> }>(`/Groups/${salesperson}`);
    expect(group.json.members.map((m) => m.value).sort()).toEqual([ids.alice, ids.bob, ids.carol, ids.dave].sort());
  });

  it('R12/R14: deactivating a licensed member frees the seat, granted to the oldest waiting request (FIFO)', async () => {
    const r = await okta.patch(`/Users/${ids.alice}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(r.status).toBe(204);
    const v = await view();
    expect(v.members['alice@acme.example']).toMatchObject({ status: 'inactive', licenses: { salesperson: 'PENDING_SEAT' } });
    expect(v.members['carol@acme.example']!.licenses).toEqual({ salesperson: 'GRANTED' });
    expect(v.members['dave@acme.example']!.licenses).toEqual({ salesperson: 'PENDING_SEAT' });
    expect(v.licenses.salesperson).toMatchObject({ used: 2, available: 0 });
    // Reactivated, alice queues behind dave: reactivation does not jump the queue.
    expect((await okta.patch(`/Users/${ids.alice}`, patchOp({ op: 'replace', value: { active: true } }))).status).toBe(204);
    expect((await okta.patch(`/Groups/${salesperson}`, patchOp({ op: 'remove', path: `members[value eq "${ids.bob}"]` }))).status).toBe(
      204,
    );
    const after = await view();
    expect(after.members['bob@acme.example']!.licenses).toEqual({});
    expect(after.members['dave@acme.example']!.licenses).toEqual({ salesperson: 'GRANTED' });
    expect(after.members['alice@acme.example']!.licenses).toEqual({ salesperson: 'PENDING_SEAT' });
  });

  it('R19: every change is audited on the scim channel with the token name', async () => {
    const events = await auditEvents(t, team.teamId, team.ownerToken);
    const scim = events.filter((e) => e.channel === 'scim');
    expect(scim.length).toBeGreaterThan(10);
    expect(new Set(scim.map((e) => e.actorLabel))).toEqual(new Set(['Okta production']));
    expect(scim.every((e) => e.actorType === 'token' && e.actorId === tokenId && e.requestId)).toBe(true);
    const actions = new Set(scim.map((e) => e.action));
    for (const a of [
      'member.provisioned',
      'member.updated',
      'member.deactivated',
      'member.reactivated',
      'group.created',
      'group.updated',
      'group.members_changed',
      'license.granted',
      'license.released',
    ]) {
      expect(actions, a).toContain(a);
    }
    const s = await gqlOk<{ team: { scim: { tokens: Array<{ lastUsedAt: string | null }> } } }>(
      t,
      'query($id: ID!) { team(id: $id) { scim { tokens { lastUsedAt } } } }',
      { id: team.teamId },
      team.ownerToken,
    );
    expect(s.team.scim.tokens[0]!.lastUsedAt).not.toBeNull();
  });
});
