import { describe, expect, it } from 'vitest';
import { RowCache, notifyRowChangesSql } from '@roster/core';

describe('RowCache (configuration rows kept per node)', () => {
  const make = () => {
    let now = 1_000;
    const cache = new RowCache({ ttlMs: 15_000, maxEntries: 2, now: () => now });
    return {
      cache,
      advance: (ms: number) => {
        now += ms;
      },
    };
  };

  it('keeps nothing until the host says changes reach it, and forgets everything when they stop', () => {
    const { cache } = make();
    cache.set('saml_connection', 'a', { v: 1 }, cache.ticket());
    expect(cache.get('saml_connection', 'a')).toBeUndefined();
    cache.setLive(true);
    cache.set('saml_connection', 'a', { v: 1 }, cache.ticket());
    expect(cache.get('saml_connection', 'a')).toEqual({ v: 1 });
    cache.setLive(false);
    expect(cache.get('saml_connection', 'a')).toBeUndefined();
    cache.setLive(true);
    expect(cache.size).toBe(0);
  });

  it('drops a row when its change is announced, and does not cache a read that raced a change', () => {
    const { cache } = make();
    cache.setLive(true);
    cache.set('saml_connection', 'a', { v: 1 }, cache.ticket());
    cache.changed('saml_connection:a');
    expect(cache.get('saml_connection', 'a')).toBeUndefined();
    const ticket = cache.ticket(); // a read starts…
    cache.changed('saml_connection:b'); // …a change is heard meanwhile…
    cache.set('saml_connection', 'a', { v: 0 }, ticket); // …so what it read may be old.
    expect(cache.get('saml_connection', 'a')).toBeUndefined();
  });

  it("bounds an entry's life and the number of entries", () => {
    const { cache, advance } = make();
    cache.setLive(true);
    cache.set('t', 'a', 1, cache.ticket());
    advance(15_001);
    expect(cache.get('t', 'a')).toBeUndefined();
    cache.set('t', 'a', 1, cache.ticket());
    cache.set('t', 'b', 2, cache.ticket());
    cache.set('t', 'c', 3, cache.ticket());
    // Full: it starts over rather than grow, and keeps the newest.
    expect(cache.size).toBe(1);
    expect(cache.get('t', 'c')).toBe(3);
    expect(cache.get('t', 'a')).toBeUndefined();
  });

  it('builds the trigger only for plain table names', () => {
    expect(notifyRowChangesSql('saml_connection')).toContain('after insert or update or delete on saml_connection');
    expect(() => notifyRowChangesSql('x; drop table team')).toThrow('not a plain table name');
  });
});
