/**
 * Lays out Plaza's default office from the ASCII drawing below and writes
 * `shared/maps/office.tmj` (Tiled JSON map, tileset embedded).
 *
 *   node --import tsx shared/maps/tools/draw-office.ts
 *
 * To change the office, edit `OFFICE` (one character per 32×32 tile) and rerun.
 * The script validates the drawing (row lengths, known characters, wall faces
 * under south-facing walls, private areas, spawn count) and flood-fills from
 * the spawn points: it fails loudly if any walkable tile cannot be reached.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { COLUMNS, TILE, TILE_IDS, TILE_ROWS } from "./draw-tileset.ts";

// ---------------------------------------------------------------------------
// Legend
//
//  Floors (walkable)            Walls (collide)                 Furniture
//   .  wood planks               #  wall top (seen from above)    d  desk, left half        D  desk, right half + monitor
//   ,  office carpet (blue-grey) W  wall front face               c  office chair (walkable)
//   :  meeting carpet (green)    O  wall face with window         p  potted plant           b  bookshelf
//   ~  lounge rug (terracotta)   F  wall face with picture        t  meeting table (repeat in blocks)
//   +  kitchen tiles             B  wall face + whiteboard        s  sofa, left half        S  sofa, right half
//   _  hallway stone             V  wall face + big screen        a  armchair (walkable)    o  coffee table
//   =  entrance doormat                                           k  kitchen counter        M  counter + coffee machine
//   "  grass                                                      Q  water cooler           l  floor lamp
//   ^  stage boards (a spotlight: see SPOTLIGHTS)
//
//   *  spawn point (walkable; floor taken from the neighbours)
//
// Furniture and spawn cells get the floor of the room they stand in, inferred
// from their neighbours. Every wall top with open floor directly south of it
// must have a wall face (W/O/F/B/V) there instead, so walls read as 3/4 view.
// ---------------------------------------------------------------------------

const OFFICE: readonly string[] = [
  // 0         1         2         3         4
  // 012345678901234567890123456789012345678901234567
  '################################################', //  0
  '#WOWWWBWWWWVWWWOW#WOWWFW#WFWWOW#WWOWWWWOWWWWOWW#', //  1
  '#p::::::::::::::p#b:dD:p#p:dD:b#kkMkkkkk++Q+++p#', //  2
  '#b::::::::::::::b#::c:::#:::c::#+++++++++++++++#', //  3
  '#::::cccccccc::::#::::::#::::::#+++++++++++++++#', //  4
  '#:::cttttttttc:::#::::::#::::::#+++cccc++cccc++#', //  5
  '#:::cttttttttc:::#a:o:::#:::o:a#+++tttt++tttt++#', //  6
  '#:::cttttttttc:::#::::::#::::::#+++tttt++tttt++#', //  7
  '#::::cccccccc::::#::::::#::::::#+++cccc++cccc++#', //  8
  '#::::::::::::::::#l::::p#p::::l#+++++++++++++++#', //  9
  '#p::::::::::::::p#::::::#::::::#p+++++++++++++p#', // 10
  '########::##########::#####::#########+++#######', // 11
  '#WWWFWWW::WWWWFWWWWW::WWWWW::WWFWWWWWW+++WWWFWW#', // 12
  '#p____________________________________________p#', // 13
  '#______________________________________________#', // 14
  '#p,,,,,,,,,,,Q,,,,,,,,,p#p.........p####..######', // 15
  '#,,dD,dD,,dD,dD,,dD,dD,,#...........#WFW..WWFWW#', // 16
  '#,,,c,,c,,,c,,c,,,c,,c,,#.sS.....sS.#b.l.....pb#', // 17
  '#,,,,,,,,,,,,,,,,,,,,,,,#..o.....o..#..........#', // 18
  '#,,,,,,,,,,,,,,,,,,,,,,p#...........#.~~~~~~~~.#', // 19
  '#,,dD,dD,,dD,dD,,dD,dD,,#.....c.....#.~~~sS~~~l#', // 20
  '#,,,c,,c,,,c,,c,,,c,,c,,#...pdDp....#.~a~oo~a~.#', // 21
  '#b,,,,,,,,,,,,,,,,,,,,,,#...........#.~~~~~~~~.#', // 22
  '#b,,,,,,,,,,,,,,,,,,,,,,W...........#..........#', // 23
  '#,,dD,dD,,dD,dD,,dD,dD,,............#p.........#', // 24
  '#,,,c,,c,,,c,,c,,,c,,c,,..*.*.*.*...#..........#', // 25
  '#,,,,,,,,,,,,,,,,,,,,,,,#...........W...~~~~~..#', // 26
  '#,,,,,,,,,,,,,,,,,,,,,,p#..*.*.*.*......~aoa~..#', // 27
  '#,,dD,dD,,dD,dD,,dD,dD,,#...............~~~~~..#', // 28
  '#,,,c,,c,,,c,,c,,,c,,c,,#"".*...*.""#..........#', // 29
  '#,,,,,,,,,,,,,,,,,,,,,,,#"p.......p"#b.........#', // 30
  '#b,,,,,,,,,,,,,,,,,,,,,p#"".......""#b..^^^^...#', // 31
  '#bb,,,,,,,,,,,,,,,,,,,pp#"".=====.""#pb.^^^^lbp#', // 32
  '################################################', // 33
];

/** Private A/V areas, in tiles (inclusive origin, width/height in tiles). */
const PRIVATE_AREAS: ReadonlyArray<{ name: string; x: number; y: number; w: number; h: number }> = [
  { name: "Meeting Room", x: 1, y: 2, w: 16, h: 9 },
  { name: "Focus Room 1", x: 18, y: 2, w: 6, h: 9 },
  { name: "Focus Room 2", x: 25, y: 2, w: 6, h: 9 },
];

