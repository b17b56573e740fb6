/**
 * Tiled JSON (.tmj) → SpaceMap (SPEC MP1–MP9). Orthogonal, finite maps with any number of embedded
 * tilesets (external ones are inlined by the import before this runs), nested group layers, tile
 * layers (CSV, base64, zlib, gzip), object layers, tile properties and animations, and the
 * WorkAdventure conventions of workadventure.ts. Pure: no I/O, no clock. Throws MapFormatError
 * (with a stable code and a fix) and nothing else, whatever the input.
 */
import { gunzipSync, unzlibSync } from "fflate";
import { z } from "zod";
import type { Tile } from "../grid.ts";
import { MAP_LIMITS, MapErrorCode, MapFormatError, Reporter } from "./errors.ts";
import { GID_MASK, type Area, type SpaceMap, type TileLayer, type TileSprite, type Tileset } from "./model.ts";
import { spawnFallback } from "./spawn.ts";
import { collides, isStartLayer, reportUnusedProperties, zoneRoles, type TiledProperty } from "./workadventure.ts";

const property = z.object({ name: z.string(), type: z.string().optional(), value: z.unknown() });
const properties = z.array(property).optional();
const tiledObject = z.object({
  name: z.string().optional().default(""),
  type: z.string().optional(),
  class: z.string().optional(),
  x: z.number().finite(),
  y: z.number().finite(),
  width: z.number().finite().optional().default(0),
  height: z.number().finite().optional().default(0),
  point: z.boolean().optional(),
  ellipse: z.boolean().optional(),
  polygon: z.unknown().optional(),
  polyline: z.unknown().optional(),
  text: z.unknown().optional(),
  gid: z.number().int().nonnegative().optional(),
  visible: z.boolean().optional(),
  properties,
});
type TiledObject = z.infer<typeof tiledObject>;
const layerCommon = {
  name: z.string().optional().default(""),
  visible: z.boolean().optional().default(true),
  opacity: z.number().min(0).max(1).optional().default(1),
  offsetx: z.number().finite().optional().default(0),
  offsety: z.number().finite().optional().default(0),
  parallaxx: z.number().optional(),
  parallaxy: z.number().optional(),
  tintcolor: z.string().optional(),
  properties,
};
const tileLayer = z.object({
  ...layerCommon,
  width: z.number().int(),
  height: z.number().int(),
  data: z.union([z.array(z.number().int().min(0).max(0xffffffff)), z.string()]).optional(),
  chunks: z.unknown().optional(),
  encoding: z.enum(["csv", "base64"]).optional(),
  compression: z.string().optional(),
});
const objectLayer = z.object({ ...layerCommon, objects: z.array(tiledObject) });
const groupLayer = z.object({ ...layerCommon, layers: z.array(z.unknown()) });
const tileEntry = z.object({
  id: z.number().int().nonnegative(),
  properties,
  animation: z.array(z.object({ tileid: z.number().int().nonnegative(), duration: z.number().nonnegative() })).optional(),
  image: z.string().optional(),
});
const tileset = z.object({
  firstgid: z.number().int().positive(),
  source: z.string().optional(),
  name: z.string().optional().default(""),
  tilewidth: z.number().int().positive().optional(),
  tileheight: z.number().int().positive().optional(),
  tilecount: z.number().int().nonnegative().optional(),
  columns: z.number().int().nonnegative().optional(),
  image: z.string().optional(),
  imagewidth: z.number().int().positive().optional(),
  imageheight: z.number().int().positive().optional(),
  margin: z.number().int().nonnegative().optional().default(0),
  spacing: z.number().int().nonnegative().optional().default(0),
  tileoffset: z.object({ x: z.number(), y: z.number() }).optional(),
  tiles: z.array(tileEntry).optional().default([]),
  properties,
});
type TiledTileset = z.infer<typeof tileset>;
const header = z.object({
  orientation: z.string().optional(),
  infinite: z.boolean().optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  tilewidth: z.number().int().positive(),
  tileheight: z.number().int().positive(),
  layers: z.array(z.unknown()),
  tilesets: z.array(z.unknown()).optional().default([]),
  properties,
});

