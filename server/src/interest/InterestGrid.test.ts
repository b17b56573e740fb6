import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chebyshev } from "../../../shared/grid.ts";
import { capNearest, InterestGrid } from "./InterestGrid.ts";

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
        const { ids, rings, reach } = g.nearby(20, 20, { radius: 15, max });
        const seen = new Set(ids);
        expect(seen.size).toBe(ids.length);
        ids.forEach((id, i) => { const [x, y] = spots[Number(id.slice(1))]; expect(rings[i]).toBe(chebyshev({ x, y }, { x: 20, y: 20 })); });
        spots.forEach(([x, y], i) => {
          const d = chebyshev({ x, y }, { x: 20, y: 20 });
          if (d < reach) expect(seen.has(`a${i}`)).toBe(true); // whole rings inside the reach are in
          if (seen.has(`a${i}`)) expect(d).toBeLessThanOrEqual(reach);
        });
        if (reach < 15) expect(ids.length).toBeGreaterThanOrEqual(max);
      }),
      { seed: 99, numRuns: 200 },
    );
  });
});

describe("IM2 the cap is hard, and the crowd's edge is stable", () => {
  it("shows at most max, nearest first; those already shown rank one ring nearer and win ties", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 16 }), fc.boolean()), { selector: (c) => c[0], maxLength: 200 }),
        fc.integer({ min: 1, max: 80 }),
        (raw, max) => {
          const candidates = raw.map(([n, d]) => [`a${n}`, d] as const);
          const shown = new Set(raw.filter((c) => c[2]).map(([n]) => `a${n}`));
          const picked = capNearest(candidates, shown, max);
          expect(picked.length).toBe(Math.min(max, candidates.length));
          expect(new Set(picked).size).toBe(picked.length);
          const rank = (id: string, d: number) => (shown.has(id) ? 2 * Math.max(0, d - 1) : 2 * d + 1);
          const chosen = new Set(picked);
          const worstPicked = Math.max(-1, ...candidates.filter(([id]) => chosen.has(id)).map(([id, d]) => rank(id, d)));
          for (const [id, d] of candidates) if (!chosen.has(id)) expect(rank(id, d)).toBeGreaterThanOrEqual(worstPicked);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it("someone already shown one ring further keeps their place over a newcomer; two rings further does not", () => {
    const shown = new Set(["stayer"]);
    expect(capNearest([["newcomer", 4], ["stayer", 5]], shown, 1)).toEqual(["stayer"]);
    expect(capNearest([["newcomer", 4], ["stayer", 6]], shown, 1)).toEqual(["newcomer"]);
    expect(capNearest([["b", 3], ["a", 2], ["c", 9]], new Set(), 2)).toEqual(["a", "b"]);
  });
});
