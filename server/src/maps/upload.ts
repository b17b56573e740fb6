/**
 * A Tiled upload (several files, or one .zip) → one self-contained map (SPEC MP6–MP8): the .tmj
 * with every external tileset (.tsx XML or .tsj JSON) inlined and every tileset image checked
 * (PNG, size as the tileset says) and renamed after a hash of its bytes, plus the images to store.
 * Everything the map model does is shared/maps/tiled.ts; this is only the files. Throws
 * MapFormatError (stable code, how to fix), nothing else.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { XMLParser } from "fast-xml-parser";
import { onFirstUse } from "../onFirstUse.ts";
import { unzipSync, zipSync } from "fflate";
import { MAP_LIMITS, MapErrorCode, MapFormatError } from "../../../shared/maps/errors.ts";
import { parseTiledMap, type TiledMap } from "../../../shared/maps/tiled.ts";
import type { SpaceMap } from "../../../shared/maps/model.ts";

export interface UploadFile { name: string; bytes: Uint8Array }
export interface ResolvedMap { tmj: TiledMap; images: Map<string, Uint8Array>; map: SpaceMap }

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const fail = (code: MapErrorCode, message: string): never => { throw new MapFormatError(code, message); };
const startsWith = (b: Uint8Array, sig: number[]) => b.length >= sig.length && sig.every((v, i) => b[i] === v);

/** The name an imported tileset image is stored and served under: derived from its bytes, so the URL is a capability. */
export function tilesetName(png: Uint8Array): string {
  return `tileset-${createHash("sha256").update(png).digest("hex").slice(0, 24)}.png`;
}

/** Images of an imported space, stored as one uncompressed zip (PNGs are compressed already). */
export function packImages(images: ReadonlyMap<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(images), { level: 0 });
}

/** One stored image by name: `stored` is a zip of them, or (spaces imported before MP6) one PNG. */
export function storedImage(stored: Uint8Array, name: string): Uint8Array | null {
  if (startsWith(stored, PNG_SIGNATURE)) return tilesetName(stored) === name ? stored : null;
  try {
    return unzipSync(stored, { filter: (f) => f.name === name })[name] ?? null;
  } catch {
    return null;
  }
}

function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || !startsWith(bytes, PNG_SIGNATURE)) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/** Paths inside the upload, normalized: `a/./b/../c.png` → `a/c.png`; Windows separators too. */
function clean(path: string): string {
  return posix.normalize(path.replace(/\\/g, "/")).replace(/^(\.\/|\/)+/, "");
}

/** Expands a .zip among the files (at most one level), bounded in count and inflated bytes. */
function expand(files: readonly UploadFile[]): UploadFile[] {
  const out: UploadFile[] = [];
  let inflated = 0;
  for (const f of files) {
    if (!startsWith(f.bytes, ZIP_SIGNATURE)) { out.push(f); continue; }
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(f.bytes, {
        filter: (e) => {
          if (e.name.endsWith("/") || e.name.startsWith("__MACOSX/")) return false;
          inflated += e.originalSize;
          if (inflated > MAP_LIMITS.unzippedBytes) fail(MapErrorCode.UPLOAD_TOO_LARGE, `\`${f.name}\` inflates to more than ${MAP_LIMITS.unzippedBytes / 1024 / 1024} MB: leave out files the map does not use`);
          return true;
        },
      });
    } catch (err) {
      if (err instanceof MapFormatError) throw err;
      return fail(MapErrorCode.BAD_ZIP, `\`${f.name}\` is not a readable zip: zip the map folder again`);
    }
    for (const [name, bytes] of Object.entries(entries)) out.push({ name, bytes });
  }
  if (out.length > MAP_LIMITS.files) fail(MapErrorCode.TOO_MANY_FILES, `the upload holds ${out.length} files: at most ${MAP_LIMITS.files} (only the map, its tilesets and their images)`);
  return out;
}

function json(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return fail(MapErrorCode.NOT_A_MAP, `${what} is not valid JSON: save it again from Tiled`);
  }
}

const xml = onFirstUse<typeof import("fast-xml-parser"), XMLParser>("fast-xml-parser", (fxp) => new fxp.XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", parseAttributeValue: false, isArray: (n) => n === "tile" || n === "property" || n === "frame" }));
const num = (v: unknown) => (v === undefined ? undefined : Number(v));
type XmlNode = Record<string, unknown>;

/** A .tsx tileset in the shape of Tiled's JSON tileset. */
function tsxToJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  let doc: XmlNode;
  try {
    doc = xml().parse(new TextDecoder().decode(bytes)) as XmlNode;
  } catch {
    return fail(MapErrorCode.TILESET_INVALID, `${what} is not valid XML: save it again from Tiled`);
  }
  const t = doc.tileset as XmlNode | undefined;
  if (!t || typeof t !== "object") return fail(MapErrorCode.TILESET_INVALID, `${what} is not a Tiled tileset`);
  const props = (node: unknown) => {
    const list = ((node as XmlNode | undefined)?.properties as XmlNode | undefined)?.property as XmlNode[] | undefined;
    return list?.map((p) => ({
      name: String(p.name), type: p.type ?? "string",
      value: p.type === "bool" ? p.value === "true" : p.type === "int" || p.type === "float" ? Number(p.value) : p.value ?? "",
    }));
  };
  const image = t.image as XmlNode | undefined;
  const offset = t.tileoffset as XmlNode | undefined;
  return {
    name: t.name, tilewidth: num(t.tilewidth), tileheight: num(t.tileheight), tilecount: num(t.tilecount), columns: num(t.columns),
    margin: num(t.margin) ?? 0, spacing: num(t.spacing) ?? 0,
    image: image?.source, imagewidth: num(image?.width), imageheight: num(image?.height),
    tileoffset: offset ? { x: Number(offset.x ?? 0), y: Number(offset.y ?? 0) } : undefined,
    properties: props(t),
    tiles: ((t.tile as XmlNode[] | undefined) ?? []).map((tile) => ({
      id: Number(tile.id),
      properties: props(tile),
      animation: ((tile.animation as XmlNode | undefined)?.frame as XmlNode[] | undefined)?.map((f) => ({ tileid: Number(f.tileid), duration: Number(f.duration) })),
    })),
  };
}

