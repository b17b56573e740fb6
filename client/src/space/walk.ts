/**
 * Walking the own avatar: held direction keys, click-to-walk paths (MV6), following someone (LO2)
 * and the pace of at most one step per STEP_MS, on top of the predictor (MV7). Pure: no DOM, no
 * clock (callers pass `now`), no socket — it returns the `move` to send, and the id to `locate`
 * when it lost sight of the person it follows.
 */
import { STEP_MS } from "../../../shared/constants.ts";
import { chebyshev, type Tile, type Walkable } from "../../../shared/grid.ts";
import { dirOfDelta, type Pose } from "../../../shared/movement.ts";
import { findPath, walkTarget } from "../../../shared/pathfinding.ts";
import type { ClientMessages, Dir, ServerMessages } from "../../../shared/protocol.ts";
import { MovementPredictor } from "../../../shared/net/predictor.ts";

export type Move = ClientMessages["move"];

/** How often following re-plans toward the followed person (LO2). */
export const FOLLOW_REPLAN_MS = 500;

/** What an answer to `locate` meant for walking. */
export type Located =
  /** They left the space (and are no longer followed). */
  | { kind: "gone" }
  /** They are followed: the walk now heads their way. */
  | { kind: "following" }
  /** Located only (LO1): the way there, to show; walking stays the user's choice. */
  | { kind: "found"; way: Tile[] }
  /** The start tile is not known yet: nothing to plan from. */
  | { kind: "unplaced" };

export class WalkController {
  private predictor: MovementPredictor | undefined;
  /** Direction keys held down, the last pressed last: it is the one walked (MV6). */
  private readonly held: Dir[] = [];
  private path: Tile[] = [];
  private goal: Tile | undefined;
  private lastStepAt = -Infinity;
  private lastFollowAt = 0;
  private followed: string | undefined;
  /** The map as `map()` returns it at each use: the predictor keeps this live view. */
  private readonly walkable: Walkable;

  /** `map`: the map walked on now (base + content: it changes when someone builds). */
  /**
   * `setOut`: called when a walk along a path starts, from wherever it was asked (a click, the
   * overview, "walk me to"): frames are drawn on demand (UX5) and the path is walked in them.
   */
  constructor(private readonly map: () => Walkable, private readonly setOut: () => void = () => {}) {
    this.walkable = {
      get width() { return map().width; },
      get height() { return map().height; },
      get blocked() { return map().blocked; },
    };
  }

  /** Where the own avatar is drawn (the prediction); undefined before the start tile arrived. */
  get pose(): Pose | undefined { return this.predictor?.pose; }
  /** The start tile arrived: the avatar can walk. */
  get placed(): boolean { return this.predictor !== undefined; }
  /** The rest of the path being walked (drawn on the map). */
  get way(): readonly Tile[] { return this.path; }
  /** A key is held or a path is being walked: steps are still due (the frame loop keeps going, UX5). */
  get walking(): boolean { return this.held.length > 0 || this.path.length > 0; }
  /** Who is being followed (LO2), if anyone. */
  get following(): string | undefined { return this.followed; }

  /** An `ack` (MV7): the first one is the start tile. */
  acknowledge(seq: number, server: Pose): void {
    if (!this.predictor) this.predictor = new MovementPredictor(this.walkable, server);
    this.predictor.acknowledge(seq, server);
  }

  /** A `correction`: back to the server's pose, and the path is dropped (a goal followed is kept). */
  corrected(seq: number, server: Pose): void {
    this.predictor?.acknowledge(seq, server);
    this.path = [];
  }

  /**
   * A direction key went down: it wins over a path and stops following (MV6). Returns the step to
   * send now, if one is due, and whether following stopped.
   */
  press(dir: Dir, now: number): { move?: Move; stoppedFollowing: boolean } {
    if (!this.held.includes(dir)) this.held.push(dir);
    this.stop();
    const stoppedFollowing = this.unfollow();
    return { move: this.tick(now), stoppedFollowing };
  }

  release(dir: Dir): void {
    const i = this.held.indexOf(dir);
    if (i >= 0) this.held.splice(i, 1);
  }

  /** The window lost focus: no key is held any more. */
  releaseAll(): void { this.held.length = 0; }

