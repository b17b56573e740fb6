import { describe, expect, it } from "vitest";
import { isMoveCode, rejoinSpace } from "./resume.ts";
import { JoinErrorCode, PlazaCloseCode } from "../codes.ts";

describe("CL3/CL4 client failover", () => {
  it("moves on MOVED, server shutdown and failed reconnection, not on kicks or a consented leave", () => {
    expect(isMoveCode(PlazaCloseCode.MOVED)).toBe(true);
    expect(isMoveCode(4001)).toBe(true);
    expect(isMoveCode(4003)).toBe(true);
    expect(isMoveCode(PlazaCloseCode.FLOODING)).toBe(false);
    expect(isMoveCode(4000)).toBe(false);
  });

  it("retries the join with the old session until it succeeds, within the deadline", async () => {
    let t = 0;
    const seen: string[] = [];
    const room = await rejoinSpace(async (resume) => {
      seen.push(resume);
      if (seen.length < 3) throw Object.assign(new Error("seat reservation expired"), { code: 524 });
      return "room";
    }, "old-session", { sleep: async (ms) => { t += ms; }, now: () => t });
    expect(room).toBe("room");
    expect(seen).toEqual(["old-session", "old-session", "old-session"]);
  });

  it("keeps trying through 503 (a draining process refuses joins until the balancer notices)", async () => {
    let t = 0;
    let calls = 0;
    const r = await rejoinSpace(async () => { if (++calls < 4) throw Object.assign(new Error("unavailable"), { code: 503 }); return "ok"; }, "s", { sleep: async (ms) => { t += ms; }, now: () => t });
    expect(r).toBe("ok");
    expect(calls).toBe(4);
  });

  it("gives up at once on errors another attempt cannot fix, and after the deadline otherwise", async () => {
    let calls = 0;
    await expect(rejoinSpace(async () => { calls++; throw Object.assign(new Error("old client"), { code: JoinErrorCode.PROTOCOL_MISMATCH }); }, "s")).rejects.toThrow("old client");
    expect(calls).toBe(1);
    let t = 0;
    await expect(rejoinSpace(async () => { throw new Error("down"); }, "s", { deadlineMs: 3000, sleep: async (ms) => { t += ms; }, now: () => t })).rejects.toThrow("down");
    expect(t).toBeLessThanOrEqual(3000);
  });
});
