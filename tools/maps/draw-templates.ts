/**
 * Lays out the larger space templates and writes them next to the office:
 * `shared/maps/open-plan.tmj` (large open-plan office), `shared/maps/conference.tmj`
 * (conference hall) and `shared/maps/event-floor.tmj` (100×100 event floor, draw-event-floor.ts).
 * Same tileset and gids as office.tmj.
 *
 *   node --import tsx tools/maps/draw-templates.ts
 *
 * Unlike the office, their furniture is not tiles: walls and floors are ASCII drawings (legend
 * below), and every desk, chair, plant, whiteboard, screen, sofa and table is placed in code as
 * one object of the `furniture` object layer (type = kind, int property `rot`), so people can move
 * it in build mode. The script fails loudly when a drawing or a layout breaks a rule: walls and
 * floors as in draw-office.ts, plus furniture inside the map, on floor, not overlapping other
 * furniture, spawn points or spotlights, every desk with a free seat in front of it, and every
 * walkable tile reachable from the spawns with all furniture but chairs blocking.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OBJECT_KINDS, footprint, type ObjectKind, type Rot } from "../../shared/world.ts";
import { TILE } from "./draw-tileset.ts";
import { EVENT_FLOOR_TEMPLATE } from "./draw-event-floor.ts";
import {
  FLOOR_CHARS,
  MapError,
  WALL_CHARS,
  assembleMap,
  checkReachable,
  checkRects,
  fail,
  parseDrawing,
  rectObjects,
  spawnObjects,
  toJson,
  type NewObject,
  type TileRect,
} from "./tiled.ts";

// ---------------------------------------------------------------------------
// Legend (walls and floors only; the office's furniture letters are not used here)
//
//  Floors (walkable)              Walls (collide)
//   .  wood planks                 #  wall top (seen from above)
//   ,  office carpet (blue-grey)   W  wall front face
//   :  meeting carpet (green)      O  wall face with window
//   ~  lounge rug (terracotta)     F  wall face with picture
//   +  kitchen tiles
//   _  hallway stone               *  spawn point (walkable; floor taken from the neighbours)
//   =  entrance doormat
//   "  grass
//   ^  stage boards (a spotlight: see the template's spotlights)
// ---------------------------------------------------------------------------

const MIN_SPAWNS = 12;

/** One furniture object: anchor = top-left tile of its rotated footprint. */
export interface Piece {
  kind: ObjectKind;
  x: number;
  y: number;
  rot: Rot;
}

/** Collects pieces; the helpers place the recurring groups (desk pods, tables with chairs). */
export class Furnishing {
  readonly pieces: Piece[] = [];

  put(kind: ObjectKind, x: number, y: number, rot: Rot = 0): this {
    this.pieces.push({ kind, x, y, rot });
    return this;
  }

  /**
   * Four desks in two facing pairs, monitors back to back, 4×4 tiles with the chairs: the back
   * row faces up (rot 2, person above), the front row down (rot 0, person below). Each chair sits
   * at the desk's monitor end.
   */
  pod(x: number, y: number): this {
    for (const dx of [0, 2]) {
      this.put("chair", x + dx + 1, y, 0).put("desk", x + dx, y + 1, 2);
      this.put("desk", x + dx, y + 2, 0).put("chair", x + dx, y + 3, 2);
    }
    return this;
  }

  /** A row of `n` 2×2 tables from (x, y) with chairs on all four sides facing it. */
  tableRow(x: number, y: number, n: number, ends = true): this {
    const w = n * 2;
    for (let i = 0; i < n; i++) this.put("table", x + i * 2, y);
    for (let dx = 0; dx < w; dx++) this.put("chair", x + dx, y - 1, 0).put("chair", x + dx, y + 2, 2);
    if (ends) for (const dy of [0, 1]) this.put("chair", x - 1, y + dy, 3).put("chair", x + w, y + dy, 1);
    return this;
  }

