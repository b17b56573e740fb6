/**
 * Waiting, for tests, benchmarks and bots (never for product code: the server and the client wait
 * on events). `until` is a bound on waiting for a condition, not a timing assertion.
 */

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `cond` (which may ask something asynchronously) every `everyMs` until it holds; fails with `what` after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await sleep(everyMs);
  }
}
