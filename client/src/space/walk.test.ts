import { describe, expect, it } from "vitest";
import { FOLLOW_REPLAN_MS, WalkController, type Move } from "./walk.ts";
import { chebyshev, isWalkable, type Tile } from "../../../shared/grid.ts";
import { parseTiledMap, type SpaceMap } from "../../../shared/map.ts";
import { asciiTiledMap } from "../../../shared/testing/asciiMap.ts";
import { Dir } from "../../../shared/protocol.ts";
import { STEP_MS } from "../../../shared/constants.ts";

const MAP = parseTiledMap(asciiTiledMap([
  "##########",
  "#S.......#",
  "#.######.#",
  "#........#",
  "##########",
]));
const nobody = () => undefined;

/** A controller placed at (1, 1) facing down, with its start ack applied. */
function placed(map: () => SpaceMap = () => MAP) {
  const walk = new WalkController(map);
  walk.acknowledge(0, { x: 1, y: 1, dir: Dir.DOWN });
  return walk;
}

/** Runs frames every STEP_MS from `t` and returns the moves sent. */
function walkFrames(walk: WalkController, t: number, frames: number, whereIs: (id: string) => Tile | undefined = nobody) {
  const moves: Move[] = [];
  for (let i = 0; i < frames; i++) {
    const m = walk.frame(t + i * STEP_MS, whereIs).move;
    if (m) moves.push(m);
  }
  return moves;
}

describe("MV6 held keys", () => {
  it("steps at once on a key press, then once per STEP_MS while held", () => {
    const walk = placed();
    expect(walk.press(Dir.RIGHT, 1000).move).toEqual({ seq: 1, x: 2, y: 1, dir: Dir.RIGHT });
    expect(walk.frame(1000 + STEP_MS - 1, nobody).move).toBeUndefined();
    expect(walk.frame(1000 + STEP_MS, nobody).move).toEqual({ seq: 2, x: 3, y: 1, dir: Dir.RIGHT });
    walk.release(Dir.RIGHT);
    expect(walk.frame(1000 + 2 * STEP_MS, nobody).move).toBeUndefined();
    expect(walk.pose).toEqual({ x: 3, y: 1, dir: Dir.RIGHT });
  });

  it("walks the key pressed last, and the earlier one again when that is released", () => {
    const walk = placed();
    walk.press(Dir.RIGHT, 0);
    expect(walk.press(Dir.DOWN, STEP_MS).move).toMatchObject({ x: 2, y: 1, dir: Dir.DOWN }); // a wall below: a turn (MV3)
    walk.release(Dir.DOWN);
    expect(walk.frame(2 * STEP_MS, nobody).move).toMatchObject({ x: 3, y: 1, dir: Dir.RIGHT });
  });

  it("forgets held keys when the window loses focus", () => {
    const walk = placed();
    walk.press(Dir.DOWN, 0);
    walk.releaseAll();
    expect(walkFrames(walk, STEP_MS, 4)).toEqual([]);
  });

  it("sends nothing before the start tile arrived", () => {
    const walk = new WalkController(() => MAP);
    expect(walk.placed).toBe(false);
    expect(walk.press(Dir.RIGHT, 0).move).toBeUndefined();
    walk.walkTo({ x: 5, y: 1 });
    expect(walk.way).toEqual([]);
  });
});