  /** A café table: one 2×2 table with two chairs above and two below. */
  cafe(x: number, y: number): this {
    return this.tableRow(x, y, 1, false);
  }

  /** Consecutive chairs facing `rot`, from (x, y) along a row. */
  chairRow(x: number, y: number, n: number, rot: Rot): this {
    for (let i = 0; i < n; i++) this.put("chair", x + i, y, rot);
    return this;
  }

  /** Two sofas facing each other across a table, 6×2 tiles: sofa (rot 3), gap, table, gap, sofa (rot 1). */
  sofaPair(x: number, y: number): this {
    return this.put("sofa", x, y, 3).put("table", x + 2, y).put("sofa", x + 5, y, 1);
  }

  /** Sofas on four sides of a table: 2 sofas above (rot 0), 2 below (rot 2), one at each end. */
  sofaSquare(x: number, y: number): this {
    this.put("sofa", x, y).put("sofa", x + 2, y).put("table", x + 1, y + 2);
    this.put("sofa", x, y + 5, 2).put("sofa", x + 2, y + 5, 2);
    return this.put("sofa", x - 2, y + 2, 3).put("sofa", x + 5, y + 2, 1);
  }

  plants(...at: Array<[number, number]>): this {
    for (const [x, y] of at) this.put("plant", x, y);
    return this;
  }
}

export interface Template {
  /** File name in shared/maps/. */
  file: string;
  rows: readonly string[];
  privateAreas: readonly TileRect[];
  spotlights: readonly TileRect[];
  furnish(f: Furnishing): void;
}

// ---------------------------------------------------------------------------
// Large open-plan office: meeting rooms and a kitchen along the top, the open floor with desk pods
// and a collaboration corner in the middle, reception (spawns) and a lounge with an all-hands stage
// at the bottom.

