import type { Tile } from "../../../../shared/map.ts";

/**
 * Where a newcomer appears: the spawn point with the fewest avatars standing on or right next to
 * it, so a crowd arriving at once spreads over the entrance instead of stacking (SP1). Ties go to
 * the first spawn point in map order, so the choice is deterministic. Pure.
 */
export function chooseSpawn(spawns: readonly Tile[], occupied: Iterable<Tile>): Tile {
  const counts = new Array<number>(spawns.length).fill(0);
  for (const o of occupied) {
    for (let i = 0; i < spawns.length; i++) {
      if (Math.abs(spawns[i].x - o.x) <= 1 && Math.abs(spawns[i].y - o.y) <= 1) counts[i]++;
    }
  }
  let best = 0;
  for (let i = 1; i < spawns.length; i++) if (counts[i] < counts[best]) best = i;
  return spawns[best];
}
