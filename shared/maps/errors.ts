/**
 * Why a map is refused, and what an import kept or left out (SPEC MP6–MP9). Codes are stable: the
 * HTTP API answers them in `error.detail`, tests and clients branch on them. Every message says how
 * to fix the map.
 */

/** Limits of an imported map (MP8), stated in shared/maps/README.md. */
export const MAP_LIMITS = {
  /** Tiles per side (Gather's largest maps are ~100×100). */
  side: 256,
  tileMin: 8,
  tileMax: 128,
  tilesets: 32,
  /** Tile layers after groups are flattened (each one is drawn). */
  tileLayers: 64,
  /** Tiles over all tilesets. */
  tiles: 65_536,
  /** Pixels per side of one tileset image. */
  imageSide: 4096,
  files: 64,
  /** The whole upload (multipart body or zip). */
  uploadBytes: 8 * 1024 * 1024,
  /** The .tmj once decompressed from a zip. */
  mapBytes: 4 * 1024 * 1024,
  /** Files inside a zip once inflated, all together (a zip bomb stops here). */
  unzippedBytes: 24 * 1024 * 1024,
} as const;

export const MapErrorCode = {
  /** Not JSON, or not a Tiled map at all. */
  NOT_A_MAP: "map_not_a_map",
  NOT_ORTHOGONAL: "map_not_orthogonal",
  INFINITE: "map_infinite",
  TOO_LARGE: "map_too_large",
  TILE_SIZE: "map_tile_size",
  NO_TILE_LAYER: "map_no_tile_layer",
  LAYER_SIZE: "map_layer_size",
  LAYER_DATA: "map_layer_data",
  UNKNOWN_TILE: "map_unknown_tile",
  TOO_MANY_LAYERS: "map_too_many_layers",
  TOO_MANY_TILESETS: "map_too_many_tilesets",
  TOO_MANY_TILES: "map_too_many_tiles",
  EXTERNAL_TILESET: "map_external_tileset",
  TILESET_INVALID: "map_tileset_invalid",
  IMAGE_COLLECTION: "map_image_collection",
  IMAGE_MISSING: "map_image_missing",
  IMAGE_NOT_PNG: "map_image_not_png",
  IMAGE_SIZE: "map_image_size",
  IMAGE_TOO_LARGE: "map_image_too_large",
  NO_WALKABLE: "map_no_walkable",
  NO_MAP_FILE: "map_no_map_file",
  SEVERAL_MAP_FILES: "map_several_map_files",
  TMX: "map_tmx",
  TOO_MANY_FILES: "map_too_many_files",
  UPLOAD_TOO_LARGE: "map_upload_too_large",
  BAD_ZIP: "map_bad_zip",
} as const;
export type MapErrorCode = (typeof MapErrorCode)[keyof typeof MapErrorCode];

export class MapFormatError extends Error {
  override name = "MapFormatError";
  constructor(readonly code: MapErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What an import brought in, what it left out and why, and what looks wrong (MP7). */
export interface ImportReport {
  imported: {
    tilesets: number;
    tileLayers: number;
    groups: number;
    objectLayers: number;
    spawns: number;
    collidingTiles: number;
    meetingRooms: number;
    silentZones: number;
    stages: number;
    furniture: number;
    animatedTiles: number;
    tileObjects: number;
  };
  ignored: Array<{ what: string; count: number; why: string }>;
  warnings: string[];
}

/** Collects the report while a map is parsed: the same ignored thing is counted, not repeated. */
export class Reporter {
  readonly report: ImportReport = {
    imported: {
      tilesets: 0, tileLayers: 0, groups: 0, objectLayers: 0, spawns: 0, collidingTiles: 0,
      meetingRooms: 0, silentZones: 0, stages: 0, furniture: 0, animatedTiles: 0, tileObjects: 0,
    },
    ignored: [],
    warnings: [],
  };

  ignore(what: string, why: string, count = 1): void {
    const seen = this.report.ignored.find((i) => i.what === what);
    if (seen) seen.count += count;
    else this.report.ignored.push({ what, count, why });
  }

  warn(message: string): void {
    if (!this.report.warnings.includes(message)) this.report.warnings.push(message);
  }
}