const OPEN_PLAN: readonly string[] = [
  // 0         1         2         3         4         5         6         7
  // 01234567890123456789012345678901234567890123456789012345678901234567890123456789
  '################################################################################', //  0
  '#WWWOWWWWOWWWWOWWWWOWWW#WWWOWWFWWWOWWW#WWWWOWWWW#WWWOWWWWOWWWWOWWWWOWWWWOWWWOWW#', //  1
  '#::::::::::::::::::::::#::::::::::::::#:::::::::#++++++++++++++++++++++++++++++#', //  2
  '#::::::::::::::::::::::#::::::::::::::#:::::::::#++++++++++++++++++++++++++++++#', //  3
  '#::::::::::::::::::::::#::::::::::::::#:::::::::#++++++++++++++++++++++++++++++#', //  4
  '#::::::::::::::::::::::#::::::::::::::#:::::::::#++++++++++++++++++++++++++++++#', //  5
  '#::::::::::::::::::::::#::::::::::::::#:::::::::#++++++++++++++++++++++++++++++#', //  6
  '#::::::::::::::::::::::#::::::::::::::#:::::::::#++++++++++++++++++++++++++++++#', //  7
  '#::::::::::::::::::::::#::::::::::::::#:::::::::#++++++++++++++++++++++++++++++#', //  8
  '#::::::::::::::::::::::#::::::::::::::#:::::::::#++++++++++++++++++++++++++++++#', //  9
  '#::::::::::::::::::::::#::::::::::::::#:::::::::#++++++++++++++++++++++++++++++#', // 10
  '#::::::::::::::::::::::#::::::::::::::#:::::::::#++++++++++++++++++++++++++++++#', // 11
  '###########::#################::###########::#############++++++################', // 12
  '#WWWWWFWWWW::WWWWWWWWWWWWWFWWW::WFWWWWWWWWW::WWWWWWWWWFWWW++++++WWWWWWFWWWWWWWW#', // 13
  '#______________________________________________________________________________#', // 14
  '#______________________________________________________________________________#', // 15
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 16
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 17
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 18
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 19
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 20
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 21
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 22
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 23
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 24
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 25
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 26
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 27
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 28
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 29
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 30
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 31
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 32
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 33
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 34
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 35
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 36
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 37
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 38
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 39
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 40
  '#,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,__,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,#', // 41
  '############........##################____##################......##############', // 42
  '#WWWWFWWWWWW........WWWWFWWWWWW#WWWWWW____WWWWWWWWFWWWWWWWWW......WWWWWWFWWWWWW#', // 43
  '#..............................#......____.....................................#', // 44
  '#..............................#......____..................~~~~~~~~~~~~~~~~~~.#', // 45
  '#..............................#...~~~~~~~~~~~~~~...........~~~~~~~~~~~~~~~~~~.#', // 46
  '#........*..*..*..*..*.........W...~~~~~~~~~~~~~~...........~~~~~~~~~~~~~~~~~~.#', // 47
  '#..................................~~~~~~~~~~~~~~...........~~~~~~~~~~~~~~~~~~.#', // 48
  '#........*..*..*..*..*.............~~~~~~~~~~~~~~...........~~~~~~~~~~~~~~~~~~.#', // 49
  '#..............................#...~~~~~~~~~~~~~~...........~~~~~~~~~~~~~~~~~~.#', // 50
  '#........*..*..*..*..*.........#...~~~~~~~~~~~~~~..............................#', // 51
  '#""".......................""""#...~~~~~~~~~~~~~~.................^^^^^^^^.....#', // 52
  '#""".......................""""#..................................^^^^^^^^.....#', // 53
  '#""".........======........""""#..................................^^^^^^^^.....#', // 54
  '################################################################################', // 55
];
const OPEN_PLAN_TEMPLATE: Template = {
  file: "open-plan.tmj",
  rows: OPEN_PLAN,
  privateAreas: [
    { name: "Boardroom", x: 1, y: 2, w: 22, h: 10 },
    { name: "Meeting Room", x: 24, y: 2, w: 14, h: 10 },
    { name: "Focus Room", x: 39, y: 2, w: 9, h: 10 },
  ],
  spotlights: [{ name: "All-hands", x: 67, y: 52, w: 6, h: 2 }],
  furnish(f) {
    // Boardroom: a long table under a wall of screens, a whiteboard at the far end
    f.tableRow(6, 5, 6).put("screen", 9, 2).put("screen", 11, 2).put("screen", 13, 2).put("whiteboard", 21, 5, 1);
    f.plants([1, 2], [22, 2], [1, 11], [22, 11]);
    // Meeting Room
    f.tableRow(28, 5, 3).put("whiteboard", 30, 2).plants([24, 2], [37, 2], [24, 11], [37, 11]);
    // Focus Room: a small table, a whiteboard facing it, a sofa
    f.tableRow(42, 4, 1).put("whiteboard", 39, 4, 3).put("sofa", 40, 9).plants([47, 2], [47, 11]);
    // Kitchen: café tables, the middle kept clear in front of its wide door
    for (const x of [51, 56, 61, 66, 71, 76]) f.cafe(x, 3);
    for (const x of [51, 56, 66, 71, 76]) f.cafe(x, 8);
    f.plants([49, 2], [49, 11], [78, 11]);
    // Open floor: desk pods either side of the stone aisle
    for (const y of [17, 24, 31]) {
      for (const x of [3, 9, 15, 21, 27, 33, 43, 49, 55]) f.pod(x, y);
    }
    // Collaboration corner: whiteboards, two big tables, sofas around a coffee table
    f.put("whiteboard", 63, 17).put("whiteboard", 67, 17).put("whiteboard", 71, 17).put("screen", 75, 17);
    f.tableRow(64, 22, 2).tableRow(71, 22, 2);
    f.tableRow(64, 29, 2).tableRow(71, 29, 2);
    f.sofaSquare(66, 35);
    f.plants([61, 16], [78, 16], [61, 41], [78, 41], [74, 36], [74, 40]);
    // quiet corners below the pods, clear of the way to reception
    f.sofaPair(3, 37).sofaPair(23, 37).sofaPair(31, 37);
    f.plants([1, 16], [38, 16], [41, 16], [1, 41], [8, 41], [24, 41], [30, 41], [36, 41], [44, 41], [56, 41]);
    // Reception: the front desk, a welcome screen, waiting sofas
    f.put("desk", 3, 46, 2).put("chair", 4, 45).put("desk", 5, 46, 2).put("chair", 6, 45);
    f.put("screen", 24, 44).put("sofa", 29, 45, 1).put("sofa", 29, 50, 1);
    f.plants([1, 44], [8, 44], [2, 53], [29, 53]);
    // Lounge: a sofa square on the rug, and sofas facing the all-hands stage
    f.sofaSquare(39, 47);
    f.plants([35, 46], [48, 46], [35, 52], [48, 52], [32, 44], [32, 54]);
    for (const y of [46, 49]) f.put("sofa", 64, y).put("sofa", 66, y).put("sofa", 72, y).put("sofa", 74, y);
    f.plants([65, 53], [74, 53], [77, 44], [77, 54], [58, 54]);
  },
};

