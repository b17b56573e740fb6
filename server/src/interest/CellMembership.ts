/**
 * Who a cell shows, and how (SPEC IM1, IM2, IM9): the membership policy of the shared cell views,
 * as pure functions of the occupancy grid and what the cell shows now. Knows nothing of schema
 * views; `CellVisibility` applies the answers.
 */
import { COARSE_STEP } from "../../../shared/constants.ts";
import { chebyshev, type Tile } from "../../../shared/grid.ts";
import { COARSE, FINE, type PositionTag } from "../../../shared/state.ts";
import { capNearest, type InterestGrid, type InterestOptions } from "./InterestGrid.ts";

export interface MembershipOptions extends InterestOptions {
  /** Of a cell's avatars, this many nearest are held FINE, the rest COARSE (IM9; ≥ max: all fine). */
  fine: number;
}

/** A cell's members: each avatar it shows, with the tag it is held with, in rank order. */
export type Members = Map<string, PositionTag>;

/** The members of a cell made now: the `max` nearest its centre, the `fine` nearest of them FINE. */
export function firstMembers(grid: InterestGrid, centre: Tile, opts: MembershipOptions): Members {
  const { ids } = grid.nearby(centre.x, centre.y, opts);
  const out: Members = new Map();
  ids.slice(0, opts.max).forEach((id, i) => out.set(id, i < opts.fine ? FINE : COARSE)); // nearest rings first
  return out;
}

/**
 * What a cell shows after a refresh, given what it shows now (`members`): the nearest `max`
 * around its centre, with hysteresis (IM2), of which the nearest `fine` are held FINE and the
 * rest COARSE (IM9). `positionOf` answers where a member stands (undefined: gone).
 */
export function nextMembers(grid: InterestGrid, centre: Tile, members: ReadonlyMap<string, PositionTag>, positionOf: (id: string) => Tile | undefined, opts: MembershipOptions): Members {
  const { ids, rings, reach } = grid.nearby(centre.x, centre.y, opts);
  // Candidates: the rings scanned (each id at its ring), plus those already shown one ring
  // further (IM2); those shown within the reach were scanned already.
  const limit = Math.min(reach + 1, opts.radius);
  const candidates: [string, number][] = ids.map((id, i) => [id, rings[i]]);
  for (const id of members.keys()) {
    const at = positionOf(id);
    if (!at) continue;
    const d = chebyshev(at, centre);
    if (d > reach && d <= limit) candidates.push([id, d]);
  }
  const chosen = capNearest(candidates, members, opts.max);
  // IM9: of those, the nearest `fine` are held FINE; those held FINE already rank two rings
  // nearer, since each switch costs bytes both ways (one ring: 3.94 KB/s at 1,000 walkers, two:
  // 3.79).
  let fine: ReadonlySet<string> | undefined;
  if (chosen.length > opts.fine) {
    const ring = new Map(candidates);
    const heldFine = { has: (id: string) => members.get(id) === FINE };
    fine = new Set(capNearest(chosen.map((id) => [id, ring.get(id)!] as const), heldFine, opts.fine, 2));
  }
  const next: Members = new Map();
  for (const id of chosen) next.set(id, !fine || fine.has(id) ? FINE : COARSE);
  return next;
}

/** An avatar's tile and the coarse tile sent to the views holding it COARSE (IM9). */
export interface CoarseTile {
  x: number;
  y: number;
  cx: number;
  cy: number;
}

/** IM9: the coarse tile moves to the avatar's tile once it stands COARSE_STEP tiles from it. */
export function followCoarse(a: CoarseTile, x: number, y: number) {
  if (chebyshev({ x, y }, { x: a.cx, y: a.cy }) >= COARSE_STEP) { a.cx = x; a.cy = y; }
}

/** IM9: every COARSE_MS the coarse tile of an avatar that moved at all catches up. */
export function catchUpCoarse(a: CoarseTile) {
  if (a.cx !== a.x || a.cy !== a.y) { a.cx = a.x; a.cy = a.y; }
}
