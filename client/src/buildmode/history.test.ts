import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseTiledMap } from "../../../shared/map.ts";
import { asciiTiledMap } from "../../../shared/testing/asciiMap.ts";
import { applyChange, emptyWorld, planEdit, type BuildOp, type Editor, type WorldContent } from "../../../shared/world.ts";
import { EditHistory, type Plan } from "./history.ts";

const base = parseTiledMap(asciiTiledMap([
  "############",
  "#S.........#",
  "#..........#",
  "#..........#",
  "#..........#",
  "#..........#",
  "############",
]));
const me: Editor = { userId: "u1", name: "Ada", canBuild: true, canClaim: true };
const other: Editor = { userId: "u2", name: "Bo", canBuild: true, canClaim: true };

/** A room in miniature: the same planEdit/applyChange the room uses, and my history beside it. */
function setup() {
  const w: WorldContent = emptyWorld();
  let n = 0;
  const history = new EditHistory(() => base);
  let gesture = 0;
  const room = (op: BuildOp, who: Editor) => {
    const plan = planEdit(base, w, op, who, () => String(++n));
    if (plan.ok) applyChange(w, plan.change);
    return plan;
  };
  /** My edit, as build mode sends it: captured before, recorded once stored. */
  const mine = (op: BuildOp, g = ++gesture) => {
    const captured = history.capture(op, w);
    const plan = room(op, me);
    if (plan.ok) history.record(g, captured, plan.created);
    return plan;
  };
  /** Runs an undo/redo plan through the room; returns the refusals. */
  const run = (p: Plan) => {
    if (!p.ok) return [p.message];
    const refused: string[] = [];
    for (const step of p.steps) {
      const plan = room(step.op, me);
      if (plan.ok) step.done(plan.created);
      else refused.push(plan.message);
    }
    return refused;
  };
  return { w, history, room, mine, run, undo: () => run(history.undo(w)), redo: () => run(history.redo(w)) };
}

/** The content without ids and revisions: what a person sees. */
function looks(w: WorldContent) {
  return {
    things: [...w.things.values()].map((t) => `${t.kind}@${t.x},${t.y}r${t.rot}`).sort(),
    zones: [...w.zones.values()].map((z) => `${z.kind}:${z.name}@${z.x},${z.y} ${z.w}x${z.h}`).sort(),
    spawns: [...w.spawns.values()].map((s) => `${s.x},${s.y}`).sort(),
    paint: [...w.paint.entries()].sort((a, b) => a[0] - b[0]),
  };
}

