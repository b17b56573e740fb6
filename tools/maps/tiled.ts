/**
 * What the map generators (draw-office.ts, draw-templates.ts) share: the ASCII legend for walls
 * and floors, the checks every Plaza map must pass (enclosed, 3/4 wall faces, enough spawns,
 * everything walkable reachable, areas off walls, spotlights on stage boards), the embedded
 * `plaza-office` tileset and the Tiled JSON writer. Build-time only and pure: the scripts write
 * the files.
 */
import { COLUMNS, TILE, TILE_IDS, TILE_ROWS } from "./draw-tileset.ts";

export const FIRST_GID = 1;

/** Floor characters of the ASCII drawings (all walkable). */
export const FLOOR_CHARS: Readonly<Record<string, number>> = {
  ".": TILE_IDS.wood,
  ",": TILE_IDS.carpet,
  ":": TILE_IDS.meetingCarpet,
  "~": TILE_IDS.rug,
  "+": TILE_IDS.kitchenTiles,
  _: TILE_IDS.hallway,
  "=": TILE_IDS.doormat,
  '"': TILE_IDS.grass,
  "^": TILE_IDS.stage,
};

/** Plain wall characters → wall tile (all collide). */
export const WALL_CHARS: Readonly<Record<string, number>> = {
  "#": TILE_IDS.wallTop,
  W: TILE_IDS.wallFace,
  O: TILE_IDS.wallWindow,
  F: TILE_IDS.wallPicture,
};

export const SPAWN_CHAR = "*";
export const STAGE_CHAR = "^";

/** Tile ids that block movement; exported into the tileset as `collides`. */
export const COLLIDING_IDS: readonly number[] = [
  TILE_IDS.wallTop,
  TILE_IDS.wallFace,
  TILE_IDS.wallWindow,
  TILE_IDS.wallPicture,
  TILE_IDS.deskLeft,
  TILE_IDS.deskRight,
  TILE_IDS.plant,
  TILE_IDS.meetingTable,
  TILE_IDS.sofaLeft,
  TILE_IDS.sofaRight,
  TILE_IDS.whiteboard,
  TILE_IDS.bookshelf,
  TILE_IDS.coffeeCounter,
  TILE_IDS.waterCooler,
  TILE_IDS.coffeeTable,
  TILE_IDS.counter,
  TILE_IDS.floorLamp,
  TILE_IDS.tv,
].sort((a, b) => a - b);

