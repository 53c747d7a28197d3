import { describe, it, expect } from 'vitest';
import {
  GROUP_RESOURCE,
  USER_RESOURCE,
  isScimError,
  normalisePatch,
  resourceTypeById,
  resourceTypesList,
  schemaById,
  schemasList,
  serviceProviderConfig,
  type AttributeDef,
  type JsonObject,
  type ResourceDef,
} from '../src/protocol/index.js';

const o = { baseUrl: 'https://roster.example/scim/v2/acme' };
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIC = 'urn:roster:params:scim:schemas:extension:license:2.0:User';

describe('/ServiceProviderConfig', () => {
  it('describes patch, bulk, filter, sort, etag, no password change, and bearer tokens', () => {
    expect(serviceProviderConfig(o)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken', name: 'OAuth Bearer Token', primary: true })],
      meta: { resourceType: 'ServiceProviderConfig', location: `${o.baseUrl}/ServiceProviderConfig` },
    });
  });

  it('reports the configured limits', () => {
    expect(
      serviceProviderConfig({
        ...o,
        bulkMaxOperations: 10,
        bulkMaxPayloadSize: 2048,
        filterMaxResults: 50,
        documentationUri: 'https://docs',
      }),
    ).toMatchObject({
      bulk: { maxOperations: 10, maxPayloadSize: 2048 },
      filter: { maxResults: 50 },
      documentationUri: 'https://docs',
    });
  });
});

describe('/Schemas', () => {
  const list = schemasList(o);

  it('lists core User (Microsoft checks for "User Account"), enterprise, license and Group', () => {
    expect(list.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(list.Resources.map((s) => s.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      ENT,
      LIC,
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]);
    expect(list.totalResults).toBe(4);
    expect(list.itemsPerPage).toBe(4);
    expect(JSON.stringify(list)).toContain('User Account');
  });

  it('gives every attribute all RFC 7643 §7 characteristics', () => {
    const check = (a: JsonObject) => {
      for (const k of ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness'])
        expect(a).toHaveProperty(k);
      if (a.type === 'complex') (a.subAttributes as JsonObject[]).forEach(check);
    };
    for (const s of list.Resources) (s.attributes as JsonObject[]).forEach(check);
  });

  it('R12–R14: the license extension is read-only', () => {
    const lic = schemaById(LIC, o)!;
    expect(lic.attributes).toEqual([expect.objectContaining({ name: 'licenses', mutability: 'readOnly', multiValued: true })]);
  });

  it('finds schemas by id, case-insensitively, and nothing else', () => {
    expect(schemaById(ENT.toLowerCase(), o)?.id).toBe(ENT);
    expect(schemaById('urn:nope', o)).toBeUndefined();
  });
});

describe('/ResourceTypes', () => {
  it('lists User first (Microsoft checks Resources[0].endpoint) with its extensions, then Group', () => {
    const list = resourceTypesList(o);
    expect(list.Resources[0]).toMatchObject({
      id: 'User',
      endpoint: '/Users',
      schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
      schemaExtensions: [
        { schema: ENT, required: false },
        { schema: LIC, required: false },
      ],
      meta: { resourceType: 'ResourceType', location: `${o.baseUrl}/ResourceTypes/User` },
    });
    expect(list.Resources[1]).toMatchObject({ id: 'Group', endpoint: '/Groups', schemaExtensions: [] });
  });

  it('finds resource types by id', () => {
    expect(resourceTypeById('user', o)?.endpoint).toBe('/Users');
    expect(resourceTypeById('Device', o)).toBeUndefined();
  });
});

describe('what /Schemas says is what PATCH does', () => {
  // Drift guard: every writable attribute advertised can be patched; every read-only one is refused.
  function paths(r: ResourceDef): Array<[string, AttributeDef]> {
    const out: Array<[string, AttributeDef]> = [];
    const schemas = [{ prefix: '', s: r.schema }, ...r.extensions.map((e) => ({ prefix: `${e.schema.id}:`, s: e.schema }))];
    for (const { prefix, s } of schemas) for (const a of s.attributes) out.push([prefix + a.name, a]);
    return out;
  }
  for (const r of [USER_RESOURCE, GROUP_RESOURCE]) {
    for (const [path, def] of paths(r)) {
      it(`${r.name} ${path}`, () => {
        const sample = def.type === 'boolean' ? true : def.type === 'complex' ? (def.multiValued ? [{ value: 'x' }] : { value: 'x' }) : 'x';
        const run = () => normalisePatch({ Operations: [{ op: 'replace', path, value: sample }] }, r);
        if (def.mutability === 'readOnly') {
          try {
            run();
            throw new Error('expected mutability');
          } catch (e) {
            expect(isScimError(e) && e.scimType).toBe('mutability');
          }
        } else if (def.type === 'complex' && !def.subAttributes?.some((s) => s.name === 'value')) {
          expect(() => run()).toThrow(); // `{value}` is not a sub-attribute of name/addresses
        } else {
          expect(run()).toHaveLength(1);
        }
      });
    }
  }
});
