/**
 * Import fixtures with the structure of real Tiled office maps made for WorkAdventure (SPEC
 * MP6–MP8), built from our own office (office.tmj) and tileset art, never from anyone else's map:
 *
 *   tools/maps/fixtures/wa-office/
 *     office.tmj      48×34, four tilesets, nested groups with offsets and opacity, a hidden
 *                     `start` layer, a base64+zlib floor, a flipped tile, WorkAdventure `area`
 *                     objects (meeting room, focus rooms, silent zone, stage, website, listeners)
 *                     and a map `script` property
 *     floors.png      embedded tileset `floors` (office tiles 0–7)
 *     walls.tsx       external XML tileset (office tiles 8–15, walls collide)
 *     walls.png
 *     furniture.tsj   external JSON tileset (office tiles 16–31, an animated screen)
 *     furniture.png
 *     markers.png     embedded tileset `markers` (one start-marker tile drawn here)
 *
 *   node --import tsx tools/maps/draw-fixtures.ts
 *
 * Deterministic: reruns write identical bytes.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { zlibSync } from "fflate";
import { PNG } from "pngjs";
import { COLLIDING_IDS } from "./tiled.ts";
import { COLUMNS, drawTileset, TILE, TILE_IDS } from "./draw-tileset.ts";

export const FIXTURE_DIR = fileURLToPath(new URL("./fixtures/wa-office/", import.meta.url));
const OFFICE = fileURLToPath(new URL("../../shared/maps/office.tmj", import.meta.url));

/** firstgid of each fixture tileset (gaps on purpose: real maps have them after removing tilesets). */
export const FIXTURE_GIDS = { floors: 1, walls: 21, furniture: 41, markers: 101 } as const;

interface OfficeMap {
  width: number; height: number;
  layers: Array<{ name: string; type: string; data?: number[]; objects?: Array<{ name: string; type: string; x: number; y: number; width: number; height: number }> }>;
}

/** A horizontal slice of the office tileset: rows [row, row + rows). */
function slice(sheet: PNG, row: number, rows: number): Buffer {
  const out = new PNG({ width: COLUMNS * TILE, height: rows * TILE });
  PNG.bitblt(sheet, out, 0, row * TILE, COLUMNS * TILE, rows * TILE, 0, 0);
  return PNG.sync.write(out);
}

/** The start marker: a doormat-green square with a light arrow, drawn here. */
function markerPng(): Buffer {
  const png = new PNG({ width: TILE, height: TILE });
  for (let y = 0; y < TILE; y++) for (let x = 0; x < TILE; x++) {
    const i = (y * TILE + x) * 4;
    const edge = x < 2 || y < 2 || x > TILE - 3 || y > TILE - 3;
    const arrow = (y >= 8 && y < 24 && Math.abs(x - 16) <= (y - 8) / 2) || (y >= 20 && y < 27 && Math.abs(x - 16) <= 2);
    const [r, g, b] = edge ? [40, 90, 60] : arrow ? [230, 240, 200] : [70, 140, 90];
    png.data.set([r, g, b, 200], i);
  }
  return PNG.sync.write(png);
}

const prop = (name: string, type: string, value: unknown) => ({ name, type, value });

