import { describe, expect, it } from "vitest";
import { parseTiledMap } from "../../../shared/map.ts";
import { asciiTiledMap } from "../../../shared/testing/asciiMap.ts";
import { applyChange, emptyWorld, planEdit, WORLD_LIMITS, type BuildOp, type Editor, type WorldContent } from "../../../shared/world.ts";
import { BuildTool, entityAt, lineTiles, PAINT_BATCH_MS, type BuildAction } from "./buildTool.ts";

const base = parseTiledMap(asciiTiledMap([
  "##########",
  "#S.......#",
  "#........#",
  "#........#",
  "#........#",
  "##########",
]));
const builder: Editor = { userId: "u1", name: "Ada", canBuild: true, canClaim: true };

function setup() {
  let w: WorldContent = emptyWorld();
  let n = 0;
  const tool = new BuildTool(base, () => w, () => builder);
  /** What the room would do with the sent ops: plan and apply. */
  const commit = (actions: BuildAction[]) => {
    for (const a of actions) {
      if (a.type !== "send") continue;
      const plan = planEdit(base, w, a.op, builder, () => String(++n));
      if (plan.ok) applyChange(w, plan.change);
    }
  };
  return { tool, commit, get w() { return w; }, set w(v) { w = v; } };
}
const sends = (a: BuildAction[]) => a.filter((x) => x.type === "send").map((x) => (x as { op: BuildOp }).op);

