#!/usr/bin/env node
// Issue #16 budget: the JavaScript a first load of /admin fetches — every <script src> and
// <link rel="modulepreload"> in the built index.html — weighs at most 200 KB gzipped.
// Usage: node scripts/size.mjs [--dist DIR] [--limit BYTES]; exits 1 over the limit.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values } = parseArgs({ options: { dist: { type: 'string' }, limit: { type: 'string' } } });
const dist = values.dist ?? fileURLToPath(new URL('../dist', import.meta.url));
const limit = Number(values.limit ?? 200 * 1024);

let html;
try {
  html = readFileSync(join(dist, 'index.html'), 'utf8');
} catch {
  console.error(`No build in ${dist}: run \`pnpm --filter @roster/console run build\` first.`);
  process.exit(2);
}
const base = '/admin/';
const urls = [
  ...[...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]),
  ...[...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]),
];
if (urls.length === 0) {
  console.error('index.html loads no script: the check would prove nothing.');
  process.exit(2);
}
let total = 0;
for (const url of [...new Set(urls)]) {
  if (!url.startsWith(base)) {
    console.error(`${url} is not served by Roster under ${base}`);
    process.exit(2);
  }
  const bytes = gzipSync(readFileSync(join(dist, url.slice(base.length))), { level: 9 }).length;
  total += bytes;
  console.log(`${(bytes / 1024).toFixed(1).padStart(8)} KB  ${url}`);
}
const verdict = total <= limit ? 'within' : 'OVER';
console.log(
  `${(total / 1024).toFixed(1).padStart(8)} KB  gzipped JavaScript on first load: ${verdict} the ${(limit / 1024).toFixed(1)} KB budget`,
);
process.exit(total <= limit ? 0 : 1);
