// The soak's reading of its outcomes: fault windows, recovery times, errors by kind, and which
// errors are allowed.
//
// A fault's window on a node it affects runs from the fault until that node's first successful
// request sent after the fault ended (the killed node started again, PostgreSQL accepting
// connections again). Inside it, no answer (refused connection, socket error, timeout) and 503 are what a client
// should see; anything else — a 500, a wrong 4xx such as a 401 for a valid token, a GraphQL
// INTERNAL_SERVER_ERROR — is unexpected, and so is any error outside a window (including on a
// node the fault does not concern: node A while B is down).

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);
const round = (x) => (x === null || x === undefined ? null : Math.round(x));

export function analyse({ outcomes, faults }) {
  const failures = [];
  const windows = [];
  const faultRows = [];
  for (const f of faults) {
    for (const node of f.nodes) {
      const mine = outcomes.filter((o) => o.node === node);
      const firstOk = mine.filter((o) => o.result === 'ok' && o.start >= f.back).sort((a, b) => a.end - b.end)[0] ?? null;
      const end = firstOk ? firstOk.end : Infinity;
      windows.push({ node, start: f.start, end });
      // A failure is put down to the last fault that had begun when it came back.
      const latest = (o) => faults.filter((g) => g.start <= o.end).at(-1);
      const failed = mine.filter((o) => o.result !== 'ok' && o.start < end && o.end > f.start && latest(o) === f);
      const kinds = {};
      for (const o of failed) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
      faultRows.push({
        fault: f.name,
        node,
        at: round(f.start),
        downMs: round(f.back - f.start),
        bootMs: round(f.bootMs),
        failedRequests: failed.length,
        kinds,
        recoveryMs: firstOk ? round(firstOk.end - f.back) : null,
        outageMs: firstOk ? round(firstOk.end - f.start) : null,
      });
      if (!firstOk) failures.push(`${f.name}: node ${node} answered nothing successfully afterwards (did not recover)`);
    }
  }
  const inWindow = (o) => windows.some((w) => w.node === o.node && o.start < w.end && o.end > w.start);
  const tolerated = (o) =>
    inWindow(o) && (o.result === 'unknown' || o.result === 'unsent' || o.status === 503 || /UNAVAILABLE/.test(o.kind));

  const byOp = {};
  const errorsByKind = {};
  for (const o of outcomes) {
    const op = (byOp[o.op] ??= { sent: 0, ok: 0, faultErrors: 0, unexpected: 0, ms: [] });
    op.sent++;
    if (o.result === 'ok') {
      op.ok++;
      op.ms.push(o.end - o.start);
      continue;
    }
    const allowed = tolerated(o);
    if (allowed) op.faultErrors++;
    else op.unexpected++;
    const key = `${o.kind} | ${o.op} | node ${o.node} | ${allowed ? 'fault window' : inWindow(o) ? 'fault window, NOT ALLOWED' : 'OUTSIDE any fault'}`;
    errorsByKind[key] = (errorsByKind[key] ?? 0) + 1;
  }
  for (const op of Object.values(byOp)) {
    const s = op.ms.sort((a, b) => a - b);
    op.p50 = round(pct(s, 50));
    op.p99 = round(pct(s, 99));
    op.max = round(s.at(-1) ?? null);
    delete op.ms;
  }
  const unexpected = Object.values(byOp).reduce((n, op) => n + op.unexpected, 0);
  if (unexpected) failures.push(`${unexpected} request(s) failed in a way that should not happen (see errors by kind)`);
  return { byOp, errorsByKind, faults: faultRows, failures };
}

function table(head, rows) {
  const all = [head, ...rows].map((r) => r.map((c) => (c === null || c === undefined ? '—' : String(c))));
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  return [line(all[0]), `| ${w.map((n) => '-'.repeat(n)).join(' | ')} |`, ...all.slice(1).map(line)].join('\n');
}

export function printReport({ settings, loadSeconds, race, consistency, analysis, loggedErrors, failures }) {
  const out = [];
  out.push(
    `\nRequests by operation (${settings.rate} req/s for ${loadSeconds.toFixed(0)} s, round robin over 2 nodes; ms of successful requests)\n`,
  );
  out.push(
    table(
      ['operation', 'sent', 'ok', 'fault errors', 'unexpected', 'p50 ms', 'p99 ms', 'max ms'],
      Object.entries(analysis.byOp).map(([op, r]) => [op, r.sent, r.ok, r.faultErrors, r.unexpected, r.p50, r.p99, r.max]),
    ),
  );
  out.push('\nErrors by kind\n');
  const kinds = Object.entries(analysis.errorsByKind).sort((a, b) => b[1] - a[1]);
  out.push(
    kinds.length
      ? table(
          ['kind', 'operation', 'node', 'when', 'count'],
          kinds.map(([k, n]) => [...k.split(' | '), n]),
        )
      : '(none)',
  );
  out.push("\nFaults and recovery (recovery: from the node or the database back to the node's first success; outage: from the fault)\n");
  out.push(
    table(
      ['fault', 'node', 'at s', 'down ms', 'boot ms', 'failed requests', 'recovery ms', 'outage ms', 'kinds'],
      analysis.faults.map((f) => [
        f.fault,
        f.node,
        (f.at / 1000).toFixed(1),
        f.downMs,
        f.bootMs,
        f.failedRequests,
        f.recoveryMs,
        f.outageMs,
        Object.entries(f.kinds)
          .map(([k, n]) => `${k} ×${n}`)
          .join(', ') || '—',
      ]),
    ),
  );
  out.push(
    `\nRace: ${race.requests} parallel creates of ${race.names} names over both nodes in ${race.ms} ms → ${race.rows} rows, ${race.distinct} distinct; answers ${Object.entries(
      race.answers,
    )
      .map(([k, n]) => `${k} ×${n}`)
      .join(', ')}`,
  );
  const c = consistency.creates;
  const p = consistency.patches;
  out.push(
    `Consistency: creates answered 201: ${c.acknowledged} (lost ${c.lost}, id mismatch ${c.idMismatch}); answered with an error or refused connection: ${c.refused} (written anyway ${c.refusedButWritten}); no answer: ${c.unknown} (written ${c.unknownWritten}, not written ${c.unknownNotWritten}); duplicated userNames ${c.duplicated} (team-wide ${consistency.teamDuplicates}); rows never asked for ${c.phantom}`,
  );
  out.push(
    `             later writes: ${p.people} people PATCHed, ${p.checked} checked (${p.acknowledgedDeactivations} acknowledged deactivations), ${p.unknown} with an unanswered PATCH; wrong active state ${p.wrongActive}, wrong groups ${p.wrongGroups}`,
  );
  if (loggedErrors.length) {
    out.push('\nErrors the nodes logged\n');
    out.push(
      table(
        ['node', 'count', 'message'],
        loggedErrors.map((e) => [e.node, e.count, e.message]),
      ),
    );
  }
  out.push(`\nVerdict: ${failures.length ? `FAIL\n  - ${failures.join('\n  - ')}` : 'PASS'}\n`);
  console.log(out.join('\n'));
}
