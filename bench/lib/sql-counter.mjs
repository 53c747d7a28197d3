// Counts the SQL statements a request makes, on both sides, by wrapping `Client#query` of every
// copy of `pg` installed (the ORM's knex loads its own copy). Only active inside `record()`,
// which the harness uses for single probe requests, never under load.
import { createRequire } from 'node:module';
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
let log = null;
let patched = 0;

function patch(pgModule) {
  const proto = pgModule?.Client?.prototype;
  if (!proto || proto.__rosterBenchPatched) return;
  const original = proto.query;
  proto.query = function query(config, ...rest) {
    if (!log) return original.call(this, config, ...rest);
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text !== 'string') return original.call(this, config, ...rest);
    const entry = { sql: text.replace(/\s+/g, ' ').trim(), start: performance.now(), ms: null };
    log.push(entry);
    const done = () => {
      entry.ms = performance.now() - entry.start;
    };
    const last = rest.length - 1;
    if (last >= 0 && typeof rest[last] === 'function') {
      const cb = rest[last];
      rest[last] = function (...a) {
        done();
        return cb.apply(this, a);
      };
    }
    const out = original.call(this, config, ...rest);
    if (out && typeof out.then === 'function') out.then(done, done);
    return out;
  };
  proto.__rosterBenchPatched = true;
  patched++;
}

export function installSqlCounter() {
  const store = fileURLToPath(new URL('../../node_modules/.pnpm/', import.meta.url));
  const dirs = existsSync(store)
    ? readdirSync(store)
        .filter((d) => /^pg@\d/.test(d))
        .map((d) => join(store, d, 'node_modules', 'pg'))
    : [];
  for (const dir of dirs) {
    try {
      patch(require(dir));
    } catch {
      /* not loadable: skip */
    }
  }
  try {
    patch(require('pg'));
  } catch {
    /* none */
  }
  return patched;
}

/** Runs fn and returns the statements issued meanwhile (by any pool in this process). */
export async function record(fn) {
  log = [];
  try {
    const result = await fn();
    const statements = log;
    return { result, statements };
  } finally {
    log = null;
  }
}
