/**
 * Who sees whom (SPEC IM1, IM2). A tile-level occupancy grid answers "the avatars nearest to this
 * tile" by scanning square rings outward, so results come out nearest-first without sorting and a
 * query costs the rings it scans, not the size of the crowd. Knows nothing of Colyseus; the room
 * turns its answers into StateView add/remove calls.
 */
import { holdRank } from "../../../shared/hysteresis.ts";

export interface InterestOptions {
  /** Farthest Chebyshev distance (tiles) at which anyone is visible. */
  radius: number;
  /**
   * Enough: the scan stops after the ring in which this many avatars were found, so a crowd is
   * cut down to the nearest ones (graceful degradation in a hotspot).
   */
  max: number;
}

export class InterestGrid {
  private readonly tiles: (Set<string> | undefined)[];
  private readonly where = new Map<string, number>();

  constructor(private readonly width: number, private readonly height: number) {
    this.tiles = new Array(width * height);
  }

  get size(): number { return this.where.size; }

  place(id: string, x: number, y: number) {
    this.remove(id);
    const i = y * this.width + x;
    (this.tiles[i] ??= new Set()).add(id);
    this.where.set(id, i);
  }

  remove(id: string) {
    const i = this.where.get(id);
    if (i === undefined) return;
    this.tiles[i]!.delete(id);
    this.where.delete(id);
  }

  /**
   * Ids around (x, y), nearest rings first, including whoever stands on (x, y). Stops after the
   * first ring at which at least `max` ids were collected, or at `radius`. Returns the ids, the
   * ring (Chebyshev distance) each was found at, and the ring reached: every id within `reach`
   * is in `ids`.
   */
  nearby(x: number, y: number, opts: InterestOptions): { ids: string[]; rings: number[]; reach: number } {
    const ids: string[] = [];
    const rings: number[] = [];
    let r = 0;
    const push = (tx: number, ty: number) => {
      if (tx < 0 || ty < 0 || tx >= this.width || ty >= this.height) return;
      const set = this.tiles[ty * this.width + tx];
      if (set) for (const id of set) { ids.push(id); rings.push(r); }
    };
    push(x, y);
    while (ids.length < opts.max && r < opts.radius) {
      r++;
      for (let dx = -r; dx <= r; dx++) { push(x + dx, y - r); push(x + dx, y + r); }
      for (let dy = -r + 1; dy <= r - 1; dy++) { push(x - r, y + dy); push(x + r, y + dy); }
    }
    return { ids, rings, reach: r };
  }
}

/**
 * The set a cell shows in a crowd (IM2): at most `max` candidates, nearest first. Someone already
 * shown ranks as if `advantage` rings (one) nearer than they stand and, at equal rank, before newcomers, so at
 * the crowd's edge those already shown keep their places instead of the set churning as people
 * shuffle (every newcomer costs a full avatar; a stayer costs only its moves). Candidates are
 * (id, Chebyshev distance) pairs; the answer is in rank order.
 */
export function capNearest(candidates: Iterable<readonly [id: string, distance: number]>, shown: { has(id: string): boolean }, max: number, advantage = 1): string[] {
  const ranks: string[][] = [];
  for (const [id, d] of candidates) {
    (ranks[holdRank(d, shown.has(id), advantage)] ??= []).push(id);
  }
  const out: string[] = [];
  for (const ids of ranks) {
    if (!ids) continue;
    for (const id of ids) {
      if (out.length >= max) return out;
      out.push(id);
    }
  }
  return out;
}
