// BENCH_CPU_PROFILE=dir: a V8 CPU profile of this process (the servers) for the first measured
// round of each side, written as <dir>/<scenario>-<side>.cpuprofile (open it in Chrome DevTools
// or speedscope; `node bench/lib/profile-summary.mjs FILE` prints where the time goes).
// BENCH_HEAP_PROFILE=dir: a sampling heap profile of the same round instead (what allocates, by
// function: garbage is the rest of the CPU profile's "(garbage collector)"), written as
// <dir>/<scenario>-<side>.heapprofile (`node bench/lib/heap-summary.mjs FILE`).
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export async function profiled(dir, name, fn, heap = false) {
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  if (heap) {
    await session.post('HeapProfiler.enable');
    // Every 32 KiB allocated on average; objects collected before the stop are kept in the profile.
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 32768,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  } else {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
  }
  try {
    return await fn();
  } finally {
    const { profile } = heap ? await session.post('HeapProfiler.stopSampling') : await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(resolve(dir), { recursive: true });
    const file = join(resolve(dir), `${name}.${heap ? 'heapprofile' : 'cpuprofile'}`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`[bench] ${heap ? 'heap' : 'CPU'} profile: ${file}`);
  }
}
