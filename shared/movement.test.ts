import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { applyMove, freshStepBudget, intendStep, spendStep, type Pose } from "./movement.ts";
import { parseTiledMap, isWalkable } from "./map.ts";
import { asciiTiledMap } from "./testing/asciiMap.ts";
import { Dir } from "./protocol.ts";
import { STEP_BURST, STEP_MS, STEP_REFILL_MS } from "./constants.ts";

const map = parseTiledMap(asciiTiledMap([
  "#######",
  "#S....#",
  "#.##..#",
  "#.....#",
  "#######",
]));
const at = (x: number, y: number, dir: Dir = Dir.DOWN): Pose => ({ x, y, dir });

describe("MV2 one step, four directions", () => {
  it("accepts a step onto a free neighbour and a turn in place", () => {
    expect(applyMove(map, at(1, 1), at(2, 1, Dir.RIGHT))).toEqual({ ok: true, pose: at(2, 1, Dir.RIGHT), stepped: true });
    expect(applyMove(map, at(1, 1), at(1, 1, Dir.UP))).toEqual({ ok: true, pose: at(1, 1, Dir.UP), stepped: false });
  });
  it("refuses diagonals and jumps of more than one tile (teleports)", () => {
    expect(applyMove(map, at(1, 1), at(2, 2))).toEqual({ ok: false, reason: "not_adjacent" });
    expect(applyMove(map, at(1, 1), at(3, 1))).toEqual({ ok: false, reason: "not_adjacent" });
    expect(applyMove(map, at(1, 1), at(5, 3))).toEqual({ ok: false, reason: "not_adjacent" });
  });
});

describe("MV3 walls and map edges", () => {
  it("refuses a step into a wall", () => {
    expect(applyMove(map, at(2, 1), at(2, 2))).toEqual({ ok: false, reason: "blocked" });
  });
  it("refuses a position off the map", () => {
    expect(applyMove(map, at(1, 1), at(-1, 1))).toEqual({ ok: false, reason: "out_of_bounds" });
    expect(applyMove(map, at(1, 1), at(1, 70000))).toEqual({ ok: false, reason: "out_of_bounds" });
  });
  it("pressing toward a wall turns in place", () => {
    expect(intendStep(map, at(2, 1, Dir.DOWN), Dir.DOWN)).toEqual(at(2, 1, Dir.DOWN));
    expect(intendStep(map, at(1, 1, Dir.DOWN), Dir.UP)).toEqual(at(1, 1, Dir.UP));
    expect(intendStep(map, at(1, 1), Dir.RIGHT)).toEqual(at(2, 1, Dir.RIGHT));
  });
});

describe("MV5 speed limit", () => {
  it("allows a burst of STEP_BURST steps at once, then refuses", () => {
    let b = freshStepBudget(0);
    for (let i = 0; i < STEP_BURST; i++) {
      const next = spendStep(b, 0);
      expect(next).toBeDefined();
      b = next!;
    }
    expect(spendStep(b, 0)).toBeUndefined();
    expect(spendStep(b, STEP_REFILL_MS)).toBeDefined();
  });
  it("never refuses honest walking at one step per STEP_MS, even with jitter", () => {
    let b = freshStepBudget(0);
    let t = 0;
    for (let i = 0; i < 2000; i++) {
      t += STEP_MS + (i % 7 === 0 ? -60 : i % 7 === 1 ? 60 : 0); // late/early arrivals
      const next = spendStep(b, t);
      expect(next, `step ${i} at ${t}`).toBeDefined();
      b = next!;
    }
  });
  it("caps a speed hack at the refill rate: 1.5× and 3× walking pace gain at most the burst", () => {
    for (const factor of [1.5, 3]) {
      let b = freshStepBudget(0);
      let accepted = 0;
      const n = 200;
      const interval = STEP_MS / factor;
      for (let i = 1; i <= n; i++) {
        const next = spendStep(b, i * interval);
        if (next) { b = next; accepted++; }
      }
      expect(accepted).toBeLessThan(n);
      expect(accepted).toBeLessThanOrEqual(Math.floor((n * interval) / STEP_REFILL_MS) + STEP_BURST);
    }
  });
});

describe("MV1–MV3 invariants under random input (seeded)", () => {
  it("an avatar only ever stands on walkable tiles and moves at most one tile per accepted move", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ x: fc.integer({ min: -2, max: 9 }), y: fc.integer({ min: -2, max: 7 }), dir: fc.constantFrom(Dir.DOWN, Dir.UP, Dir.LEFT, Dir.RIGHT) }), { maxLength: 200 }), (moves) => {
        let pose = at(1, 1);
        for (const m of moves) {
          const r = applyMove(map, pose, m);
          if (!r.ok) continue;
          expect(Math.abs(r.pose.x - pose.x) + Math.abs(r.pose.y - pose.y)).toBeLessThanOrEqual(1);
          expect(isWalkable(map, r.pose.x, r.pose.y)).toBe(true);
          pose = r.pose;
        }
      }),
      { seed: 20261122, numRuns: 300 },
    );
  });
});
