import { describe, expect, it } from "vitest";
import { findPath, walkTarget } from "./pathfinding.ts";
import { parseTiledMap, isWalkable } from "./map.ts";
import { chebyshev } from "./grid.ts";
import { asciiTiledMap } from "./testing/asciiMap.ts";
import { applyMove, dirOfDelta, type Pose } from "./movement.ts";
import { Dir } from "./protocol.ts";

const map = parseTiledMap(asciiTiledMap([
  "#########",
  "#S..#...#",
  "#.#.#.#.#",
  "#.#...#.#",
  "#.#####.#",
  "#.......#",
  "#########",
]));

describe("MV6 click to walk", () => {
  it("finds a shortest path around walls where every step is a valid move", () => {
    const path = findPath(map, { x: 1, y: 1 }, { x: 7, y: 1 });
    expect(path.at(-1)).toEqual({ x: 7, y: 1 });
    let pose: Pose = { x: 1, y: 1, dir: Dir.DOWN };
    for (const t of path) {
      const dir = dirOfDelta(t.x - pose.x, t.y - pose.y);
      expect(dir).toBeDefined();
      const r = applyMove(map, pose, { ...t, dir: dir! });
      expect(r.ok).toBe(true);
      if (r.ok) pose = r.pose;
    }
    expect(path.length).toBe(10); // via (3,3)…(5,1): the shorter of the two ways
  });
  it("returns no path to an enclosed or blocked tile", () => {
    const closed = parseTiledMap(asciiTiledMap(["#####", "#S#.#", "#####"]));
    expect(findPath(closed, { x: 1, y: 1 }, { x: 3, y: 1 })).toEqual([]);
    expect(findPath(map, { x: 1, y: 1 }, { x: 2, y: 2 })).toEqual([]);
  });
  it("clicking a wall or desk walks to the nearest free tile next to it", () => {
    const t = walkTarget(map, 2, 3, { x: 1, y: 1 });
    expect(t).toBeDefined();
    expect(isWalkable(map, t!.x, t!.y)).toBe(true);
    expect(chebyshev(t!, { x: 2, y: 3 })).toBe(1);
  });
});
