import { describe, expect, it } from "vitest";
import { CellGeometry, interestCellFor } from "./CellGeometry.ts";
import { INTEREST_CELL, INTEREST_RADIUS } from "../../../shared/constants.ts";

describe("IM1 the map is cut into cells", () => {
  const g = new CellGeometry(48, 34, 8); // the office: 6 × 5 cells, the last row 2 tiles high

  it("numbers cells row by row", () => {
    expect(g.cols).toBe(6);
    expect(g.keyAt(0, 0)).toBe(0);
    expect(g.keyAt(7, 7)).toBe(0);
    expect(g.keyAt(8, 0)).toBe(1);
    expect(g.keyAt(47, 33)).toBe(4 * 6 + 5);
    expect(new CellGeometry(50, 10, 8).cols).toBe(7); // a partial last column is a cell too
  });

  it("a cell's centre is its middle tile, kept inside the map", () => {
    expect(g.centre(0)).toEqual({ x: 4, y: 4 });
    expect(g.centre(7)).toEqual({ x: 12, y: 12 });
    expect(g.centre(g.keyAt(47, 33))).toEqual({ x: 44, y: 33 }); // row 4 starts at y 32: 36 is off the map
    expect(new CellGeometry(50, 10, 8).centre(6)).toEqual({ x: 49, y: 4 });
  });
});

describe("IM7 a client changes cell when it stands more than one tile outside it", () => {
  const g = new CellGeometry(48, 34, 8);
  const key = g.keyAt(8, 8); // tiles 8..15 × 8..15

  it("is 0 inside, and the Chebyshev distance to the square outside", () => {
    for (const [x, y] of [[8, 8], [15, 15], [12, 9]]) expect(g.distance(key, x, y)).toBe(0);
    expect(g.distance(key, 7, 12)).toBe(1);
    expect(g.distance(key, 16, 12)).toBe(1);
    expect(g.distance(key, 17, 12)).toBe(2);
    expect(g.distance(key, 5, 20)).toBe(5);
    expect(g.distance(key, 18, 17)).toBe(3);
  });
});

describe("IM14 cells by the map's size", () => {
  it("the smallest of 8, 12, 16 tiles with at most INTEREST_CELLS_MAX cells; the radius grows by half the extra edge", () => {
    expect(interestCellFor(48, 34)).toEqual({ cell: 8, radius: 16 }); // the office: 30 cells
    expect(interestCellFor(64, 64)).toEqual({ cell: 8, radius: 16 }); // 64 cells
    expect(interestCellFor(80, 80)).toEqual({ cell: 12, radius: 18 }); // 100 of 8, 49 of 12
    expect(interestCellFor(100, 100)).toEqual({ cell: 16, radius: 20 }); // the event floor: 169, 81, 49
    expect(interestCellFor(256, 256)).toEqual({ cell: 16, radius: 20 }); // none fits: the largest
    for (const [w, h] of [[30, 20], [100, 100], [200, 40]]) {
      const { cell, radius } = interestCellFor(w, h);
      expect(radius - cell / 2).toBe(INTEREST_RADIUS - INTEREST_CELL / 2); // the same sight
    }
  });

  it("a configured cell or radius wins", () => {
    expect(interestCellFor(100, 100, { cell: 8 })).toEqual({ cell: 8, radius: 16 });
    expect(interestCellFor(100, 100, { radius: 12 })).toEqual({ cell: 16, radius: 12 });
    expect(interestCellFor(48, 34, { cell: 2, radius: 3 })).toEqual({ cell: 2, radius: 3 });
  });
});
