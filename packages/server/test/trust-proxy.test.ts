/** ROSTER_TRUST_PROXY decides what `request.ip` is, which password throttling counts per (#13.3, #13.10). */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@roster/server';

describe('ROSTER_TRUST_PROXY', () => {
  it("#13.10: defaults to Fastify's former setting (on in production), and takes a hop count or proxy addresses", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ ROSTER_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ROSTER_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ ROSTER_TRUST_PROXY: '10.0.0.0/8, 192.168.1.1' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.1']);
    expect(() => loadConfig({ ROSTER_TRUST_PROXY: 'the load balancer' })).toThrow(
      'ROSTER_TRUST_PROXY must be true, false, a number of proxy hops',
    );
  });
});
