import type { PresenceSample } from "../../analytics/events.ts";

/**
 * One occupancy sample of a space (AN2): people per occupied tile at one moment. Rows ≤ people,
 * and tiles nobody stands on cost nothing. Pure.
 */
export function occupancySample(space: string, ts: string, positions: Iterable<{ x: number; y: number }>): PresenceSample[] {
  const counts = new Map<number, PresenceSample>();
  for (const p of positions) {
    const key = p.y * 65536 + p.x;
    const row = counts.get(key);
    if (row) row.people++;
    else counts.set(key, { ts, space, x: p.x, y: p.y, people: 1 });
  }
  return [...counts.values()];
}
