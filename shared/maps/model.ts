/**
 * The map model both the simulation and the renderer read (SPEC MP1–MP9): what a real Tiled map
 * holds, already flattened (groups resolved into each layer's visibility, opacity and offset).
 * Treat as immutable.
 */
import type { Tile } from "../grid.ts";
import type { ImportReport } from "./errors.ts";

/** Tiled keeps flip flags in the top four bits of a gid (horizontal, vertical, diagonal, hex). */
export const GID_MASK = 0x0fffffff;
export const FLIP_H = 0x80000000;
export const FLIP_V = 0x40000000;
export const FLIP_D = 0x20000000;

export interface TileLayer {
  /** Path through groups, `/`-joined (as WorkAdventure names grouped layers). */
  name: string;
  /** Raw gids, row-major; flip flags kept (mask with GID_MASK for the tile). */
  data: Uint32Array;
  /** Drawn over avatars: named `above`, or after the object layer `floorLayer`. */
  above: boolean;
  /** Hidden layers are not drawn but still collide and mark start tiles. */
  visible: boolean;
  opacity: number;
  /** Pixel offset, groups included. */
  offsetX: number;
  offsetY: number;
  /** The layer property `collides`: every non-empty tile blocks. */
  collides: boolean;
}

export interface Tileset {
  name: string;
  /** Image file name, relative to the map (an imported space serves it under this name). */
  image: string;
  imageWidth: number;
  imageHeight: number;
  firstgid: number;
  tilecount: number;
  columns: number;
  tileWidth: number;
  tileHeight: number;
  margin: number;
  spacing: number;
  /** The tileset's `tileoffset`, in pixels. */
  offsetX: number;
  offsetY: number;
  /** Local ids of tiles with `collides: true`. */
  colliding: number[];
  /** Local id → frames (local tile id, milliseconds). */
  animations: Record<number, Array<{ tile: number; ms: number }>>;
}

/** A tile drawn at a free pixel position (a Tiled tile object). */
export interface TileSprite { gid: number; x: number; y: number; width: number; height: number; above: boolean; opacity: number }

export interface Area { name: string; kind: string; x: number; y: number; width: number; height: number }

export interface SpaceMap {
  width: number;
  height: number;
  tileSize: number;
  /** 1 where a tile blocks movement, row-major (y * width + x). */
  blocked: Uint8Array;
  layers: TileLayer[];
  tilesets: Tileset[];
  /** The first tileset (maps made before several tilesets were supported read this). */
  tileset: Tileset;
  sprites: TileSprite[];
  spawns: Tile[];
  /** Private areas (meeting rooms, MP4). */
  areas: Area[];
  /** Spotlight rectangles (MP5): whoever stands on one is heard by the whole space (PX7). */
  spotlights: Area[];
  /** Silent zones (MP7, PX10): nobody starts a proximity conversation there. */
  silentZones: Area[];
  /** What the parser kept, left out and warned about (MP7). */
  report: ImportReport;
}
