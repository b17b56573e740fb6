/**
 * Moves in one room (SPEC MV1–MV5, MV7): the same pure `applyMove` the client predicts with, plus
 * the server-only speed limit per person, and the answer the mover gets (an `ack` or a
 * `correction`). Time is passed in; the room sends the answer.
 */
import { applyMove, freshStepBudget, spendStep, type StepBudget } from "../../../../shared/movement.ts";
import { MoveRejection } from "../../../../shared/codes.ts";
import type { Walkable } from "../../../../shared/map.ts";
import type { ClientMessages, Dir, ServerMessages } from "../../../../shared/protocol.ts";
import * as metrics from "../../metrics.ts";

/** Where an avatar stands and faces (the synced Avatar, or any object with these fields). */
export interface Standing { x: number; y: number; dir: number }

export type MoveAnswer =
  | { ok: true; ack: ServerMessages["ack"] }
  | { ok: false; correction: ServerMessages["correction"] };

interface Walker {
  budget: StepBudget;
  /** The last move seq processed (MV7): what an ack names. */
  lastSeq: number;
}

export class Movement {
  private readonly walkers = new Map<string, Walker>();

  /**
   * MV1–MV5: checks one move and, if valid, moves `avatar` (calling `onStep` first when it steps
   * to another tile). MV7: the mover's answer, to the mover only; everyone else gets the patch.
   */
  move(id: string, avatar: Standing, msg: ClientMessages["move"], map: Walkable, now: number, onStep?: (x: number, y: number) => void, mayStep?: (to: { x: number; y: number }) => boolean): MoveAnswer {
    const w = this.walkerOf(id, now);
    const outcome = applyMove(map, { x: avatar.x, y: avatar.y, dir: avatar.dir as Dir }, msg);
    let reason: MoveRejection | undefined = outcome.ok ? undefined : outcome.reason;
    if (outcome.ok && outcome.stepped && mayStep && !mayStep(outcome.pose)) reason = MoveRejection.CLOSED; // NV2
    if (outcome.ok && outcome.stepped) {
      const budget = spendStep(w.budget, now);
      if (budget) w.budget = budget;
      else reason = MoveRejection.TOO_FAST;
    }
    w.lastSeq = msg.seq;
    if (reason !== undefined || !outcome.ok) {
      const why = reason ?? MoveRejection.NOT_ADJACENT;
      metrics.countRejection(why);
      return { ok: false, correction: { seq: msg.seq, x: avatar.x, y: avatar.y, dir: avatar.dir as Dir, reason: why } };
    }
    const { x, y, dir } = outcome.pose;
    if (outcome.stepped) onStep?.(x, y);
    avatar.x = x;
    avatar.y = y;
    avatar.dir = dir;
    return { ok: true, ack: [msg.seq, x, y, dir] };
  }

  /** MV7: the last seq processed and where the avatar stands (sent at join and on `history`). */
  ack(id: string, avatar: Standing): ServerMessages["ack"] {
    return [this.walkers.get(id)?.lastSeq ?? 0, avatar.x, avatar.y, avatar.dir as Dir];
  }

  leave(id: string) {
    this.walkers.delete(id);
  }

  /** A fresh speed budget for someone who has not walked yet: full, as it was at their join. */
  private walkerOf(id: string, now: number): Walker {
    let w = this.walkers.get(id);
    if (!w) {
      w = { budget: freshStepBudget(now), lastSeq: 0 };
      this.walkers.set(id, w);
    }
    return w;
  }
}