/**
 * Resolves an upload into a self-contained map. `files` are the uploaded files (any .zip among
 * them is expanded); exactly one is the map (.tmj, or .json with layers).
 */
export function resolveUpload(files: readonly UploadFile[]): ResolvedMap {
  const all = expand(files);
  const byPath = new Map(all.map((f) => [clean(f.name), f.bytes]));
  const find = (path: string) => byPath.get(clean(path)) ?? [...byPath].find(([p]) => posix.basename(p) === posix.basename(clean(path)))?.[1];

  if (all.some((f) => /\.tmx$/i.test(f.name)) && !all.some((f) => /\.(tmj|json)$/i.test(f.name))) {
    fail(MapErrorCode.TMX, "the map is a .tmx (XML) file: in Tiled, use File > Export As… and choose JSON map files (*.tmj)");
  }
  const maps = all.filter((f) => /\.tmj$/i.test(f.name) || (/\.json$/i.test(f.name) && isMapJson(f.bytes)));
  if (maps.length === 0) fail(MapErrorCode.NO_MAP_FILE, "the upload has no map: add the .tmj file saved from Tiled");
  if (maps.length > 1) fail(MapErrorCode.SEVERAL_MAP_FILES, `the upload has ${maps.length} maps (${maps.map((m) => `\`${m.name}\``).join(", ")}): upload one map at a time`);
  const mapFile = maps[0];
  if (mapFile.bytes.length > MAP_LIMITS.mapBytes) fail(MapErrorCode.UPLOAD_TOO_LARGE, `the map file is over ${MAP_LIMITS.mapBytes / 1024 / 1024} MB: use Base64 (zlib) tile layer format`);
  const tmj = json(mapFile.bytes, `\`${mapFile.name}\``) as TiledMap;
  if (!tmj || typeof tmj !== "object" || !Array.isArray(tmj.tilesets)) fail(MapErrorCode.NOT_A_MAP, `\`${mapFile.name}\` is not a Tiled map: save it from Tiled as JSON`);
  const mapDir = posix.dirname(clean(mapFile.name));

  const images = new Map<string, Uint8Array>();
  tmj.tilesets = tmj.tilesets.map((raw) => {
    let ts: Record<string, unknown> = raw && typeof raw === "object" ? { ...raw } : {};
    let dir = mapDir;
    if (typeof ts.source === "string") {
      const path = posix.join(mapDir, ts.source);
      const bytes = find(path);
      if (!bytes) fail(MapErrorCode.EXTERNAL_TILESET, `tileset \`${ts.source}\` is external: add it to the upload (with its image), or embed it in Tiled (Tilesets view > Embed Tileset)`);
      const external = /\.tsx$/i.test(ts.source) || bytes![0] === 0x3c /* < */ ? tsxToJson(bytes!, `\`${ts.source}\``) : json(bytes!, `\`${ts.source}\``) as Record<string, unknown>;
      ts = { ...external, firstgid: ts.firstgid };
      dir = posix.dirname(clean(path));
    }
    if (typeof ts.image !== "string") return ts; // the parser explains what is wrong
    const imagePath = posix.join(dir, ts.image);
    const png = find(imagePath);
    const label = `\`${ts.name ?? ts.image}\``;
    if (!png) fail(MapErrorCode.IMAGE_MISSING, `the image \`${ts.image}\` of tileset ${label} is missing: add it to the upload`);
    const size = pngSize(png!);
    if (!size) fail(MapErrorCode.IMAGE_NOT_PNG, `the image \`${ts.image}\` of tileset ${label} is not a PNG: export it as PNG`);
    if (size!.width > MAP_LIMITS.imageSide || size!.height > MAP_LIMITS.imageSide) fail(MapErrorCode.IMAGE_TOO_LARGE, `the image \`${ts.image}\` is ${size!.width}×${size!.height}: at most ${MAP_LIMITS.imageSide}×${MAP_LIMITS.imageSide} pixels (split the tileset)`);
    ts.imagewidth ??= size!.width;
    ts.imageheight ??= size!.height;
    if (ts.imagewidth !== size!.width || ts.imageheight !== size!.height) {
      fail(MapErrorCode.IMAGE_SIZE, `the image \`${ts.image}\` is ${size!.width}×${size!.height} but tileset ${label} expects ${ts.imagewidth}×${ts.imageheight}: open the tileset in Tiled and save it again`);
    }
    const name = tilesetName(png!);
    images.set(name, png!);
    delete ts.source;
    return { ...ts, image: name };
  });
  return { tmj, images, map: parseTiledMap(tmj) };
}

function isMapJson(bytes: Uint8Array): boolean {
  try {
    const j = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    return Array.isArray(j?.layers);
  } catch {
    return false;
  }
}