  /**
   * Click to walk (MV6): to `t`, or next to it when it is blocked; any tile of the map, on screen
   * or not (NV9). Needs the start tile. False when there is no way there (nor next to it).
   */
  walkTo(t: Tile): boolean {
    const pose = this.predictor?.pose;
    if (!pose) return false;
    this.goal = walkTarget(this.map(), t.x, t.y, pose);
    this.path = this.goal ? findPath(this.map(), pose, this.goal) : [];
    if (this.path.length > 0) this.setOut();
    return this.path.length > 0 || (this.goal !== undefined && this.goal.x === pose.x && this.goal.y === pose.y);
  }

  /** Stops walking a path (a key took over, or build mode took the clicks). */
  stop(): void {
    this.path = [];
    this.goal = undefined;
  }

  /** Follows `id`, or stops following them if they already were (LO2). True when now following. */
  toggleFollow(id: string): boolean {
    this.followed = this.followed === id ? undefined : id;
    return this.followed !== undefined;
  }

  /** Stops following (only `id`, when given). True when someone was being followed and no longer is. */
  unfollow(id?: string): boolean {
    if (this.followed === undefined || (id !== undefined && this.followed !== id)) return false;
    this.followed = undefined;
    return true;
  }

  /** The map changed (someone built): a path being walked goes around what is new. */
  mapChanged(): void {
    const pose = this.predictor?.pose;
    if (this.goal && pose && this.path.length > 0) this.path = findPath(this.map(), pose, this.goal);
  }

  /** The room's answer to `locate`: follow that way, or say how far it is (LO1, LO2). */
  located(m: ServerMessages["located"]): Located {
    if (!m.found) {
      this.unfollow(m.id);
      return { kind: "gone" };
    }
    const pose = this.predictor?.pose;
    if (!pose) return { kind: "unplaced" };
    const target = walkTarget(this.map(), m.x, m.y, pose);
    const way = target ? findPath(this.map(), pose, target) : [];
    if (this.followed !== m.id) return { kind: "found", way };
    this.goal = target;
    this.path = way;
    return { kind: "following" };
  }

  /**
   * Once a frame: re-plans toward the followed person every FOLLOW_REPLAN_MS (`whereIs` gives
   * their tile while their avatar is in view), then takes at most one step. Returns the move to
   * send and, when the followed person is out of view, whom to `locate`.
   */
  frame(now: number, whereIs: (id: string) => Tile | undefined): { move?: Move; locate?: string } {
    let locate: string | undefined;
    if (now - this.lastFollowAt > FOLLOW_REPLAN_MS) {
      this.lastFollowAt = now;
      locate = this.replanFollow(whereIs);
    }
    return { move: this.tick(now), locate };
  }

  /** LO2: keep heading for the followed person; stop next to them. */
  private replanFollow(whereIs: (id: string) => Tile | undefined): string | undefined {
    const pose = this.predictor?.pose;
    if (!this.followed || !pose) return undefined;
    const them = whereIs(this.followed);
    if (!them) return this.followed;
    if (chebyshev(them, pose) <= 1) { this.path = []; return undefined; }
    const target = walkTarget(this.map(), them.x, them.y, pose);
    if (target && (!this.goal || this.goal.x !== target.x || this.goal.y !== target.y || this.path.length === 0)) {
      this.goal = target;
      this.path = findPath(this.map(), pose, target);
    }
    return undefined;
  }

  /** One step at most every STEP_MS: the held key wins over a clicked path (MV6). */
  private tick(now: number): Move | undefined {
    const predictor = this.predictor;
    if (!predictor || now - this.lastStepAt < STEP_MS) return undefined;
    if (this.held.length > 0) return this.sent(predictor.press(this.held[this.held.length - 1]), now);
    if (this.path.length === 0) return undefined;
    const pose = predictor.pose;
    let next = this.path[0];
    let dir = dirOfDelta(next.x - pose.x, next.y - pose.y);
    if (dir === undefined && this.goal) {
      this.path = findPath(this.map(), pose, this.goal); // corrected or pushed off the path: re-plan
      next = this.path[0];
      dir = next ? dirOfDelta(next.x - pose.x, next.y - pose.y) : undefined;
    }
    if (dir === undefined) { this.path = []; return undefined; }
    this.path.shift();
    const move = predictor.move({ x: next.x, y: next.y, dir });
    if (!move) { this.path = []; return undefined; }
    return this.sent(move, now);
  }

  private sent(move: Move | undefined, now: number): Move | undefined {
    if (move) this.lastStepAt = now;
    return move;
  }
}
