/**
 * MP6–MP9: the Tiled parser on its own (no files): groups, encodings, WorkAdventure conventions,
 * the spawn fallback, every refusal with its code and fix, and robustness against random input.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { zlibSync } from "fflate";
import { asciiTiledMap } from "../testing/asciiMap.ts";
import { isWalkable, MapErrorCode, MapFormatError, parseTiledMap, silentAt, type TiledMap } from "../map.ts";

const clone = (m: TiledMap): TiledMap => structuredClone(m);
const floorOf = (m: TiledMap) => m.layers[0] as unknown as { data: number[] };

function refusal(json: unknown): MapFormatError {
  try {
    parseTiledMap(json);
  } catch (err) {
    if (err instanceof MapFormatError) return err;
    throw err;
  }
  throw new Error("the map was accepted");
}

describe("MP6 real Tiled structure", () => {
  it("flattens nested groups: visibility, opacity multiply, offsets add, names join with /", () => {
    const m = clone(asciiTiledMap(["#..", "...", "..S"]));
    const floor = m.layers.shift()!;
    m.layers.unshift({ type: "group", name: "outer", opacity: 0.5, offsetx: 64, layers: [
      { type: "group", name: "inner", opacity: 0.5, offsetx: -64, visible: true, layers: [floor] },
    ] } as never);
    const map = parseTiledMap(m);
    expect(map.layers[0]).toMatchObject({ name: "outer/inner/floor", opacity: 0.25, offsetX: 0, visible: true });
    expect(isWalkable(map, 0, 0)).toBe(false);
    expect(map.report.imported.groups).toBe(2);
  });
  it("reads base64 layers, raw and zlib-compressed, like CSV ones", () => {
    const m = asciiTiledMap(["#.", ".S"]);
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    floorOf(m).data.forEach((g, i) => view.setUint32(i * 4, g, true));
    const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
    for (const [compression, data] of [["", b64(bytes)], ["zlib", b64(zlibSync(bytes))]]) {
      const c = clone(m);
      Object.assign(c.layers[0], { data, encoding: "base64", compression });
      expect(isWalkable(parseTiledMap(c), 0, 0)).toBe(false);
      expect(isWalkable(parseTiledMap(c), 1, 0)).toBe(true);
    }
  });
  it("MP7 a `start` tile layer gives spawn points; `collides` on a layer blocks all its tiles", () => {
    const m = clone(asciiTiledMap(["....", "....", "...."]));
    m.layers.push({ type: "tilelayer", name: "start", width: 4, height: 3, visible: false, data: [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0] });
    m.layers.push({ type: "tilelayer", name: "fence", width: 4, height: 3, properties: [{ name: "collides", type: "bool", value: true }], data: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1] });
    const map = parseTiledMap(m);
    expect(map.spawns).toContainEqual({ x: 1, y: 1 });
    expect([0, 1, 2].map((y) => isWalkable(map, 3, y))).toEqual([false, false, false]);
  });
  it("MP7 WorkAdventure areas: meeting rooms, silent zones, stages; the rest is reported, never dropped", () => {
    const m = clone(asciiTiledMap(["........", "........", "........", "........"]));
    m.properties = [{ name: "script", type: "string", value: "main.js" }];
    const area = (name: string, x: number, properties: unknown[]) => ({ name, class: "area", x: x * 32, y: 0, width: 64, height: 64, properties });
    m.layers.push({ type: "objectgroup", name: "floorLayer", objects: [
      area("Jitsi", 0, [{ name: "jitsiRoom", value: "Daily" }, { name: "jitsiTrigger", value: "onaction" }]),
      area("Library", 2, [{ name: "silent", value: true }]),
      area("Podium", 4, [{ name: "speakerMegaphone", value: "Keynote" }]),
      area("Web", 6, [{ name: "openWebsite", value: "https://example.invalid" }]),
    ] });
    const map = parseTiledMap(m);
    expect(map.areas.map((a) => a.name)).toEqual(["Daily"]);
    expect(map.silentZones).toEqual([{ name: "Library", kind: "silent", x: 2, y: 0, width: 2, height: 2 }]);
    expect(silentAt(map, 3, 1)?.name).toBe("Library");
    expect(map.spotlights.map((a) => a.name)).toEqual(["Keynote"]);
    expect(map.report.imported).toMatchObject({ meetingRooms: 1, silentZones: 1, stages: 1 });
    const ignored = Object.fromEntries(map.report.ignored.map((i) => [i.what, i.count]));
    expect(ignored).toMatchObject({ "property `script`": 1, "property `jitsiTrigger`": 1, "property `openWebsite`": 1 });
  });
  it("MP3 no spawn and no collision: imports with warnings, spawn near the centre of the largest open region", () => {
    const open = parseTiledMap(asciiTiledMap([".....", ".....", "....."]));
    expect(open.spawns).toEqual([{ x: 2, y: 1 }]);
    expect(open.report.warnings.join(" ")).toMatch(/no tile collides/);
    expect(open.report.warnings.join(" ")).toMatch(/no start point/);
    // The centre is a wall and the left pocket is small: the spawn goes to the big room, never (0,0).
    const walled = parseTiledMap(asciiTiledMap(["..#......", "###......", "....#....", "..#......"]));
    const [s] = walled.spawns;
    expect(isWalkable(walled, s.x, s.y)).toBe(true);
    expect(s.x).toBeGreaterThan(2);
  });
  it("flipped tiles are drawn flipped and reported; they collide like the unflipped tile", () => {
    const m = clone(asciiTiledMap(["#.", "S."]));
    floorOf(m).data[0] = (2 | 0x40000000) >>> 0;
    const map = parseTiledMap(m);
    expect(isWalkable(map, 0, 0)).toBe(false);
    expect(map.layers[0].data[0]).toBe((2 | 0x40000000) >>> 0);
    expect(map.report.ignored.find((i) => i.what === "flipped or rotated tile")?.count).toBe(1);
  });
});

describe("MP8 refusals say how to fix the map", () => {
  const base = asciiTiledMap(["#.", ".S"]);
  const edit = (f: (m: TiledMap) => void) => { const m = clone(base); f(m); return m; };
  const cases: Array<[string, unknown, string, RegExp]> = [
    ["not a map", { hello: "world" }, MapErrorCode.NOT_A_MAP, /save it again from Tiled/],
    ["isometric", edit((m) => { m.orientation = "isometric"; }), MapErrorCode.NOT_ORTHOGONAL, /Orientation/],
    ["infinite", edit((m) => { m.infinite = true; }), MapErrorCode.INFINITE, /uncheck Infinite/],
    ["too large", edit((m) => { m.width = 300; }), MapErrorCode.TOO_LARGE, /at most 256×256/],
    ["not square", edit((m) => { m.tileheight = 16; }), MapErrorCode.TILE_SIZE, /square/],
    ["external tileset", edit((m) => { m.tilesets = [{ firstgid: 1, source: "x.tsx" }]; }), MapErrorCode.EXTERNAL_TILESET, /tileset `x.tsx` is external: add it to the upload/],
    ["image collection", edit((m) => { delete m.tilesets[0].image; }), MapErrorCode.IMAGE_COLLECTION, /one image per tileset/],
    ["huge image", edit((m) => { m.tilesets[0].imagewidth = 8192; }), MapErrorCode.IMAGE_TOO_LARGE, /at most 4096×4096/],
    ["unknown tile", edit((m) => { floorOf(m).data[0] = 999; }), MapErrorCode.UNKNOWN_TILE, /uses tile 999, which no tileset has/],
    ["ragged layer", edit((m) => { floorOf(m).data.pop(); }), MapErrorCode.LAYER_SIZE, /resize it/],
    ["zstd layer", edit((m) => { Object.assign(m.layers[0], { data: "AAAA", encoding: "base64", compression: "zstd" }); }), MapErrorCode.LAYER_DATA, /Base64 \(zlib\)/],
    ["no tile layer", edit((m) => { m.layers = []; }), MapErrorCode.NO_TILE_LAYER, /draw at least a floor/],
    ["all walls", asciiTiledMap(["##", "##"]), MapErrorCode.NO_WALKABLE, /remove `collides`/],
    ["too many tilesets", edit((m) => { m.tilesets = Array.from({ length: 33 }, (_, i) => ({ ...m.tilesets[0], firstgid: 1 + i * 100 })); }), MapErrorCode.TOO_MANY_TILESETS, /at most 32/],
  ];
  it.each(cases)("%s", (_what, json, code, message) => {
    const err = refusal(json);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });
});

describe("MP8 robustness", () => {
  it("random edits of a valid map never throw anything but MapFormatError (seeded)", () => {
    const base = asciiTiledMap(["#..#", ".S..", "#..#"]);
    const junk = fc.oneof(fc.constant(null), fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.constant([]), fc.constant({}), fc.constant(-1), fc.constant(0xffffffff), fc.constant("eJw="));
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom("", "layers.0", "layers.0.data", "tilesets.0", "tilesets.0.tiles", "layers.1.objects.0", "layers.2"), fc.string({ maxLength: 12 }), junk), { maxLength: 4 }), (edits) => {
      const m = clone(base) as unknown as Record<string, unknown>;
      for (const [path, key, value] of edits) {
        let node: unknown = m;
        for (const part of path.split(".").filter(Boolean)) node = (node as Record<string, unknown> | null)?.[part];
        if (node && typeof node === "object") (node as Record<string, unknown>)[key || "type"] = value;
      }
      try {
        parseTiledMap(m);
      } catch (err) {
        expect(err).toBeInstanceOf(MapFormatError);
      }
    }), { seed: 17, numRuns: 400 });
  });
});