/** A tile-aligned rectangle in tiles (private areas, spotlights). */
export interface TileRect {
  name: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

// ---------------------------------------------------------------------------
// Tiled JSON types (the subset we write)

export interface TiledProperty {
  name: string;
  type: "bool" | "string" | "int" | "float";
  value: boolean | string | number;
}

export interface TiledTileLayer {
  id: number;
  name: string;
  type: "tilelayer";
  width: number;
  height: number;
  x: 0;
  y: 0;
  opacity: 1;
  visible: true;
  data: number[];
}

export interface TiledObject {
  id: number;
  name: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  rotation: 0;
  visible: true;
  point?: true;
  properties?: TiledProperty[];
}

export interface TiledObjectLayer {
  id: number;
  name: string;
  type: "objectgroup";
  draworder: "topdown";
  x: 0;
  y: 0;
  opacity: 1;
  visible: true;
  objects: TiledObject[];
}

/** An object before the map numbers it. */
export type NewObject = Omit<TiledObject, "id">;

// ---------------------------------------------------------------------------

/** A drawing or layout the generators refuse; the message says where. */
export class MapError extends Error {
  override name = "MapError";
}

export function fail(msg: string): never {
  throw new MapError(msg);
}

export interface DrawingLegend {
  floors: Readonly<Record<string, number>>;
  /** Wall character → [wall tile, tile drawn on top of it in the `furniture` tile layer or undefined]. */
  walls: Readonly<Record<string, readonly [number, number | undefined]>>;
  /** Furniture tiles (office only; the templates place furniture as objects). */
  furniture: Readonly<Record<string, number>>;
}

/** One ASCII drawing turned into tile layers (local ids, -1 = empty). */
export interface Drawing {
  width: number;
  height: number;
  floor: number[];
  walls: number[];
  furniture: number[];
  spawns: Array<[number, number]>;
  /** The drawing's character at a tile; outside the map reads as wall top. */
  at(x: number, y: number): string;
  isWall(ch: string): boolean;
}

/**
 * Reads an ASCII drawing: checks row lengths, known characters, the enclosing wall and that every
 * south-facing wall top has a wall face under it (3/4 view); infers the floor under furniture and
 * spawn cells from their neighbours.
 */
export function parseDrawing(rows: readonly string[], legend: DrawingLegend, what = "map"): Drawing {
  const height = rows.length;
  const width = rows[0]!.length;
  rows.forEach((row, y) => {
    if (row.length !== width) fail(`row ${y} is ${row.length} chars wide, expected ${width}`);
  });
  const at = (x: number, y: number): string => (x >= 0 && y >= 0 && x < width && y < height ? rows[y]![x]! : "#");
  const isWall = (ch: string): boolean => ch in legend.walls;

  const floor = new Array<number>(width * height).fill(-1);
  const walls = new Array<number>(width * height).fill(-1);
  const furniture = new Array<number>(width * height).fill(-1);
  const spawns: Array<[number, number]> = [];

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ch = at(x, y);
      const i = y * width + x;
      if (ch in legend.floors) floor[i] = legend.floors[ch]!;
      else if (isWall(ch)) {
        const [wall, deco] = legend.walls[ch]!;
        walls[i] = wall;
        if (deco !== undefined) furniture[i] = deco;
      } else if (ch in legend.furniture) furniture[i] = legend.furniture[ch]!;
      else if (ch === SPAWN_CHAR) spawns.push([x, y]);
      else fail(`unknown character ${JSON.stringify(ch)} at (${x}, ${y})`);
    }
  }

  // border must be wall, and south-facing wall tops need a face below them
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1;
      if (edge && !isWall(at(x, y))) fail(`the ${what} is not enclosed: (${x}, ${y}) is ${JSON.stringify(at(x, y))}`);
      if (at(x, y) === "#" && y + 1 < height && !isWall(at(x, y + 1))) {
        fail(`wall top at (${x}, ${y}) faces open floor: draw a wall face (W/O/F${"B" in legend.walls ? "/B/V" : ""}) below it`);
      }
      if (isWall(at(x, y)) && at(x, y) !== "#" && at(x, y - 1) !== "#") {
        fail(`wall face at (${x}, ${y}) has no wall top above it`);
      }
    }
  }

  // infer floors under furniture and spawns: repeated majority vote of the
  // already-known 4-neighbours (ties broken by neighbour order N, W, E, S)
  for (;;) {
    const updates: Array<[number, number]> = [];
    let unknown = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if (floor[i] !== -1 || walls[i] !== -1) continue;
        unknown++;
        const votes = new Map<number, number>();
        for (const [nx, ny] of [
          [x, y - 1],
          [x - 1, y],
          [x + 1, y],
          [x, y + 1],
        ] as const) {
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const f = floor[ny * width + nx]!;
          if (f !== -1) votes.set(f, (votes.get(f) ?? 0) + 1);
        }
        let best = -1;
        let bestVotes = 0;
        for (const [f, v] of votes) {
          if (v > bestVotes) {
            best = f;
            bestVotes = v;
          }
        }
        if (best !== -1) updates.push([i, best]);
      }
    }
    if (unknown === 0) break;
    if (updates.length === 0) fail("could not infer the floor under some furniture (enclosed by walls?)");
    for (const [i, f] of updates) floor[i] = f;
  }

  return { width, height, floor, walls, furniture, spawns, at, isWall };
}

/**
 * Flood-fills from the spawn points over `walkable` tiles (4-neighbours) and fails if there are
 * too few spawns, a spawn is not walkable, or a walkable tile cannot be reached.
 */
export function checkReachable(
  width: number,
  height: number,
  walkable: (i: number) => boolean,
  spawns: ReadonlyArray<readonly [number, number]>,
  minSpawns: number,
): void {
  if (spawns.length < minSpawns) fail(`need at least ${minSpawns} spawn points, found ${spawns.length}`);
  const seen = new Uint8Array(width * height);
  const queue: number[] = [];
  for (const [x, y] of spawns) {
    const i = y * width + x;
    if (!walkable(i)) fail(`spawn at (${x}, ${y}) is not walkable`);
    seen[i] = 1;
    queue.push(i);
  }
  while (queue.length > 0) {
    const i = queue.pop()!;
    const x = i % width;
    const y = Math.floor(i / width);
    for (const [nx, ny] of [
      [x + 1, y],
      [x - 1, y],
      [x, y + 1],
      [x, y - 1],
    ] as const) {
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      const j = ny * width + nx;
      if (!seen[j] && walkable(j)) {
        seen[j] = 1;
        queue.push(j);
      }
    }
  }
  const unreachable: string[] = [];
  for (let i = 0; i < width * height; i++) {
    if (walkable(i) && !seen[i]) unreachable.push(`(${i % width}, ${Math.floor(i / width)})`);
  }
  if (unreachable.length > 0) fail(`walkable tiles not reachable from the spawn area: ${unreachable.join(" ")}`);
}

