import { describe, it, expect } from 'vitest';
import {
  ScimError,
  checkBulkSize,
  isScimError,
  parseBulkRequest,
  parseSearchRequest,
  runBulk,
  type BulkOperation,
  type BulkResult,
} from '../src/protocol/index.js';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const limits = { maxOperations: 10 };
const req = (Operations: unknown[], extra: object = {}) => parseBulkRequest({ schemas: [BULK], Operations, ...extra }, limits);

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isScimError(e)) return e;
    throw e;
  }
  throw new Error('expected a SCIM error');
}

/** A fake server: POST creates `id-<n>`, a `fail` flag in data answers 400. */
function server() {
  const calls: BulkOperation[] = [];
  let n = 0;
  const exec = async (op: BulkOperation): Promise<BulkResult> => {
    calls.push(op);
    if (op.data && typeof op.data === 'object' && !Array.isArray(op.data) && op.data.fail === true)
      throw new ScimError('SCIM_ERR_VALUE_INVALID', 'bad data');
    if (op.method === 'POST') {
      const id = `id-${++n}`;
      return { status: 201, id, location: `https://x/${op.resource}/${id}`, version: 'W/"1"' };
    }
    return { status: op.method === 'DELETE' ? 204 : 200 };
  };
  return { calls, exec };
}

describe('parseBulkRequest', () => {
  it('reads operations, ids and bulkIds', () => {
    expect(
      req(
        [
          { method: 'post', path: '/Users', bulkId: 'a', data: { userName: 'x' } },
          { method: 'DELETE', path: '/Groups/g1' },
        ],
        { failOnErrors: 1 },
      ),
    ).toEqual({
      failOnErrors: 1,
      operations: [
        { method: 'POST', resource: 'Users', path: '/Users', bulkId: 'a', data: { userName: 'x' } },
        { method: 'DELETE', resource: 'Groups', path: '/Groups/g1', id: 'g1' },
      ],
    });
  });

  const bad: Array<[string, unknown, number, string?]> = [
    ['not an object', [], 400, 'invalidSyntax'],
    ['no BulkRequest schema', { Operations: [] }, 400, 'invalidSyntax'],
    [
      'too many operations (maxOperations)',
      { schemas: [BULK], Operations: Array.from({ length: 11 }, () => ({ method: 'DELETE', path: '/Users/x' })) },
      413,
    ],
    ['an unknown method', { schemas: [BULK], Operations: [{ method: 'GET', path: '/Users/x' }] }, 400, 'invalidSyntax'],
    ['an unknown endpoint', { schemas: [BULK], Operations: [{ method: 'DELETE', path: '/Devices/x' }] }, 400, 'invalidPath'],
    ['POST with an id', { schemas: [BULK], Operations: [{ method: 'POST', path: '/Users/x', bulkId: 'a', data: {} }] }, 400, 'invalidPath'],
    ['PUT without an id', { schemas: [BULK], Operations: [{ method: 'PUT', path: '/Users', data: {} }] }, 400, 'invalidPath'],
    [
      'a malformed escape in the path',
      { schemas: [BULK], Operations: [{ method: 'DELETE', path: '/Users/%E0%A4%A' }] },
      400,
      'invalidPath',
    ],
    ['POST without a bulkId', { schemas: [BULK], Operations: [{ method: 'POST', path: '/Users', data: {} }] }, 400, 'invalidValue'],
    [
      'a duplicated bulkId',
      {
        schemas: [BULK],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'a', data: {} },
          { method: 'POST', path: '/Users', bulkId: 'a', data: {} },
        ],
      },
      400,
      'invalidValue',
    ],
    ['PATCH without data', { schemas: [BULK], Operations: [{ method: 'PATCH', path: '/Users/x' }] }, 400, 'invalidValue'],
    ['failOnErrors of 0', { schemas: [BULK], Operations: [], failOnErrors: 0 }, 400, 'invalidValue'],
  ];
  for (const [name, body, status, scimType] of bad) {
    it(`rejects ${name}`, () => {
      const e = errorOf(() => parseBulkRequest(body, limits));
      expect(e.status).toBe(status);
      expect(e.scimType).toBe(scimType);
    });
  }

  it('refuses a payload over maxPayloadSize with 413', () => {
    expect(errorOf(() => checkBulkSize(2049, 2048)).status).toBe(413);
    expect(() => checkBulkSize(2048, 2048)).not.toThrow();
  });
});

