import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleRoutes } from '../src/console.js';

/** #16 item 2: how Roster serves the console's build, on a folder shaped like Vite's output. */
let root: string;
let dir: string;
let app: FastifyInstance;
const js = `console.log(${JSON.stringify('x'.repeat(5000))});`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'roster-console-'));
  dir = join(root, 'dist');
  app = Fastify();
  await consoleRoutes(app, { dir });
});
afterAll(async () => {
  await app.close();
  await rm(root, { recursive: true, force: true });
});

describe('console routes', () => {
  it('#16: before a build, /admin answers a page saying how to build the console (404, never 500), and a build made later is served without a restart', async () => {
    const before = await app.inject('/admin/members');
    expect(before.statusCode).toBe(404);
    expect(before.headers['content-type']).toMatch(/^text\/html/);
    expect(before.body).toContain('pnpm --filter @roster/console run build');
    expect(before.headers['content-security-policy']).toBe(CONSOLE_CSP);

    await mkdir(join(dir, 'assets'), { recursive: true });
    await writeFile(join(dir, 'index.html'), '<!doctype html><script type="module" src="/admin/assets/index-abc123.js"></script>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), js);
    const after = await app.inject('/admin');
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('index-abc123.js');
  });

  it('#16: hashed assets are immutable for a year, gzipped when asked; index.html is revalidated; every answer carries the strict CSP', async () => {
    const asset = await app.inject({ url: '/admin/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.rawPayload.length).toBeLessThan(js.length);
    expect(asset.headers['content-security-policy']).toBe(CONSOLE_CSP);
    const plain = await app.inject('/admin/assets/index-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(js);

    for (const url of ['/admin', '/admin/', '/admin/members/123', '/admin/index.html']) {
      const page = await app.inject(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['cache-control'], url).toBe('no-cache');
      expect(page.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy'], url).toBe(CONSOLE_CSP);
      expect(page.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('#16: a missing asset is a 404, not the HTML page; nothing outside the build folder is reachable', async () => {
    const missing = await app.inject('/admin/assets/index-old999.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
    await writeFile(join(root, 'secret.txt'), 'TOP-SECRET-CONTENT');
    for (const url of ['/admin/../secret.txt', '/admin/%2e%2e/secret.txt', '/admin/assets/..%2f..%2fsecret.txt']) {
      const r = await app.inject(url);
      expect(r.body, url).not.toContain('TOP-SECRET-CONTENT');
    }
  });
});
