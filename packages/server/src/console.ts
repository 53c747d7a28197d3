/**
 * Serves the admin console (packages/console) at /admin from its built `dist/`: hashed assets
 * cached for a year, index.html revalidated on every load, a strict CSP on everything, and
 * `/admin/*` answered with index.html so the console's own routes survive a reload.
 *
 * The server does not build or depend on React: it reads files. The folder is found through
 * the workspace package (`@roster/console/package.json`) unless a dir is given. It is read on
 * the first request that finds a build; until then /admin explains how to build it (404, not
 * 500), so a build made while the server runs is picked up without a restart.
 */
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_PREFIX = '/admin';

/**
 * Only this origin's files; no inline script or style (the build has none); nothing may frame
 * the console (clickjacking on admin buttons); forms post only here.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map', '.txt']);

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  cache: string;
}

/** The console's build folder, through the workspace package; null when it is not installed. */
export function defaultConsoleDir(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@roster/console/package.json')), 'dist');
  } catch {
    return null;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Every file of the build, in memory (a few hundred KB), keyed by its URL path under /admin/. */
async function loadBuild(dir: string): Promise<Map<string, Asset> | null> {
  let index: Buffer;
  try {
    index = await readFile(join(dir, 'index.html'));
  } catch {
    return null;
  }
  const files = new Map<string, Asset>();
  for (const file of await listFiles(dir)) {
    const path = relative(dir, file).split(sep).join('/');
    const ext = extname(path);
    const body = path === 'index.html' ? index : await readFile(file);
    // Vite names what it puts under assets/ by content hash: a new build gets new URLs.
    const cache = path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    files.set(path, {
      body,
      gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body, { level: 9 }) : null,
      type: TYPES[ext] ?? 'application/octet-stream',
      cache,
    });
  }
  return files;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Roster admin console not built</title></head>
<body><main><h1>The admin console has not been built</h1>
<p>Build it with <code>pnpm --filter @roster/console run build</code> (or <code>npm start</code>, which builds everything), then reload this page.</p>
<p>The GraphQL API at <a href="/graphql">/graphql</a> works without it.</p></main></body></html>
`;

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  reply.header('content-type', asset.type).header('cache-control', asset.cache).header('vary', 'accept-encoding');
  const accepts = String(request.headers['accept-encoding'] ?? '');
  if (asset.gzip && /\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.body);
}

export async function consoleRoutes(app: FastifyInstance, opts: { dir?: string | null } = {}): Promise<void> {
  const dir = opts.dir === undefined ? defaultConsoleDir() : opts.dir;
  let build: Promise<Map<string, Asset> | null> | null = null;
  const files = async () => {
    build ??= dir ? loadBuild(dir) : Promise.resolve(null);
    const loaded = await build;
    if (!loaded) build = null; // not built yet: look again on the next request
    return loaded;
  };

  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
    });
    const serve = async (request: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => {
      const loaded = await files();
      if (!loaded)
        return reply.code(404).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
      const path = request.params['*'] ?? '';
      const asset = loaded.get(path);
      if (asset && path !== 'index.html') return send(request, reply, asset);
      // A missing hashed file is a stale page asking for an old build's asset: say so, don't answer HTML.
      if (path.startsWith('assets/'))
        return reply.code(404).header('cache-control', 'no-store').send({ error: 'NOT_FOUND', message: 'No such console asset.' });
      return send(request, reply, loaded.get('index.html')!);
    };
    scope.get(CONSOLE_PREFIX, serve);
    scope.get(`${CONSOLE_PREFIX}/*`, serve);
    // A setup link (#16, `createSetupLink`'s path) is the console's setup page. The secret stays in
    // the path the browser already has; no-store keeps the redirect out of caches.
    scope.get('/setup/:secret', async (request: FastifyRequest<{ Params: { secret: string } }>, reply: FastifyReply) =>
      reply
        .code(302)
        .header('cache-control', 'no-store')
        .redirect(`${CONSOLE_PREFIX}/setup/${encodeURIComponent(request.params.secret)}`),
    );
  });
}
