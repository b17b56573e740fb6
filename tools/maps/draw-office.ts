/**
 * Lays out Plaza's default office from the ASCII drawing below and writes
 * `shared/maps/office.tmj` (Tiled JSON map, tileset embedded).
 *
 *   node --import tsx tools/maps/draw-office.ts
 *
 * To change the office, edit `OFFICE` (one character per 32×32 tile) and rerun.
 * The script validates the drawing (row lengths, known characters, wall faces
 * under south-facing walls, private areas, spawn count) and flood-fills from
 * the spawn points: it fails loudly if any walkable tile cannot be reached.
 * The checks, legend and Tiled writer are shared with draw-templates.ts (tiled.ts).
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TILE_IDS } from "./draw-tileset.ts";
import {
  COLLIDING_IDS,
  FLOOR_CHARS,
  MapError,
  WALL_CHARS,
  assembleMap,
  checkReachable,
  checkRects,
  parseDrawing,
  rectObjects,
  spawnObjects,
  toJson,
  type TileRect,
} from "./tiled.ts";

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
const PRIVATE_AREAS: readonly TileRect[] = [
  { name: "Meeting Room", x: 1, y: 2, w: 16, h: 9 },
  { name: "Focus Room 1", x: 18, y: 2, w: 6, h: 9 },
  { name: "Focus Room 2", x: 25, y: 2, w: 6, h: 9 },
];

/**
 * Spotlights (object layer `spotlights`, SPEC MP5/PX7): whoever stands here is heard by the whole
 * space. Each must cover stage boards (`^`) only. The lounge stage faces the armchairs on its rug.
 */
const SPOTLIGHTS: readonly TileRect[] = [
  { name: "Stage", x: 40, y: 31, w: 4, h: 2 },
];

const MIN_SPAWNS = 8;

// ---------------------------------------------------------------------------

/** Wall characters → [wall tile, furniture tile drawn on top of it or undefined]. */
const WALLS: Readonly<Record<string, readonly [number, number | undefined]>> = {
  ...Object.fromEntries(Object.entries(WALL_CHARS).map(([ch, id]) => [ch, [id, undefined] as const])),
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

export function buildOffice(): Record<string, unknown> {
  const drawing = parseDrawing(OFFICE, { floors: FLOOR_CHARS, walls: WALLS, furniture: FURNITURE }, "office");
  const { width, height, floor, walls, furniture, spawns } = drawing;

  const colliding = new Set(COLLIDING_IDS);
  const walkable = (i: number): boolean => walls[i] === -1 && !(furniture[i] !== -1 && colliding.has(furniture[i]!));
  checkReachable(width, height, walkable, spawns, MIN_SPAWNS);
  checkRects(drawing, PRIVATE_AREAS, SPOTLIGHTS);

  return assembleMap(width, height, [
    { kind: "tiles", name: "floor", data: floor },
    { kind: "tiles", name: "walls", data: walls },
    { kind: "tiles", name: "furniture", data: furniture },
    { kind: "objects", name: "spawns", objects: spawnObjects(spawns) },
    { kind: "objects", name: "areas", objects: rectObjects(PRIVATE_AREAS, "private") },
    { kind: "objects", name: "spotlights", objects: rectObjects(SPOTLIGHTS, "spotlight") },
  ]);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  try {
    const map = buildOffice();
    const out = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "shared", "maps", "office.tmj");
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