/** A Tiled map as JSON (the stored form of a space's base map), loosely typed: parseTiledMap checks it. */
export interface TiledMap {
  width: number;
  height: number;
  tilewidth: number;
  tileheight: number;
  layers: Array<{ type: string; name: string; data?: number[] | string; objects?: unknown[]; [key: string]: unknown }>;
  tilesets: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

const fail = (code: MapErrorCode, message: string): never => { throw new MapFormatError(code, message); };

function check<T>(schema: z.ZodType<T>, value: unknown, what: string, code: MapErrorCode = MapErrorCode.NOT_A_MAP): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const at = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return fail(code, `${what} is not valid Tiled JSON (${at}${issue?.message}): save it again from Tiled 1.8 or later as JSON`);
}

/** Decoded gids of a tile layer: CSV arrays, or base64 (raw, zlib or gzip) little-endian uint32s. */
function layerGids(l: z.infer<typeof tileLayer>, size: number, name: string): Uint32Array {
  if (Array.isArray(l.data)) {
    if (l.data.length !== size) fail(MapErrorCode.LAYER_SIZE, `layer \`${name}\` has ${l.data.length} tiles, not ${size}: resize it to the map (Layer > Layer Properties, or Map > Resize Map)`);
    return Uint32Array.from(l.data as number[]);
  }
  if (typeof l.data !== "string") return fail(MapErrorCode.LAYER_DATA, `layer \`${name}\` has no tile data: save the map again from Tiled`);
  let bytes: Uint8Array;
  try {
    const bin = atob(l.data.replace(/\s+/g, ""));
    const raw = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) raw[i] = bin.charCodeAt(i);
    const out = new Uint8Array(size * 4);
    if (!l.compression) bytes = raw;
    else if (l.compression === "zlib") bytes = unzlibSync(raw, { out });
    else if (l.compression === "gzip") bytes = gunzipSync(raw, { out });
    else return fail(MapErrorCode.LAYER_DATA, `layer \`${name}\` is compressed with ${l.compression}: set Tile Layer Format to CSV, Base64 (zlib) or Base64 (gzip) in Map Properties`);
  } catch (err) {
    if (err instanceof MapFormatError) throw err;
    return fail(MapErrorCode.LAYER_DATA, `layer \`${name}\` has damaged tile data: save the map again from Tiled`);
  }
  if (bytes.length !== size * 4) fail(MapErrorCode.LAYER_SIZE, `layer \`${name}\` has ${Math.floor(bytes.length / 4)} tiles, not ${size}: resize it to the map`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const gids = new Uint32Array(size);
  for (let i = 0; i < size; i++) gids[i] = view.getUint32(i * 4, true);
  return gids;
}

