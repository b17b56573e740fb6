/**
 * Per-client protection against floods and garbage (SPEC BI1–BI3). Knows nothing of Colyseus:
 * the room asks it, per inbound message, whether to process, drop, or disconnect. Time is passed
 * in, so it is tested without a clock.
 */
import {
  ABUSE_WINDOW_MS, FLOOD_DISCONNECT_AFTER, INVALID_DISCONNECT_AFTER, MSG_BURST, MSG_RATE_PER_S,
} from "../../../../shared/constants.ts";

export type Admission = "process" | "drop" | "disconnect";

export class InboundGuard {
  private tokens = MSG_BURST;
  private refilledAt: number;
  private windowStart: number;
  private droppedInWindow = 0;
  private invalidInWindow = 0;
  /** True from the first throttled message until the window rolls over (the room notifies once). */
  throttledNoticeSent = false;

  constructor(nowMs: number) {
    this.refilledAt = nowMs;
    this.windowStart = nowMs;
  }

  /** Called for every inbound message before it is parsed. */
  admit(nowMs: number): Admission {
    this.roll(nowMs);
    const refill = ((nowMs - this.refilledAt) / 1000) * MSG_RATE_PER_S;
    this.tokens = Math.min(MSG_BURST, this.tokens + refill);
    this.refilledAt = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return "process";
    }
    this.droppedInWindow++;
    return this.droppedInWindow > FLOOD_DISCONNECT_AFTER ? "disconnect" : "drop";
  }

  /** Called when a message was malformed or of an unknown type. */
  invalid(nowMs: number): Admission {
    this.roll(nowMs);
    this.invalidInWindow++;
    return this.invalidInWindow > INVALID_DISCONNECT_AFTER ? "disconnect" : "drop";
  }

  private roll(nowMs: number) {
    if (nowMs - this.windowStart >= ABUSE_WINDOW_MS) {
      this.windowStart = nowMs;
      this.droppedInWindow = 0;
      this.invalidInWindow = 0;
      this.throttledNoticeSent = false;
    }
  }
}
