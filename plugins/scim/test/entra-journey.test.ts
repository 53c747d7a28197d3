/**
 * A full Microsoft Entra ID provisioning lifecycle in Entra's dialect: capitalised ops,
 * booleans as strings, `emails[type eq "work"].value` paths, userName and active in one
 * request, bare-string manager ids, `client-request-id` headers, the membership probe
 * `id eq … and members[value eq …]`, disable then DELETE — with the GraphQL view after each step.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster } from '@roster/server/testing';
import {
  CORE_GROUP,
  CORE_USER,
  ENTERPRISE,
  auditEvents,
  client,
  emptyTeam,
  gqlOk,
  patchOp,
  startScimRoster,
  teamView,
  type Json,
  type ScimClient,
  type ScimTeam,
  type TeamView,
} from './support.js';

let t: TestRoster;
let team: { teamId: string; slug: string; ownerToken: string };
let entra: ScimClient;
const ids: Record<string, string> = {};
let sales = '';
let projects = '';
const requestIds: string[] = [];

beforeAll(async () => {
  t = await startScimRoster();
  team = await t.createTeam(undefined, { salesperson: 1, manager: 5 });
  const d = await gqlOk<{ createScimToken: { secret: string } }>(
    t,
    'mutation($t: ID!) { createScimToken(teamId: $t, name: "Entra ID") { secret } }',
    { t: team.teamId },
    team.ownerToken,
  );
  const base = client({ base: `${t.url}/scim/v2/${team.teamId}`, token: d.createScimToken.secret });
  // Every Entra request carries its own client-request-id.
  const withId = (h: Record<string, string> = {}) => {
    const id = randomUUID();
    requestIds.push(id);
    return { 'client-request-id': id, ...h };
  };
  entra = {
    ...base,
    get: (p, h) => base.get(p, withId(h)),
    post: (p, b, h) => base.post(p, b, withId(h)),
    put: (p, b, h) => base.put(p, b, withId(h)),
    patch: (p, b, h) => base.patch(p, b, withId(h)),
    delete: (p, h) => base.delete(p, withId(h)),
  } as ScimClient;
});
afterAll(async () => {
  await t?.close();
});

const view = (): Promise<TeamView> => teamView(t, team.teamId, team.ownerToken);
const q = (filter: string) => encodeURIComponent(filter);

function entraUser(userName: string, given: string, family: string, extra: Json = {}): Json {
  return {
    schemas: [CORE_USER, ENTERPRISE],
    externalId: randomUUID(),
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
    roles: [],
    [ENTERPRISE]: { department: 'Sales', employeeNumber: '1001' },
    ...extra,
  };
}

describe('Entra ID lifecycle', () => {
  it("R17: Entra's connection test — a filter on a random userName answers an empty list (the base URL uses the team id)", async () => {
    const r = await entra.get<{ totalResults: number; Resources: unknown[] }>(`/Users?filter=${q(`userName eq "${randomUUID()}"`)}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('R5: Create — the user and its enterprise extension are provisioned', async () => {
    for (const [key, given, family] of [
      ['megan', 'Megan', 'Bowen'],
      ['lee', 'Lee', 'Gu'],
      ['nestor', 'Nestor', 'Wilke'],
    ] as const) {
      const userName = `${key}@contoso.example`;
      const found = await entra.get<{ totalResults: number }>(`/Users?filter=${q(`userName eq "${userName}"`)}`);
      expect(found.json.totalResults).toBe(0);
      const r = await entra.post<{ id: string } & Json>('/Users', entraUser(userName, given, family));
      expect(r.status).toBe(201);
      expect(r.json[ENTERPRISE]).toEqual({ department: 'Sales', employeeNumber: '1001' });
      ids[key] = r.json.id;
    }
    const v = await view();
    expect(v.members['megan@contoso.example']).toMatchObject({
      status: 'active',
      givenName: 'Megan',
      familyName: 'Bowen',
      email: 'megan@contoso.example',
    });
    expect(v.members['megan@contoso.example']!.attributes).toMatchObject({
      [ENTERPRISE]: { department: 'Sales' },
      name: { formatted: 'Megan Bowen' },
    });
  });

  it('R2: a person who belongs to another team is refused with 409 uniqueness, and neither team changes', async () => {
    const other: ScimTeam = await emptyTeam(t, { tokenName: 'other-entra' });
    const created = await client(other).post('/Users', entraUser('shared@contoso.example', 'Sam', 'Shared'));
    expect(created.status).toBe(201);
    const r = await entra.post<{ status: string; scimType: string; detail: string }>(
      '/Users',
      entraUser('Shared@Contoso.example', 'Sam', 'Shared'),
    );
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect(r.json.detail).toMatch(/another team/);
    expect((await view()).members['shared@contoso.example']).toBeUndefined();
    const stillThere = await client(other).get<{ totalResults: number }>(`/Users?filter=${q('userName eq "shared@contoso.example"')}`);
    expect(stillThere.json.totalResults).toBe(1);
  });

  it('R6: Update — "Replace" ops, emails[type eq "work"].value, "Add" of title and a bare-string manager id', async () => {
    const r = await entra.patch(
      `/Users/${ids.megan}`,
      patchOp(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'megan.bowen@contoso.example' },
        { op: 'Replace', path: 'name.familyName', value: 'Bowen-Smith' },
        { op: 'Add', path: 'title', value: 'Sales Lead' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: ids.nestor },
        { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Field Sales' },
      ),
    );
    expect(r.status).toBe(204);
    const v = await view();
    expect(v.members['megan@contoso.example']).toMatchObject({ email: 'megan.bowen@contoso.example', familyName: 'Bowen-Smith' });
    expect(v.members['megan@contoso.example']!.attributes).toMatchObject({
      title: 'Sales Lead',
      [ENTERPRISE]: { department: 'Field Sales', manager: { value: ids.nestor } },
    });
    // Entra reads it back with its own filters.
    const byManager = await entra.get<{ totalResults: number }>(`/Users?filter=${q(`${ENTERPRISE}:manager.value eq "${ids.nestor}"`)}`);
    expect(byManager.json.totalResults).toBe(1);
  });

  it('R6/R7: userName and active ("False", a string) change in one request', async () => {
    const r = await entra.patch(
      `/Users/${ids.lee}`,
      patchOp({ op: 'Replace', path: 'userName', value: 'lee.gu@contoso.example' }, { op: 'Replace', path: 'active', value: 'False' }),
    );
    expect(r.status).toBe(204);
    const v = await view();
    expect(v.members['lee@contoso.example']).toBeUndefined();
    expect(v.members['lee.gu@contoso.example']).toMatchObject({ id: ids.lee, status: 'inactive' });
    const again = await entra.patch(`/Users/${ids.lee}`, patchOp({ op: 'Replace', value: { active: 'True' } }));
    expect(again.status).toBe(204);
    expect((await view()).members['lee.gu@contoso.example']!.status).toBe('active');
  });

  it('R16: groups — create, look up by displayName, add and remove members with Entra ops, rename', async () => {
    const created = await entra.post<{ id: string }>('/Groups', {
      schemas: [CORE_GROUP],
      externalId: randomUUID(),
      displayName: 'Projects',
      members: [],
    });
    expect(created.status).toBe(201);
    projects = created.json.id;
    const found = await entra.get<{ Resources: Array<{ id: string }> }>(
      `/Groups?filter=${q('displayName eq "projects"')}&excludedAttributes=members`,
    );
    expect(found.json.Resources.map((g) => g.id)).toEqual([projects]);
    const add = await entra.patch(
      `/Groups/${projects}`,
      patchOp({ op: 'Add', path: 'members', value: [{ value: ids.megan }, { value: ids.lee }] }),
    );
    expect(add.status).toBe(204);
    // Entra's membership probe.
    const probe = (uid: string) =>
      entra.get<{ totalResults: number }>(
        `/Groups?filter=${q(`id eq "${projects}" and members[value eq "${uid}"]`)}&excludedAttributes=members`,
      );
    expect((await probe(ids.megan!)).json.totalResults).toBe(1);
    expect((await probe(ids.nestor!)).json.totalResults).toBe(0);
    const remove = await entra.patch(`/Groups/${projects}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: ids.lee }] }));
    expect(remove.status).toBe(204);
    const rename = await entra.patch(`/Groups/${projects}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Projects EMEA' }));
    expect(rename.status).toBe(204);
    const v = await view();
    expect(v.groups['Projects EMEA']).toEqual({ id: projects, memberCount: 1, licenseType: null });
    expect(v.members['megan@contoso.example']!.groups).toEqual(['Projects EMEA']);
    expect(v.members['lee.gu@contoso.example']!.groups).toEqual([]);
  });

  it('R13/R14/R15: an assigned group named like an app group binds to it; seats are granted FIFO, the rest wait', async () => {
    const found = await entra.get<{ Resources: Array<{ id: string }> }>(
      `/Groups?filter=${q('displayName eq "Salesperson"')}&excludedAttributes=members`,
    );
    expect(found.json.Resources).toHaveLength(1);
    sales = found.json.Resources[0]!.id;
    for (const who of ['nestor', 'megan']) {
      expect((await entra.patch(`/Groups/${sales}`, patchOp({ op: 'Add', path: 'members', value: [{ value: ids[who] }] }))).status).toBe(
        204,
      );
    }
    const v = await view();
    expect(v.members['nestor@contoso.example']!.licenses).toEqual({ salesperson: 'GRANTED' });
    expect(v.members['megan@contoso.example']!.licenses).toEqual({ salesperson: 'PENDING_SEAT' });
    expect(v.licenses.salesperson).toMatchObject({ purchased: 1, used: 1, pending: 1 });
  });

  it('R7/R12: disable (soft delete) frees the seat for the next in line', async () => {
    const r = await entra.patch(`/Users/${ids.nestor}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    expect(r.status).toBe(204);
    const v = await view();
    expect(v.members['nestor@contoso.example']).toMatchObject({ status: 'inactive', licenses: { salesperson: 'PENDING_SEAT' } });
    expect(v.members['megan@contoso.example']!.licenses).toEqual({ salesperson: 'GRANTED' });
  });

  it('R10: DELETE after soft delete removes the member; the resource then answers 404', async () => {
    const r = await entra.delete(`/Users/${ids.nestor}`);
    expect(r.status).toBe(204);
    const get = await entra.get<{ status: string }>(`/Users/${ids.nestor}`);
    expect(get.status).toBe(404);
    expect(get.json.status).toBe('404');
    const byName = await entra.get<{ totalResults: number }>(`/Users?filter=${q('userName eq "nestor@contoso.example"')}`);
    expect(byName.json.totalResults).toBe(0);
    const v = await view();
    expect(v.members['nestor@contoso.example']).toBeUndefined();
    expect(v.groups.Salesperson!.memberCount).toBe(1);
    // The manager reference others hold is the IdP's data; it stays as sent.
    expect(v.members['megan@contoso.example']!.attributes).toMatchObject({ [ENTERPRISE]: { manager: { value: ids.nestor } } });
    // Entra removes the deleted user from groups afterwards: already done, so still a success.
    const late = await entra.patch(`/Groups/${sales}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: ids.nestor }] }));
    expect(late.status).toBe(204);
  });

  it("R19: audit events carry the scim channel, the token's name and Entra's client-request-id", async () => {
    const events = (await auditEvents(t, team.teamId, team.ownerToken)).filter((e) => e.channel === 'scim');
    expect(events.length).toBeGreaterThan(8);
    expect(events.every((e) => e.actorLabel === 'Entra ID' && e.actorType === 'token')).toBe(true);
    expect(events.every((e) => requestIds.includes(e.requestId!))).toBe(true);
    const removed = events.find((e) => e.action === 'member.removed');
    expect(removed).toMatchObject({ targetId: ids.nestor, data: { userName: 'nestor@contoso.example' } });
  });
});
