/**
 * MP3: where people appear on a map without start points. Never on a wall and never in a pocket
 * cut off from the rest: the walkable tile nearest the map centre within the largest connected
 * walkable region (4-neighbour, as people walk). Pure and deterministic.
 */
import type { Tile, Walkable } from "../grid.ts";

export function spawnFallback(map: Walkable): Tile | null {
  const { width, height, blocked } = map;
  const region = new Int32Array(width * height).fill(-1);
  const sizes: number[] = [];
  for (let i = 0; i < region.length; i++) {
    if (blocked[i] || region[i] >= 0) continue;
    const id = sizes.length;
    let size = 0;
    const stack = [i];
    region[i] = id;
    while (stack.length) {
      const j = stack.pop()!;
      size++;
      const x = j % width, y = (j - x) / width;
      for (const k of [x > 0 ? j - 1 : -1, x < width - 1 ? j + 1 : -1, y > 0 ? j - width : -1, y < height - 1 ? j + width : -1]) {
        if (k >= 0 && !blocked[k] && region[k] < 0) { region[k] = id; stack.push(k); }
      }
    }
    sizes.push(size);
  }
  if (sizes.length === 0) return null;
  const largest = sizes.indexOf(Math.max(...sizes));
  const cx = (width - 1) / 2, cy = (height - 1) / 2;
  let best: Tile | null = null, bestD = Infinity;
  for (let i = 0; i < region.length; i++) {
    if (region[i] !== largest) continue;
    const x = i % width, y = (i - x) / width;
    const d = (x - cx) ** 2 + (y - cy) ** 2;
    if (d < bestD) { bestD = d; best = { x, y }; }
  }
  return best;
}
