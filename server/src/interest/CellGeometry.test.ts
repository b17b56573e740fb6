import { describe, expect, it } from "vitest";
import { CellGeometry } from "./CellGeometry.ts";

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
