/**
 * The map model: a Tiled JSON map (.tmj, orthogonal) parsed into what the simulation needs (a
 * collision grid, spawn points, named areas) and what the renderer needs (tile layers, tilesets).
 * The parser lives in shared/maps/ (tiled.ts, the WorkAdventure conventions in workadventure.ts);
 * this module is what the rest of Plaza imports. Pure: no I/O.
 *
 * Format rules: shared/maps/README.md and SPEC.md MP1–MP9.
 */
import type { Area, SpaceMap } from "./maps/model.ts";

// The grid geometry lives in grid.ts; map users keep importing it from here.
export { isInside, isWalkable, type Tile, type Walkable } from "./grid.ts";
export { GID_MASK, FLIP_D, FLIP_H, FLIP_V, type Area, type SpaceMap, type TileLayer, type TileSprite, type Tileset } from "./maps/model.ts";
export { parseTiledMap, tilesetOf, type TiledMap } from "./maps/tiled.ts";
export { MAP_LIMITS, MapErrorCode, MapFormatError, type ImportReport } from "./maps/errors.ts";

/** Maps larger than this per side are refused (MP8). */
export const MAP_MAX_TILES = 256;

const within = (a: Area, x: number, y: number) => x >= a.x && y >= a.y && x < a.x + a.width && y < a.y + a.height;

/** The named area containing a tile, if any (first match in map order). */
export function areaAt(map: SpaceMap, x: number, y: number): Area | undefined {
  return map.areas.find((a) => within(a, x, y));
}

/** The spotlight containing a tile, if any (MP5, PX7). */
export function spotlightAt(map: SpaceMap, x: number, y: number): Area | undefined {
  return map.spotlights.find((a) => within(a, x, y));
}

/** The silent zone containing a tile, if any (MP7, PX10). */
export function silentAt(map: SpaceMap, x: number, y: number): Area | undefined {
  return map.silentZones?.find((a) => within(a, x, y));
}