describe("build tool (BM1, BM3, BM4)", () => {
  it("places the chosen object where clicked, turned with R; a red ghost is refused locally", () => {
    const s = setup();
    s.tool.setTool({ type: "object", kind: "desk" });
    s.tool.rotate();
    const placed = s.tool.down({ x: 3, y: 2 }, 0);
    expect(sends(placed)).toEqual([{ op: "place", kind: "desk", x: 3, y: 2, rot: 1 }]);
    s.commit(placed);
    // Hovering the same spot now predicts the overlap: red ghost, and a click says why.
    s.tool.move({ x: 3, y: 2 }, 10);
    expect(s.tool.preview().ghosts).toEqual([{ type: "object", kind: "desk", x: 3, y: 2, rot: 1, invalid: true }]);
    const again = s.tool.down({ x: 3, y: 2 }, 20);
    expect(again).toEqual([{ type: "refuse", message: "cannot place a desk there: overlaps a desk" }]);
    // On a wall: also refused before sending.
    expect(s.tool.down({ x: 0, y: 0 }, 30)[0].type).toBe("refuse");
  });

  it("select, drag and drop sends one move with the revision seen when the drag started", () => {
    const s = setup();
    s.tool.setTool({ type: "object", kind: "table" });
    s.commit(s.tool.down({ x: 2, y: 2 }, 0));
    const table = [...s.w.things.values()][0];
    s.tool.setTool({ type: "select" });
    // Grab the table by its lower-right tile and drop it two tiles right.
    expect(s.tool.down({ x: 3, y: 3 }, 0)).toEqual([]);
    expect(s.tool.selected).toBe(table.id);
    s.tool.move({ x: 4, y: 3 }, 10);
    s.tool.move({ x: 5, y: 3 }, 20);
    const p = s.tool.preview();
    expect(p.ghosts).toEqual([{ type: "object", kind: "table", x: 4, y: 2, rot: 0, invalid: false }]);
    expect(p.dims).toBe(table.id);
    const drop = s.tool.up({ x: 5, y: 3 }, 30);
    expect(sends(drop)).toEqual([{ op: "move", id: table.id, rev: 1, x: 4, y: 2, rot: 0 }]);
    expect(drop[0]).toMatchObject({ dims: table.id });
    // A click without moving is only a selection.
    s.tool.down({ x: 3, y: 3 }, 40);
    expect(s.tool.up({ x: 3, y: 3 }, 50)).toEqual([]);
  });

  it("R and Delete act on the selection with its current revision", () => {
    const s = setup();
    s.tool.setTool({ type: "object", kind: "sofa" });
    s.commit(s.tool.down({ x: 2, y: 2 }, 0));
    s.tool.setTool({ type: "select" });
    s.tool.down({ x: 2, y: 2 }, 0);
    s.tool.up({ x: 2, y: 2 }, 0);
    const id = s.tool.selected!;
    const turn = s.tool.rotate();
    expect(sends(turn)).toEqual([{ op: "move", id, rev: 1, x: 2, y: 2, rot: 1 }]);
    s.commit(turn);
    expect(sends(s.tool.remove())).toEqual([{ op: "remove", id, rev: 2 }]);
    expect(s.tool.selected).toBeUndefined();
  });

  it("picks objects over spawns over the smallest area", () => {
    const w = emptyWorld();
    w.zones.set("z:big", { id: "z:big", kind: "private", name: "Big", x: 1, y: 1, w: 8, h: 4, rev: 1 });
    w.zones.set("z:small", { id: "z:small", kind: "private", name: "Small", x: 2, y: 2, w: 2, h: 2, rev: 1 });
    w.spawns.set("s:a", { id: "s:a", x: 3, y: 3, rev: 1 });
    w.things.set("o:c", { id: "o:c", kind: "chair", x: 2, y: 2, rot: 0, rev: 1, claimedBy: null, claimName: null });
    w.things.set("o:d", { id: "o:d", kind: "desk", x: 2, y: 2, rot: 0, rev: 1, claimedBy: null, claimName: null });
    expect(entityAt(w, { x: 2, y: 2 })).toBe("o:d"); // the desk is drawn over the chair tucked under it
    expect(entityAt(w, { x: 3, y: 3 })).toBe("s:a");
    expect(entityAt(w, { x: 2, y: 3 })).toBe("z:small");
    expect(entityAt(w, { x: 7, y: 4 })).toBe("z:big");
    expect(entityAt(w, { x: 0, y: 0 })).toBeUndefined();
  });

  it("paints a drag as a continuous stroke, in batches while held and the rest on release", () => {
    const s = setup();
    s.tool.setTool({ type: "paint", paint: "wall" });
    expect(s.tool.down({ x: 1, y: 2 }, 0)).toEqual([]);
    expect(s.tool.move({ x: 4, y: 2 }, 50)).toEqual([]); // jumped three tiles: the line between is painted
    const first = s.tool.move({ x: 5, y: 2 }, PAINT_BATCH_MS);
    expect(sends(first)).toEqual([{ op: "paint", paint: "wall", tiles: [[1, 2], [2, 2], [3, 2], [4, 2], [5, 2]] }]);
    s.tool.move({ x: 4, y: 2 }, PAINT_BATCH_MS + 10); // back over painted tiles: nothing new
    s.tool.move({ x: 4, y: 3 }, PAINT_BATCH_MS + 20);
    expect(s.tool.preview().ghosts).toEqual([{ type: "paint", paint: "wall", tiles: [{ x: 4, y: 3 }] }]);
    expect(sends(s.tool.up(undefined, PAINT_BATCH_MS + 30))).toEqual([{ op: "paint", paint: "wall", tiles: [[4, 3]] }]);
  });

  it("a release when a batch is due still sends the stroke's last tiles", () => {
    const s = setup();
    s.tool.setTool({ type: "paint", paint: "wall" });
    const sent = [...s.tool.down({ x: 3, y: 1 }, 0), ...s.tool.move({ x: 3, y: 2 }, 10)];
    // Released on a new tile exactly when the next batch is due (a slow frame, a busy machine).
    sent.push(...s.tool.up({ x: 3, y: 3 }, PAINT_BATCH_MS));
    expect(sends(sent)).toEqual([{ op: "paint", paint: "wall", tiles: [[3, 1], [3, 2], [3, 3]] }]);
    // Released where the last move was, with that move's tiles still unsent: sent too.
    s.tool.down({ x: 5, y: 1 }, 1000);
    s.tool.move({ x: 5, y: 2 }, 1010);
    expect(sends(s.tool.up({ x: 5, y: 2 }, 1000 + PAINT_BATCH_MS))).toEqual([{ op: "paint", paint: "wall", tiles: [[5, 1], [5, 2]] }]);
  });

  it("splits a stroke into ops of at most the per-edit limit and skips tiles already painted so", () => {
    const big = parseTiledMap(asciiTiledMap(Array.from({ length: 40 }, () => ".".repeat(40))));
    let w = emptyWorld();
    const tool = new BuildTool(big, () => w, () => builder);
    tool.setTool({ type: "paint", paint: "grass" });
    tool.down({ x: 0, y: 0 }, 0);
    for (let y = 0; y < 20; y++) { tool.move({ x: 39, y }, 1); tool.move({ x: 0, y: y + 1 }, 1); }
    const ops = sends(tool.up(undefined, 2));
    expect(ops.length).toBeGreaterThan(1);
    for (const op of ops) expect(op.op === "paint" && op.tiles.length).toBeLessThanOrEqual(WORLD_LIMITS.paintPerEdit);
    w = emptyWorld();
    w.paint.set(0, "grass");
    tool.down({ x: 0, y: 0 }, 10);
    expect(tool.up({ x: 1, y: 0 }, 20).flatMap((a) => (a.type === "send" && a.op.op === "paint" ? a.op.tiles : []))).toEqual([[1, 0]]);
  });

  it("a dragged rectangle asks for the area's name", () => {
    const s = setup();
    s.tool.setTool({ type: "zone", kind: "private" });
    s.tool.down({ x: 6, y: 4 }, 0);
    s.tool.move({ x: 3, y: 2 }, 10);
    expect(s.tool.preview().ghosts).toEqual([{ type: "zone", kind: "private", x: 3, y: 2, w: 4, h: 3, invalid: false }]);
    expect(s.tool.up({ x: 3, y: 2 }, 20)).toEqual([{ type: "nameZone", kind: "private", x: 3, y: 2, w: 4, h: 3 }]);
  });

  it("line tiles leave no gap", () => {
    expect(lineTiles({ x: 0, y: 0 }, { x: 3, y: 1 })).toEqual([{ x: 1, y: 0 }, { x: 2, y: 1 }, { x: 3, y: 1 }]);
    expect(lineTiles({ x: 2, y: 2 }, { x: 2, y: 2 })).toEqual([]);
  });
});