/**
 * Spotlights (object layer `spotlights`, SPEC MP5/PX7): whoever stands here is heard by the whole
 * space. Each must cover stage boards (`^`) only. The lounge stage faces the armchairs on its rug.
 */
const SPOTLIGHTS: ReadonlyArray<{ name: string; x: number; y: number; w: number; h: number }> = [
  { name: "Stage", x: 40, y: 31, w: 4, h: 2 },
];

const MIN_SPAWNS = 8;

// ---------------------------------------------------------------------------

const FLOORS: Readonly<Record<string, number>> = {
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

/** Wall characters → [wall tile, furniture tile drawn on top of it or undefined]. */
const WALLS: Readonly<Record<string, readonly [number, number | undefined]>> = {
  "#": [TILE_IDS.wallTop, undefined],
  W: [TILE_IDS.wallFace, undefined],
  O: [TILE_IDS.wallWindow, undefined],
  F: [TILE_IDS.wallPicture, undefined],
  B: [TILE_IDS.wallFace, TILE_IDS.whiteboard],
  V: [TILE_IDS.wallFace, TILE_IDS.tv],
};

const FURNITURE: Readonly<Record<string, number>> = {
  d: TILE_IDS.deskLeft,
  D: TILE_IDS.deskRight,
  c: TILE_IDS.chair,
  p: TILE_IDS.plant,
  t: TILE_IDS.meetingTable,
  s: TILE_IDS.sofaLeft,
  S: TILE_IDS.sofaRight,
  b: TILE_IDS.bookshelf,
  M: TILE_IDS.coffeeCounter,
  Q: TILE_IDS.waterCooler,
  o: TILE_IDS.coffeeTable,
  k: TILE_IDS.counter,
  a: TILE_IDS.armchair,
  l: TILE_IDS.floorLamp,
};

const SPAWN = "*";

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

const FIRST_GID = 1;

// ---------------------------------------------------------------------------
// Tiled JSON types (the subset we write)

interface TiledProperty {
  name: string;
  type: "bool" | "string" | "int" | "float";
  value: boolean | string | number;
}

interface TiledTileLayer {
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

interface TiledObject {
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
}

interface TiledObjectLayer {
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

// ---------------------------------------------------------------------------

class MapError extends Error {}

function fail(msg: string): never {
  throw new MapError(msg);
}

export function buildOffice(): Record<string, unknown> {
  const height = OFFICE.length;
  const width = OFFICE[0]!.length;
  OFFICE.forEach((row, y) => {
    if (row.length !== width) fail(`row ${y} is ${row.length} chars wide, expected ${width}`);
  });
  const at = (x: number, y: number): string => (x >= 0 && y >= 0 && x < width && y < height ? OFFICE[y]![x]! : "#");
  const isWall = (ch: string): boolean => ch in WALLS;

  const floor = new Array<number>(width * height).fill(-1);
  const walls = new Array<number>(width * height).fill(-1);
  const furniture = new Array<number>(width * height).fill(-1);
  const spawns: Array<[number, number]> = [];

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ch = at(x, y);
      const i = y * width + x;
      if (ch in FLOORS) floor[i] = FLOORS[ch]!;
      else if (isWall(ch)) {
        const [wall, deco] = WALLS[ch]!;
        walls[i] = wall;
        if (deco !== undefined) furniture[i] = deco;
      } else if (ch in FURNITURE) furniture[i] = FURNITURE[ch]!;
      else if (ch === SPAWN) spawns.push([x, y]);
      else fail(`unknown character ${JSON.stringify(ch)} at (${x}, ${y})`);
    }
  }

  // border must be wall, and south-facing wall tops need a face below them
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1;
      if (edge && !isWall(at(x, y))) fail(`the office is not enclosed: (${x}, ${y}) is ${JSON.stringify(at(x, y))}`);
      if (at(x, y) === "#" && y + 1 < height && !isWall(at(x, y + 1))) {
        fail(`wall top at (${x}, ${y}) faces open floor: draw a wall face (W/O/F/B/V) below it`);
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

  // walkability + reachability from the spawn points
  if (spawns.length < MIN_SPAWNS) fail(`need at least ${MIN_SPAWNS} spawn points, found ${spawns.length}`);
  const colliding = new Set(COLLIDING_IDS);
  const walkable = (i: number): boolean => walls[i] === -1 && !(furniture[i] !== -1 && colliding.has(furniture[i]!));
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

  // private areas must be wall-free and lie inside the map
  for (const a of PRIVATE_AREAS) {
    for (let y = a.y; y < a.y + a.h; y++) {
      for (let x = a.x; x < a.x + a.w; x++) {
        if (isWall(at(x, y))) fail(`private area "${a.name}" covers a wall at (${x}, ${y})`);
      }
    }
  }

  // spotlights must lie on stage boards, so the stage people see is exactly the spotlight
  for (const s of SPOTLIGHTS) {
    for (let y = s.y; y < s.y + s.h; y++) {
      for (let x = s.x; x < s.x + s.w; x++) {
        if (at(x, y) !== "^") fail(`spotlight "${s.name}" covers ${JSON.stringify(at(x, y))} at (${x}, ${y}), not stage boards (^)`);
      }
    }
  }

  const toGids = (layer: number[]): number[] => layer.map((id) => (id === -1 ? 0 : id + FIRST_GID));
  let layerId = 1;
  const tileLayer = (name: string, data: number[]): TiledTileLayer => ({
    id: layerId++,
    name,
    type: "tilelayer",
    width,
    height,
    x: 0,
    y: 0,
    opacity: 1,
    visible: true,
    data: toGids(data),
  });

  let objectId = 1;
  const spawnObjects: TiledObject[] = spawns.map(([x, y]) => ({
    id: objectId++,
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
  // Private areas and spotlights are both tile-aligned rectangles that differ only in type.
  const rectObjects = (rects: readonly { name: string; x: number; y: number; w: number; h: number }[], type: string): TiledObject[] =>
    rects.map((r) => ({
      id: objectId++,
      name: r.name,
      type,
      x: r.x * TILE,
      y: r.y * TILE,
      width: r.w * TILE,
      height: r.h * TILE,
      rotation: 0,
      visible: true,
    }));
  const areaObjects = rectObjects(PRIVATE_AREAS, "private");
  const spotlightObjects = rectObjects(SPOTLIGHTS, "spotlight");
  const objectLayer = (name: string, objects: TiledObject[]): TiledObjectLayer => ({
    id: layerId++,
    name,
    type: "objectgroup",
    draworder: "topdown",
    x: 0,
    y: 0,
    opacity: 1,
    visible: true,
    objects,
  });

  const layers = [
    tileLayer("floor", floor),
    tileLayer("walls", walls),
    tileLayer("furniture", furniture),
    objectLayer("spawns", spawnObjects),
    objectLayer("areas", areaObjects),
    objectLayer("spotlights", spotlightObjects),
  ];

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

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  try {
    const map = buildOffice();
    const out = join(dirname(fileURLToPath(import.meta.url)), "..", "office.tmj");
    writeFileSync(out, toJson(map));
    const layers = map.layers as Array<{ name: string; objects?: unknown[] }>;
    const count = (name: string): number => layers.find((l) => l.name === name)?.objects?.length ?? 0;
    console.log(`wrote ${out} (${String(map.width)}×${String(map.height)} tiles, ${count("spawns")} spawns, ${count("areas")} private areas, ${count("spotlights")} spotlights)`);
  } catch (err) {
    if (err instanceof MapError) {
      console.error(`office map is invalid: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