// ---------------------------------------------------------------------------
// Conference hall: a hall with a stage and rows of seats facing it, three breakout rooms along
// the right, a foyer with the entrance and the spawns at the bottom.

const CONFERENCE: readonly string[] = [
  // 0         1         2         3         4         5         6
  // 0123456789012345678901234567890123456789012345678901234567890123
  '################################################################', //  0
  '#WWOWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWOWWW#WWWWOWWWWWWWOWWWW#', //  1
  '#........^^^^^^^^^^^^^^^^^^^^^^^^^^^^........#:::::::::::::::::#', //  2
  '#........^^^^^^^^^^^^^^^^^^^^^^^^^^^^........#:::::::::::::::::#', //  3
  '#........^^^^^^^^^^^^^^^^^^^^^^^^^^^^........#:::::::::::::::::#', //  4
  '#........^^^^^^^^^^^^^^^^^^^^^^^^^^^^........W:::::::::::::::::#', //  5
  '#........^^^^^^^^^^^^^^^^^^^^^^^^^^^^........::::::::::::::::::#', //  6
  '#............................................::::::::::::::::::#', //  7
  '#............................................#:::::::::::::::::#', //  8
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', //  9
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', // 10
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....###################', // 11
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#WWWFWWWWWWWWWFWWW#', // 12
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', // 13
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', // 14
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', // 15
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....W:::::::::::::::::#', // 16
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....::::::::::::::::::#', // 17
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....::::::::::::::::::#', // 18
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', // 19
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', // 20
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', // 21
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....###################', // 22
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#WWWOWWWWWWWWWOWWW#', // 23
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', // 24
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', // 25
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....#:::::::::::::::::#', // 26
  '#....,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,....W:::::::::::::::::#', // 27
  '#............................................::::::::::::::::::#', // 28
  '#............................................::::::::::::::::::#', // 29
  '#............................................#:::::::::::::::::#', // 30
  '#............................................#:::::::::::::::::#', // 31
  '#............................................#:::::::::::::::::#', // 32
  '#............................................#:::::::::::::::::#', // 33
  '############....##############....##############################', // 34
  '#WWWWWFWWWWW....WWWWWWFWWWWWWW....WWWWWWWWFWWWWWWWWWWWWWFWWWWWW#', // 35
  '#______________________________________________________________#', // 36
  '#______________________________________________________________#', // 37
  '#______________________________________________________________#', // 38
  '#______________________________________________________________#', // 39
  '#_________________*___*___*___*___*___*___*___*________________#', // 40
  '#______________________________________________________________#', // 41
  '#_________________*___*___*___*___*___*___*___*________________#', // 42
  '#""""______________________________________________________""""#', // 43
  '#""""______________________________________________________""""#', // 44
  '#""""______________________________________________________""""#', // 45
  '#""""_____________________============_____________________""""#', // 46
  '################################################################', // 47
];
const CONFERENCE_TEMPLATE: Template = {
  file: "conference.tmj",
  rows: CONFERENCE,
  privateAreas: [
    { name: "Breakout 1", x: 46, y: 2, w: 17, h: 9 },
    { name: "Breakout 2", x: 46, y: 13, w: 17, h: 9 },
    { name: "Breakout 3", x: 46, y: 24, w: 17, h: 10 },
  ],
  spotlights: [{ name: "Main stage", x: 16, y: 4, w: 14, h: 2 }],
  furnish(f) {
    // Stage: a video wall behind the speakers, whiteboards and plants at the wings
    for (const x of [18, 20, 22, 24, 26]) f.put("screen", x, 2);
    f.put("whiteboard", 11, 2).put("whiteboard", 32, 2).plants([9, 2], [36, 2], [9, 6], [36, 6]);
    // Seating: two blocks of rows facing the stage, a centre aisle
    for (let y = 10; y <= 24; y += 2) f.chairRow(8, y, 12, 2).chairRow(26, y, 12, 2);
    // Back of the hall: the tech desk and standing tables
    f.put("desk", 20, 30).put("desk", 22, 30).put("desk", 24, 30).chairRow(20, 31, 1, 2).chairRow(22, 31, 1, 2).chairRow(24, 31, 1, 2);
    f.cafe(6, 29).cafe(36, 29);
    f.plants([1, 2], [44, 2], [1, 12], [44, 12], [1, 23], [44, 23], [1, 33], [44, 33]);
    // Breakout rooms: whiteboard and screen facing a table for eight
    for (const y0 of [2, 13, 24]) {
      f.put("whiteboard", 50, y0).put("screen", 55, y0).tableRow(51, y0 + 4, 3);
      f.plants([62, y0], [47, y0]);
    }
    f.plants([62, 10], [62, 21]);
    f.put("sofa", 52, 32).put("sofa", 54, 32).plants([62, 33]);
    // Foyer: registration desks either side, welcome screens, sofas by the planters
    f.put("desk", 7, 38, 2).put("desk", 9, 38, 2).chairRow(8, 37, 1, 0).chairRow(10, 37, 1, 0);
    f.put("desk", 52, 38, 2).put("desk", 54, 38, 2).chairRow(53, 37, 1, 0).chairRow(55, 37, 1, 0);
    f.put("screen", 22, 36).put("screen", 40, 36);
    for (const x of [6, 54]) f.put("sofa", x, 40).put("sofa", x + 2, 40).put("table", x + 1, 42).put("sofa", x, 44, 2).put("sofa", x + 2, 44, 2);
    f.plants([2, 44], [61, 44], [1, 36], [62, 36], [27, 36], [36, 36]);
  },
};

