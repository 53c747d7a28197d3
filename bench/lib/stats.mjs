export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The median of each metric over the rounds of one side. */
export function summarize(rounds) {
  return {
    reqPerSec: median(rounds.map((r) => r.reqPerSec)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    mean: median(rounds.map((r) => r.mean)),
    nodeCpuMsPerReq: median(rounds.map((r) => r.nodeCpuMsPerReq)),
    pgCpuMsPerReq: median(rounds.map((r) => r.pgCpuMsPerReq)),
    errors: rounds.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0),
  };
}

const fmt = (x, digits = 1) => (x === null || x === undefined ? '—' : Number(x).toFixed(digits));

export function table(results) {
  const head = ['scenario', 'side', 'req/s', 'p50 ms', 'p99 ms', 'node CPU ms/req', 'pg CPU ms/req', 'SQL/req', 'serial ms', 'errors'];
  const rows = [];
  for (const s of results) {
    for (const side of ['roster', 'baseline']) {
      const m = s[side].median;
      rows.push([
        s.name,
        side,
        fmt(m.reqPerSec),
        fmt(m.p50),
        fmt(m.p99),
        fmt(m.nodeCpuMsPerReq, 2),
        fmt(m.pgCpuMsPerReq, 2),
        String(s[side].statements.length),
        fmt(s[side].serialMs),
        String(m.errors),
      ]);
    }
    const x = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${fmt(v, 2)}×`);
    rows.push([
      '',
      'roster/baseline',
      x(s.ratio.reqPerSec),
      x(s.ratio.p50),
      x(s.ratio.p99),
      x(s.ratio.nodeCpuMsPerReq),
      x(s.ratio.pgCpuMsPerReq),
      '',
      x(s.ratio.serialMs),
      '',
    ]);
  }
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
