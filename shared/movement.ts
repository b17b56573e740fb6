/**
 * The movement rules, shared by the client predictor and the room's validator (SPEC MV1–MV6).
 * Pure functions over plain data: no clock (time is passed in), no randomness, no I/O.
 */
import { Dir } from "./protocol.ts";
import { MoveRejection } from "./codes.ts";
import { isInside, isWalkable, type Walkable } from "./map.ts";
import { STEP_BURST, STEP_REFILL_MS } from "./constants.ts";

export interface Pose { x: number; y: number; dir: Dir }

export const DIR_VECTORS: Readonly<Record<Dir, { dx: number; dy: number }>> = {
  [Dir.DOWN]: { dx: 0, dy: 1 },
  [Dir.UP]: { dx: 0, dy: -1 },
  [Dir.LEFT]: { dx: -1, dy: 0 },
  [Dir.RIGHT]: { dx: 1, dy: 0 },
};

/** Direction of a one-tile delta, or undefined when (dx, dy) is not a single orthogonal step. */
export function dirOfDelta(dx: number, dy: number): Dir | undefined {
  if (dx === 0 && dy === 1) return Dir.DOWN;
  if (dx === 0 && dy === -1) return Dir.UP;
  if (dx === -1 && dy === 0) return Dir.LEFT;
  if (dx === 1 && dy === 0) return Dir.RIGHT;
  return undefined;
}

/**
 * What pressing a direction does: step one tile if it is walkable, otherwise turn in place
 * (MV3: bumping a wall turns you to face it). Returns the requested next pose.
 */
export function intendStep(map: Walkable, from: Pose, dir: Dir): Pose {
  const { dx, dy } = DIR_VECTORS[dir];
  const x = from.x + dx;
  const y = from.y + dy;
  return isWalkable(map, x, y) ? { x, y, dir } : { x: from.x, y: from.y, dir };
}

export type MoveOutcome =
  | { ok: true; pose: Pose; stepped: boolean }
  | { ok: false; reason: MoveRejection };

/**
 * Validates a move "I am now at (x, y) facing dir" against the authoritative pose (MV1–MV4).
 * A move to the same tile is a turn; to one of the four neighbours, a step; anything else is
 * refused. A step must land on a walkable tile inside the map. Speed is checked separately
 * (spendStep) because it needs time.
 */
export function applyMove(map: Walkable, from: Pose, to: Pose): MoveOutcome {
  if (!isInside(map, to.x, to.y)) return { ok: false, reason: MoveRejection.OUT_OF_BOUNDS };
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  if (dx === 0 && dy === 0) return { ok: true, pose: { x: from.x, y: from.y, dir: to.dir }, stepped: false };
  if (dirOfDelta(dx, dy) === undefined) return { ok: false, reason: MoveRejection.NOT_ADJACENT };
  if (!isWalkable(map, to.x, to.y)) return { ok: false, reason: MoveRejection.BLOCKED };
  return { ok: true, pose: { x: to.x, y: to.y, dir: to.dir }, stepped: true };
}

/** Token bucket for steps (MV5). `at` is the time of the last refill in ms. */
export interface StepBudget { tokens: number; at: number }

export function freshStepBudget(nowMs: number): StepBudget {
  return { tokens: STEP_BURST, at: nowMs };
}

/**
 * Spends one step from the budget at time nowMs. Returns the new budget, or undefined when the
 * step comes faster than the speed limit allows (the budget is then left unchanged). Pure.
 */
export function spendStep(budget: StepBudget, nowMs: number): StepBudget | undefined {
  const elapsed = Math.max(0, nowMs - budget.at);
  const refill = Math.floor(elapsed / STEP_REFILL_MS);
  const tokens = Math.min(STEP_BURST, budget.tokens + refill);
  // Keep the remainder of a partially earned token instead of dropping it.
  const at = tokens === STEP_BURST ? nowMs : budget.at + refill * STEP_REFILL_MS;
  if (tokens < 1) return undefined;
  return { tokens: tokens - 1, at };
}
