/**
 * The tile grid every rule is measured on: which tiles are inside a map, which ones can be walked
 * on, and how far apart two tiles are. Pure. Movement (MV1, MV3), path-finding (MV6), spawns (SP1,
 * MP3), build placement (BM4, BM5), proximity (PX) and interest management (IM) all ask these, so
 * the server and the client never disagree about a wall or a distance.
 */

export interface Tile { x: number; y: number }

/** The part of a map the movement rules need: `blocked[y * width + x]` is 1 for a wall. */
export interface Walkable { width: number; height: number; blocked: Uint8Array }

/** An integer tile inside a width × height grid. */
export function isInside(map: { width: number; height: number }, x: number, y: number): boolean {
  return Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < map.width && y < map.height;
}

/** Inside the map and not blocked (MV3): where an avatar may stand. */
export function isWalkable(map: Walkable, x: number, y: number): boolean {
  return isInside(map, x, y) && map.blocked[y * map.width + x] === 0;
}

/**
 * Distance in tiles as "within N tiles" means it here (Chebyshev: a diagonal neighbour is 1 away):
 * the talk radius (PX), the interest radius (IM), a locate or follow target's reach.
 */
export function chebyshev(a: Tile, b: Tile): number {
  return Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y));
}
