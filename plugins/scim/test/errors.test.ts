import { describe, it, expect } from 'vitest';
import {
  SCIM_ERROR_SCHEMA,
  ScimError,
  ScimErrorCodes,
  etag,
  etagMatches,
  isScimError,
  listResponse,
  parseJsonBody,
  parsePaging,
  toScimError,
  toScimResponse,
} from '../src/protocol/index.js';

describe('error catalogue', () => {
  it('every code is SCIM_ERR_*, has a 4xx/5xx status and a message', () => {
    for (const [code, entry] of Object.entries(ScimErrorCodes)) {
      expect(code).toMatch(/^SCIM_ERR_[A-Z_]+$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.message.length).toBeGreaterThan(0);
    }
  });

  it('renders the RFC 7644 §3.12 body with status as a string', () => {
    expect(new ScimError('SCIM_ERR_FILTER_INVALID', 'Invalid filter: x').toBody()).toEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'Invalid filter: x',
    });
    expect(new ScimError('SCIM_ERR_NOT_FOUND').toBody()).toEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '404',
      detail: 'The resource does not exist.',
    });
  });

  it('is detected by brand', () => {
    expect(isScimError(new ScimError('SCIM_ERR_CONFLICT'))).toBe(true);
    expect(isScimError(new Error('x'))).toBe(false);
    expect(isScimError(null)).toBe(false);
  });
});

describe('toScimError', () => {
  const coreError = (code: string, message: string, status: number) => ({ [Symbol.for('roster.error')]: true, code, message, status });

  it('R2: the core USER_IN_OTHER_TEAM becomes 409 uniqueness with its detail', () => {
    expect(toScimError(coreError('USER_IN_OTHER_TEAM', '"a@b.c" already belongs to another team.', 409)).toBody()).toEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '409',
      scimType: 'uniqueness',
      detail: '"a@b.c" already belongs to another team.',
    });
  });

  it('maps other core codes by code, then by status', () => {
    expect(toScimError(coreError('ALREADY_MEMBER', 'dup', 409)).scimType).toBe('uniqueness');
    expect(toScimError(coreError('NOT_FOUND', 'gone', 404)).status).toBe(404);
    expect(toScimError(coreError('BAD_USER_INPUT', 'bad', 400)).scimType).toBe('invalidValue');
    expect(toScimError(coreError('SOMETHING_NEW', 'x', 409)).status).toBe(409);
  });

  it('masks anything unexpected as a 500 without internal detail', () => {
    const res = toScimResponse(new Error('relation "membership" does not exist'));
    expect(res).toEqual({
      status: 500,
      headers: { 'content-type': 'application/scim+json; charset=utf-8' },
      body: { schemas: [SCIM_ERROR_SCHEMA], status: '500', detail: 'The server could not complete the request.' },
    });
    expect(toScimError(coreError('CONFIG_INVALID', 'secret detail', 500)).message).not.toContain('secret');
    expect(toScimError('a string').status).toBe(500);
  });
});

describe('JSON bodies, paging and ETags', () => {
  it('reports malformed JSON without throwing', () => {
    expect(parseJsonBody('{"acve": tre}')).toMatchObject({ ok: false });
    expect(parseJsonBody('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('RFC 7644 §3.4.2.4 paging: clamps startIndex and count, refuses non-integers', () => {
    expect(parsePaging({}, 200)).toEqual({ startIndex: 1, count: 200 });
    expect(parsePaging({ startIndex: '0', count: '-5' }, 200)).toEqual({ startIndex: 1, count: 0 });
    expect(parsePaging({ startIndex: '3', count: '1000' }, 200)).toEqual({ startIndex: 3, count: 200 });
    expect(() => parsePaging({ count: 'ten' }, 200)).toThrow(ScimError);
    expect(() => parsePaging({ startIndex: '1.5' }, 200)).toThrow(ScimError);
  });

  it('builds list responses', () => {
    expect(listResponse([{ id: 'a' }], { totalResults: 5, startIndex: 3 })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 5,
      startIndex: 3,
      itemsPerPage: 1,
      Resources: [{ id: 'a' }],
    });
  });

  it('weak ETags from versions, If-Match lists and *', () => {
    expect(etag(4)).toBe('W/"4"');
    expect(etagMatches('W/"4"', 4)).toBe(true);
    expect(etagMatches('"4"', 4)).toBe(true);
    expect(etagMatches('W/"3", W/"4"', 4)).toBe(true);
    expect(etagMatches('*', 4)).toBe(true);
    expect(etagMatches('W/"3"', 4)).toBe(false);
  });
});