describe("undo and redo in build mode (BM9)", () => {
  it("undoes a placed desk, redoes it, and undoes the re-placed one", () => {
    const s = setup();
    const placed = s.mine({ op: "place", kind: "desk", x: 3, y: 3, rot: 0 });
    expect(placed.ok).toBe(true);
    expect(s.undo()).toEqual([]);
    expect(s.w.things.size).toBe(0);
    expect(s.redo()).toEqual([]);
    expect(looks(s.w).things).toEqual(["desk@3,3r0"]);
    expect(s.undo()).toEqual([]);
    expect(s.w.things.size).toBe(0);
    expect(s.history.canUndo).toBe(false);
  });

  it("puts a moved and turned object back; refuses when someone else moved it since", () => {
    const s = setup();
    const placed = s.mine({ op: "place", kind: "sofa", x: 2, y: 2, rot: 0 });
    const id = placed.ok ? placed.created! : "";
    s.mine({ op: "move", id, rev: 1, x: 6, y: 4, rot: 1 });
    expect(s.undo()).toEqual([]);
    expect(looks(s.w).things).toEqual(["sofa@2,2r0"]);
    expect(s.redo()).toEqual([]);
    expect(looks(s.w).things).toEqual(["sofa@6,4r1"]);
    // Bo moves it: my undo must not throw his work away.
    s.room({ op: "move", id, rev: s.w.things.get(id)!.rev, x: 8, y: 2, rot: 0 }, other);
    expect(s.undo()[0]).toMatch(/someone else changed it/);
    expect(looks(s.w).things).toEqual(["sofa@8,2r0"]);
  });

  it("undoes a paint stroke of several batches at once, sparing tiles someone else repainted", () => {
    const s = setup();
    s.mine({ op: "paint", paint: "wood", tiles: [[2, 2], [3, 2]] });
    const stroke = 42;
    s.mine({ op: "paint", paint: "carpet", tiles: [[2, 2], [4, 2]] }, stroke);
    s.mine({ op: "paint", paint: "carpet", tiles: [[5, 2]] }, stroke);
    s.room({ op: "paint", paint: "grass", tiles: [[5, 2]] }, other);
    expect(s.undo()).toEqual([]);
    const at = (x: number, y: number) => s.w.paint.get(y * base.width + x);
    expect(at(2, 2)).toBe("wood"); // back to what it was before the stroke
    expect(at(4, 2)).toBeUndefined(); // was bare
    expect(at(5, 2)).toBe("grass"); // Bo's, kept
    expect(at(3, 2)).toBe("wood"); // the earlier edit is its own step
  });

  it("brings back a removed area with its name and size, and later steps follow the new id", () => {
    const s = setup();
    const z = s.mine({ op: "zone", kind: "private", x: 2, y: 2, w: 3, h: 2, name: "Focus" });
    const id = z.ok ? z.created! : "";
    s.mine({ op: "move", id, rev: 1, x: 5, y: 3, rot: 0 });
    s.mine({ op: "remove", id, rev: 2 });
    expect(s.undo()).toEqual([]); // re-created (new id)
    expect(looks(s.w).zones).toEqual(["private:Focus@5,3 3x2"]);
    expect(s.undo()).toEqual([]); // the move, on the re-created area
    expect(looks(s.w).zones).toEqual(["private:Focus@2,2 3x2"]);
    expect(s.undo()).toEqual([]);
    expect(s.w.zones.size).toBe(0);
    expect(s.redo()).toEqual([]);
    expect(s.redo()).toEqual([]);
    expect(s.redo()).toEqual([]);
    expect(s.w.zones.size).toBe(0);
  });

  it("forgets what could be redone once you make a new edit", () => {
    const s = setup();
    s.mine({ op: "spawn", x: 4, y: 4 });
    s.undo();
    expect(s.history.canRedo).toBe(true);
    s.mine({ op: "spawn", x: 5, y: 4 });
    expect(s.history.canRedo).toBe(false);
  });

  it("seeded: with nobody else building, undoing every edit gives back the start; redoing all gives back the end", () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant("place" as const), kind: fc.constantFrom("desk", "plant", "chair", "sofa"), x: fc.integer({ min: 1, max: 10 }), y: fc.integer({ min: 1, max: 5 }), rot: fc.constantFrom(0, 1, 2, 3) }),
      fc.record({ t: fc.constant("paint" as const), paint: fc.constantFrom("wood", "carpet", "erase"), x: fc.integer({ min: 1, max: 10 }), y: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ t: fc.constant("move" as const), pick: fc.nat(), x: fc.integer({ min: 1, max: 10 }), y: fc.integer({ min: 1, max: 5 }), rot: fc.constantFrom(0, 1, 2, 3) }),
      fc.record({ t: fc.constant("remove" as const), pick: fc.nat() }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
      const s = setup();
      const start = looks(s.w);
      let edits = 0;
      for (const o of ops) {
        const ids = [...s.w.things.keys()];
        let built: BuildOp | undefined;
        if (o.t === "place") built = { op: "place", kind: o.kind as "desk", x: o.x, y: o.y, rot: o.rot as 0 };
        else if (o.t === "paint") built = { op: "paint", paint: o.paint as "wood", tiles: [[o.x, o.y]] };
        else if (ids.length > 0) {
          const id = ids[o.pick % ids.length]!;
          const rev = s.w.things.get(id)!.rev;
          built = o.t === "move" ? { op: "move", id, rev, x: o.x, y: o.y, rot: o.rot as 0 } : { op: "remove", id, rev };
        }
        if (built && s.mine(built).ok) edits++;
      }
      const end = looks(s.w);
      while (s.history.canUndo) expect(s.undo()).toEqual([]);
      expect(looks(s.w)).toEqual(start);
      while (s.history.canRedo) expect(s.redo()).toEqual([]);
      expect(looks(s.w)).toEqual(end);
      return edits >= 0;
    }), { seed: 20261205, numRuns: 200 });
  });
});
