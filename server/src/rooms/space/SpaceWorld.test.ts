import { describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../../../shared/testing/asciiMap.ts";
import { parseTiledMap } from "../../../../shared/map.ts";
import { SpaceState } from "../../../../shared/state.ts";
import { emptyWorld, planEdit, type WorldContent } from "../../../../shared/world.ts";
import { SpaceWorld } from "./SpaceWorld.ts";

const BASE = parseTiledMap(asciiTiledMap(["#########", "#S......#", "#.......#", "#.......#", "#########"]));
const builder = { userId: "u1", name: "Ann", canBuild: true, canClaim: true };
let ids = 0;
const plan = (w: SpaceWorld, op: Parameters<typeof planEdit>[2]) => {
  const p = planEdit(w.base, w.content, op, builder, () => `t${++ids}`);
  if (!p.ok) throw new Error(p.message);
  return p;
};

describe("SpaceWorld (BM1, BM7)", () => {
  it("BM1 mirrors the content it starts with and every applied change into the synced state", () => {
    const state = new SpaceState();
    const w = new SpaceWorld(BASE, emptyWorld(), state);
    expect(state.contentVersion).toBe(0);
    const desk = plan(w, { op: "place", kind: "desk", x: 3, y: 2, rot: 0 });
    w.apply(desk.change);
    expect(state.contentVersion).toBe(1);
    expect(state.things.get(desk.created!)).toMatchObject({ kind: "desk", x: 3, y: 2, rev: 1 });
    w.apply(plan(w, { op: "paint", paint: "carpet", tiles: [[1, 3]] }).change);
    expect(state.paint.get(String(3 * BASE.width + 1))).toBe(3); // carpet, 1-based
    w.apply(plan(w, { op: "remove", id: desk.created!, rev: 1 }).change);
    expect(state.things.has(desk.created!)).toBe(false);
    expect(state.contentVersion).toBe(3);
  });

  it("BM7 what people walk on follows the content (paint a wall, erase it)", () => {
    const w = new SpaceWorld(BASE, emptyWorld(), new SpaceState());
    expect(w.walkable(4, 2)).toBe(true);
    w.apply(plan(w, { op: "paint", paint: "wall", tiles: [[4, 2]] }).change);
    expect(w.walkable(4, 2)).toBe(false);
    w.apply(plan(w, { op: "paint", paint: "erase", tiles: [[4, 2]] }).change);
    expect(w.walkable(4, 2)).toBe(true);
    expect(w.walkable(0, 0)).toBe(false);
    expect(w.walkable(BASE.width, 1)).toBe(false);
  });

  it("BM3 replacing the content with the stored one deletes what the new content lacks", () => {
    const state = new SpaceState();
    const w = new SpaceWorld(BASE, emptyWorld(), state);
    const plant = plan(w, { op: "place", kind: "plant", x: 2, y: 2, rot: 0 });
    w.apply(plant.change);
    w.apply(plan(w, { op: "paint", paint: "grass", tiles: [[5, 3]] }).change);
    const stored: WorldContent = emptyWorld();
    stored.version = 7;
    stored.paint.set(2 * BASE.width + 6, "wood");
    w.replace(stored);
    expect([...state.things.keys()]).toEqual([]);
    expect([...state.paint.entries()]).toEqual([[String(2 * BASE.width + 6), 2]]);
    expect(state.contentVersion).toBe(7);
  });

  it("BM5 a member's claimed desk is where they appear", () => {
    const w = new SpaceWorld(BASE, emptyWorld(), new SpaceState());
    const desk = plan(w, { op: "place", kind: "desk", x: 3, y: 1, rot: 0 });
    w.apply(desk.change);
    expect(w.deskSpot("u1")).toBeUndefined();
    const claim = planEdit(w.base, w.content, { op: "claim", id: desk.created! }, { ...builder, canBuild: false }, () => "x");
    if (!claim.ok) throw new Error(claim.message);
    w.apply(claim.change);
    expect(w.deskSpot("u1")).toEqual({ x: 3, y: 2 });
    expect(w.deskSpot(null)).toBeUndefined();
  });
});
