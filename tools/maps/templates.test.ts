/**
 * The space templates listed in templates.json: each parses as a Plaza map (MP1–MP5), the larger
 * ones carry their furniture as a `furniture` object layer that build mode can load (BM8), every
 * piece is a known kind with the footprint of its rotation, nothing stands on a wall or on another
 * blocking piece, and with that furniture in place every floor tile is reachable from the spawns.
 * The committed files are exactly what the generators write (so nobody edits them by hand).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseTiledMap, type SpaceMap } from "../../shared/map.ts";
import { OBJECT_KINDS, footprint, templateEntities, type ObjectKind, type Rot } from "../../shared/world.ts";
import { TEMPLATES, buildTemplate } from "./draw-templates.ts";
import { buildOffice } from "./draw-office.ts";
import { toJson } from "./tiled.ts";

interface TemplateEntry { id: string; name: string; file: string; description: string }
interface TiledObject { type?: string; x: number; y: number; width: number; height: number; properties?: Array<{ name: string; type?: string; value: unknown }> }
interface Piece { kind: ObjectKind; x: number; y: number; rot: Rot; w: number; h: number }

const read = (file: string): string => readFileSync(new URL(`../../shared/maps/${file}`, import.meta.url), "utf8");
const catalogue = JSON.parse(read("templates.json")) as TemplateEntry[];
const FURNISHED = ["open-plan.tmj", "conference.tmj", "event-floor.tmj"];

function furnitureOf(tmj: { layers: Array<{ type: string; name: string; objects?: TiledObject[] }> }, tile: number): Piece[] {
  const layer = tmj.layers.find((l) => l.type === "objectgroup" && l.name === "furniture");
  expect(layer, "furniture object layer").toBeDefined();
  return layer!.objects!.map((o) => {
    const kind = o.type ?? "";
    expect(Object.keys(OBJECT_KINDS), `kind of the object at (${o.x}, ${o.y})`).toContain(kind);
    const rotProp = o.properties?.find((p) => p.name === "rot");
    expect(rotProp?.type).toBe("int");
    expect([0, 1, 2, 3]).toContain(rotProp?.value);
    const rot = rotProp!.value as Rot;
    const { w, h } = footprint(kind as ObjectKind, rot);
    expect(o.x % tile, `${kind} x is tile-aligned`).toBe(0);
    expect(o.y % tile, `${kind} y is tile-aligned`).toBe(0);
    expect([o.width, o.height], `${kind} rot ${rot} at (${o.x}, ${o.y}) has its rotated footprint`).toEqual([w * tile, h * tile]);
    return { kind: kind as ObjectKind, x: o.x / tile, y: o.y / tile, rot, w, h };
  });
}

/** Tiles reachable from the spawns over tiles that are neither wall nor blocking furniture. */
function reachable(map: SpaceMap, blocked: Uint8Array): Uint8Array {
  const seen = new Uint8Array(map.width * map.height);
  const queue = map.spawns.map((s) => s.y * map.width + s.x);
  for (const i of queue) seen[i] = 1;
  while (queue.length > 0) {
    const i = queue.shift()!;
    const x = i % map.width;
    const y = Math.floor(i / map.width);
    for (const [nx, ny] of [[x + 1, y], [x - 1, y], [x, y + 1], [x, y - 1]]) {
      if (nx < 0 || ny < 0 || nx >= map.width || ny >= map.height) continue;
      const j = ny * map.width + nx;
      if (!seen[j] && !blocked[j]) {
        seen[j] = 1;
        queue.push(j);
      }
    }
  }
  return seen;
}

