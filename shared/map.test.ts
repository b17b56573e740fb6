import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseTiledMap, isWalkable, areaAt, spotlightAt, MapFormatError, MAP_MAX_TILES } from "./map.ts";
import { asciiTiledMap } from "./testing/asciiMap.ts";
import { findPath } from "./pathfinding.ts";

describe("MP1–MP4 Tiled maps", () => {
  const map = parseTiledMap(asciiTiledMap([
    "#####",
    "#S.P#",
    "#..P#",
    "#####",
  ]));

  it("MP2 marks tiles whose tileset entry has collides=true as blocked", () => {
    expect(isWalkable(map, 0, 0)).toBe(false);
    expect(isWalkable(map, 1, 1)).toBe(true);
    expect(isWalkable(map, 5, 1)).toBe(false); // outside
  });
  it("MP3 reads spawn points in tile coordinates", () => {
    expect(map.spawns).toEqual([{ x: 1, y: 1 }]);
  });
  it("MP4 reads named private areas", () => {
    expect(map.areas).toEqual([{ name: "Room", kind: "private", x: 3, y: 1, width: 1, height: 2 }]);
    expect(areaAt(map, 3, 2)?.name).toBe("Room");
    expect(areaAt(map, 1, 1)).toBeUndefined();
  });
  it("MP5 reads spotlight rectangles; a map without the layer has none", () => {
    expect(map.spotlights).toEqual([]);
    const staged = parseTiledMap(asciiTiledMap([
      "######",
      "#S.**#",
      "#..**#",
      "######",
    ]));
    expect(staged.spotlights).toEqual([{ name: "Stage", kind: "spotlight", x: 3, y: 1, width: 2, height: 2 }]);
    expect(spotlightAt(staged, 4, 2)?.name).toBe("Stage");
    expect(spotlightAt(staged, 2, 2)).toBeUndefined();
    expect(isWalkable(staged, 3, 1)).toBe(true);
    expect(staged.areas).toEqual([]); // a spotlight is not a private area
  });
  it("MP5 ignores objects in the spotlights layer that are not spotlight rectangles", () => {
    const tmj = asciiTiledMap(["*.", ".."]);
    const layer = tmj.layers.find((l) => l.name === "spotlights") as { objects: unknown[] };
    layer.objects.push({ id: 7, name: "Note", type: "label", x: 32, y: 32, width: 32, height: 32 }, { id: 8, name: "Dot", type: "spotlight", x: 0, y: 0, point: true });
    expect(parseTiledMap(tmj).spotlights.map((s) => s.name)).toEqual(["Stage"]);
  });
  it("ignores Tiled's flip flags when reading tile ids", () => {
    const tmj = asciiTiledMap(["#.", ".."]);
    (tmj.layers[0] as { data: number[] }).data[0] = 2 + 0x80000000; // horizontally flipped wall, as Tiled writes it (unsigned)
    expect(isWalkable(parseTiledMap(tmj), 0, 0)).toBe(false);
  });
  it("refuses oversize, inconsistent or unknown-tile maps with a readable error", () => {
    const big = asciiTiledMap(["..", ".."]);
    big.width = MAP_MAX_TILES + 1;
    expect(() => parseTiledMap(big)).toThrow(MapFormatError);
    const ragged = asciiTiledMap(["..", ".."]);
    (ragged.layers[0] as { data: number[] }).data.pop();
    expect(() => parseTiledMap(ragged)).toThrow(/layer `floor` has 3 tiles, not 4/);
    const unknown = asciiTiledMap(["..", ".."]);
    (unknown.layers[0] as { data: number[] }).data[0] = 99;
    expect(() => parseTiledMap(unknown)).toThrow(/uses tile 99, which no tileset has/);
    expect(() => parseTiledMap({ hello: "world" })).toThrow(MapFormatError);
  });
});

describe("the shipped office map", () => {
  const office = parseTiledMap(JSON.parse(readFileSync(new URL("./maps/office.tmj", import.meta.url), "utf8")));

  it("has spawn points on walkable tiles and named meeting areas", () => {
    expect(office.spawns.length).toBeGreaterThanOrEqual(8);
    for (const s of office.spawns) expect(isWalkable(office, s.x, s.y)).toBe(true);
    expect(office.areas.length).toBeGreaterThanOrEqual(1);
  });
  it("MP5 has a walkable stage outside every private area", () => {
    const stage = office.spotlights.find((s) => s.name === "Stage");
    expect(stage?.kind).toBe("spotlight");
    for (let y = stage!.y; y < stage!.y + stage!.height; y++) for (let x = stage!.x; x < stage!.x + stage!.width; x++) {
      expect(isWalkable(office, x, y)).toBe(true);
      expect(areaAt(office, x, y)).toBeUndefined();
    }
  });
  it("every walkable tile can be reached from the first spawn point", () => {
    const start = office.spawns[0];
    const unreachable: string[] = [];
    // A flood fill would be quicker, but this checks the pathfinder against the real map too.
    for (let y = 0; y < office.height; y += 3) {
      for (let x = 0; x < office.width; x += 3) {
        if (!isWalkable(office, x, y) || (x === start.x && y === start.y)) continue;
        if (findPath(office, start, { x, y }).length === 0) unreachable.push(`${x},${y}`);
      }
    }
    expect(unreachable).toEqual([]);
  });
});
