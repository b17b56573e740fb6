/**
 * Continuing in a space after its process went away (CL3, CL4), shared by the browser
 * (client/src/space/connection.ts) and Node tests/bots: no DOM here.
 *
 * A drained process closes with PlazaCloseCode.MOVED; a killed one makes the SDK's own
 * reconnection fail (FAILED_TO_RECONNECT), or close abnormally if the room was young. Either way
 * the client re-joins the same space passing its old sessionId as `resume`, and the new room
 * (on whichever process now hosts the space) puts it back where the server last stored it.
 */
import { CloseCode } from "@colyseus/sdk";
import { JoinErrorCode, PlazaCloseCode } from "../codes.ts";

/**
 * SDK reconnection attempts before the process counts as gone: 100+200+400 ms of backoff (a dead
 * process refuses at once, so this is the whole detection time, ~0.7 s). A short network blip comes
 * back within it with the same session (RC1); a longer one re-joins with `resume` like a failover:
 * same place, and for signed-in people the held seat is freed (no duplicate).
 */
export const RECONNECT_RETRIES = 3;
export const RECONNECT_DELAY_MS = 50;

/** Close codes after which the space continues on another process. */
export function isMoveCode(code: number): boolean {
  return code === PlazaCloseCode.MOVED || code === CloseCode.SERVER_SHUTDOWN || code === CloseCode.FAILED_TO_RECONNECT || code === CloseCode.ABNORMAL_CLOSURE;
}

/** Limits the SDK's own reconnection so that failover starts soon after a process dies. */
export function prepareForFailover(room: { reconnection: { maxRetries: number; delay: number } }): void {
  room.reconnection.maxRetries = RECONNECT_RETRIES;
  room.reconnection.delay = RECONNECT_DELAY_MS;
}

/**
 * Join errors that another attempt will not fix (bad options, old client). Not 503: a draining
 * process answers every join with 503 until the load balancer stops sending people to it, and
 * SPACE_FULL shares that status.
 */
const FINAL_JOIN_ERRORS = new Set<number>([
  JoinErrorCode.INVALID_OPTIONS, JoinErrorCode.INVALID_SPACE, JoinErrorCode.PROTOCOL_MISMATCH,
  // Access decisions: the space was deleted, made private, or the person removed meanwhile.
  JoinErrorCode.UNAUTHENTICATED, JoinErrorCode.FORBIDDEN, JoinErrorCode.UNKNOWN_SPACE,
]);

export interface RejoinOptions {
  /** Give up after this long (ms). */
  deadlineMs?: number;
  /** First wait between attempts (ms), doubled up to 2 s. */
  delayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Re-joins with `resume: oldSessionId`, retrying while the cluster notices the dead process
 * (Colyseus health-checks it on the first seat reservation that times out). Bounded by deadlineMs;
 * rethrows the last error.
 */
export async function rejoinSpace<R>(join: (resume: string) => Promise<R>, oldSessionId: string, opts: RejoinOptions = {}): Promise<R> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const deadline = now() + (opts.deadlineMs ?? 30_000);
  let delay = opts.delayMs ?? 250;
  for (;;) {
    try {
      return await join(oldSessionId);
    } catch (err) {
      const code = (err as { code?: number })?.code;
      if ((code !== undefined && FINAL_JOIN_ERRORS.has(code)) || now() + delay > deadline) throw err;
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
    }
  }
}
