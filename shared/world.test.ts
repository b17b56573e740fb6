import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseTiledMap } from "./map.ts";
import { asciiTiledMap } from "./testing/asciiMap.ts";
import {
  applyChange, buildOpSchema, compileWorld, deskSpawn, emptyWorld, OBJECT_KIND_NAMES, OBJECT_KINDS, planEdit, templateEntities, thingTiles,
  worldFromRows, type BuildOp, type Editor, type WorldContent,
} from "./world.ts";

const ROWS = [
  "##########",
  "#S.......#",
  "#........#",
  "#...##...#",
  "#........#",
  "#PP......#",
  "##########",
];
const tmj = asciiTiledMap(ROWS);
const base = parseTiledMap(tmj);
const builder: Editor = { userId: "u1", name: "Ann", canBuild: true, canClaim: true };
const member: Editor = { userId: "u2", name: "Mia", canBuild: false, canClaim: true };

function fresh(): WorldContent {
  return worldFromRows(0, templateEntities(tmj, base));
}

function run(w: WorldContent, op: BuildOp, editor = builder, id = "n1") {
  const plan = planEdit(base, w, op, editor, () => id);
  if (plan.ok) applyChange(w, plan.change);
  return plan;
}

describe("planEdit (BM1–BM5)", () => {
  it("BM2 only builders edit; members may only claim", () => {
    const w = fresh();
    expect(run(w, { op: "place", kind: "plant", x: 2, y: 2, rot: 0 }, member)).toMatchObject({ ok: false, code: "forbidden" });
    expect(run(w, { op: "place", kind: "desk", x: 2, y: 2, rot: 0 }, builder, "d")).toMatchObject({ ok: true, created: "o:d" });
    expect(run(w, { op: "claim", id: "o:d" }, member)).toMatchObject({ ok: true });
    expect(w.things.get("o:d")).toMatchObject({ claimedBy: "u2", claimName: "Mia" });
  });

  it("BM4 no objects on walls, outside the map, or blocking on blocking; chairs may not stack", () => {
    const w = fresh();
    expect(run(w, { op: "place", kind: "desk", x: 4, y: 3, rot: 0 })).toMatchObject({ ok: false, code: "invalid" });
    expect(run(w, { op: "place", kind: "desk", x: 8, y: 1, rot: 0 })).toMatchObject({ ok: false, code: "invalid" }); // 2 wide: into the wall
    expect(run(w, { op: "place", kind: "desk", x: 8, y: 1, rot: 1 }, builder, "v")).toMatchObject({ ok: true }); // rotated: 1×2 fits
    expect(run(w, { op: "place", kind: "plant", x: 8, y: 2, rot: 0 })).toMatchObject({ ok: false, code: "invalid" });
    expect(run(w, { op: "place", kind: "chair", x: 2, y: 2, rot: 0 }, builder, "c1")).toMatchObject({ ok: true });
    expect(run(w, { op: "place", kind: "chair", x: 2, y: 2, rot: 0 }, builder, "c2")).toMatchObject({ ok: false, code: "invalid" });
    expect(run(w, { op: "place", kind: "plant", x: 2, y: 2, rot: 0 }, builder, "p")).toMatchObject({ ok: true }); // a plant by a chair
  });

  it("BM3 an edit naming an old revision is refused conflict; the accepted one stays", () => {
    const w = fresh();
    run(w, { op: "place", kind: "desk", x: 2, y: 2, rot: 0 }, builder, "d");
    const rev = w.things.get("o:d")!.rev;
    expect(run(w, { op: "move", id: "o:d", rev, x: 5, y: 1, rot: 0 })).toMatchObject({ ok: true });
    expect(run(w, { op: "remove", id: "o:d", rev })).toMatchObject({ ok: false, code: "conflict" });
    expect(run(w, { op: "move", id: "o:d", rev, x: 2, y: 4, rot: 0 })).toMatchObject({ ok: false, code: "conflict" });
    expect(w.things.get("o:d")).toMatchObject({ x: 5, y: 1, rev: rev + 1 });
  });

  it("BM5 one desk per person: claiming another gives the first back; someone else's is taken", () => {
    const w = fresh();
    run(w, { op: "place", kind: "desk", x: 2, y: 2, rot: 0 }, builder, "a");
    run(w, { op: "place", kind: "desk", x: 6, y: 2, rot: 0 }, builder, "b");
    run(w, { op: "claim", id: "o:a" }, member);
    run(w, { op: "claim", id: "o:b" }, member);
    expect([w.things.get("o:a")!.claimedBy, w.things.get("o:b")!.claimedBy]).toEqual([null, "u2"]);
    expect(run(w, { op: "claim", id: "o:b" }, { ...builder, userId: "u3" })).toMatchObject({ ok: false, code: "conflict" });
  });

  it("schema: unknown kinds, huge strokes and odd ids never reach planEdit", () => {
    expect(buildOpSchema.safeParse({ op: "place", kind: "throne", x: 1, y: 1, rot: 0 }).success).toBe(false);
    expect(buildOpSchema.safeParse({ op: "paint", paint: "wall", tiles: Array.from({ length: 513 }, () => [1, 1]) }).success).toBe(false);
    expect(buildOpSchema.safeParse({ op: "remove", id: "p:12", rev: 1 }).success).toBe(false);
    expect(buildOpSchema.safeParse({ op: "zone", kind: "private", name: "  ", x: 1, y: 1, w: 2, h: 2 }).success).toBe(false);
  });
});

