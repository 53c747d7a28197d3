// BENCH_CPU_PROFILE=dir: a V8 CPU profile of this process (the servers) for the first measured
// round of each side, written as <dir>/<scenario>-<side>.cpuprofile (open it in Chrome DevTools
// or speedscope; `node bench/lib/profile-summary.mjs FILE` prints where the time goes).
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export async function profiled(dir, name, fn) {
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(resolve(dir), { recursive: true });
    const file = join(resolve(dir), `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`[bench] CPU profile: ${file}`);
  }
}