export const TEMPLATES: readonly Template[] = [OPEN_PLAN_TEMPLATE, CONFERENCE_TEMPLATE, EVENT_FLOOR_TEMPLATE];

// ---------------------------------------------------------------------------

const WALLS = Object.fromEntries(Object.entries(WALL_CHARS).map(([ch, id]) => [ch, [id, undefined] as const]));

/** The Tiled object for a piece: its rotated footprint in pixels and `rot` as a custom property. */
function furnitureObject(p: Piece): NewObject {
  const { w, h } = footprint(p.kind, p.rot);
  return {
    name: "",
    type: p.kind,
    x: p.x * TILE,
    y: p.y * TILE,
    width: w * TILE,
    height: h * TILE,
    rotation: 0,
    visible: true,
    properties: [{ name: "rot", type: "int", value: p.rot }],
  };
}

export function buildTemplate(t: Template): Record<string, unknown> {
  const drawing = parseDrawing(t.rows, { floors: FLOOR_CHARS, walls: WALLS, furniture: {} }, t.file);
  const { width, height, walls, spawns } = drawing;
  checkRects(drawing, t.privateAreas, t.spotlights);

  const f = new Furnishing();
  t.furnish(f);
  // one owner per tile: walls, spawns, spotlights, then each piece in turn
  const owner = new Array<string | undefined>(width * height);
  for (let i = 0; i < width * height; i++) if (walls[i] !== -1) owner[i] = "a wall";
  for (const [x, y] of spawns) owner[y * width + x] = "a spawn point";
  for (const s of t.spotlights) {
    for (let y = s.y; y < s.y + s.h; y++) for (let x = s.x; x < s.x + s.w; x++) owner[y * width + x] = `spotlight "${s.name}"`;
  }
  const blocked = walls.map((w) => w !== -1);
  for (const p of f.pieces) {
    const { w, h } = footprint(p.kind, p.rot);
    const what = `${p.kind} (rot ${p.rot}) at (${p.x}, ${p.y})`;
    if (p.x < 0 || p.y < 0 || p.x + w > width || p.y + h > height) fail(`${what} is outside the map`);
    for (let y = p.y; y < p.y + h; y++) {
      for (let x = p.x; x < p.x + w; x++) {
        const i = y * width + x;
        if (owner[i] !== undefined) fail(`${what} overlaps ${owner[i]} at (${x}, ${y})`);
        owner[i] = `a ${p.kind} placed at (${p.x}, ${p.y})`;
        if (OBJECT_KINDS[p.kind].blocks) blocked[i] = true;
      }
    }
  }
  // a desk needs somewhere to sit: at least one free tile along its front (BM5 seats its owner there)
  for (const p of f.pieces) {
    if (p.kind !== "desk") continue;
    const { w, h } = footprint(p.kind, p.rot);
    const front: Array<[number, number]> = [];
    for (let k = 0; k < Math.max(w, h); k++) {
      if (p.rot === 0) front.push([p.x + k, p.y + h]);
      else if (p.rot === 1) front.push([p.x - 1, p.y + k]);
      else if (p.rot === 2) front.push([p.x + k, p.y - 1]);
      else front.push([p.x + w, p.y + k]);
    }
    const free = front.some(([x, y]) => x >= 0 && y >= 0 && x < width && y < height && !blocked[y * width + x]);
    if (!free) fail(`desk (rot ${p.rot}) at (${p.x}, ${p.y}) has no free tile in front of it`);
  }
  checkReachable(width, height, (i) => !blocked[i], spawns, MIN_SPAWNS);

  // reading order, so the file diffs well and a renderer drawing in order gets back-to-front
  const pieces = [...f.pieces].sort((a, b) => a.y - b.y || a.x - b.x);
  return assembleMap(width, height, [
    { kind: "tiles", name: "floor", data: drawing.floor },
    { kind: "tiles", name: "walls", data: walls },
    { kind: "objects", name: "furniture", objects: pieces.map(furnitureObject) },
    { kind: "objects", name: "spawns", objects: spawnObjects(spawns) },
    { kind: "objects", name: "areas", objects: rectObjects(t.privateAreas, "private") },
    { kind: "objects", name: "spotlights", objects: rectObjects(t.spotlights, "spotlight") },
  ]);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  for (const t of TEMPLATES) {
    try {
      const map = buildTemplate(t);
      const out = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "shared", "maps", t.file);
      writeFileSync(out, toJson(map));
      const layers = map.layers as Array<{ name: string; objects?: unknown[] }>;
      const count = (name: string): number => layers.find((l) => l.name === name)?.objects?.length ?? 0;
      console.log(
        `wrote ${out} (${String(map.width)}×${String(map.height)} tiles, ${count("furniture")} furniture, ${count("spawns")} spawns, ` +
          `${count("areas")} private areas, ${count("spotlights")} spotlights)`,
      );
    } catch (err) {
      if (err instanceof MapError) {
        console.error(`${t.file} is invalid: ${err.message}`);
        process.exit(1);
      }
      throw err;
    }
  }
}
