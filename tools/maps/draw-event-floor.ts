/**
 * The "Event floor" template (`shared/maps/event-floor.tmj`): 100×100 tiles, the largest map size
 * Gather offers, laid out for a crowd of 2,000: a hall with a stage and its spotlight at the top,
 * rows of seats facing it, standing tables, a café and a lounge; four meeting rooms (private
 * areas) along the right; a wide foyer at the bottom with spawn points spread across it. Written
 * by draw-templates.ts with the other templates (same checks, same tileset).
 *
 * At 100×100 an ASCII drawing would be a wall of text; the rows are painted here from rectangles
 * instead, in the same legend (draw-templates.ts).
 */
import type { Furnishing, Template } from "./draw-templates.ts";

const SIDE = 100;
/** The wall column between the hall and the meeting rooms. */
const ROOMS_WALL_X = 80;
/** First row of each meeting room (rooms are 16 rows tall, the last one 19). */
const ROOM_TOPS = [2, 20, 38, 56] as const;
/** The wall (top row, face row) between the hall and the foyer. */
const FOYER_WALL_Y = 75;

function paint(): string[] {
  const grid = Array.from({ length: SIDE }, () => new Array<string>(SIDE).fill("#"));
  const rect = (x: number, y: number, w: number, h: number, ch: string) => {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) grid[yy]![xx] = ch;
  };
  // outer wall faces along the top, a window every 7 tiles
  for (let x = 1; x < SIDE - 1; x++) grid[1]![x] = x % 7 === 3 ? "O" : "W";

  // the hall: carpet, a wood aisle down the middle, the stage, a café and a lounge rug
  rect(1, 2, ROOMS_WALL_X - 1, FOYER_WALL_Y - 2, ",");
  rect(38, 10, 4, FOYER_WALL_Y - 10, ".");
  rect(30, 2, 40, 8, "^");
  rect(1, 60, 20, 15, "+");
  rect(60, 58, 19, 17, "~");

  // meeting rooms: a wall between each, a door onto the hall in the dividing wall
  for (const [i, top] of ROOM_TOPS.entries()) {
    const bottom = i + 1 < ROOM_TOPS.length ? ROOM_TOPS[i + 1]! - 2 : FOYER_WALL_Y;
    rect(ROOMS_WALL_X + 1, top, SIDE - ROOMS_WALL_X - 2, bottom - top, ":");
    if (i > 0) rect(ROOMS_WALL_X + 1, top - 1, SIDE - ROOMS_WALL_X - 2, 1, i % 2 ? "F" : "W");
    const door = top + 7;
    grid[door - 1]![ROOMS_WALL_X] = "W";
    rect(ROOMS_WALL_X, door, 1, 2, ":");
  }

  // the foyer: stone, grass planters in the corners, the doormat at the entrance; three wide
  // openings into the hall
  rect(1, FOYER_WALL_Y + 1, SIDE - 2, 1, "W");
  rect(1, FOYER_WALL_Y + 2, SIDE - 2, SIDE - FOYER_WALL_Y - 3, "_");
  rect(1, 93, 6, 6, '"');
  rect(SIDE - 7, 93, 6, 6, '"');
  rect(44, 96, 12, 3, "=");
  for (const [x, w] of [[8, 12], [34, 12], [60, 12]] as const) rect(x, FOYER_WALL_Y, w, 2, "_");
  grid[FOYER_WALL_Y + 1]![ROOMS_WALL_X] = "F";

  // spawn points in a grid over the foyer, so a crowd arriving at once does not start on one tile
  for (const y of [81, 86, 91]) for (let x = 6; x < SIDE - 4; x += 8) grid[y]![x] = "*";
  return grid.map((row) => row.join(""));
}

export const EVENT_FLOOR_TEMPLATE: Template = {
  file: "event-floor.tmj",
  rows: paint(),
  privateAreas: ROOM_TOPS.map((top, i) => ({
    name: `Meeting room ${i + 1}`,
    x: ROOMS_WALL_X + 1,
    y: top,
    w: SIDE - ROOMS_WALL_X - 2,
    h: (i + 1 < ROOM_TOPS.length ? ROOM_TOPS[i + 1]! - 2 : FOYER_WALL_Y) - top,
  })),
  spotlights: [{ name: "Main stage", x: 35, y: 7, w: 30, h: 2 }],
  furnish(f: Furnishing) {
    // Stage: a video wall of screens, whiteboards and plants at the wings
    for (let x = 36; x <= 62; x += 2) f.put("screen", x, 2);
    f.put("whiteboard", 31, 2).put("whiteboard", 67, 2).plants([30, 2], [69, 2], [30, 9], [69, 9]);
    // Seats: two blocks of rows facing the stage either side of the aisle
    for (let y = 13; y <= 34; y += 3) f.chairRow(12, y, 24, 2).chairRow(44, y, 24, 2);
    // Standing tables behind the seats
    for (const y of [40, 47, 54]) for (const x of [8, 18, 28, 48, 58, 68]) f.put("table", x, y);
    // Café by the foyer: six café tables
    for (const y of [63, 69]) for (const x of [4, 10, 16]) f.cafe(x, y);
    f.plants([1, 60], [20, 60], [1, 74]);
    // Lounge: two sofa squares on the rug
    f.sofaSquare(68, 60).sofaSquare(68, 67);
    f.plants([60, 58], [78, 58], [78, 74]);
    // Meeting rooms: a whiteboard and a screen facing a table for ten, plants in the corners
    for (const top of ROOM_TOPS) {
      f.put("whiteboard", 86, top).put("screen", 91, top).tableRow(86, top + 6, 4);
      f.plants([97, top], [97, top + 14]);
    }
    // Foyer: registration desks beside the openings, welcome screens, sofas by the planters
    for (const x of [22, 48, 74]) f.put("desk", x, 79, 2).put("chair", x + 1, 78, 0).put("desk", x + 2, 79, 2).put("chair", x + 3, 78, 0);
    f.put("screen", 2, 77).put("screen", 95, 77);
    f.put("sofa", 8, 96).put("sofa", 90, 96).plants([1, 77], [98, 77]);
  },
};
