// Runs one autocannon load in a child process, so the load generator neither shares the event
// loop nor the CPU accounting (process.cpuUsage) of the servers under test.
import autocannon from 'autocannon';

process.once('message', async ({ requestsModule, requestsOptions, ...opts }) => {
  try {
    // Requests built here, per request (functions cannot cross the IPC channel).
    if (requestsModule) opts.requests = (await import(requestsModule)).requests(requestsOptions);
    const r = await autocannon(opts);
    process.send(
      {
        ok: true,
        result: {
          duration: r.duration,
          requestsTotal: r.requests.total,
          requestsAverage: r.requests.average,
          latency: { mean: r.latency.mean, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
          bytesPerSecond: r.throughput.average,
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
          statusCodeStats: r.statusCodeStats,
        },
      },
      () => process.exit(0),
    );
  } catch (e) {
    process.send({ ok: false, error: String(e?.stack ?? e) }, () => process.exit(1));
  }
});
