import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { InterestGrid, tileDistance } from "./InterestGrid.ts";

describe("IM1 nearest first, within a radius", () => {
  it("sees avatars within the radius and not beyond", () => {
    const g = new InterestGrid(50, 10);
    g.place("me", 10, 5);
    g.place("near", 14, 5);
    g.place("edge", 20, 5);
    g.place("far", 21, 5);
    const { ids } = g.nearby(10, 5, { radius: 10, max: 100 });
    expect(ids.sort()).toEqual(["edge", "me", "near"]);
  });
  it("follows moves and removals", () => {
    const g = new InterestGrid(50, 10);
    g.place("a", 40, 5);
    expect(g.nearby(0, 5, { radius: 10, max: 100 }).ids).toEqual([]);
    g.place("a", 5, 5);
    expect(g.nearby(0, 5, { radius: 10, max: 100 }).ids).toEqual(["a"]);
    g.remove("a");
    expect(g.nearby(0, 5, { radius: 10, max: 100 }).ids).toEqual([]);
    expect(g.size).toBe(0);
  });
});

describe("IM2 a crowd is cut down to the nearest", () => {
  it("stops at the ring where enough were found; everyone returned is nearer than everyone left out", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 39 }), fc.integer({ min: 0, max: 39 })), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 60 }), (spots, max) => {
        const g = new InterestGrid(40, 40);
        spots.forEach(([x, y], i) => g.place(`a${i}`, x, y));
        const { ids, reach } = g.nearby(20, 20, { radius: 15, max });
        const seen = new Set(ids);
        expect(seen.size).toBe(ids.length);
        spots.forEach(([x, y], i) => {
          const d = tileDistance({ x, y }, { x: 20, y: 20 });
          if (d < reach) expect(seen.has(`a${i}`)).toBe(true); // whole rings inside the reach are in
          if (seen.has(`a${i}`)) expect(d).toBeLessThanOrEqual(reach);
        });
        if (reach < 15) expect(ids.length).toBeGreaterThanOrEqual(max);
      }),
      { seed: 99, numRuns: 200 },
    );
  });
});