describe("MV6 click to walk", () => {
  it("follows the path step by step to the clicked tile", () => {
    const walk = placed();
    walk.walkTo({ x: 4, y: 1 });
    expect(walk.way).toEqual([{ x: 2, y: 1 }, { x: 3, y: 1 }, { x: 4, y: 1 }]);
    const moves = walkFrames(walk, 1000, 5);
    expect(moves.map((m) => [m.x, m.y])).toEqual([[2, 1], [3, 1], [4, 1]]);
    expect(walk.way).toEqual([]);
  });

  it("walks next to a blocked tile that was clicked", () => {
    const walk = placed();
    walk.walkTo({ x: 3, y: 2 }); // a wall: the nearest walkable tile around it
    const end = walk.way[walk.way.length - 1];
    expect(chebyshev(end, { x: 3, y: 2 })).toBe(1);
    expect(isWalkable(MAP, end.x, end.y)).toBe(true);
  });

  it("a held key cancels the path", () => {
    const walk = placed();
    walk.walkTo({ x: 8, y: 1 });
    walk.frame(1000, nobody);
    walk.press(Dir.DOWN, 1000 + STEP_MS);
    expect(walk.way).toEqual([]);
    walk.release(Dir.DOWN);
    expect(walkFrames(walk, 1000 + 2 * STEP_MS, 4)).toEqual([]);
  });

  it("stop() drops the path (build mode)", () => {
    const walk = placed();
    walk.walkTo({ x: 8, y: 1 });
    walk.stop();
    expect(walkFrames(walk, 1000, 3)).toEqual([]);
  });

  it("a correction drops the path; the avatar continues from the server's pose", () => {
    const walk = placed();
    walk.walkTo({ x: 5, y: 1 });
    const [first] = walkFrames(walk, 1000, 1);
    walk.corrected(first.seq, { x: 1, y: 1, dir: Dir.DOWN });
    expect(walk.pose).toEqual({ x: 1, y: 1, dir: Dir.DOWN });
    expect(walk.way).toEqual([]);
  });

  it("re-plans from where it stands when pushed off the path", () => {
    const walk = placed();
    walk.walkTo({ x: 3, y: 1 });
    // An ack puts it somewhere else (e.g. an old move replayed differently): the next step re-plans.
    walk.acknowledge(5, { x: 1, y: 3, dir: Dir.DOWN });
    const moves = walkFrames(walk, 1000, 12);
    expect(moves.length).toBeGreaterThan(0);
    expect(walk.pose).toMatchObject({ x: 3, y: 1 });
  });

  it("walks around what someone built across the way", () => {
    let map = MAP;
    const walk = placed(() => map);
    walk.walkTo({ x: 8, y: 1 });
    const blocked = new Uint8Array(map.blocked);
    blocked[1 * map.width + 5] = 1; // a desk appears on the top corridor
    map = { ...map, blocked };
    walk.mapChanged();
    expect(walk.way.some((t) => t.x === 5 && t.y === 1)).toBe(false);
    expect(walk.way[walk.way.length - 1]).toEqual({ x: 8, y: 1 });
  });
});

describe("LO1/LO2 locate and follow", () => {
  it("locating shows the way and does not walk", () => {
    const walk = placed();
    const r = walk.located({ id: "b", found: true, x: 4, y: 1 });
    expect(r).toEqual({ kind: "found", way: [{ x: 2, y: 1 }, { x: 3, y: 1 }, { x: 4, y: 1 }] });
    expect(walk.way).toEqual([]);
  });

  it("following heads for them, re-plans as they move, and stops next to them", () => {
    const walk = placed();
    expect(walk.toggleFollow("b")).toBe(true);
    let them: Tile = { x: 6, y: 1 };
    const whereIs = (id: string) => (id === "b" ? them : undefined);
    let t = 1000;
    walk.frame(t, whereIs);
    expect(walk.way[walk.way.length - 1]).toEqual({ x: 6, y: 1 });
    them = { x: 8, y: 3 }; // they walked on: the next re-plan heads there
    t += FOLLOW_REPLAN_MS + 1;
    walk.frame(t, whereIs);
    expect(walk.way[walk.way.length - 1]).toEqual({ x: 8, y: 3 });
    for (let i = 0; i < 40; i++) walk.frame((t += STEP_MS), whereIs);
    const pose = walk.pose!;
    expect(chebyshev(pose, them)).toBeLessThanOrEqual(1);
    expect(walk.way).toEqual([]);
  });

  it("asks to locate them when they are out of view, and walks to the answer", () => {
    const walk = placed();
    walk.toggleFollow("b");
    expect(walk.frame(1000, nobody).locate).toBe("b");
    expect(walk.located({ id: "b", found: true, x: 8, y: 3 })).toEqual({ kind: "following" });
    expect(walk.way[walk.way.length - 1]).toEqual({ x: 8, y: 3 });
  });

  it("a key press, a second toggle or their leaving stops following", () => {
    const walk = placed();
    walk.toggleFollow("b");
    expect(walk.press(Dir.RIGHT, 0).stoppedFollowing).toBe(true);
    expect(walk.following).toBeUndefined();
    walk.toggleFollow("b");
    expect(walk.toggleFollow("b")).toBe(false);
    walk.toggleFollow("b");
    expect(walk.located({ id: "b", found: false, x: 0, y: 0 })).toEqual({ kind: "gone" });
    expect(walk.following).toBeUndefined();
    walk.toggleFollow("b");
    expect(walk.unfollow("c")).toBe(false);
    expect(walk.unfollow()).toBe(true);
  });
});
