import { describe, expect, it } from "vitest";
import { ChatLog } from "./ChatLog.ts";
import { TokenBucket } from "./TokenBucket.ts";

describe("CH2 last-N space chat", () => {
  it("keeps the last N space messages in order and never private ones", () => {
    const log = new ChatLog(3);
    for (let i = 1; i <= 5; i++) log.record({ from: "a", name: "A", scope: "space", text: `m${i}`, at: i });
    log.record({ from: "a", name: "A", scope: "dm", to: "b", text: "secret", at: 6 });
    log.record({ from: "a", name: "A", scope: "nearby", text: "psst", at: 7 });
    expect(log.recent().map((m) => m.text)).toEqual(["m3", "m4", "m5"]);
    expect(log.recent().map((m) => m.id)).toEqual([3, 4, 5]);
  });
});

describe("CH3 chat budget", () => {
  it("allows a burst, then one per refill period", () => {
    const b = new TokenBucket(2, 1000, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, false]);
    expect(b.take(999)).toBe(false);
    expect(b.take(1000)).toBe(true);
  });
});