describe("compileWorld (BM7) and templates (BM8)", () => {
  it("paint and objects change what is walkable; chairs do not block", () => {
    const w = fresh();
    run(w, { op: "paint", paint: "wall", tiles: [[1, 2]] });
    run(w, { op: "paint", paint: "wood", tiles: [[4, 3]] }); // floor over a base wall opens it
    run(w, { op: "place", kind: "chair", x: 7, y: 4, rot: 0 }, builder, "c");
    run(w, { op: "place", kind: "table", x: 2, y: 3, rot: 0 }, builder, "t");
    const m = compileWorld(base, w);
    const at = (x: number, y: number) => m.blocked[y * m.width + x];
    expect([at(1, 2), at(4, 3), at(5, 3), at(7, 4), at(2, 3), at(3, 4)]).toEqual([1, 0, 1, 0, 1, 1]);
  });

  it("areas and spawns of the template become content; spawns fall back to the base map when all are gone", () => {
    const w = fresh();
    expect([...w.zones.values()].map((z) => [z.kind, z.name])).toEqual([["private", "Room"]]);
    expect(compileWorld(base, w).areas[0]).toMatchObject({ name: "Room", x: 1, y: 5, width: 2, height: 1 });
    for (const s of [...w.spawns.values()]) run(w, { op: "remove", id: s.id, rev: s.rev });
    expect(compileWorld(base, w).spawns).toEqual(base.spawns);
  });

  it("deskSpawn is the free tile in front of the desk, by rotation", () => {
    const w = emptyWorld();
    run(w, { op: "place", kind: "desk", x: 3, y: 1, rot: 0 }, builder, "d");
    expect(deskSpawn(compileWorld(base, w), w.things.get("o:d")!)).toEqual({ x: 3, y: 2 });
    run(w, { op: "move", id: "o:d", rev: 1, x: 7, y: 1, rot: 2 });
    // Facing up against the wall: the nearest free tile around it instead.
    expect(deskSpawn(compileWorld(base, w), w.things.get("o:d")!)).not.toBeNull();
  });
});

describe("seeded fuzz: concurrent builders (BM3, BM4)", () => {
  const opArb = (ids: string[]) => fc.oneof(
    fc.record({ op: fc.constant("place" as const), kind: fc.constantFrom(...OBJECT_KIND_NAMES), x: fc.nat(9), y: fc.nat(6), rot: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3> }),
    fc.record({ op: fc.constant("move" as const), id: fc.constantFrom(...ids), rev: fc.nat(4), x: fc.nat(9), y: fc.nat(6), rot: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3> }),
    fc.record({ op: fc.constant("remove" as const), id: fc.constantFrom(...ids), rev: fc.nat(4) }),
    fc.record({ op: fc.constant("paint" as const), paint: fc.constantFrom("wall", "wood", "erase") as fc.Arbitrary<"wall" | "wood" | "erase">, tiles: fc.array(fc.tuple(fc.nat(9), fc.nat(6)), { minLength: 1, maxLength: 4 }) }),
  );

  it("any interleaving keeps the map consistent and never overwrites an edit made against an old revision", () => {
    const ids = Array.from({ length: 8 }, (_, i) => `o:${i}`);
    fc.assert(
      fc.property(fc.array(opArb(ids), { minLength: 1, maxLength: 60 }), (ops) => {
        const w = emptyWorld();
        let n = 0;
        for (const op of ops) {
          const before = op.op === "move" || op.op === "remove" ? w.things.get(op.id) : undefined;
          const plan = planEdit(base, w, op, builder, () => String(n++));
          // BM3: an edit against a revision other than the current one is refused.
          if (before && (op.op === "move" || op.op === "remove") && op.rev !== before.rev) expect(plan.ok).toBe(false);
          if (plan.ok) applyChange(w, plan.change);
        }
        // BM4: nothing blocking overlaps; everything inside.
        const occupied = new Map<number, string>();
        for (const t of w.things.values()) {
          for (const p of thingTiles(t)) {
            expect(p.x >= 0 && p.y >= 0 && p.x < base.width && p.y < base.height).toBe(true);
            const i = p.y * base.width + p.x;
            if (OBJECT_KINDS[t.kind].blocks) {
              expect(occupied.get(i)).toBeUndefined();
              occupied.set(i, t.id);
            }
          }
        }
      }),
      { seed: 20261122, numRuns: 300 },
    );
  });
});
