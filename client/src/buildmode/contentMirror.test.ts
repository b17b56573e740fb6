import { describe, expect, it } from "vitest";
import { isWalkable, parseTiledMap } from "../../../shared/map.ts";
import { contentFromState, paintCode, type SyncedContent } from "../../../shared/content.ts";
import { asciiTiledMap } from "../../../shared/testing/asciiMap.ts";
import { ContentMirror } from "./contentMirror.ts";

const base = parseTiledMap(asciiTiledMap([
  "#######",
  "#S....#",
  "#.....#",
  "#######",
]));

function synced(): SyncedContent & { things: Map<string, any>; zones: Map<string, any>; spawnPoints: Map<string, any>; paint: Map<string, number> } {
  return { contentVersion: 3, things: new Map(), zones: new Map(), spawnPoints: new Map(), paint: new Map() };
}

describe("content mirror (BM7)", () => {
  it("turns synced state into the content model, leaving out what it does not understand", () => {
    const s = synced();
    s.things.set("o:1", { kind: "desk", x: 2, y: 1, rot: 5, rev: 2, claimName: "Ada", claimedBy: "u1" });
    s.things.set("o:2", { kind: "hovercraft", x: 1, y: 1, rot: 0, rev: 1, claimName: "", claimedBy: "" });
    s.things.set("o:3", { kind: "chair", x: 1, y: 2, rot: 0, rev: 1, claimName: "stale", claimedBy: "" });
    s.zones.set("z:1", { kind: "private", name: "Room", x: 1, y: 1, w: 2, h: 2, rev: 1 });
    s.spawnPoints.set("s:1", { x: 5, y: 2, rev: 1 });
    s.paint.set("9", paintCode("grass"));
    s.paint.set("10", 99);
    const w = contentFromState(s);
    expect(w.version).toBe(3);
    expect(w.things.get("o:1")).toEqual({ id: "o:1", kind: "desk", x: 2, y: 1, rot: 1, rev: 2, claimedBy: "u1", claimName: "Ada" });
    expect(w.things.has("o:2")).toBe(false);
    expect(w.things.get("o:3")).toMatchObject({ claimedBy: null, claimName: null });
    expect(w.zones.get("z:1")?.name).toBe("Room");
    expect(w.spawns.get("s:1")).toEqual({ id: "s:1", x: 5, y: 2, rev: 1 });
    expect([...w.paint]).toEqual([[9, "grass"]]);
  });

  it("recompiles the walkable map only when marked dirty", () => {
    const s = synced();
    const m = new ContentMirror(base);
    expect(m.refresh(s)).toEqual({ paint: true, entities: true });
    expect(m.refresh(s)).toBeNull();
    const before = m.compiled;
    expect(isWalkable(m.compiled, 3, 1)).toBe(true);
    s.paint.set(String(1 * base.width + 3), paintCode("wall"));
    m.markDirty({ paint: true });
    expect(m.refresh(s)).toEqual({ paint: true, entities: false });
    expect(m.compiled).not.toBe(before); // a new object: path-finding caches its grid per map
    expect(isWalkable(m.compiled, 3, 1)).toBe(false);
    s.things.set("o:1", { kind: "plant", x: 4, y: 2, rot: 0, rev: 1, claimName: "", claimedBy: "" });
    s.zones.set("z:1", { kind: "private", name: "Nook", x: 1, y: 1, w: 2, h: 1, rev: 1 });
    m.markDirty({ entities: true });
    m.refresh(s);
    expect(isWalkable(m.compiled, 4, 2)).toBe(false);
    expect(m.compiled.areas.map((a) => a.name)).toEqual(["Nook"]);
  });
});
