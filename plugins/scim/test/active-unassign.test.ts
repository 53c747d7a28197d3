/**
 * #12.11: `active` cannot be unassigned. RFC 7644 §3.5.2.2 makes a removed attribute
 * unassigned; Roster always stores whether a member is active (R7), and defaulting to `true`
 * would reactivate a deactivated member on a stray `remove`. So `remove active`, `active: null`
 * (PATCH with a path, pathless, Bulk, PUT) are refused with 400 invalidValue and nothing
 * changes; before, they answered 204 and changed nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster } from '@roster/server/testing';
import { ERROR, PATCH_OP, client, emptyTeam, patchOp, startScimRoster, user, type ScimClient } from './support.js';

let t: TestRoster;
let c: ScimClient;

beforeAll(async () => {
  t = await startScimRoster();
  c = client(await emptyTeam(t));
});
afterAll(async () => {
  await t?.close();
});

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

async function newUser(active: boolean): Promise<string> {
  const r = await c.post<{ id: string }>('/Users', user(`u${Math.random().toString(36).slice(2, 10)}@example.com`, { active }));
  expect(r.status, r.text).toBe(201);
  return r.json.id;
}

async function state(id: string): Promise<{ active: boolean; version: string }> {
  const r = await c.get<{ active: boolean; meta: { version: string } }>(`/Users/${id}`);
  return { active: r.json.active, version: r.json.meta.version };
}

function expectRefused(label: string, r: { status: number; text: string; json: unknown }): void {
  expect(r.status, `${label}: ${r.text}`).toBe(400);
  expect(r.json, label).toMatchObject({ schemas: [ERROR], scimType: 'invalidValue', detail: expect.stringMatching(/active/i) });
}

describe('#12.11: remove active / active null never answer a change that was not made', () => {
  const refusedPatches: Array<[string, unknown]> = [
    ['remove active', patchOp({ op: 'remove', path: 'active' })],
    ['Remove (Entra case) ACTIVE', patchOp({ op: 'Remove', path: 'ACTIVE' })],
    ['remove by schema URN path', patchOp({ op: 'remove', path: 'urn:ietf:params:scim:schemas:core:2.0:User:active' })],
    ['replace active null', patchOp({ op: 'replace', path: 'active', value: null })],
    ['add active null', patchOp({ op: 'add', path: 'active', value: null })],
    ['pathless replace {active: null}', patchOp({ op: 'replace', value: { active: null } })],
    [
      'pathless replace with a title and active null (all or nothing)',
      patchOp({ op: 'replace', value: { title: 'Changed', active: null } }),
    ],
    [
      'title then remove active (all or nothing)',
      patchOp({ op: 'replace', path: 'title', value: 'Changed' }, { op: 'remove', path: 'active' }),
    ],
  ];

  for (const activeBefore of [false, true]) {
    it(`#12.11: PATCH on a${activeBefore ? 'n active' : ' deactivated'} member → 400 invalidValue, state and version unchanged`, async () => {
      const id = await newUser(activeBefore);
      const before = await state(id);
      expect(before.active).toBe(activeBefore);
      for (const [label, body] of refusedPatches) {
        expectRefused(label, await c.patch(`/Users/${id}`, body));
        expect(await state(id), label).toEqual(before);
        const bulk = await c.post<{ Operations: Array<{ status: string; response?: { scimType?: string } }> }>('/Bulk', {
          schemas: [BULK],
          Operations: [{ method: 'PATCH', path: `/Users/${id}`, data: body }],
        });
        expect(bulk.status, bulk.text).toBe(200);
        expect(bulk.json.Operations[0], `Bulk ${label}`).toMatchObject({ status: '400', response: { scimType: 'invalidValue' } });
        expect(await state(id), `Bulk ${label}`).toEqual(before);
      }
      const title = (await c.get<{ title?: string }>(`/Users/${id}`)).json.title;
      expect(title).toBeUndefined();
    });
  }

  it('#12.11: PUT with "active": null → 400; PUT without active keeps the state (RFC 7644 §3.5.1 "not asserted")', async () => {
    const id = await newUser(false);
    const body = user('put-null@example.com');
    const before = await state(id);
    expectRefused('PUT active null', await c.put(`/Users/${id}`, { ...body, active: null }));
    expect(await state(id)).toEqual(before);
    const { active: _omit, ...withoutActive } = body;
    const kept = await c.put<{ active: boolean; userName: string }>(`/Users/${id}`, withoutActive);
    expect(kept.status, kept.text).toBe(200);
    expect(kept.json).toMatchObject({ active: false, userName: 'put-null@example.com' });
  });

  it('#12.11: true / false (also Entra\'s "False") still change the state; POST with active null creates an active member', async () => {
    const id = await newUser(true);
    expect((await c.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }))).status).toBe(204);
    expect((await state(id)).active).toBe(false);
    expect((await c.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] })).status).toBe(
      204,
    );
    expect((await state(id)).active).toBe(true);
    const created = await c.post<{ active: boolean }>('/Users', user('null-on-create@example.com', { active: null }));
    expect(created.status, created.text).toBe(201);
    expect(created.json.active).toBe(true);
  });
});
