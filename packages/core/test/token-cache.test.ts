/** The verified-token cache's own guarantees (R17); its use across nodes: plugins/scim/test/token-cache.test.ts. */
import { describe, expect, it } from 'vitest';
import { TokenCache } from '../src/index.js';

const token = { id: 't1', teamId: 'team', name: 'okta', scope: 'scim' as const };

function cache(ttlMs = 1000) {
  let now = 0;
  const c = new TokenCache({ ttlMs, maxEntries: 3, now: () => now });
  return { c, advance: (ms: number) => (now += ms) };
}

describe('TokenCache', () => {
  it('keeps nothing until the host says revocations reach it, and forgets everything when they stop', () => {
    const { c } = cache();
    c.set('h', token, 0, c.ticket());
    expect(c.get('h')).toBeNull();
    c.setLive(true);
    c.set('h', token, 0, c.ticket());
    expect(c.get('h')?.token).toEqual(token);
    c.setLive(false);
    expect(c.get('h')).toBeNull();
    c.setLive(true);
    expect(c.get('h')).toBeNull();
  });

  it('drops a revoked token, and an entry older than its time to live', () => {
    const { c, advance } = cache(1000);
    c.setLive(true);
    c.set('h1', token, 0, c.ticket());
    c.set('h2', { ...token, id: 't2' }, 0, c.ticket());
    c.revoked('t1');
    expect(c.get('h1')).toBeNull();
    expect(c.get('h2')).not.toBeNull();
    advance(1000);
    expect(c.get('h2')).toBeNull();
  });

  it('does not keep an answer read while a revocation arrived (the read may predate it)', () => {
    const { c } = cache();
    c.setLive(true);
    const ticket = c.ticket();
    c.revoked('t1');
    c.set('h', token, 0, ticket);
    expect(c.get('h')).toBeNull();
  });

  it('is off with a time to live of 0, and bounded in size', () => {
    const off = new TokenCache({ ttlMs: 0, maxEntries: 3 });
    off.setLive(true);
    off.set('h', token, 0, off.ticket());
    expect(off.get('h')).toBeNull();
    const { c } = cache();
    c.setLive(true);
    for (let i = 0; i < 10; i++) c.set(`h${i}`, { ...token, id: `t${i}` }, 0, c.ticket());
    expect(c.size).toBeLessThanOrEqual(3);
  });
});
