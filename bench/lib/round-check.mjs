// A measured round is a figure only if every request of it got a 2xx answer in time. A round with
// socket errors, timeouts or non-2xx answers measures something else (one SAML round once answered
// 37,732 non-2xx at 3,990 req/s after its pre-signed assertions expired, and the table printed it):
// it fails the run instead of being reported as req/s.

export class BrokenRoundError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BrokenRoundError';
  }
}

/** What is wrong with an autocannon result (load-child.mjs's shape), or null when every request succeeded. */
export function roundProblems(res) {
  const statuses = Object.entries(res.statusCodeStats ?? {})
    .filter(([code]) => !/^2\d\d$/.test(code))
    .map(([code, s]) => `${code} ×${s.count}`);
  const broken = res.errors > 0 || res.timeouts > 0 || res.non2xx > 0 || statuses.length > 0 || res.requestsTotal === 0;
  if (!broken) return null;
  return (
    `${res.requestsTotal} requests answered, ${res.errors} socket errors, ${res.timeouts} timeouts, ${res.non2xx} non-2xx` +
    (statuses.length ? ` (${statuses.join(', ')})` : '')
  );
}

/** Throws a BrokenRoundError naming the round (`scenario/side round n`) and its counts. */
export function assertRound(label, res) {
  const problems = roundProblems(res);
  if (problems) throw new BrokenRoundError(`${label}: broken round, not reported — ${problems}`);
  return res;
}