function tsxOf(collidingLocal: number[]): string {
  const tiles = collidingLocal.map((id) => `  <tile id="${id}">\n    <properties>\n      <property name="collides" type="bool" value="true"/>\n    </properties>\n  </tile>`).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<tileset version="1.10" tiledversion="1.10.2" name="walls" tilewidth="32" tileheight="32" tilecount="8" columns="8">
 <image source="walls.png" width="256" height="32"/>
${tiles}
</tileset>
`;
}

/** Local ids of the office's gid range [from, from + count) that collide. */
const collidingIn = (from: number, count: number) => COLLIDING_IDS.filter((id) => id >= from && id < from + count).map((id) => id - from);

/** Office gid (firstgid 1) → fixture gid. */
function remap(gid: number): number {
  if (gid === 0) return 0;
  const id = gid - 1;
  if (id < 8) return FIXTURE_GIDS.floors + id;
  if (id < 16) return FIXTURE_GIDS.walls + id - 8;
  return FIXTURE_GIDS.furniture + id - 16;
}

export function buildFixture(): Record<string, Buffer | string> {
  const office = JSON.parse(readFileSync(OFFICE, "utf8")) as OfficeMap;
  const layer = (name: string) => office.layers.find((l) => l.name === name)!;
  const objects = (name: string) => layer(name).objects ?? [];
  const { width, height } = office;
  const sheet = drawTileset();

  const floor = layer("floor").data!.map(remap);
  const floorBytes = new Uint8Array(floor.length * 4);
  const view = new DataView(floorBytes.buffer);
  floor.forEach((g, i) => view.setUint32(i * 4, g, true));
  const walls = layer("walls").data!.map(remap);
  const furniture = layer("furniture").data!.map(remap);
  // One plant drawn mirrored, as Tiled stores it: flip flags in the top bits of the gid.
  const plantAt = furniture.indexOf(FIXTURE_GIDS.furniture + TILE_IDS.plant - 16);
  if (plantAt >= 0) furniture[plantAt] = (furniture[plantAt] | 0x80000000) >>> 0;
  const start = new Array<number>(width * height).fill(0);
  for (const s of objects("spawns")) start[Math.floor(s.y / TILE) * width + Math.floor(s.x / TILE)] = FIXTURE_GIDS.markers;

  let layerId = 1, objectId = 1;
  const tileLayer = (name: string, data: number[] | string, extra: Record<string, unknown> = {}) =>
    ({ id: layerId++, name, type: "tilelayer", x: 0, y: 0, width, height, opacity: 1, visible: true, data, ...extra });
  const group = (name: string, layers: unknown[], extra: Record<string, unknown> = {}) =>
    ({ id: layerId++, name, type: "group", opacity: 1, visible: true, layers, ...extra });
  const area = (name: string, r: { x: number; y: number; width: number; height: number }, properties: unknown[]) =>
    ({ id: objectId++, name, class: "area", x: r.x, y: r.y, width: r.width, height: r.height, rotation: 0, visible: true, properties });

  const rooms = objects("areas");
  const stage = objects("spotlights")[0];
  const tile = (x: number, y: number, w: number, h: number) => ({ x: x * TILE, y: y * TILE, width: w * TILE, height: h * TILE });
  const zones = [
    area("Meeting Room", rooms.find((r) => r.name === "Meeting Room")!, [prop("jitsiRoom", "string", "Meeting Room"), prop("jitsiTrigger", "string", "onaction")]),
    area("Focus Room 1", rooms.find((r) => r.name === "Focus Room 1")!, [prop("focusable", "bool", true), prop("zoom_margin", "float", 0.5)]),
    // Focus Room 2 is a quiet room: silent, so nobody nearby starts talking there.
    area("Quiet Room", rooms.find((r) => r.name === "Focus Room 2")!, [prop("silent", "bool", true)]),
    area("Stage", stage, [prop("speakerMegaphone", "string", "Stage")]),
    area("Audience", tile(36, 27, 8, 3), [prop("listenerMegaphone", "string", "Stage")]),
    area("Intranet", tile(2, 30, 2, 2), [prop("openWebsite", "string", "https://example.invalid/"), prop("openWebsiteTrigger", "string", "onaction")]),
  ];

  const tmj = {
    type: "map", version: "1.10", tiledversion: "1.10.2", orientation: "orthogonal", renderorder: "right-down", infinite: false,
    compressionlevel: -1, width, height, tilewidth: TILE, tileheight: TILE,
    properties: [prop("script", "string", "scripts/main.js"), prop("mapName", "string", "Fixture office")],
    layers: [
      group("ground", [tileLayer("floor", Buffer.from(zlibSync(floorBytes, { level: 9 })).toString("base64"), { encoding: "base64", compression: "zlib" })]),
      // Offsets of nested groups add up: +32 on the group, −32 on the layer puts the walls in place.
      group("building", [group("structure", [tileLayer("walls", walls, { offsetx: -32 })], { offsetx: 32 })]),
      group("decor", [tileLayer("furniture", furniture)], { opacity: 0.95 }),
      group("entries", [tileLayer("start", start, { visible: false })]),
      { id: layerId++, name: "floorLayer", type: "objectgroup", opacity: 1, visible: true, objects: [] },
      { id: layerId++, name: "zones", type: "objectgroup", opacity: 1, visible: true, objects: zones },
    ],
    nextlayerid: layerId, nextobjectid: objectId,
    tilesets: [
      {
        firstgid: FIXTURE_GIDS.floors, name: "floors", tilewidth: TILE, tileheight: TILE, tilecount: 8, columns: COLUMNS,
        image: "floors.png", imagewidth: COLUMNS * TILE, imageheight: TILE, margin: 0, spacing: 0,
      },
      { firstgid: FIXTURE_GIDS.walls, source: "walls.tsx" },
      { firstgid: FIXTURE_GIDS.furniture, source: "furniture.tsj" },
      {
        firstgid: FIXTURE_GIDS.markers, name: "markers", tilewidth: TILE, tileheight: TILE, tilecount: 1, columns: 1,
        image: "markers.png", imagewidth: TILE, imageheight: TILE, margin: 0, spacing: 0,
      },
    ],
  };
  const tv = TILE_IDS.tv - 16, whiteboard = TILE_IDS.whiteboard - 16;
  const furnitureTsj = {
    type: "tileset", version: "1.10", tiledversion: "1.10.2", name: "furniture", tilewidth: TILE, tileheight: TILE, tilecount: 16, columns: COLUMNS,
    image: "furniture.png", imagewidth: COLUMNS * TILE, imageheight: 2 * TILE, margin: 0, spacing: 0,
    tiles: collidingIn(16, 16).map((id) => ({
      id, properties: [prop("collides", "bool", true)],
      ...(id === tv ? { animation: [{ tileid: tv, duration: 600 }, { tileid: whiteboard, duration: 600 }] } : {}),
    })),
  };
  return {
    "office.tmj": JSON.stringify(tmj, null, 1) + "\n",
    "floors.png": slice(sheet, 0, 1),
    "walls.tsx": tsxOf(collidingIn(8, 8)),
    "walls.png": slice(sheet, 1, 1),
    "furniture.tsj": JSON.stringify(furnitureTsj, null, 1) + "\n",
    "furniture.png": slice(sheet, 2, 2),
    "markers.png": markerPng(),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const [name, bytes] of Object.entries(buildFixture())) writeFileSync(`${FIXTURE_DIR}${name}`, bytes);
  console.log(`wrote ${FIXTURE_DIR}`);
}
