/**
 * Smooth on-screen motion between tile positions (SPEC MV8): a new tile starts a glide from where
 * the avatar is drawn now; several tiles behind (a late patch) glide faster to catch up; a jump
 * larger than SNAP_TILES (a spawn or a reconnect) is shown at once. A coarse tile (IM9: the far
 * part of a crowd, refreshed every few tiles) is walked to at walking pace instead, facing the way
 * it goes. Pure apart from the time the caller passes in.
 */
import { STEP_MS } from "../../../shared/constants.ts";
import { dirOfDelta } from "../../../shared/movement.ts";
import { Dir } from "../../../shared/protocol.ts";
import { motionPreference } from "../a11y/motion.ts";

export const SNAP_TILES = 6;
/** An avatar that comes into view fades in over this long (IM4). */
export const FADE_IN_MS = 300;
/** One that leaves the view (in a crowd, often on screen: IM2) fades out over this long (IM4). */
export const FADE_OUT_MS = 300;

export class Glide {
  private fromX: number;
  private fromY: number;
  private toX: number;
  private toY: number;
  private start = 0;
  private duration = 0;
  /** The way its last glide went (a coarse avatar has no facing of its own, IM9). */
  heading: Dir = Dir.DOWN;

  /** When it left the view (fading out), if it did. */
  private leftAt: number | undefined;
  /** Opacity it had when it left. */
  private leftFrom = 1;

  constructor(x: number, y: number, private bornAt = -Infinity) {
    this.fromX = this.toX = x;
    this.fromY = this.toY = y;
  }

  /** 0..1: fades in after the avatar came into view, out after it left. */
  opacity(now: number): number {
    if (motionPreference.reduced) return this.leftAt !== undefined ? 0 : 1; // UX13: no fades
    if (this.leftAt !== undefined) return Math.max(0, this.leftFrom * (1 - (now - this.leftAt) / FADE_OUT_MS));
    return Math.min(1, Math.max(0, (now - this.bornAt) / FADE_IN_MS));
  }

  /** The avatar left the view at now: it fades out from how it is drawn. */
  leave(now: number) {
    if (this.leftAt !== undefined) return;
    this.leftFrom = this.opacity(now);
    this.leftAt = now;
  }

  get leaving(): boolean { return this.leftAt !== undefined; }

  /** Faded out completely: nothing left to draw. */
  gone(now: number): boolean {
    return this.leftAt !== undefined && this.opacity(now) <= 0;
  }

  /**
   * It came back into view while fading out (a crowd's edge): it fades in again from how it is
   * drawn now, not from nothing, so it does not flicker.
   */
  reenter(now: number) {
    if (this.leftAt === undefined) return;
    const alpha = this.opacity(now);
    this.leftAt = undefined;
    this.bornAt = now - alpha * FADE_IN_MS;
  }

  /** Sets a new target tile at time now (ms); a coarse one is walked to at walking pace (IM9). */
  target(x: number, y: number, now: number, coarse = false) {
    if (x === this.toX && y === this.toY) return;
    const cur = this.at(now);
    const dist = Math.abs(x - cur.x) + Math.abs(y - cur.y);
    const dx = x - this.toX, dy = y - this.toY;
    this.heading = (Math.abs(dx) >= Math.abs(dy) ? dirOfDelta(Math.sign(dx), 0) : dirOfDelta(0, Math.sign(dy))) ?? this.heading;
    this.fromX = cur.x;
    this.fromY = cur.y;
    this.toX = x;
    this.toY = y;
    this.start = now;
    // One tile takes STEP_MS; a backlog of n tiles is covered in at most 2 steps' time.
    this.duration = dist > SNAP_TILES || motionPreference.reduced ? 0 : STEP_MS * (coarse ? dist : Math.min(Math.max(dist, 0.35), 2));
  }

  /** Drawn position (in tiles, fractional) at time now. */
  at(now: number): { x: number; y: number; moving: boolean } {
    if (this.duration <= 0 || now >= this.start + this.duration) return { x: this.toX, y: this.toY, moving: false };
    const k = Math.max(0, (now - this.start) / this.duration);
    return { x: this.fromX + (this.toX - this.fromX) * k, y: this.fromY + (this.toY - this.fromY) * k, moving: true };
  }
}