describe("space templates", () => {
  it("templates.json lists the small office and the larger templates, each a valid map", () => {
    expect(catalogue.map((t) => t.id)).toEqual(["small-office", "open-plan", "conference-hall", "event-floor"]);
    for (const t of catalogue) {
      expect(t.name.length).toBeGreaterThan(0);
      expect(t.description.length).toBeGreaterThan(0);
      const map = parseTiledMap(JSON.parse(read(t.file)));
      expect(t.description, `${t.id} states its size`).toContain(`${map.width}×${map.height}`);
      expect(map.tileset.image).toBe("office-tiles.png");
    }
  });

  it("the committed maps are exactly what the generators write", () => {
    expect(read("office.tmj")).toBe(toJson(buildOffice()));
    for (const t of TEMPLATES) expect(read(t.file), t.file).toBe(toJson(buildTemplate(t)));
  });

  for (const file of FURNISHED) {
    describe(file, () => {
      const tmj = JSON.parse(read(file)) as Parameters<typeof furnitureOf>[0];
      const map = parseTiledMap(tmj);
      const pieces = furnitureOf(tmj, map.tileSize);

      it("keeps the office's tileset and has no furniture tiles, only furniture objects", () => {
        const office = JSON.parse(read("office.tmj")) as { tilesets: unknown[] };
        expect((tmj as unknown as { tilesets: unknown[] }).tilesets).toEqual(office.tilesets);
        expect(tmj.layers.filter((l) => l.type === "tilelayer").map((l) => l.name)).toEqual(["floor", "walls"]);
        expect(pieces.length).toBeGreaterThan(50);
        expect(new Set(pieces.map((p) => p.kind))).toEqual(new Set(Object.keys(OBJECT_KINDS)));
      });

      it("places no furniture on a wall, outside the map or over another blocking piece", () => {
        const blockingOwner = new Map<number, string>();
        const chairAt = new Set<number>();
        for (const p of pieces) {
          const what = `${p.kind} at (${p.x}, ${p.y}) rot ${p.rot}`;
          expect(p.x >= 0 && p.y >= 0 && p.x + p.w <= map.width && p.y + p.h <= map.height, `${what} is inside the map`).toBe(true);
          for (let y = p.y; y < p.y + p.h; y++) {
            for (let x = p.x; x < p.x + p.w; x++) {
              const i = y * map.width + x;
              expect(map.blocked[i], `${what} stands on a wall at (${x}, ${y})`).toBe(0);
              if (OBJECT_KINDS[p.kind].blocks) {
                expect(blockingOwner.get(i), `${what} overlaps another piece at (${x}, ${y})`).toBeUndefined();
                blockingOwner.set(i, what);
              } else {
                expect(chairAt.has(i), `two chairs at (${x}, ${y})`).toBe(false);
                chairAt.add(i);
              }
            }
          }
        }
      });

      it("has at least 12 spawns, and every floor tile is reachable from them with the furniture in place", () => {
        expect(map.spawns.length).toBeGreaterThanOrEqual(12);
        const blocked = map.blocked.slice();
        for (const p of pieces) {
          if (!OBJECT_KINDS[p.kind].blocks) continue;
          for (let y = p.y; y < p.y + p.h; y++) for (let x = p.x; x < p.x + p.w; x++) blocked[y * map.width + x] = 1;
        }
        for (const s of map.spawns) expect(blocked[s.y * map.width + s.x], `spawn (${s.x}, ${s.y}) is free`).toBe(0);
        const seen = reachable(map, blocked);
        const stranded: string[] = [];
        for (let i = 0; i < blocked.length; i++) if (!blocked[i] && !seen[i]) stranded.push(`(${i % map.width}, ${Math.floor(i / map.width)})`);
        expect(stranded).toEqual([]);
      });

      it("has private areas and a spotlight, clear of furniture", () => {
        expect(map.areas.length).toBeGreaterThanOrEqual(2);
        expect(map.areas.every((a) => a.kind === "private")).toBe(true);
        expect(map.spotlights.length).toBeGreaterThanOrEqual(1);
        for (const s of map.spotlights) {
          for (const p of pieces) {
            const apart = p.x + p.w <= s.x || s.x + s.width <= p.x || p.y + p.h <= s.y || s.y + s.height <= p.y;
            expect(apart, `${p.kind} at (${p.x}, ${p.y}) stands on spotlight "${s.name}"`).toBe(true);
          }
        }
      });

      it("loads as build-mode content: one object per furniture piece (BM8)", () => {
        const things = templateEntities(tmj, map).filter((e) => e.data.type === "thing");
        expect(things.length).toBe(pieces.length);
        const key = (p: { kind: unknown; x: unknown; y: unknown; rot: unknown }) => `${String(p.kind)}@${String(p.x)},${String(p.y)}r${String(p.rot)}`;
        expect(things.map((t) => key(t.data as unknown as Piece)).sort()).toEqual(pieces.map(key).sort());
      });
    });
  }
});
