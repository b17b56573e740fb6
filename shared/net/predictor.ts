/**
 * Client-side prediction and reconciliation for the own avatar (SPEC MV7). The client applies
 * each move at once with the same `applyMove` the room uses, remembers it as pending, and when
 * the server acknowledges a seq (in the synced state, or in a correction) it restarts from the
 * server's pose and replays the still-pending moves. No clock, no I/O: the caller sends the
 * returned messages. The browser (client/src/space/walk.ts) and the load-test bots walk with it.
 */
import { applyMove, intendStep, type Pose } from "../movement.ts";
import { seqAtOrAfter, type ClientMessages, type Dir } from "../protocol.ts";
import { SEQ_MODULO } from "../constants.ts";
import type { Walkable } from "../map.ts";

type MoveMessage = ClientMessages["move"];

export class MovementPredictor {
  private pending: MoveMessage[] = [];
  private nextSeq = 1;
  private lastAck: number | undefined;
  private predicted: Pose;

  constructor(private readonly map: Walkable, start: Pose) {
    this.predicted = { ...start };
  }

  /** Where the own avatar is drawn. */
  get pose(): Pose { return this.predicted; }
  get pendingCount(): number { return this.pending.length; }

  /** Press a direction: step if the tile is free, otherwise turn. Returns the message to send, if any. */
  press(dir: Dir): MoveMessage | undefined {
    return this.move(intendStep(this.map, this.predicted, dir));
  }

  /** Move to a given pose (one step or a turn), e.g. the next tile of a path. */
  move(to: Pose): MoveMessage | undefined {
    if (to.x === this.predicted.x && to.y === this.predicted.y && to.dir === this.predicted.dir) return undefined;
    const outcome = applyMove(this.map, this.predicted, to);
    if (!outcome.ok) return undefined; // never send what the server would refuse
    const msg: MoveMessage = { seq: this.nextSeq, x: outcome.pose.x, y: outcome.pose.y, dir: outcome.pose.dir };
    this.nextSeq = (this.nextSeq + 1) % SEQ_MODULO;
    this.pending.push(msg);
    this.predicted = outcome.pose;
    return msg;
  }

  /**
   * The server processed input `seq` and the avatar is at `server`. Older acks are ignored; the
   * prediction becomes the server pose plus every pending move that is still valid from there.
   */
  acknowledge(seq: number, server: Pose) {
    if (this.lastAck !== undefined && !seqAtOrAfter(seq, this.lastAck)) return;
    this.lastAck = seq;
    this.pending = this.pending.filter((m) => !seqAtOrAfter(seq, m.seq));
    let pose: Pose = { ...server };
    const kept: MoveMessage[] = [];
    for (const m of this.pending) {
      const outcome = applyMove(this.map, pose, m);
      if (!outcome.ok) break; // the rest was built on a position the server did not accept
      pose = outcome.pose;
      kept.push(m);
    }
    this.pending = kept;
    this.predicted = pose;
  }
}