function toTileset(raw: unknown, index: number, reporter: Reporter): Tileset {
  const t: TiledTileset = check(tileset, raw, `tileset ${index + 1}`, MapErrorCode.TILESET_INVALID);
  const label = t.name || t.source || `#${index + 1}`;
  if (t.source !== undefined && t.image === undefined) {
    fail(MapErrorCode.EXTERNAL_TILESET, `tileset \`${t.source}\` is external: add it to the upload (with its image), or embed it in Tiled (Tilesets view > Embed Tileset)`);
  }
  if (t.image === undefined) {
    fail(MapErrorCode.IMAGE_COLLECTION, `tileset \`${label}\` is a collection of images: Plaza needs one image per tileset (combine the images into one sheet and use "Based on Tileset Image")`);
  }
  if (!t.tilewidth || !t.tileheight || !t.imagewidth || !t.imageheight || !t.columns || t.tilecount === undefined) {
    fail(MapErrorCode.TILESET_INVALID, `tileset \`${label}\` lacks its tile size, columns, tile count or image size: save it again from Tiled`);
  }
  if (t.imagewidth! > MAP_LIMITS.imageSide || t.imageheight! > MAP_LIMITS.imageSide) {
    fail(MapErrorCode.IMAGE_TOO_LARGE, `tileset \`${label}\` has a ${t.imagewidth}×${t.imageheight} image: at most ${MAP_LIMITS.imageSide}×${MAP_LIMITS.imageSide} pixels (split it into several tilesets)`);
  }
  const rows = Math.floor((t.imageheight! - 2 * t.margin + t.spacing) / (t.tileheight! + t.spacing));
  if (t.tilecount! > t.columns! * Math.max(rows, 0)) {
    fail(MapErrorCode.TILESET_INVALID, `tileset \`${label}\` says ${t.tilecount} tiles but its image holds ${t.columns! * Math.max(rows, 0)}: fix the image size in the tileset`);
  }
  const colliding: number[] = [];
  const animations: Tileset["animations"] = {};
  for (const tile of t.tiles) {
    if (tile.id >= t.tilecount!) continue;
    if (collides(tile.properties)) colliding.push(tile.id);
    reportUnusedProperties(tile.properties, reporter);
    if (tile.animation?.length) {
      animations[tile.id] = tile.animation.filter((f) => f.tileid < t.tilecount!).map((f) => ({ tile: f.tileid, ms: f.duration }));
      reporter.report.imported.animatedTiles++;
    }
  }
  reportUnusedProperties(t.properties, reporter);
  return {
    name: t.name || label, image: t.image!, imageWidth: t.imagewidth!, imageHeight: t.imageheight!,
    firstgid: t.firstgid, tilecount: t.tilecount!, columns: t.columns!, tileWidth: t.tilewidth!, tileHeight: t.tileheight!,
    margin: t.margin, spacing: t.spacing, offsetX: t.tileoffset?.x ?? 0, offsetY: t.tileoffset?.y ?? 0,
    colliding: colliding.sort((a, b) => a - b), animations,
  };
}

/** The tileset a gid (flags masked) belongs to, if any. Tilesets sorted by firstgid. */
export function tilesetOf(tilesets: readonly Tileset[], gid: number): Tileset | undefined {
  const g = gid & GID_MASK;
  for (let i = tilesets.length - 1; i >= 0; i--) {
    const t = tilesets[i];
    if (g >= t.firstgid) return g < t.firstgid + t.tilecount ? t : undefined;
  }
  return undefined;
}

interface Inherited { path: string; visible: boolean; opacity: number; offsetX: number; offsetY: number }
interface ZoneSource { role: "private" | "silent" | "spotlight"; name: string; x: number; y: number; width: number; height: number }

class MapParser {
  readonly reporter = new Reporter();
  readonly layers: TileLayer[] = [];
  readonly sprites: TileSprite[] = [];
  readonly zones: ZoneSource[] = [];
  readonly spawnTiles: Tile[] = [];
  private pastFloorLayer = false;
  private flipped = 0;

  constructor(readonly m: z.infer<typeof header>, readonly tilesets: Tileset[]) {}

  get size() { return this.m.width * this.m.height; }
  get tile() { return this.m.tilewidth; }

  walk(rawLayers: readonly unknown[], parent: Inherited, depth: number): void {
    if (depth > 16) fail(MapErrorCode.NOT_A_MAP, `group layers are nested more than 16 deep: flatten some groups`);
    for (const raw of rawLayers) {
      const type = (raw as { type?: unknown } | null)?.type;
      if (type === "group") this.group(raw, parent, depth);
      else if (type === "tilelayer") this.tileLayer(raw, parent);
      else if (type === "objectgroup") this.objectLayer(raw, parent);
      else if (type === "imagelayer") this.reporter.ignore("image layer", "draw backgrounds as tiles: Plaza draws tile layers only");
      else fail(MapErrorCode.NOT_A_MAP, `a layer has the unknown type ${JSON.stringify(type)?.slice(0, 40)}: save the map again from Tiled`);
    }
  }

