import { describe, expect, it } from "vitest";
import { COARSE_STEP } from "../../../shared/constants.ts";
import { COARSE, FINE, type PositionTag } from "../../../shared/state.ts";
import { catchUpCoarse, firstMembers, followCoarse, nextMembers, type MembershipOptions } from "./CellMembership.ts";
import { InterestGrid } from "./InterestGrid.ts";

/** A grid with avatars `a<i>` at the given tiles, and where each stands. */
function crowd(spots: [number, number][]) {
  const grid = new InterestGrid(40, 40);
  const at = new Map<string, { x: number; y: number }>();
  spots.forEach(([x, y], i) => { grid.place(`a${i}`, x, y); at.set(`a${i}`, { x, y }); });
  return { grid, at, positionOf: (id: string) => at.get(id) };
}

const centre = { x: 20, y: 20 };
/** a0 … a9 on one line going right from the centre, one tile apart. */
const LINE: [number, number][] = Array.from({ length: 10 }, (_, i) => [20 + i, 20]);

describe("IM1 IM2 a cell shows the nearest to its centre", () => {
  it("a new cell: the `max` nearest, the `fine` nearest of them FINE", () => {
    const { grid } = crowd(LINE);
    const first = firstMembers(grid, centre, { radius: 16, max: 5, fine: 3 });
    expect([...first]).toEqual([["a0", FINE], ["a1", FINE], ["a2", FINE], ["a3", COARSE], ["a4", COARSE]]);
  });

  it("nobody beyond the radius", () => {
    const { grid, positionOf } = crowd([[20, 20], [30, 20], [31, 20]]);
    const opts = { radius: 10, max: 90, fine: 90 };
    expect([...nextMembers(grid, centre, new Map(), positionOf, opts).keys()]).toEqual(["a0", "a1"]);
  });

  it("outside a crowd (fine ≥ max) everyone is FINE", () => {
    const { grid, positionOf } = crowd(LINE);
    const next = nextMembers(grid, centre, new Map(), positionOf, { radius: 16, max: 5, fine: 5 });
    expect([...next.values()]).toEqual([FINE, FINE, FINE, FINE, FINE]);
  });

  it("the cap is hard, and someone already shown one ring further keeps their place over a newcomer", () => {
    const { grid, positionOf } = crowd(LINE);
    const opts: MembershipOptions = { radius: 16, max: 4, fine: 4 };
    const shown = new Map<string, PositionTag>([["a0", FINE], ["a1", FINE], ["a2", FINE], ["a4", FINE]]);
    // a3 (ring 3) is new, a4 (ring 4) is shown: a4 stays; a5, shown, would rank as ring 4 behind a3 and is not.
    expect([...nextMembers(grid, centre, shown, positionOf, opts).keys()]).toEqual(["a0", "a1", "a2", "a4"]);
    const shownFar = new Map<string, PositionTag>([["a0", FINE], ["a1", FINE], ["a2", FINE], ["a5", FINE]]);
    expect([...nextMembers(grid, centre, shownFar, positionOf, opts).keys()]).toEqual(["a0", "a1", "a2", "a3"]);
  });
});

describe("IM9 in a crowd the nearest are FINE, the rest COARSE, with hysteresis", () => {
  const opts: MembershipOptions = { radius: 16, max: 6, fine: 2 };

  it("the `fine` nearest are FINE", () => {
    const { grid, positionOf } = crowd(LINE);
    expect([...nextMembers(grid, centre, new Map(), positionOf, opts)]).toEqual([
      ["a0", FINE], ["a1", FINE], ["a2", COARSE], ["a3", COARSE], ["a4", COARSE], ["a5", COARSE],
    ]);
  });

  it("someone held FINE ranks two rings nearer: kept FINE over a COARSE one up to two rings nearer", () => {
    const { grid, positionOf } = crowd(LINE);
    const held = (fineOnes: string[]) => new Map<string, PositionTag>(["a0", "a1", "a2", "a3", "a4", "a5"].map((id) => [id, fineOnes.includes(id) ? FINE : COARSE]));
    const fineOf = (m: Map<string, PositionTag>) => [...m].filter(([, t]) => t === FINE).map(([id]) => id);
    expect(fineOf(nextMembers(grid, centre, held(["a0", "a3"]), positionOf, opts))).toEqual(["a0", "a3"]);
    expect(fineOf(nextMembers(grid, centre, held(["a0", "a4"]), positionOf, opts))).toEqual(["a0", "a1"]);
  });

  it("the coarse tile follows every COARSE_STEP tiles, and catches up when asked", () => {
    const a = { x: 10, y: 10, cx: 10, cy: 10 };
    for (let step = 1; step < COARSE_STEP; step++) { a.x = 10 + step; followCoarse(a, a.x, a.y); }
    expect([a.cx, a.cy]).toEqual([10, 10]);
    a.x = 10 + COARSE_STEP;
    followCoarse(a, a.x, a.y);
    expect([a.cx, a.cy]).toEqual([a.x, 10]);
    a.y = 11;
    followCoarse(a, a.x, a.y);
    expect([a.cx, a.cy]).toEqual([a.x, 10]);
    catchUpCoarse(a);
    expect([a.cx, a.cy]).toEqual([a.x, 11]);
  });
});
