import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SpaceState } from "./state.ts";
import { contentFromState, mirrorContent, mirrorEntity, paintCode, paintOfCode, syncedIds } from "./content.ts";
import { OBJECT_KIND_NAMES, PAINTS, ZONE_KINDS, applyChange, emptyWorld, type Rot, type WorldContent } from "./world.ts";

const coord = fc.integer({ min: 0, max: 0xffff });
const contentArb = fc.record({
  version: fc.integer({ min: 0, max: 1000 }),
  things: fc.array(fc.record({
    kind: fc.constantFrom(...OBJECT_KIND_NAMES), x: coord, y: coord, rot: fc.constantFrom<Rot>(0, 1, 2, 3), rev: fc.integer({ min: 1, max: 99 }),
    claim: fc.option(fc.record({ by: fc.string({ minLength: 1, maxLength: 8 }), name: fc.string({ minLength: 1, maxLength: 8 }) }), { nil: null }),
  }), { maxLength: 6 }),
  zones: fc.array(fc.record({ kind: fc.constantFrom(...ZONE_KINDS), name: fc.string({ minLength: 1, maxLength: 8 }), x: coord, y: coord, w: fc.integer({ min: 1, max: 256 }), h: fc.integer({ min: 1, max: 256 }), rev: fc.integer({ min: 1, max: 99 }) }), { maxLength: 4 }),
  spawns: fc.array(fc.record({ x: coord, y: coord, rev: fc.integer({ min: 1, max: 99 }) }), { maxLength: 4 }),
  paint: fc.array(fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(...PAINTS)), { maxLength: 12 }),
}).map((r): WorldContent => {
  const w = emptyWorld();
  w.version = r.version;
  r.things.forEach((t, i) => w.things.set(`o:${i}`, { id: `o:${i}`, kind: t.kind, x: t.x, y: t.y, rot: t.rot, rev: t.rev, claimedBy: t.claim?.by ?? null, claimName: t.claim?.name ?? null }));
  r.zones.forEach((z, i) => w.zones.set(`z:${i}`, { id: `z:${i}`, ...z }));
  r.spawns.forEach((s, i) => w.spawns.set(`s:${i}`, { id: `s:${i}`, ...s }));
  for (const [i, p] of r.paint) w.paint.set(i, p);
  return w;
});

describe("content ↔ synced state (BM7)", () => {
  it("paint codes are 1 + the index, unknown codes name no paint", () => {
    for (const p of PAINTS) expect(paintOfCode(paintCode(p))).toBe(p);
    expect(paintOfCode(0)).toBeUndefined();
    expect(paintOfCode(PAINTS.length + 1)).toBeUndefined();
  });

  it("what the room mirrors, the client reads back unchanged", () => {
    fc.assert(
      fc.property(contentArb, (content) => {
        const state = new SpaceState();
        mirrorContent(state, content);
        expect(contentFromState(state)).toEqual(content);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it("a change mirrored entity by entity leaves the state equal to the content, deletions included", () => {
    const content = emptyWorld();
    const state = new SpaceState();
    const change = (puts: Parameters<typeof applyChange>[1]["puts"], deletes: string[] = []) => {
      applyChange(content, { puts, deletes });
      for (const id of [...deletes, ...puts.map((p) => p.id)]) mirrorEntity(state, content, id);
      state.contentVersion = content.version;
    };
    change([
      { id: "o:1", rev: 1, data: { type: "thing", kind: "desk", x: 2, y: 1, rot: 0, claimedBy: "u1", claimName: "Ada" } },
      { id: "z:1", rev: 1, data: { type: "zone", kind: "private", name: "Room", x: 1, y: 1, w: 2, h: 2 } },
      { id: "s:1", rev: 1, data: { type: "spawn", x: 5, y: 2 } },
      { id: "p:9", rev: 1, data: { type: "paint", paint: "grass" } },
    ]);
    expect(contentFromState(state)).toEqual(content);
    change([{ id: "o:1", rev: 2, data: { type: "thing", kind: "desk", x: 3, y: 1, rot: 1, claimedBy: null, claimName: null } }], ["z:1", "p:9"]);
    expect(contentFromState(state)).toEqual(content);
    expect(syncedIds(state)).toEqual(new Set(["o:1", "s:1"]));
    expect(state.things.get("o:1")).toMatchObject({ claimedBy: "", claimName: "" });
  });
});
