import { describe, expect, it } from "vitest";
import { chebyshev, isInside, isWalkable } from "./grid.ts";

describe("tile grid", () => {
  const map = { width: 3, height: 2, blocked: Uint8Array.from([0, 1, 0, 0, 0, 1]) };

  it("MV1 inside means an integer tile within the map", () => {
    expect(isInside(map, 0, 0)).toBe(true);
    expect(isInside(map, 2, 1)).toBe(true);
    for (const [x, y] of [[-1, 0], [0, -1], [3, 0], [0, 2], [0.5, 0], [0, Number.NaN]]) expect(isInside(map, x, y)).toBe(false);
  });

  it("MV3 walkable means inside and not blocked", () => {
    expect(isWalkable(map, 0, 0)).toBe(true);
    expect(isWalkable(map, 1, 0)).toBe(false);
    expect(isWalkable(map, 2, 1)).toBe(false);
    expect(isWalkable(map, 3, 0)).toBe(false);
  });

  it("distance in tiles counts a diagonal step as one (Chebyshev), symmetric", () => {
    expect(chebyshev({ x: 0, y: 0 }, { x: 0, y: 0 })).toBe(0);
    expect(chebyshev({ x: 0, y: 0 }, { x: 1, y: 1 })).toBe(1);
    expect(chebyshev({ x: 2, y: 5 }, { x: -1, y: 3 })).toBe(3);
    expect(chebyshev({ x: -1, y: 3 }, { x: 2, y: 5 })).toBe(3);
  });
});
