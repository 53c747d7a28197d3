import { fork } from 'node:child_process';
import { assertRound } from './round-check.mjs';

const running = new Set();

/** Stops load processes still running (the harness calls it when it fails mid-run). */
export function stopLoads() {
  for (const child of running) child.kill();
}

/**
 * Hammers one target with autocannon (programmatic API, in a child process).
 * target: { url, method?, headers?, body?, requests? } — body may be an object (sent as JSON);
 * `requests` is autocannon's sequence of requests each connection cycles through (plain data only);
 * `requestsModule` (a file URL) instead names a module whose `requests(requestsOptions)` builds
 * them in the load process, with autocannon's `setupRequest` / `onResponse` functions.
 * The promise rejects with a BrokenRoundError (round-check.mjs) naming `label` when any request
 * of the round failed: a socket error, a timeout (`timeoutSeconds`, 30 by default) or a non-2xx.
 */
export function runLoad(target, { connections, seconds, label = target.url, timeoutSeconds = 30 }) {
  const body = target.body === undefined || typeof target.body === 'string' ? target.body : JSON.stringify(target.body);
  const opts = {
    url: target.url,
    method: target.method ?? 'GET',
    headers: {
      ...(body !== undefined && typeof target.body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...target.headers,
    },
    body,
    ...(target.requests ? { requests: target.requests } : {}),
    ...(target.requestsModule ? { requestsModule: target.requestsModule, requestsOptions: target.requestsOptions } : {}),
    connections,
    duration: seconds,
    timeout: timeoutSeconds,
  };
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./load-child.mjs', import.meta.url), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    running.add(child);
    let answered = false;
    child.once('message', (m) => {
      answered = true;
      if (!m.ok) return reject(new Error(`autocannon: ${m.error}`));
      try {
        resolve(assertRound(label, m.result));
      } catch (e) {
        reject(e);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      running.delete(child);
      if (!answered) reject(new Error(`load process exited with ${code}`));
    });
    child.send(opts);
  });
}

/** One request outside the load, for checks and statement counting. */
export async function probe(target) {
  const body = target.body === undefined || typeof target.body === 'string' ? target.body : JSON.stringify(target.body);
  const started = performance.now();
  const res = await fetch(target.url, {
    method: target.method ?? 'GET',
    headers: {
      ...(body !== undefined && typeof target.body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...target.headers,
    },
    body,
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, text, json, ms };
}
