/**
 * Click-to-walk: a shortest 4-connected path on the collision grid (A* from the `pathfinding`
 * package). The path is a list of tiles, each one step from the previous, that the client then
 * walks step by step through the normal movement rules (MV6), so the server validates it exactly
 * like keyboard steps. Pure (the grid is built from the map, no I/O).
 */
import PF from "pathfinding";
import { chebyshev, isWalkable, type Tile, type Walkable } from "./grid.ts";

const grids = new WeakMap<Walkable, PF.Grid>();

function gridOf(map: Walkable): PF.Grid {
  let grid = grids.get(map);
  if (!grid) {
    grid = new PF.Grid(map.width, map.height);
    for (let y = 0; y < map.height; y++) {
      for (let x = 0; x < map.width; x++) grid.setWalkableAt(x, y, isWalkable(map, x, y));
    }
    grids.set(map, grid);
  }
  return grid;
}

/**
 * The walkable tile to head for when the user clicks (x, y): the tile itself if walkable,
 * otherwise the nearest walkable tile around it (clicking a desk walks you up to the desk).
 */
export function walkTarget(map: Walkable, x: number, y: number, from: Tile): Tile | undefined {
  if (isWalkable(map, x, y)) return { x, y };
  for (let r = 1; r <= 3; r++) {
    let best: Tile | undefined;
    let bestD = Infinity;
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        if (chebyshev({ x: dx, y: dy }, { x: 0, y: 0 }) !== r) continue; // the ring r around (x, y)
        const tx = x + dx;
        const ty = y + dy;
        if (!isWalkable(map, tx, ty)) continue;
        const d = Math.abs(tx - from.x) + Math.abs(ty - from.y) + (Math.abs(dx) + Math.abs(dy)) * 0.01;
        if (d < bestD) { bestD = d; best = { x: tx, y: ty }; }
      }
    }
    if (best) return best;
  }
  return undefined;
}

/** Tiles from `from` (exclusive) to `to` (inclusive); [] when already there or unreachable. */
export function findPath(map: Walkable, from: Tile, to: Tile): Tile[] {
  if (!isWalkable(map, to.x, to.y) || !isWalkable(map, from.x, from.y)) return [];
  if (from.x === to.x && from.y === to.y) return [];
  const finder = new PF.AStarFinder({ diagonalMovement: PF.DiagonalMovement.Never });
  const path = finder.findPath(from.x, from.y, to.x, to.y, gridOf(map).clone());
  return path.slice(1).map(([x, y]) => ({ x, y }));
}
