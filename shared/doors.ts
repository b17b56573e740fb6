/**
 * Meeting-room doors and knocking (SPEC NV rules): which tiles someone may step onto when private
 * areas are closed, and the limits of a knock. Pure: the room refuses a step with `mayEnter`, the
 * client predicts and plans paths with `doorsWalkable` — the same rule on both sides (MV4).
 *
 * A closed room is named by its area name, as conversations group people by area name (PX2).
 */
import { areaAt, type Area, type SpaceMap } from "./map.ts";
import type { Tile, Walkable } from "./grid.ts";

/** Longest knock note, in characters after trimming (NV3). */
export const KNOCK_NOTE_MAX = 140;
/** An unanswered knock expires after this long (NV4). */
export const KNOCK_TTL_MS = 60_000;
/** "Let in" lets the knocker through the closed door for this long (NV4). */
export const KNOCK_PASS_MS = 60_000;
/** Knock budget per person: a burst of 3, then one per 20 s (NV6). Knocks ring for several people. */
export const KNOCK_BURST = 3;
export const KNOCK_REFILL_MS = 20_000;

/** The private area (meeting room) containing a tile, if any. Spotlights and other kinds have no door. */
export function roomAt(map: SpaceMap, x: number, y: number): Area | undefined {
  const a = areaAt(map, x, y);
  return a && a.kind === "private" ? a : undefined;
}

/**
 * NV2: may someone standing on `from` step onto `to`? Refused only when `to` lies in a closed room
 * that `from` is not in, unless they hold a pass for that room (`passes`: room names).
 */
export function mayEnter(map: SpaceMap, closed: ReadonlySet<string>, from: Tile, to: Tile, passes: ReadonlySet<string> = new Set()): boolean {
  if (closed.size === 0) return true;
  const room = roomAt(map, to.x, to.y);
  if (!room || !closed.has(room.name) || passes.has(room.name)) return true;
  return roomAt(map, from.x, from.y)?.name === room.name;
}

/**
 * The map as someone standing on `at` may walk it: the tiles of closed rooms they are not in (and
 * hold no pass for) are blocked. Returns `map` itself when nothing is closed to them, so path
 * caches keyed by the map object stay warm.
 */
export function doorsWalkable(map: SpaceMap, closed: ReadonlySet<string>, at: Tile | undefined, passes: ReadonlySet<string> = new Set()): SpaceMap {
  const inside = at ? roomAt(map, at.x, at.y)?.name : undefined;
  const shut = map.areas.filter((a) => a.kind === "private" && closed.has(a.name) && a.name !== inside && !passes.has(a.name));
  if (shut.length === 0) return map;
  const blocked = map.blocked.slice();
  for (const a of shut) {
    for (let y = a.y; y < a.y + a.height && y < map.height; y++) {
      for (let x = a.x; x < a.x + a.width && x < map.width; x++) blocked[y * map.width + x] = 1;
    }
  }
  return { ...map, blocked };
}

/** True when `w` blocks a tile the map itself leaves open: a closed door (for messages). */
export function closedByDoor(map: Walkable, w: Walkable, x: number, y: number): boolean {
  const i = y * map.width + x;
  return map.blocked[i] === 0 && w.blocked[i] === 1;
}
