import { describe, expect, it } from "vitest";
import { asciiTiledMap } from "./testing/asciiMap.ts";
import { parseTiledMap } from "./map.ts";
import { findPath } from "./pathfinding.ts";
import { closedByDoor, doorsWalkable, mayEnter, roomAt } from "./doors.ts";

// "Room" is the P block (x 3–5, y 3–4); its only way in from the top row is through y = 2.
const MAP = parseTiledMap(asciiTiledMap([
  "##########",
  "#S.......#",
  "#........#",
  "#..PPP...#",
  "#..PPP...#",
  "##########",
]));
const CLOSED = new Set(["Room"]);

describe("NV doors (shared/doors.ts)", () => {
  it("NV2 a closed room refuses steps in from outside, not steps within or out of it", () => {
    expect(roomAt(MAP, 4, 3)?.name).toBe("Room");
    expect(mayEnter(MAP, CLOSED, { x: 3, y: 2 }, { x: 3, y: 3 })).toBe(false);
    expect(mayEnter(MAP, CLOSED, { x: 3, y: 3 }, { x: 4, y: 3 })).toBe(true);
    expect(mayEnter(MAP, CLOSED, { x: 3, y: 3 }, { x: 3, y: 2 })).toBe(true);
    expect(mayEnter(MAP, new Set(), { x: 3, y: 2 }, { x: 3, y: 3 })).toBe(true);
    expect(mayEnter(MAP, CLOSED, { x: 1, y: 1 }, { x: 2, y: 1 })).toBe(true);
  });

  it("NV4 a pass lets its holder in", () => {
    expect(mayEnter(MAP, CLOSED, { x: 3, y: 2 }, { x: 3, y: 3 }, new Set(["Room"]))).toBe(true);
  });

  it("NV2 the walkable map blocks a closed room for outsiders only; paths go around it", () => {
    const outside = doorsWalkable(MAP, CLOSED, { x: 2, y: 2 });
    expect(closedByDoor(MAP, outside, 4, 4)).toBe(true);
    expect(findPath(outside, { x: 2, y: 4 }, { x: 6, y: 4 }).some((t) => roomAt(MAP, t.x, t.y))).toBe(false);
    expect(doorsWalkable(MAP, CLOSED, { x: 4, y: 4 })).toBe(MAP); // inside: nothing closed to me
    expect(doorsWalkable(MAP, new Set(), { x: 2, y: 2 })).toBe(MAP);
    expect(doorsWalkable(MAP, CLOSED, { x: 2, y: 2 }, new Set(["Room"]))).toBe(MAP);
  });
});
