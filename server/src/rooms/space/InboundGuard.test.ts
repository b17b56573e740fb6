import { describe, expect, it } from "vitest";
import { InboundGuard } from "./InboundGuard.ts";
import { ABUSE_WINDOW_MS, FLOOD_DISCONNECT_AFTER, INVALID_DISCONNECT_AFTER, MSG_BURST, MSG_RATE_PER_S } from "../../../../shared/constants.ts";

describe("BI1 message budget", () => {
  it("processes a normal client's traffic (well below the rate) forever", () => {
    const g = new InboundGuard(0);
    for (let t = 0; t < 60_000; t += 1000 / (MSG_RATE_PER_S / 2)) expect(g.admit(t)).toBe("process");
  });
  it("drops messages beyond the burst, then disconnects a sustained flood", () => {
    const g = new InboundGuard(0);
    const results = Array.from({ length: MSG_BURST + FLOOD_DISCONNECT_AFTER + 1 }, () => g.admit(0));
    expect(results.slice(0, MSG_BURST).every((r) => r === "process")).toBe(true);
    expect(results[MSG_BURST]).toBe("drop");
    expect(results.at(-1)).toBe("disconnect");
  });
  it("forgives a short burst once the window rolls over", () => {
    const g = new InboundGuard(0);
    for (let i = 0; i < MSG_BURST + 10; i++) g.admit(0);
    expect(g.admit(ABUSE_WINDOW_MS)).toBe("process");
  });
});

describe("BI2 malformed messages", () => {
  it("tolerates a few, disconnects a client that keeps sending garbage", () => {
    const g = new InboundGuard(0);
    for (let i = 0; i < INVALID_DISCONNECT_AFTER; i++) expect(g.invalid(i)).toBe("drop");
    expect(g.invalid(INVALID_DISCONNECT_AFTER)).toBe("disconnect");
  });
});
