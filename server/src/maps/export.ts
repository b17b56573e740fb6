/**
 * A space back to Tiled (SPEC MP9): a .zip with `map.tmj`, one external `.tsj` tileset and `.png`
 * image per tileset. Tile layers come out flattened (groups resolved, offsets and opacity kept);
 * the space's current content (furniture, meeting rooms, stages, spawn points) is written as
 * Plaza's object layers, silent zones from the base map, so importing the zip gives the same
 * space. Build-mode paint is not exported (README "Maps").
 */
import { readFile } from "node:fs/promises";
import { zipSync } from "fflate";
import type { SpaceMap, Tileset } from "../../../shared/maps/model.ts";
import { footprint, type WorldContent } from "../../../shared/world.ts";
import { MAPS_DIR } from "./MapCatalog.ts";
import { storedImage } from "./upload.ts";

const TILED = { version: "1.10", tiledversion: "1.10.2" };

function tilesetJson(t: Tileset) {
  const tiles: Array<Record<string, unknown>> = [];
  const ids = new Set([...t.colliding, ...Object.keys(t.animations).map(Number)]);
  for (const id of [...ids].sort((a, b) => a - b)) {
    const tile: Record<string, unknown> = { id };
    if (t.colliding.includes(id)) tile.properties = [{ name: "collides", type: "bool", value: true }];
    if (t.animations[id]) tile.animation = t.animations[id].map((f) => ({ tileid: f.tile, duration: f.ms }));
    tiles.push(tile);
  }
  return {
    type: "tileset", ...TILED, name: t.name, tilewidth: t.tileWidth, tileheight: t.tileHeight, tilecount: t.tilecount, columns: t.columns,
    margin: t.margin, spacing: t.spacing, image: `${fileStem(t)}.png`, imagewidth: t.imageWidth, imageheight: t.imageHeight,
    ...(t.offsetX || t.offsetY ? { tileoffset: { x: t.offsetX, y: t.offsetY } } : {}),
    tiles,
  };
}

const fileStem = (t: Tileset) => (t.name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "tileset") + `-${t.firstgid}`;

/** The image of a tileset: from the space's stored images, else (a template) from shared/maps. */
async function imageOf(t: Tileset, stored: Uint8Array | null): Promise<Uint8Array> {
  const own = stored ? storedImage(stored, t.image) : null;
  if (own) return own;
  if (/^[a-z0-9-]+\.png$/.test(t.image)) return new Uint8Array(await readFile(`${MAPS_DIR}${t.image}`));
  throw new Error(`tileset image ${t.image} is missing`);
}

export async function exportSpace(base: SpaceMap, content: WorldContent, stored: Uint8Array | null): Promise<Uint8Array> {
  const ts = base.tileSize;
  let id = 1;
  const layer = (l: Record<string, unknown>) => ({ id: id++, x: 0, y: 0, visible: true, opacity: 1, ...l });
  const objects: Array<Record<string, unknown>> = [];
  let objectId = 1;
  const rect = (name: string, type: string, x: number, y: number, w: number, h: number, properties?: unknown[]) =>
    ({ id: objectId++, name, type, x: x * ts, y: y * ts, width: w * ts, height: h * ts, rotation: 0, visible: true, ...(properties ? { properties } : {}) });

  const tileLayer = (l: SpaceMap["layers"][number]) => layer({
    type: "tilelayer",
    // A start layer's tiles are spawn points, already written as the `spawns` layer below.
    name: l.name === "start" ? "start tiles" : l.name,
    width: base.width, height: base.height, data: Array.from(l.data),
    visible: l.visible, opacity: l.opacity, offsetx: l.offsetX, offsety: l.offsetY,
    ...(l.collides ? { properties: [{ name: "collides", type: "bool", value: true }] } : {}),
  });
  const sprites = (above: boolean) => base.sprites.filter((s) => s.above === above).map((s) => ({ id: objectId++, name: "", type: "", gid: s.gid, x: s.x, y: s.y, width: s.width, height: s.height, rotation: 0, visible: true }));

  const things = [...content.things.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const zones = [...content.zones.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const layers: Array<Record<string, unknown>> = [
    ...base.layers.filter((l) => !l.above).map(tileLayer),
    layer({ type: "objectgroup", name: "tile objects", objects: sprites(false) }),
    layer({ type: "objectgroup", name: "furniture", objects: things.map((t) => { const f = footprint(t.kind, t.rot); return rect("", t.kind, t.x, t.y, f.w, f.h, [{ name: "rot", type: "int", value: t.rot }]); }) }),
    layer({ type: "objectgroup", name: "spawns", objects: [...content.spawns.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((s) => ({ id: objectId++, name: "", type: "spawn", point: true, x: s.x * ts + ts / 2, y: s.y * ts + ts / 2, width: 0, height: 0, rotation: 0, visible: true })) }),
    layer({ type: "objectgroup", name: "areas", objects: [
      ...zones.filter((z) => z.kind === "private").map((z) => rect(z.name, "private", z.x, z.y, z.w, z.h)),
      ...base.silentZones.map((z) => rect(z.name, "silent", z.x, z.y, z.width, z.height)),
    ] }),
    layer({ type: "objectgroup", name: "spotlights", objects: zones.filter((z) => z.kind === "spotlight").map((z) => rect(z.name, "spotlight", z.x, z.y, z.w, z.h)) }),
  ];
  const above = base.layers.filter((l) => l.above);
  if (above.length > 0 || base.sprites.some((s) => s.above)) {
    // WorkAdventure's convention, which Plaza reads back: layers after `floorLayer` are drawn over people.
    layers.push(layer({ type: "objectgroup", name: "floorLayer", objects: [] }), ...above.map(tileLayer), layer({ type: "objectgroup", name: "tile objects above", objects: sprites(true) }));
  }
  const files: Record<string, Uint8Array> = {};
  const enc = new TextEncoder();
  for (const t of base.tilesets) {
    files[`${fileStem(t)}.tsj`] = enc.encode(JSON.stringify(tilesetJson(t), null, 1));
    files[`${fileStem(t)}.png`] = await imageOf(t, stored);
  }
  const tmj = {
    type: "map", ...TILED, orientation: "orthogonal", renderorder: "right-down", infinite: false, compressionlevel: -1,
    width: base.width, height: base.height, tilewidth: ts, tileheight: ts, nextlayerid: id, nextobjectid: objectId,
    layers, tilesets: base.tilesets.map((t) => ({ firstgid: t.firstgid, source: `${fileStem(t)}.tsj` })),
  };
  files["map.tmj"] = enc.encode(JSON.stringify(tmj));
  return zipSync(files, { level: 6 });
}