  private inherit(l: { name: string; visible: boolean; opacity: number; offsetx: number; offsety: number; parallaxx?: number; parallaxy?: number; tintcolor?: string }, parent: Inherited): Inherited {
    if ((l.parallaxx ?? 1) !== 1 || (l.parallaxy ?? 1) !== 1) this.reporter.ignore("parallax factor", "Plaza draws every layer at the map's scroll speed");
    if (l.tintcolor) this.reporter.ignore("layer tint colour", "Plaza draws tiles in their own colours");
    return {
      path: parent.path ? `${parent.path}/${l.name}` : l.name,
      visible: parent.visible && l.visible,
      opacity: parent.opacity * l.opacity,
      offsetX: parent.offsetX + l.offsetx,
      offsetY: parent.offsetY + l.offsety,
    };
  }

  private group(raw: unknown, parent: Inherited, depth: number) {
    const g = check(groupLayer, raw, "a group layer");
    this.reporter.report.imported.groups++;
    reportUnusedProperties(g.properties, this.reporter);
    this.walk(g.layers, this.inherit(g, parent), depth + 1);
  }

  private tileLayer(raw: unknown, parent: Inherited) {
    const l = check(tileLayer, raw, "a tile layer");
    const at = this.inherit(l, parent);
    if (l.chunks !== undefined) fail(MapErrorCode.INFINITE, `layer \`${at.path}\` is infinite (chunked): uncheck Infinite in Map Properties`);
    if (l.width !== this.m.width || l.height !== this.m.height) {
      fail(MapErrorCode.LAYER_SIZE, `layer \`${at.path}\` is ${l.width}×${l.height}, not ${this.m.width}×${this.m.height}: resize it to the map (Map > Resize Map)`);
    }
    if (this.layers.length >= MAP_LIMITS.tileLayers) fail(MapErrorCode.TOO_MANY_LAYERS, `the map has more than ${MAP_LIMITS.tileLayers} tile layers: merge some layers`);
    const data = layerGids(l, this.size, at.path);
    for (let i = 0; i < data.length; i++) {
      if (data[i] === 0) continue;
      if (data[i] !== (data[i] & GID_MASK)) this.flipped++;
      if (!tilesetOf(this.tilesets, data[i])) fail(MapErrorCode.UNKNOWN_TILE, `layer \`${at.path}\` uses tile ${data[i] & GID_MASK}, which no tileset has: add the missing tileset or erase those tiles`);
    }
    const start = isStartLayer(l.name, l.properties);
    if (start) for (let i = 0; i < data.length; i++) if (data[i] !== 0) this.spawnTiles.push({ x: i % this.m.width, y: Math.floor(i / this.m.width) });
    const layerCollides = collides(l.properties);
    const others = (l.properties ?? []).filter((p) => p.name !== "startLayer" && p.name !== "collides");
    if (others.length > 0) this.zonesOfLayer(data, others, at.path);
    const above = l.name === "above" || this.pastFloorLayer;
    this.layers.push({ name: at.path, data, above, visible: at.visible, opacity: at.opacity, offsetX: at.offsetX, offsetY: at.offsetY, collides: layerCollides });
    this.reporter.report.imported.tileLayers++;
  }

