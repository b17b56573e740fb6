/**
 * How long to wait before trying ClickHouse again (SPEC AN3, AN4): exponential backoff with
 * "equal jitter" (half fixed, half random), capped. Pure: the random draw is given.
 */

export interface Backoff {
  /** The first wait (attempt 0) is between baseMs/2 and baseMs. */
  readonly baseMs: number;
  /** No wait is longer. */
  readonly maxMs: number;
}

/** Quick retries of one insert (100 ms, 200 ms… ≤ 2 s): ride out a reset socket or a restart. */
export const INSERT_RETRY: Backoff = { baseMs: 100, maxMs: 2000 };

/** Probes of an unreachable ClickHouse: from 250 ms up to `maxMs` (30 s unless configured). */
export function probeBackoff(maxMs = 30_000): Backoff {
  return { baseMs: 250, maxMs };
}

/** The wait before retry number `attempt` (0 first); `random` is a draw in [0, 1). */
export function backoffDelay(policy: Backoff, attempt: number, random: number): number {
  const d = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 20));
  return d / 2 + random * (d / 2);
}
