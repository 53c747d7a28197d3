/**
 * The SCIM endpoints over HTTP: authentication (R17), discovery and routing, content types and
 * body limits, ETags, projections, sorting and paging, /.search, Bulk, and the admin GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster } from '@roster/server/testing';
import { SYSTEM_ACTOR } from '@roster/plugin-sdk';
import {
  CORE_GROUP,
  CORE_USER,
  ENTERPRISE,
  ERROR,
  LIST,
  auditEvents,
  client,
  countStatements,
  emptyTeam,
  gqlOk,
  patchOp,
  startScimRoster,
  teamView,
  user,
  type Json,
  type ScimClient,
  type ScimTeam,
} from './support.js';

let t: TestRoster;
let team: ScimTeam;
let c: ScimClient;

beforeAll(async () => {
  t = await startScimRoster({ bulkMaxOperations: 5, bulkMaxPayloadSize: 64 * 1024, maxResults: 50 });
  team = await emptyTeam(t);
  c = client(team);
});
afterAll(async () => {
  await t?.close();
});

const errorBody = (j: unknown) => expect(j).toMatchObject({ schemas: [ERROR], status: expect.any(String), detail: expect.any(String) });

describe('R17: authentication — a token only ever reaches its own team', () => {
  it('answers 401 with a SCIM error for a missing, malformed, unknown or revoked token', async () => {
    for (const authorization of [undefined, 'non-token', 'Basic dXNlcjpwdw==', 'Bearer ', 'Bearer rst_scim_not-a-real-token']) {
      const r = await fetch(`${team.base}/Users`, { headers: authorization ? { authorization } : {} });
      expect(r.status, String(authorization)).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = await r.json();
      errorBody(body);
      expect(body.status).toBe('401');
    }
    const { token, secret } = await t.core.tokens.create(team.teamId, 'temporary', 'scim', SYSTEM_ACTOR);
    expect((await client({ base: team.base, token: secret }).get('/Users')).status).toBe(200);
    await t.core.tokens.revoke(team.teamId, token.id, SYSTEM_ACTOR);
    expect((await client({ base: team.base, token: secret }).get('/Users')).status).toBe(401);
  });

  it("refuses another team's token, by slug or id, and touches nothing", async () => {
    const other = await emptyTeam(t);
    const intruder = client({ base: team.base, token: other.token });
    const byId = client({ base: `${t.url}/scim/v2/${team.teamId}`, token: other.token });
    const before = await teamView(t, team.teamId, await t.platformAdminToken());
    const attempts = await Promise.all([
      intruder.get('/Users'),
      intruder.post('/Users', user('intruder@evil.example')),
      byId.post('/Groups', { displayName: 'Evil' }),
      intruder.patch(`/Groups/${before.groups.Salesperson!.id}`, patchOp({ op: 'replace', value: { displayName: 'Owned' } })),
      intruder.delete(`/Groups/${before.groups.Salesperson!.id}`),
    ]);
    expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await teamView(t, team.teamId, await t.platformAdminToken())).toEqual(before);
    expect((await auditEvents(t, team.teamId, await t.platformAdminToken())).filter((e) => e.channel === 'scim')).toEqual([]);
    // An API (GraphQL) token of the team is not a SCIM token either.
    const api = await t.core.tokens.create(team.teamId, 'integration', 'api', SYSTEM_ACTOR);
    expect((await client({ base: team.base, token: api.secret }).get('/Users')).status).toBe(401);
  });

  it('reaches the team by slug (any case) and by id', async () => {
    expect((await client({ base: `${t.url}/scim/v2/${team.slug.toUpperCase()}`, token: team.token }).get('/Users')).status).toBe(200);
    expect((await client({ base: `${t.url}/scim/v2/${team.teamId}`, token: team.token }).get('/Users')).status).toBe(200);
    expect((await client({ base: `${t.url}/scim/v2/no-such-team`, token: team.token }).get('/Users')).status).toBe(401);
  });
});

describe('discovery and routing', () => {
  it('serves /ServiceProviderConfig, its /serviceConfiguration alias, /Schemas and /ResourceTypes, also by id', async () => {
    const spc = await c.get<Json>('/ServiceProviderConfig');
    expect(spc.status).toBe(200);
    expect(spc.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(spc.json).toMatchObject({
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 5, maxPayloadSize: 65536 },
      filter: { supported: true, maxResults: 50 },
      etag: { supported: true },
      sort: { supported: true },
    });
    expect((await c.get('/serviceConfiguration')).json).toEqual(spc.json);
    const schemas = await c.get<{ Resources: Array<{ id: string }> }>('/Schemas');
    expect(schemas.json.Resources.map((s) => s.id)).toEqual(
      expect.arrayContaining([CORE_USER, CORE_GROUP, ENTERPRISE, 'urn:roster:params:scim:schemas:extension:license:2.0:User']),
    );
    expect((await c.get<{ id: string }>(`/Schemas/${CORE_USER}`)).json.id).toBe(CORE_USER);
    expect((await c.get('/Schemas/urn:nope')).status).toBe(404);
    const types = await c.get<{ Resources: Array<{ endpoint: string }> }>('/ResourceTypes');
    expect(types.json.Resources.map((r) => r.endpoint)).toEqual(['/Users', '/Groups']);
    expect((await c.get<{ endpoint: string }>('/ResourceTypes/Group')).json.endpoint).toBe('/Groups');
    expect((await c.get('/ResourceTypes/Device')).status).toBe(404);
  });

  it('accepts lower-case /users, trailing slashes and a filter after a slash', async () => {
    const created = await c.post<{ id: string }>('/users', user('routing@example.com'));
    expect(created.status).toBe(201);
    expect((await c.get(`/users/${created.json.id}`)).status).toBe(200);
    const r = await c.get<{ totalResults: number }>(`/Users/?filter=${encodeURIComponent('userName eq "routing@example.com"')}`);
    expect([r.status, r.json.totalResults]).toEqual([200, 1]);
    expect((await c.get('/GROUPS/')).status).toBe(200);
  });

  it('answers 404 for unknown endpoints and ids (no SQL error for a malformed id), 405 for wrong methods', async () => {
    for (const path of [
      '/Devices',
      '/Users/00919288221112222',
      '/Users/not-a-uuid',
      '/Groups/123',
      '/Users/a/b',
      `/Users/${'0'.repeat(8)}-0000-0000-0000-000000000000`,
    ]) {
      const r = await c.get(path);
      expect(r.status, path).toBe(404);
      errorBody(r.json);
    }
    const del = await c.delete('/Users');
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, POST');
    expect((await c.post('/ServiceProviderConfig', {})).status).toBe(405);
    expect((await c.get('/Bulk')).status).toBe(405);
  });
});

describe('bodies: content types, malformed JSON, size', () => {
  it('reads application/scim+json and application/json (with charset); refuses other types with 415', async () => {
    expect((await c.post('/Users', user('json@example.com'), { 'content-type': 'application/json; charset=utf-8' })).status).toBe(201);
    const r = await c.post('/Users', user('text@example.com'), { 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
    errorBody(r.json);
    expect((await c.post('/Users', 'userName=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
  });

  it('answers 400 invalidSyntax for malformed JSON, an empty body and a non-object body', async () => {
    for (const body of ['{"userName": tre', '', '[]', '"just a string"', '{"userName": "a"} trailing']) {
      const r = await c.call<{ scimType: string }>('POST', '/Users', body || undefined, { 'content-type': 'application/scim+json' });
      expect(r.status, body).toBe(400);
      expect(r.json.scimType, body).toBe('invalidSyntax');
    }
    const u = await c.post<{ id: string }>('/Users', user('syntax@example.com'));
    for (const body of [
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: {} },
      { Operations: [] },
      { schemas: ['urn:x'], Operations: [{ op: 'add', path: 'title', value: 'x' }] },
    ]) {
      const r = await c.patch<{ scimType: string }>(`/Users/${u.json.id}`, body);
      expect([r.status, r.json.scimType], JSON.stringify(body)).toEqual([400, 'invalidSyntax']);
    }
  });

  it('answers 413 for a body over the limit, with a SCIM error body', async () => {
    const big = { ...user('big@example.com'), title: 'x'.repeat(70 * 1024) };
    const r = await c.post('/Users', big);
    expect(r.status).toBe(413);
    errorBody(r.json);
  });

  it('keeps "__proto__" keys as data, never as a prototype', async () => {
    const r = await c.call<Json>(
      'POST',
      '/Users',
      '{"userName":"proto@example.com","__proto__":{"active":false},"name":{"__proto__":{"x":1},"givenName":"P"}}',
      { 'content-type': 'application/json' },
    );
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ active: true, name: { givenName: 'P' } });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('answers 400 for read-only, unknown-schema and wrongly typed input, naming the problem', async () => {
    const created = await c.post<{ id: string }>('/Users', user('typed@example.com'));
    const cases: Array<[string, unknown, string]> = [
      ['PATCH', patchOp({ op: 'replace', path: 'groups', value: [] }), 'mutability'],
      ['PATCH', patchOp({ op: 'replace', path: 'meta.created', value: '2020-01-01' }), 'mutability'],
      ['PATCH', patchOp({ op: 'frobnicate', path: 'title', value: 'x' }), 'invalidSyntax'],
      ['PATCH', patchOp({ op: 'replace', path: 'nope[', value: 'x' }), 'invalidPath'],
      ['PATCH', patchOp({ op: 'replace', path: 'emails[value co "nowhere"]', value: { display: 'x' } }), 'noTarget'],
      ['PATCH', patchOp({ op: 'replace', path: 'active', value: 'maybe' }), 'invalidValue'],
      ['PATCH', patchOp({ op: 'remove', path: 'userName' }), 'invalidValue'],
      ['PUT', { schemas: ['urn:example:unknown'], userName: 'typed@example.com' }, 'invalidValue'],
      ['PUT', { userName: 42.5, active: 'nope' }, 'invalidValue'],
    ];
    for (const [method, body, scimType] of cases) {
      const r = await c.call<{ scimType: string }>(method, `/Users/${created.json.id}`, body);
      expect([r.status, r.json?.scimType], JSON.stringify(body)).toEqual([400, scimType]);
    }
    const still = await c.get<Json>(`/Users/${created.json.id}`);
    expect(still.json).toMatchObject({ userName: 'typed@example.com', active: true });
  });
});

describe('ETags (RFC 7644 §3.14)', () => {
  it('returns the version as a weak ETag; If-None-Match → 304; a stale If-Match → 412 and nothing changes', async () => {
    const created = await c.post<{ id: string; meta: { version: string } }>('/Users', user('etag@example.com'));
    const tag = created.headers.get('etag')!;
    expect(tag).toBe(created.json.meta.version);
    expect((await c.get(`/Users/${created.json.id}`, { 'if-none-match': tag })).status).toBe(304);
    const ok = await c.patch(`/Users/${created.json.id}`, patchOp({ op: 'replace', path: 'title', value: 'One' }), { 'if-match': tag });
    expect(ok.status).toBe(204);
    const stale = await c.patch<{ status: string }>(`/Users/${created.json.id}`, patchOp({ op: 'replace', path: 'title', value: 'Two' }), {
      'if-match': tag,
    });
    expect(stale.status).toBe(412);
    errorBody(stale.json);
    expect((await c.delete(`/Users/${created.json.id}`, { 'if-match': tag })).status).toBe(412);
    const now = await c.get<{ title: string }>(`/Users/${created.json.id}`);
    expect(now.json.title).toBe('One');
    expect((await c.put(`/Users/${created.json.id}`, user('etag@example.com'), { 'if-match': now.headers.get('etag')! })).status).toBe(200);
    expect((await c.delete(`/Users/${created.json.id}`, { 'if-match': '*' })).status).toBe(204);
    const g = await c.post<{ id: string }>('/Groups', { displayName: 'Tagged' });
    const gtag = g.headers.get('etag')!;
    expect(
      (await c.patch(`/Groups/${g.json.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Tagged 2' }), { 'if-match': 'W/"999"' }))
        .status,
    ).toBe(412);
    expect(
      (await c.patch(`/Groups/${g.json.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Tagged 2' }), { 'if-match': gtag }))
        .status,
    ).toBe(204);
    expect((await c.get(`/Groups/${g.json.id}`, { 'if-none-match': gtag })).status).toBe(200);
  });
});

describe('lists: attributes, sorting, paging, /.search', () => {
  let sorted: ScimTeam;
  let s: ScimClient;
  beforeAll(async () => {
    sorted = await emptyTeam(t);
    s = client(sorted);
    for (const [n, title] of [
      ['delta', 'b'],
      ['alpha', 'c'],
      ['Charlie', 'a'],
      ['bravo', 'b'],
      ['echo', 'c'],
    ] as const) {
      expect((await s.post('/Users', user(`${n}@sort.example`, { title, [ENTERPRISE]: { department: 'Ops' } }))).status).toBe(201);
    }
  });

  it('projects attributes / excludedAttributes; id, schemas and meta always stay', async () => {
    const r = await s.get<{ Resources: Json[] }>('/Users?attributes=userName,name.givenName');
    expect(Object.keys(r.json.Resources[0]!).sort()).toEqual(['id', 'meta', 'name', 'schemas', 'userName']);
    expect(Object.keys(r.json.Resources[0]!.name as Json)).toEqual(['givenName']);
    const e = await s.get<{ Resources: Json[] }>(`/Users?excludedAttributes=emails,${ENTERPRISE}`);
    expect(e.json.Resources[0]).not.toHaveProperty('emails');
    expect(e.json.Resources[0]).not.toHaveProperty(ENTERPRISE);
    expect(e.json.Resources[0]).toHaveProperty('userName');
    const work = await s.get<{ Resources: Array<{ emails: Array<{ type: string }> }> }>(
      `/Users?attributes=${encodeURIComponent('emails[type eq "work"]')}`,
    );
    expect(work.json.Resources.every((u) => u.emails.every((m) => m.type === 'work'))).toBe(true);
  });

  it('sorts by any scalar attribute (case-insensitively for strings), with a stable tie-break', async () => {
    const names = async (qs: string) =>
      (await s.get<{ Resources: Array<{ userName: string }> }>(`/Users?${qs}`)).json.Resources.map((u) => u.userName.split('@')[0]);
    expect(await names('sortBy=userName')).toEqual(['alpha', 'bravo', 'Charlie', 'delta', 'echo']);
    expect(await names('sortBy=userName&sortOrder=descending')).toEqual(['echo', 'delta', 'Charlie', 'bravo', 'alpha']);
    expect(await names('sortBy=title')).toEqual(['Charlie', 'delta', 'bravo', 'alpha', 'echo']);
    expect(await names('')).toEqual(['delta', 'alpha', 'Charlie', 'bravo', 'echo']);
    expect((await s.get<{ scimType: string }>('/Users?sortBy=emails')).json.scimType).toBe('invalidPath');
    expect((await s.get<{ scimType: string }>('/Users?sortBy=userName&sortOrder=sideways')).json.scimType).toBe('invalidValue');
  });

  it('pages with startIndex / count (1-based, count capped at maxResults, count=0 → totals only)', async () => {
    const page = async (qs: string) =>
      (
        await s.get<{ totalResults: number; startIndex: number; itemsPerPage: number; Resources: Array<{ userName: string }> }>(
          `/Users?sortBy=userName&${qs}`,
        )
      ).json;
    expect(await page('startIndex=2&count=2')).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect((await page('startIndex=2&count=2')).Resources.map((u) => u.userName[0])).toEqual(['b', 'C']);
    expect(await page('startIndex=5&count=10')).toMatchObject({ totalResults: 5, itemsPerPage: 1 });
    expect(await page('startIndex=9')).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    expect(await page('count=0')).toMatchObject({ totalResults: 5, itemsPerPage: 0 });
    expect(await page('startIndex=0&count=-3')).toMatchObject({ startIndex: 1, itemsPerPage: 0 });
    expect(await page(`count=500&filter=${encodeURIComponent('title eq "b"')}&startIndex=2`)).toMatchObject({
      totalResults: 2,
      itemsPerPage: 1,
    });
    expect((await s.get<{ scimType: string }>('/Users?count=ten')).json.scimType).toBe('invalidValue');
    expect((await s.get<{ scimType: string }>('/Users?count=1&count=2')).json.scimType).toBe('invalidValue');
  });

  it('POST /Users/.search and the root /.search take the query in the body', async () => {
    const r = await s.post<{ schemas: string[]; totalResults: number; Resources: Json[] }>('/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'title eq "c"',
      attributes: ['userName'],
      sortBy: 'userName',
      count: 10,
    });
    expect(r.status).toBe(200);
    expect(r.json.schemas).toEqual([LIST]);
    expect(r.json.Resources.map((u) => u.userName)).toEqual(['alpha@sort.example', 'echo@sort.example']);
    const root = await s.post<{ totalResults: number; Resources: Array<{ meta: { resourceType: string } }> }>('/.search', {
      filter: 'displayName sw "Sales"',
    });
    expect(root.status).toBe(200);
    expect(root.json.Resources.map((x) => x.meta.resourceType)).toEqual(['Group']);
    const all = await s.post<{ totalResults: number; itemsPerPage: number }>('/.search', { count: 6 });
    expect(all.json).toMatchObject({ totalResults: 8, itemsPerPage: 6 });
    expect((await s.post<{ scimType: string }>('/.search', { filter: 'userName eq' })).json.scimType).toBe('invalidFilter');
  });
});

describe('SQL statements per request on the hot paths (the token verified once, then cached on the node)', () => {
  it('#19: GET by id and the userName lookup: 1; create: 1; deactivate/reactivate of a member without a license: 1 (no transaction); group member add: 2 (the change with its audit and event, then the display; no transaction), remove: 1', async () => {
    const budget = await emptyTeam(t);
    const b = client(budget);
    // The cache is on once the node listens for revocations (at once on PGlite, after LISTEN on a server).
    for (let i = 0; i < 250 && !t.core.tokens.cache.enabled; i++) await new Promise((r) => setTimeout(r, 20));
    expect(t.core.tokens.cache.enabled).toBe(true);
    const warm = await b.post<{ id: string }>('/Users', user('warm@budget.example'));
    await b.get(`/Users/${warm.json.id}`);
    let id = '';
    const count = (fn: () => Promise<unknown>) => countStatements(t, fn);
    expect(
      await count(async () => {
        id = (await b.post<{ id: string }>('/Users', user('hot@budget.example'))).json.id;
      }),
    ).toBe(1);
    expect(await count(() => b.get(`/Users/${id}`))).toBe(1);
    expect(await count(() => b.get(`/Users?filter=${encodeURIComponent('userName eq "hot@budget.example"')}`))).toBe(1);
    expect(await count(() => b.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } })))).toBe(1);
    expect(await count(() => b.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'True' })))).toBe(1);
    const g = await b.post<{ id: string }>('/Groups', { displayName: 'Budget' });
    expect(
      await count(() => b.patch(`/Groups/${g.json.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: id, display: 'hot' }] }))),
    ).toBe(2);
    expect(await count(() => b.patch(`/Groups/${g.json.id}`, patchOp({ op: 'remove', path: `members[value eq "${id}"]` })))).toBe(1);
    expect(await count(() => b.get(`/Groups/${g.json.id}`))).toBe(1);
  });
});

describe('Bulk (RFC 7644 §3.7)', () => {
  it('runs operations in order, resolving bulkId references, and reports each result', async () => {
    const bulkTeam = await emptyTeam(t);
    const b = client(bulkTeam);
    const r = await b.post<{ Operations: Array<{ method: string; bulkId?: string; status: string; location?: string; response?: Json }> }>(
      '/Bulk',
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          { method: 'POST', path: '/Groups', bulkId: 'g', data: { displayName: 'Bulk Team', members: [{ value: 'bulkId:u1' }] } },
          { method: 'POST', path: '/Users', bulkId: 'u1', data: user('bulk1@example.com') },
          { method: 'PATCH', path: '/Users/bulkId:u1', data: patchOp({ op: 'replace', path: 'title', value: 'Bulked' }) },
          { method: 'POST', path: '/Users', bulkId: 'dup', data: user('bulk1@example.com') },
          { method: 'DELETE', path: '/Groups/00000000-0000-0000-0000-000000000000' },
        ],
      },
    );
    expect(r.status).toBe(200);
    const ops = r.json.Operations;
    expect(ops.map((o) => o.status)).toEqual(['201', '201', '204', '409', '404']);
    expect(ops[3]!.response).toMatchObject({ scimType: 'uniqueness' });
    const groupId = ops[0]!.location!.split('/').pop()!;
    const userId = ops[1]!.location!.split('/').pop()!;
    const g = await b.get<{ members: Array<{ value: string }> }>(`/Groups/${groupId}`);
    expect(g.json.members.map((m) => m.value)).toEqual([userId]);
    expect((await b.get<{ title: string }>(`/Users/${userId}`)).json.title).toBe('Bulked');
  });

  it('stops after failOnErrors, refuses too many operations (413) and bodies over maxPayloadSize (413)', async () => {
    const b = client(await emptyTeam(t));
    const stop = await b.post<{ Operations: unknown[] }>('/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      failOnErrors: 1,
      Operations: [
        {
          method: 'PATCH',
          path: '/Users/00000000-0000-0000-0000-000000000000',
          data: patchOp({ op: 'replace', path: 'title', value: 'x' }),
        },
        { method: 'POST', path: '/Users', bulkId: 'never', data: user('never@example.com') },
      ],
    });
    expect(stop.json.Operations).toHaveLength(1);
    expect((await b.get<{ totalResults: number }>('/Users')).json.totalResults).toBe(0);
    const many = await b.post('/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: Array.from({ length: 6 }, (_, i) => ({ method: 'DELETE', path: `/Users/${i}` })),
    });
    expect(many.status).toBe(413);
    errorBody(many.json);
    const huge = await b.post('/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [{ method: 'POST', path: '/Users', bulkId: 'x', data: { ...user('huge@example.com'), title: 'y'.repeat(70_000) } }],
    });
    expect(huge.status).toBe(413);
  });
});

describe('R17: admin GraphQL', () => {
  it('team admins see the base URL and tokens, create a token (secret shown once) and revoke it; members cannot', async () => {
    const admin = await t.createTeam();
    const member = await t.addMember(admin.teamId, `m@${admin.slug}.example.com`);
    const created = await gqlOk<{ createScimToken: { secret: string; token: { id: string; name: string; prefix: string } } }>(
      t,
      'mutation($t: ID!) { createScimToken(teamId: $t, name: "Rotation B") { secret token { id name prefix } } }',
      { t: admin.teamId },
      admin.ownerToken,
    );
    const { secret, token } = created.createScimToken;
    expect(secret.startsWith(token.prefix)).toBe(true);
    const view = await gqlOk<{
      team: {
        scim: {
          baseUrl: string;
          tokens: Array<{ id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null }>;
        };
      };
    }>(
      t,
      'query($id: ID!) { team(id: $id) { scim { baseUrl tokens { id name prefix createdAt lastUsedAt } } } }',
      { id: admin.teamId },
      admin.ownerToken,
    );
    expect(view.team.scim.baseUrl.endsWith(`/scim/v2/${admin.slug}`)).toBe(true);
    expect(view.team.scim.tokens).toEqual([
      { id: token.id, name: 'Rotation B', prefix: token.prefix, createdAt: expect.any(String), lastUsedAt: null },
    ]);
    expect(JSON.stringify(view)).not.toContain(secret);
    const scim = client({ base: `${t.url}/scim/v2/${admin.slug}`, token: secret });
    expect((await scim.get('/Users')).status).toBe(200);
    const denied = await t.gql('query($id: ID!) { team(id: $id) { scim { baseUrl } } }', { id: admin.teamId }, { token: member.token });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const deniedCreate = await t.gql(
      'mutation($t: ID!) { createScimToken(teamId: $t, name: "x") { secret } }',
      { t: admin.teamId },
      { token: member.token },
    );
    expect(deniedCreate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const api = await t.core.tokens.create(admin.teamId, 'api', 'api', SYSTEM_ACTOR);
    const wrongScope = await t.gql(
      'mutation($t: ID!, $id: ID!) { revokeScimToken(teamId: $t, id: $id) }',
      { t: admin.teamId, id: api.token.id },
      { token: admin.ownerToken },
    );
    expect(wrongScope.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await gqlOk(
      t,
      'mutation($t: ID!, $id: ID!) { revokeScimToken(teamId: $t, id: $id) }',
      { t: admin.teamId, id: token.id },
      admin.ownerToken,
    );
    expect((await scim.get('/Users')).status).toBe(401);
    const audit = await auditEvents(t, admin.teamId, admin.ownerToken);
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['token.created', 'token.revoked']));
  });
});

describe('R17: admin GraphQL across teams', () => {
  it("another team's admin and anonymous callers neither read, create nor revoke a team's SCIM tokens", async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    const live = await t.core.tokens.create(a.teamId, 'Okta', 'scim', SYSTEM_ACTOR);
    // [query, variables, code for team B's admin]: another team's settings do not exist for it.
    const calls = [
      ['query($id: ID!) { team(id: $id) { scim { baseUrl tokens { id } } } }', { id: a.teamId }, 'NOT_FOUND'],
      ['mutation($t: ID!) { createScimToken(teamId: $t, name: "intruder") { secret } }', { t: a.teamId }, 'NOT_FOUND'],
      ['mutation($t: ID!, $id: ID!) { revokeScimToken(teamId: $t, id: $id) }', { t: a.teamId, id: live.token.id }, 'NOT_FOUND'],
      // Team B's admin naming team B while revoking team A's token: not found, not revoked.
      ['mutation($t: ID!, $id: ID!) { revokeScimToken(teamId: $t, id: $id) }', { t: b.teamId, id: live.token.id }, 'NOT_FOUND'],
    ] as const;
    for (const [query, vars, code] of calls) {
      const asB = await t.gql(query, vars, { token: b.ownerToken });
      const anonymous = await t.gql(query, vars);
      expect(asB.errors?.[0]?.extensions?.code, query).toBe(code);
      expect(anonymous.errors?.[0]?.extensions?.code, query).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(asB.data ?? null) + JSON.stringify(anonymous.data ?? null)).not.toContain('scim/v2');
    }
    const names = (await t.core.tokens.list(a.teamId, 'scim')).map((x) => x.name);
    expect(names).toEqual(['Okta']);
    expect((await client({ base: `${t.url}/scim/v2/${a.slug}`, token: live.secret }).get('/Users')).status).toBe(200);
  });
});

describe('Entra compatibility for bare-string group members', () => {
  it('keeps a bare-string member that names no user as an unresolved reference, shown on GET and removable', async () => {
    const g = await c.post<{ id: string }>('/Groups', { displayName: 'Garbage' });
    const add = await c.patch(`/Groups/${g.json.id}`, patchOp({ op: 'add', path: 'members', value: 'string id 1' }));
    expect(add.status).toBe(204);
    const got = await c.get<{ members: Array<{ value: string }> }>(`/Groups/${g.json.id}`);
    expect(got.json.members).toEqual([{ value: 'string id 1' }]);
    const rm = await c.patch(`/Groups/${g.json.id}`, patchOp({ op: 'remove', path: 'members[value eq "string id 1"]' }));
    expect(rm.status).toBe(204);
    expect((await c.get<{ members?: unknown[] }>(`/Groups/${g.json.id}`)).json.members ?? []).toEqual([]);
  });

  it('refuses an object-form member that is not a user of the team: 400, nothing changed', async () => {
    const u = await c.post<{ id: string }>('/Users', user('real@example.com'));
    const g = await c.post<{ id: string }>('/Groups', { displayName: 'Strict', members: [{ value: u.json.id }] });
    const other = await emptyTeam(t);
    const foreign = await client(other).post<{ id: string }>('/Users', user('foreign@example.com'));
    for (const value of ['00000000-0000-0000-0000-000000000000', foreign.json.id, 'not-an-id']) {
      const r = await c.patch<{ scimType: string; detail: string }>(
        `/Groups/${g.json.id}`,
        patchOp({ op: 'remove', path: `members[value eq "${u.json.id}"]` }, { op: 'add', path: 'members', value: [{ value }] }),
      );
      expect([r.status, r.json.scimType]).toEqual([400, 'invalidValue']);
      expect(r.json.detail).toContain(value);
    }
    const got = await c.get<{ members: Array<{ value: string }> }>(`/Groups/${g.json.id}`);
    expect(got.json.members.map((m) => m.value)).toEqual([u.json.id]);
    expect((await c.post('/Groups', { displayName: 'Bad', members: [{ value: foreign.json.id }] })).status).toBe(400);
  });

  it('PUT without members clears them; display values are kept per member and cleared with them', async () => {
    const a = await c.post<{ id: string }>('/Users', user('disp-a@example.com'));
    const b = await c.post<{ id: string }>('/Users', user('disp-b@example.com'));
    const g = await c.post<{ id: string; members: Array<{ value: string; display: string }> }>('/Groups', {
      displayName: 'Displays',
      members: [{ value: a.json.id, display: 'VP' }, { value: b.json.id }],
    });
    expect(g.json.members.find((m) => m.value === a.json.id)!.display).toBe('VP');
    expect(g.json.members.find((m) => m.value === b.json.id)!.display).toBe('disp-b Tester');
    const put = await c.put<{ displayName: string; members?: unknown[] }>(`/Groups/${g.json.id}`, {
      schemas: [CORE_GROUP],
      displayName: 'Renamed',
    });
    expect(put.status).toBe(200);
    expect(put.json.displayName).toBe('Renamed');
    expect(put.json.members ?? []).toEqual([]);
  });
});
