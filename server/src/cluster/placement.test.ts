import { describe, expect, it } from "vitest";
import { parseHeartbeat, pickProcess, processScore } from "./placement.ts";

const hb = (elu: number, ccu: number, at: number) => JSON.stringify({ elu, ccu, rooms: 1, at });

describe("CL2 placement score", () => {
  it("is elu + ccu/1000, with elu clamped to 0..1", () => {
    expect(processScore({ elu: 0.25, ccu: 500 })).toBeCloseTo(0.75);
    expect(processScore({ elu: 7, ccu: 0 })).toBe(1);
    expect(processScore({ elu: Number.NaN, ccu: 0 })).toBe(1);
    expect(processScore({ elu: -1, ccu: -5 })).toBe(0);
  });

  it("CL2 picks the lowest score among fresh heartbeats", () => {
    const now = 100_000;
    expect(pickProcess({ a: hb(0.9, 0, now), b: hb(0.1, 100, now), c: hb(0.3, 0, now) }, now)).toBe("b");
  });

  it("CL2 ignores heartbeats older than 3 intervals (dead or stuck processes)", () => {
    const now = 100_000;
    expect(pickProcess({ idle: hb(0, 0, now - 6001), busy: hb(0.8, 0, now - 1000) }, now, { intervalMs: 2000 })).toBe("busy");
    expect(pickProcess({ idle: hb(0, 0, now - 6001) }, now, { intervalMs: 2000 })).toBeUndefined();
  });

  it("CL2 returns undefined without heartbeats, skips malformed ones, honours candidates", () => {
    const now = 5_000;
    expect(pickProcess({}, now)).toBeUndefined();
    expect(pickProcess({ x: "not json", y: "{\"elu\":1}" }, now)).toBeUndefined();
    expect(pickProcess({ a: hb(0, 0, now), b: hb(0.5, 0, now) }, now, { candidates: ["b"] })).toBe("b");
  });

  it("CL2 spreads new rooms over near-equal processes instead of herding them onto one", () => {
    const now = 1;
    const beats = { z: hb(0.2, 0, now), m: hb(0.22, 0, now), busy: hb(0.9, 0, now) };
    expect(pickProcess(beats, now, { random: () => 0 })).toBe("m");
    expect(pickProcess(beats, now, { random: () => 0.99 })).toBe("z");
    const seen = new Set(Array.from({ length: 20 }, (_, i) => pickProcess(beats, now, { random: () => i / 20 })));
    expect(seen).toEqual(new Set(["m", "z"]));
  });

  it("CL2 counts rooms sent to a process after its heartbeat, so a burst spreads out", () => {
    const now = 10_000;
    const beats = { a: hb(0.1, 0, now - 1000), b: hb(0.15, 0, now - 1000) };
    expect(pickProcess(beats, now, { random: () => 0 })).toBe("a");
    // Six rooms went to a since its heartbeat (the one before it is already counted in it):
    // 0.1 + 6 × 0.02 = 0.22, more than b's 0.15 + the tie margin.
    const placedAt = { a: [now - 1500, now - 900, now - 800, now - 700, now - 600, now - 500, now - 400] };
    expect(pickProcess(beats, now, { placedAt })).toBe("b");
  });

  it("parses only complete heartbeats", () => {
    expect(parseHeartbeat(hb(0.1, 2, 3))).toEqual({ elu: 0.1, ccu: 2, rooms: 1, at: 3 });
    expect(parseHeartbeat(undefined)).toBeUndefined();
    expect(parseHeartbeat("{\"elu\":0.1,\"ccu\":\"x\",\"rooms\":1,\"at\":1}")).toBeUndefined();
  });
});