  /** A tile layer with zone properties (older WorkAdventure maps): each connected patch of tiles is a zone. */
  private zonesOfLayer(data: Uint32Array, props: TiledProperty[], name: string) {
    const roles = zoneRoles(props, name.split("/").pop() || name, this.reporter);
    if (roles.length === 0) return;
    const { width, height } = this.m;
    const seen = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      if (data[i] === 0 || seen[i]) continue;
      let [x0, y0, x1, y1, count] = [width, height, -1, -1, 0];
      const stack = [i];
      seen[i] = 1;
      while (stack.length) {
        const j = stack.pop()!;
        const x = j % width, y = Math.floor(j / width);
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
        count++;
        for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]]) {
          const k = ny * width + nx;
          if (nx >= 0 && ny >= 0 && nx < width && ny < height && data[k] !== 0 && !seen[k]) { seen[k] = 1; stack.push(k); }
        }
      }
      const rect = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
      if (count !== rect.width * rect.height) this.reporter.warn(`zone layer \`${name}\` is not made of rectangles: Plaza uses the bounding rectangle of each patch of tiles`);
      for (const r of roles) this.zones.push({ role: r.kind, name: r.name, ...rect });
    }
  }

  private objectLayer(raw: unknown, parent: Inherited) {
    const l = check(objectLayer, raw, "an object layer");
    const at = this.inherit(l, parent);
    this.reporter.report.imported.objectLayers++;
    reportUnusedProperties(l.properties, this.reporter);
    if (l.name === "floorLayer") this.pastFloorLayer = true;
    for (const o of l.objects) this.object(o, l.name, at);
  }

  private object(o: TiledObject, layer: string, at: Inherited) {
    const kind = o.class ?? o.type ?? "";
    const rect = !o.point && !o.ellipse && o.polygon === undefined && o.polyline === undefined && o.text === undefined && o.gid === undefined && o.width > 0 && o.height > 0;
    const x = o.x + at.offsetX, y = o.y + at.offsetY;
    if (layer === "furniture") { this.reporter.report.imported.furniture++; return; }
    if (o.gid !== undefined) {
      if (!tilesetOf(this.tilesets, o.gid)) fail(MapErrorCode.UNKNOWN_TILE, `tile object \`${o.name || "?"}\` on layer \`${at.path}\` uses tile ${o.gid & GID_MASK}, which no tileset has: add the missing tileset or delete the object`);
      if (at.visible && o.visible !== false) {
        this.sprites.push({ gid: o.gid, x, y, width: o.width, height: o.height, above: this.pastFloorLayer, opacity: at.opacity });
        this.reporter.report.imported.tileObjects++;
      }
      reportUnusedProperties(o.properties, this.reporter);
      return;
    }
    if (layer === "spawns" && (o.point || kind === "spawn")) {
      this.spawnTiles.push({ x: Math.floor(x / this.tile), y: Math.floor(y / this.tile) });
      return;
    }
    if (rect && layer === "areas" && (kind === "private" || kind === "silent")) {
      this.zones.push({ role: kind, name: o.name || (kind === "private" ? "Area" : "Silent zone"), ...this.tileRect(x, y, o) });
      return;
    }
    if (rect && layer === "spotlights" && kind === "spotlight") {
      this.zones.push({ role: "spotlight", name: o.name || "Spotlight", ...this.tileRect(x, y, o) });
      return;
    }
    if (rect && kind === "area") {
      const roles = zoneRoles(o.properties, o.name || "Area", this.reporter);
      if (roles.length === 0) this.reporter.ignore("area without a Plaza property", "Plaza uses areas that are meeting rooms (jitsiRoom, bbbMeeting, focusable), silent or a stage (speakerMegaphone)");
      for (const r of roles) this.zones.push({ role: r.kind, name: r.name, ...this.tileRect(x, y, o) });
      return;
    }
    if (kind === "area" || layer === "areas" || layer === "spotlights") {
      this.reporter.ignore("area that is not a rectangle", "Plaza areas are rectangles: draw the area with the rectangle tool");
      return;
    }
    reportUnusedProperties(o.properties, this.reporter);
    this.reporter.ignore(o.text !== undefined ? "text object" : "object with no Plaza meaning", "Plaza reads spawn points, areas, stages, furniture and tile objects");
  }

  private tileRect(px: number, py: number, o: { width: number; height: number }) {
    const x = Math.floor(px / this.tile), y = Math.floor(py / this.tile);
    return { x, y, width: Math.max(1, Math.round(o.width / this.tile)), height: Math.max(1, Math.round(o.height / this.tile)) };
  }

  finishReport() {
    if (this.flipped > 0) this.reporter.ignore("flipped or rotated tile", "flips are drawn, but a flipped tile collides like the unflipped one", 0);
    const f = this.reporter.report.ignored.find((i) => i.what === "flipped or rotated tile");
    if (f) f.count = this.flipped;
  }
}

