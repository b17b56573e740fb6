/**
 * The map model: a Tiled JSON map (.tmj, orthogonal, one embedded tileset) parsed into what the
 * simulation needs (a collision grid, spawn points, named areas) and what the renderer needs
 * (tile layers, tileset geometry). Pure: no I/O; callers pass the parsed JSON in.
 *
 * Format rules (see shared/maps/README.md and SPEC.md MP1–MP4):
 * - tile layers are drawn in order; a layer named "above" is drawn over avatars;
 * - a tile whose tileset entry has the bool property `collides: true` blocks movement (MP2);
 * - object layer "spawns": point objects where avatars appear (MP3);
 * - object layer "areas": rectangles with type/class "private" and a name (meeting rooms) (MP4);
 * - object layer "spotlights": rectangles with type/class "spotlight" and a name (stages) (MP5).
 */
import { z } from "zod";
import { isWalkable, type Tile } from "./grid.ts";

// The grid geometry lives in grid.ts; map users keep importing it from here.
export { isInside, isWalkable, type Tile, type Walkable } from "./grid.ts";

/** Maps larger than this are refused (Gather's largest maps are ~100×100). */
export const MAP_MAX_TILES = 256;

const GID_MASK = 0x1fffffff; // Tiled keeps flip flags in the top three bits of a gid

const propertySchema = z.object({ name: z.string(), type: z.string().optional(), value: z.unknown() });
const tiledObjectSchema = z.object({
  id: z.number().optional(),
  name: z.string().optional().default(""),
  type: z.string().optional(),
  class: z.string().optional(),
  x: z.number(),
  y: z.number(),
  width: z.number().optional().default(0),
  height: z.number().optional().default(0),
  point: z.boolean().optional(),
  properties: z.array(propertySchema).optional(),
});
const layerSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("tilelayer"),
    name: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    data: z.array(z.number().int().nonnegative()),
    visible: z.boolean().optional(),
  }),
  z.object({ type: z.literal("objectgroup"), name: z.string(), objects: z.array(tiledObjectSchema) }),
  z.object({ type: z.literal("imagelayer"), name: z.string() }),
  z.object({ type: z.literal("group"), name: z.string() }),
]);
const tilesetSchema = z.object({
  firstgid: z.number().int().positive(),
  name: z.string(),
  tilewidth: z.number().int().positive(),
  tileheight: z.number().int().positive(),
  tilecount: z.number().int().positive(),
  columns: z.number().int().positive(),
  image: z.string(),
  imagewidth: z.number().int().positive(),
  imageheight: z.number().int().positive(),
  margin: z.number().int().optional().default(0),
  spacing: z.number().int().optional().default(0),
  tiles: z.array(z.object({ id: z.number().int().nonnegative(), properties: z.array(propertySchema).optional() })).optional().default([]),
});
export const tiledMapSchema = z.object({
  orientation: z.literal("orthogonal"),
  infinite: z.literal(false).optional(),
  width: z.number().int().min(1).max(MAP_MAX_TILES),
  height: z.number().int().min(1).max(MAP_MAX_TILES),
  tilewidth: z.number().int().positive(),
  tileheight: z.number().int().positive(),
  layers: z.array(layerSchema),
  tilesets: z.array(tilesetSchema).length(1, "exactly one embedded tileset is supported"),
});
export type TiledMap = z.input<typeof tiledMapSchema>;

export interface TileLayer { name: string; data: Uint32Array; above: boolean }
export interface Tileset {
  name: string; image: string; firstgid: number; tilecount: number; columns: number;
  tileWidth: number; tileHeight: number; margin: number; spacing: number;
}
export interface Area { name: string; kind: string; x: number; y: number; width: number; height: number }

/** What both simulation and renderer read. Treat as immutable. */
export interface SpaceMap {
  width: number;
  height: number;
  tileSize: number;
  /** 1 where a tile blocks movement, row-major (y * width + x). */
  blocked: Uint8Array;
  layers: TileLayer[];
  tileset: Tileset;
  spawns: Tile[];
  areas: Area[];
  /** Spotlight rectangles (MP5): whoever stands on one is heard by the whole space (PX7). */
  spotlights: Area[];
}

