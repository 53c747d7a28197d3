/**
 * #19.1: the benchmark harness cannot report a broken round. A round in which any request got a
 * non-2xx answer, a socket error or no answer in time fails with a message naming the round and
 * the counts, instead of coming back as req/s. The load runs as in `npm run bench`: autocannon in
 * a child process (bench/lib/load.mjs), here for one second against a tiny handler.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface LoadResult {
  requestsTotal: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type RunLoad = (
  target: { url: string },
  o: { connections: number; seconds: number; label?: string; timeoutSeconds?: number },
) => Promise<LoadResult>;

let runLoad: RunLoad;
let server: Server;
let url = '';
let n = 0;

beforeAll(async () => {
  ({ runLoad } = (await import(new URL('../bench/lib/load.mjs', import.meta.url).href)) as { runLoad: RunLoad });
  server = createServer((req, res) => {
    n++;
    const path = req.url ?? '/';
    if (path === '/some-500' && n % 7 === 0) return void res.writeHead(500).end('boom');
    if (path === '/some-reset' && n % 7 === 0) return void req.socket.resetAndDestroy(); // a TCP RST: ECONNRESET for the client
    if (path === '/some-hang' && n % 20 === 0) return; // never answers
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const load = (path: string, timeoutSeconds = 30, seconds = 1) =>
  runLoad({ url: `${url}${path}` }, { connections: 2, seconds, label: `check${path} round 1`, timeoutSeconds });

describe('#19.1 benchmark rounds', () => {
  it('#19.1: a round where every request answers 2xx is measured', async () => {
    const r = await load('/fine');
    expect(r.requestsTotal).toBeGreaterThan(10);
    expect(r.non2xx + r.errors + r.timeouts).toBe(0);
  });

  it('#19.1: a round with some 500 answers fails, naming the round and the counts', async () => {
    await expect(load('/some-500')).rejects.toThrow(
      /^check\/some-500 round 1: broken round, not reported — \d+ requests answered, 0 socket errors, 0 timeouts, [1-9]\d* non-2xx \(500 ×[1-9]\d*\)$/,
    );
  });

  it('#19.1: a round with socket errors fails', async () => {
    await expect(load('/some-reset')).rejects.toThrow(
      /check\/some-reset round 1: broken round, not reported — \d+ requests answered, [1-9]\d* socket errors/,
    );
  });

  it('#19.1: a round with requests that time out fails', async () => {
    await expect(load('/some-hang', 1, 3)).rejects.toThrow(/check\/some-hang round 1: broken round, not reported — .*[1-9]\d* timeouts/);
  });
});