/** Clips an area to the map; null when nothing of it is inside. */
function clip(a: Area, width: number, height: number): Area | null {
  const x0 = Math.max(0, a.x), y0 = Math.max(0, a.y);
  const x1 = Math.min(width, a.x + a.width), y1 = Math.min(height, a.y + a.height);
  return x1 > x0 && y1 > y0 ? { ...a, x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/** Parses and checks a Tiled map. Throws MapFormatError (stable code, how to fix) and nothing else. Pure. */
export function parseTiledMap(json: unknown): SpaceMap {
  try {
    return parse(json);
  } catch (err) {
    if (err instanceof MapFormatError) throw err;
    // Anything unforeseen in a hostile map is still the map's fault, never a crash.
    throw new MapFormatError(MapErrorCode.NOT_A_MAP, `the map could not be read (${String((err as Error)?.message ?? err).slice(0, 120)}): save it again from Tiled as JSON`, { cause: err });
  }
}

function parse(json: unknown): SpaceMap {
  const m = check(header, json, "the map");
  if ((m.orientation ?? "orthogonal") !== "orthogonal") fail(MapErrorCode.NOT_ORTHOGONAL, `the map is ${m.orientation}: Plaza supports orthogonal maps only (Map Properties > Orientation)`);
  if (m.infinite) fail(MapErrorCode.INFINITE, "the map is infinite: uncheck Infinite in Map Properties (Tiled then asks for a fixed size)");
  if (m.width > MAP_LIMITS.side || m.height > MAP_LIMITS.side) fail(MapErrorCode.TOO_LARGE, `the map is ${m.width}×${m.height} tiles: at most ${MAP_LIMITS.side}×${MAP_LIMITS.side} (Map > Resize Map)`);
  if (m.tilewidth !== m.tileheight) fail(MapErrorCode.TILE_SIZE, `tiles are ${m.tilewidth}×${m.tileheight}: Plaza needs square tiles`);
  if (m.tilewidth < MAP_LIMITS.tileMin || m.tilewidth > MAP_LIMITS.tileMax) fail(MapErrorCode.TILE_SIZE, `tiles are ${m.tilewidth} px: between ${MAP_LIMITS.tileMin} and ${MAP_LIMITS.tileMax} px`);
  if (m.tilesets.length > MAP_LIMITS.tilesets) fail(MapErrorCode.TOO_MANY_TILESETS, `the map has ${m.tilesets.length} tilesets: at most ${MAP_LIMITS.tilesets} (merge some)`);

  const probe = new Reporter();
  const tilesets = m.tilesets.map((t, i) => toTileset(t, i, probe)).sort((a, b) => a.firstgid - b.firstgid);
  const total = tilesets.reduce((n, t) => n + t.tilecount, 0);
  if (total > MAP_LIMITS.tiles) fail(MapErrorCode.TOO_MANY_TILES, `the tilesets hold ${total} tiles: at most ${MAP_LIMITS.tiles} (remove unused tilesets)`);
  for (let i = 1; i < tilesets.length; i++) {
    const prev = tilesets[i - 1];
    if (tilesets[i].firstgid < prev.firstgid + prev.tilecount) fail(MapErrorCode.TILESET_INVALID, `tilesets \`${prev.name}\` and \`${tilesets[i].name}\` overlap (firstgid): save the map again from Tiled`);
  }

  const p = new MapParser(m, tilesets);
  const { report } = p.reporter;
  report.ignored.push(...probe.report.ignored);
  report.imported.animatedTiles = probe.report.imported.animatedTiles;
  report.imported.tilesets = tilesets.length;
  reportUnusedProperties(m.properties, p.reporter);
  p.walk(m.layers, { path: "", visible: true, opacity: 1, offsetX: 0, offsetY: 0 }, 0);
  if (p.layers.length === 0) fail(MapErrorCode.NO_TILE_LAYER, "the map has no tile layer: draw at least a floor");
  p.finishReport();

  const { width, height } = m;
  const blocked = new Uint8Array(width * height);
  const collidingGids = new Set<number>();
  for (const t of tilesets) for (const id of t.colliding) collidingGids.add(t.firstgid + id);
  for (const l of p.layers) {
    // A layer drawn with an offset collides where its tiles are drawn (rounded to whole tiles).
    const dx = Math.round(l.offsetX / m.tilewidth), dy = Math.round(l.offsetY / m.tilewidth);
    for (let i = 0; i < l.data.length; i++) {
      const gid = l.data[i] & GID_MASK;
      if (gid === 0 || !(l.collides || collidingGids.has(gid))) continue;
      const x = (i % width) + dx, y = Math.floor(i / width) + dy;
      if (x >= 0 && y >= 0 && x < width && y < height) blocked[y * width + x] = 1;
    }
  }
  const collidingTiles = blocked.reduce((n, b) => n + b, 0);
  report.imported.collidingTiles = collidingTiles;
  if (collidingTiles === 0) report.warnings.push("no tile collides, so people can walk through everything: give wall tiles the bool property `collides` (Tileset editor > Custom Properties)");

  const walkable = { width, height, blocked };
  const inside = (t: Tile) => t.x >= 0 && t.y >= 0 && t.x < width && t.y < height && blocked[t.y * width + t.x] === 0;
  const seen = new Set<number>();
  const spawns = p.spawnTiles.filter((t) => inside(t) && !seen.has(t.y * width + t.x) && seen.add(t.y * width + t.x));
  const dropped = p.spawnTiles.length - spawns.length;
  if (dropped > 0 && p.spawnTiles.some((t) => !inside(t))) report.warnings.push(`${p.spawnTiles.filter((t) => !inside(t)).length} start tile(s) are on a wall or outside the map and are not used`);
  if (spawns.length === 0) {
    const fallback = spawnFallback(walkable);
    if (!fallback) fail(MapErrorCode.NO_WALKABLE, "no tile of the map is walkable: remove `collides` from floor tiles");
    spawns.push(fallback!);
    report.warnings.push(`the map has no start point, so people appear at ${fallback!.x},${fallback!.y} (the walkable tile nearest the centre of its largest open region): add a tile layer named \`start\``);
  }
  report.imported.spawns = spawns.length;

  const areasOf = (role: ZoneSource["role"]): Area[] => p.zones
    .filter((z) => z.role === role)
    .map((z) => clip({ name: z.name.slice(0, 40) || "Area", kind: role, x: z.x, y: z.y, width: z.width, height: z.height }, width, height))
    .filter((a): a is Area => a !== null);
  const areas = areasOf("private");
  const spotlights = areasOf("spotlight");
  const silentZones = areasOf("silent");
  if (areas.length + spotlights.length + silentZones.length < p.zones.length) report.warnings.push("some areas lie outside the map and are not used");
  report.imported.meetingRooms = areas.length;
  report.imported.stages = spotlights.length;
  report.imported.silentZones = silentZones.length;

  return {
    width, height, tileSize: m.tilewidth, blocked, layers: p.layers, tilesets, tileset: tilesets[0] ?? fail(MapErrorCode.TILESET_INVALID, "the map has no tileset: add one in Tiled"),
    sprites: p.sprites, spawns, areas, spotlights, silentZones, report,
  };
}
