/**
 * When a failed delivery is tried again: exponential backoff with jitter, for up to three days.
 * The first retry comes after ~30 s, each wait doubles up to 8 h, and ±25 % jitter keeps a
 * receiver that comes back from a thundering herd. The last attempt happens at the three-day
 * mark itself; a delivery still failing then is given up (`failed`, redeliverable by hand).
 */
export const WEBHOOK_RETRY = {
  firstDelayMs: 30_000,
  maxDelayMs: 8 * 3600_000,
  jitter: 0.25,
  /** How long a delivery is retried, and how long an endpoint may fail without a success before it is disabled. */
  giveUpAfterMs: 3 * 24 * 3600_000,
} as const;

/** The wait after failed attempt number `attempt` (1-based), before jitter. */
export function baseDelayMs(attempt: number): number {
  return Math.min(WEBHOOK_RETRY.firstDelayMs * 2 ** Math.max(0, attempt - 1), WEBHOOK_RETRY.maxDelayMs);
}

/**
 * The time of the next attempt after failed attempt number `attempt`, or null when the delivery
 * is past its give-up time. `random` is in [0, 1) (Math.random; tests pin it).
 */
export function nextAttemptAt(attempt: number, now: number, giveUpAt: number, random: number): number | null {
  if (now >= giveUpAt) return null;
  const jittered = baseDelayMs(attempt) * (1 - WEBHOOK_RETRY.jitter + 2 * WEBHOOK_RETRY.jitter * random);
  return Math.min(now + Math.round(jittered), giveUpAt);
}