/** Private areas must be wall-free; spotlights must lie exactly on stage boards. */
export function checkRects(drawing: Drawing, privateAreas: readonly TileRect[], spotlights: readonly TileRect[]): void {
  const { at, isWall } = drawing;
  for (const a of privateAreas) {
    for (let y = a.y; y < a.y + a.h; y++) {
      for (let x = a.x; x < a.x + a.w; x++) {
        if (isWall(at(x, y))) fail(`private area "${a.name}" covers a wall at (${x}, ${y})`);
      }
    }
  }
  // so the stage people see is exactly the spotlight
  for (const s of spotlights) {
    for (let y = s.y; y < s.y + s.h; y++) {
      for (let x = s.x; x < s.x + s.w; x++) {
        if (at(x, y) !== STAGE_CHAR) fail(`spotlight "${s.name}" covers ${JSON.stringify(at(x, y))} at (${x}, ${y}), not stage boards (^)`);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// objects

/** Spawn points: point objects at tile centres. */
export function spawnObjects(spawns: ReadonlyArray<readonly [number, number]>): NewObject[] {
  return spawns.map(([x, y]) => ({
    name: "",
    type: "spawn",
    x: x * TILE + TILE / 2,
    y: y * TILE + TILE / 2,
    width: 0,
    height: 0,
    rotation: 0,
    visible: true,
    point: true,
  }));
}

/** Private areas and spotlights are both tile-aligned rectangles that differ only in type. */
export function rectObjects(rects: readonly TileRect[], type: string): NewObject[] {
  return rects.map((r) => ({
    name: r.name,
    type,
    x: r.x * TILE,
    y: r.y * TILE,
    width: r.w * TILE,
    height: r.h * TILE,
    rotation: 0,
    visible: true,
  }));
}

// ---------------------------------------------------------------------------
// the map document

export type LayerSpec =
  | { kind: "tiles"; name: string; /** local tile ids, -1 = empty */ data: number[] }
  | { kind: "objects"; name: string; objects: NewObject[] };

/**
 * A Tiled map with the `plaza-office` tileset embedded. Layers and objects are numbered in the
 * order given, so the same input always gives the same document.
 */
export function assembleMap(width: number, height: number, specs: readonly LayerSpec[]): Record<string, unknown> {
  let layerId = 1;
  let objectId = 1;
  const layers = specs.map((spec): TiledTileLayer | TiledObjectLayer => {
    if (spec.kind === "tiles") {
      return {
        id: layerId++,
        name: spec.name,
        type: "tilelayer",
        width,
        height,
        x: 0,
        y: 0,
        opacity: 1,
        visible: true,
        data: spec.data.map((id) => (id === -1 ? 0 : id + FIRST_GID)),
      };
    }
    const id = layerId++;
    return {
      id,
      name: spec.name,
      type: "objectgroup",
      draworder: "topdown",
      x: 0,
      y: 0,
      opacity: 1,
      visible: true,
      objects: spec.objects.map((o) => ({ id: objectId++, ...o })),
    };
  });

  const collides: TiledProperty[] = [{ name: "collides", type: "bool", value: true }];
  return {
    compressionlevel: -1,
    height,
    width,
    infinite: false,
    layers,
    nextlayerid: layerId,
    nextobjectid: objectId,
    orientation: "orthogonal",
    renderorder: "right-down",
    tiledversion: "1.10.2",
    tileheight: TILE,
    tilewidth: TILE,
    type: "map",
    version: "1.10",
    tilesets: [
      {
        firstgid: FIRST_GID,
        name: "plaza-office",
        tilewidth: TILE,
        tileheight: TILE,
        tilecount: COLUMNS * TILE_ROWS,
        columns: COLUMNS,
        image: "office-tiles.png",
        imagewidth: COLUMNS * TILE,
        imageheight: TILE_ROWS * TILE,
        margin: 0,
        spacing: 0,
        tiles: COLLIDING_IDS.map((id) => ({ id, properties: collides })),
      },
    ],
  };
}

/** Pretty JSON, but with each tile layer's `data` written one map row per line. */
export function toJson(map: Record<string, unknown>): string {
  const width = map.width as number;
  const rows: string[] = [];
  const json = JSON.stringify(
    map,
    (key, value: unknown) => {
      if (key !== "data" || !Array.isArray(value)) return value;
      const lines: string[] = [];
      for (let i = 0; i < value.length; i += width) lines.push(value.slice(i, i + width).join(","));
      rows.push(lines.join(",\n    "));
      return `@@data${rows.length - 1}@@`;
    },
    1,
  );
  return `${json.replace(/"@@data(\d+)@@"/g, (_m, n: string) => `[\n    ${rows[Number(n)]!}\n   ]`)}\n`;
}