describe('runBulk', () => {
  it('resolves bulkId references, running a referenced POST first', async () => {
    const s = server();
    const res = await runBulk(
      req([
        { method: 'POST', path: '/Groups', bulkId: 'g', data: { displayName: 'G', members: [{ value: 'bulkId:u' }] } },
        { method: 'POST', path: '/Users', bulkId: 'u', data: { userName: 'x' } },
        {
          method: 'PATCH',
          path: '/Groups/bulkId:g',
          data: { Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:u' }] }] },
        },
      ]),
      s.exec,
    );
    expect(s.calls.map((c) => `${c.method} ${c.resource}${c.id ? '/' + c.id : ''}`)).toEqual([
      'POST Users',
      'POST Groups',
      'PATCH Groups/id-2',
    ]);
    expect(s.calls[1]!.data).toEqual({ displayName: 'G', members: [{ value: 'id-1' }] });
    expect(res.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    expect(res.Operations).toEqual([
      { method: 'POST', bulkId: 'g', status: '201', location: 'https://x/Groups/id-2', version: 'W/"1"' },
      { method: 'POST', bulkId: 'u', status: '201', location: 'https://x/Users/id-1', version: 'W/"1"' },
      { method: 'PATCH', status: '200' },
    ]);
  });

  it('answers 409 for undefined, failed and circular references without running them', async () => {
    const s = server();
    const res = await runBulk(
      req([
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { fail: true } },
        { method: 'POST', path: '/Groups', bulkId: 'g', data: { members: [{ value: 'bulkId:bad' }] } },
        { method: 'PUT', path: '/Users/bulkId:nowhere', data: {} },
        { method: 'POST', path: '/Groups', bulkId: 'c1', data: { members: [{ value: 'bulkId:c2' }] } },
        { method: 'POST', path: '/Groups', bulkId: 'c2', data: { members: [{ value: 'bulkId:c1' }] } },
      ]),
      s.exec,
    );
    expect(s.calls).toHaveLength(1);
    expect(res.Operations.map((o) => o.status)).toEqual(['400', '409', '409', '409', '409']);
    expect(res.Operations[0]).toMatchObject({ response: { scimType: 'invalidValue', detail: 'bad data' } });
    expect(res.Operations.map((o) => (o.response as { detail?: string } | undefined)?.detail)).toEqual([
      'bad data',
      'bulkId:bad failed',
      'bulkId:nowhere is not defined in this request',
      'bulkId:c2 is part of a circular reference',
      'bulkId:c1 failed',
    ]);
  });

  it('stops after failOnErrors errors', async () => {
    const s = server();
    const res = await runBulk(
      req(
        [
          { method: 'PATCH', path: '/Users/a', data: { fail: true } },
          { method: 'PATCH', path: '/Users/b', data: {} },
        ],
        { failOnErrors: 1 },
      ),
      s.exec,
    );
    expect(res.Operations).toHaveLength(1);
    expect(s.calls).toHaveLength(1);
  });

  it('masks unexpected errors of one operation as 500 and goes on', async () => {
    const res = await runBulk(
      req([
        { method: 'DELETE', path: '/Users/a' },
        { method: 'DELETE', path: '/Users/b' },
      ]),
      async (op) => {
        if (op.id === 'a') throw new TypeError('boom');
        return { status: 204 };
      },
    );
    expect(res.Operations.map((o) => o.status)).toEqual(['500', '204']);
    expect(JSON.stringify(res)).not.toContain('boom');
  });
});

describe('parseSearchRequest (POST /.search)', () => {
  it('reads the same parameters as a GET, attributes as a list', () => {
    expect(
      parseSearchRequest({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        Attributes: ['userName', 'emails'],
        filter: 'userName sw "a"',
        sortBy: 'userName',
        startIndex: 1,
        count: 10,
      }),
    ).toEqual({ attributes: 'userName,emails', filter: 'userName sw "a"', sortBy: 'userName', startIndex: 1, count: 10 });
  });

  it('rejects bodies of the wrong shape', () => {
    expect(() => parseSearchRequest([])).toThrow(ScimError);
    expect(() => parseSearchRequest({ schemas: ['urn:nope'] })).toThrow(ScimError);
    expect(() => parseSearchRequest({ filter: 5 })).toThrow(ScimError);
    expect(() => parseSearchRequest({ attributes: [1] })).toThrow(ScimError);
  });
});