export class MapFormatError extends Error {
  override name = "MapFormatError";
}

/** Parses and checks a Tiled map. Throws MapFormatError with a readable message. Pure. */
export function parseTiledMap(json: unknown): SpaceMap {
  const parsed = tiledMapSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MapFormatError(`invalid map: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const m = parsed.data;
  if (m.tilewidth !== m.tileheight) throw new MapFormatError("invalid map: tiles must be square");
  const ts = m.tilesets[0];
  const collides = new Set<number>();
  for (const t of ts.tiles) {
    if (t.properties?.some((p) => p.name === "collides" && p.value === true)) collides.add(t.id + ts.firstgid);
  }
  const size = m.width * m.height;
  const blocked = new Uint8Array(size);
  const layers: TileLayer[] = [];
  for (const l of m.layers) {
    if (l.type !== "tilelayer") continue;
    if (l.width !== m.width || l.height !== m.height || l.data.length !== size) {
      throw new MapFormatError(`invalid map: layer "${l.name}" is not ${m.width}×${m.height}`);
    }
    const data = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      const gid = l.data[i] & GID_MASK;
      if (gid !== 0 && (gid < ts.firstgid || gid >= ts.firstgid + ts.tilecount)) {
        throw new MapFormatError(`invalid map: layer "${l.name}" uses unknown tile ${gid}`);
      }
      data[i] = gid;
      if (collides.has(gid)) blocked[i] = 1;
    }
    layers.push({ name: l.name, data, above: l.name === "above" });
  }
  if (layers.length === 0) throw new MapFormatError("invalid map: no tile layer");

  const objects = (name: string) => m.layers.flatMap((l) => (l.type === "objectgroup" && l.name === name ? l.objects : []));
  const toTile = (px: number) => Math.floor(px / m.tilewidth);
  const spawns: Tile[] = objects("spawns")
    .map((o) => ({ x: toTile(o.x), y: toTile(o.y) }))
    .filter((t) => isWalkable({ width: m.width, height: m.height, blocked }, t.x, t.y));
  if (spawns.length === 0) {
    // A map without spawn points still works: spawn on the first walkable tile.
    const i = blocked.indexOf(0);
    if (i < 0) throw new MapFormatError("invalid map: no walkable tile");
    spawns.push({ x: i % m.width, y: Math.floor(i / m.width) });
  }
  const rectangles = (layer: string, fallbackName: string): Area[] => objects(layer)
    .filter((o) => !o.point && o.width > 0 && o.height > 0)
    .map((o) => ({
      name: o.name || fallbackName,
      kind: o.type ?? o.class ?? "",
      x: toTile(o.x),
      y: toTile(o.y),
      width: Math.max(1, Math.round(o.width / m.tilewidth)),
      height: Math.max(1, Math.round(o.height / m.tilewidth)),
    }));
  const areas = rectangles("areas", "Area");
  // MP5: a map without the layer simply has no spotlight; objects of another type are ignored.
  const spotlights = rectangles("spotlights", "Spotlight").filter((a) => a.kind === "spotlight");

  return {
    width: m.width,
    height: m.height,
    tileSize: m.tilewidth,
    blocked,
    layers,
    tileset: {
      name: ts.name, image: ts.image, firstgid: ts.firstgid, tilecount: ts.tilecount, columns: ts.columns,
      tileWidth: ts.tilewidth, tileHeight: ts.tileheight, margin: ts.margin, spacing: ts.spacing,
    },
    spawns,
    areas,
    spotlights,
  };
}

/** The named area containing a tile, if any (first match in map order). */
export function areaAt(map: SpaceMap, x: number, y: number): Area | undefined {
  return map.areas.find((a) => x >= a.x && y >= a.y && x < a.x + a.width && y < a.y + a.height);
}

/** The spotlight containing a tile, if any (MP5, PX7). */
export function spotlightAt(map: SpaceMap, x: number, y: number): Area | undefined {
  return map.spotlights.find((a) => x >= a.x && y >= a.y && x < a.x + a.width && y < a.y + a.height);
}
