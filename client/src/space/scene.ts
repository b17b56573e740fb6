/**
 * What a frame shows of the people in the space: every avatar in view gliding between tiles
 * (MV8), fading in and out of view (IM4), the own one drawn from the prediction (MV7, IM2), the
 * camera's focus, and the way to someone just located (LO1). Reads the synced state; the drawing
 * itself is render/world.ts's.
 */
import type { Tile } from "../../../shared/map.ts";
import type { Pose } from "../../../shared/movement.ts";
import { EMOTES, STATUSES } from "../../../shared/protocol.ts";
import { avatarTile, type Avatar, type Person } from "../../../shared/state.ts";
import { Glide } from "../render/motion.ts";
import { motionPreference } from "../a11y/motion.ts";
import type { DrawnAvatar } from "../render/world.ts";
import { EMOTE_GLYPHS } from "../ui/presenceBar.ts";

/** The parts of the synced state a frame reads. */
export interface SceneState {
  avatars: { forEach(cb: (a: Avatar, id: string) => void): void; get(id: string): Avatar | undefined; has(id: string): boolean };
  people: { get(id: string): Person | undefined };
}

/** What still moves in a frame: the frame loop draws again only while something does (UX5, UX6). */
export interface Motion { moving: number; fading: boolean; emotes: number }

type Placed = { x: number; y: number; dir: number; emote: number; coarse?: boolean };

export class AvatarScene {
  private readonly glides = new Map<string, Glide>();
  /** Avatars that left the view, drawn as they were last seen while they fade out (IM4). */
  private readonly leaving = new Map<string, DrawnAvatar>();
  /** What the last frame drew (the tests' hook reads it too). */
  lastDrawn: DrawnAvatar[] = [];

  constructor(private readonly selfId: string) {}

  /** An avatar came into view: it fades in where it stands; one coming back while fading continues from where it is. */
  entered(id: string, a: Avatar, now: number): void {
    const glide = this.glides.get(id);
    this.leaving.delete(id);
    const tile = avatarTile(a);
    if (!tile) return;
    if (glide?.leaving) { glide.reenter(now); glide.target(tile.x, tile.y, now); }
    else this.glides.set(id, new Glide(tile.x, tile.y, now));
  }

  /** An avatar left the view: it fades out where it was last drawn. */
  left(id: string, now: number): void {
    const glide = this.glides.get(id);
    const last = this.lastDrawn.find((d) => d.id === id);
    if (!glide || !last || id === this.selfId) { this.glides.delete(id); return; }
    this.leaving.set(id, last);
    glide.leave(now);
  }

  /**
   * The avatars to draw at `now` and the camera's focus: the own avatar (from `own`, the
   * prediction, whether the view holds it or not: IM2), else `fallback`. `talking`: my
   * conversation's peers.
   */
  assemble(now: number, state: SceneState, own: Pose | undefined, talking: readonly string[], fallback: Tile): { avatars: DrawnAvatar[]; focus: Tile; motion: Motion } {
    const avatars: DrawnAvatar[] = [];
    let focus = fallback;
    const motion: Motion = { moving: 0, fading: false, emotes: 0 };
    const draw = (a: Placed, id: string) => {
      const mine = id === this.selfId;
      const pose = mine && own ? own : { x: a.x, y: a.y, dir: a.dir };
      let glide = this.glides.get(id);
      if (!glide) { glide = new Glide(pose.x, pose.y, now); this.glides.set(id, glide); }
      glide.target(pose.x, pose.y, now, a.coarse);
      if (a.coarse) pose.dir = glide.heading;
      const at = glide.at(now);
      if (mine) focus = at;
      if (at.moving) motion.moving++;
      if (a.emote) motion.emotes++;
      const person = state.people.get(id);
      avatars.push({
        id, x: at.x, y: at.y, dir: pose.dir, look: person?.look ?? 0, name: person?.name ?? "", moving: at.moving, own: mine,
        alpha: mine ? 1 : glide.opacity(now),
        emote: a.emote ? EMOTE_GLYPHS[EMOTES[a.emote - 1]] : undefined,
        status: STATUSES[person?.status ?? 0],
        talking: talking.includes(id),
      });
    };
    state.avatars.forEach((a, id) => {
      const tile = id !== this.selfId && avatarTile(a);
      if (tile) draw({ ...tile, dir: a.dir, emote: a.emote }, id);
    });
    this.fading(now, state, avatars);
    if (own) draw({ ...own, emote: state.avatars.get(this.selfId)?.emote ?? 0 }, this.selfId);
    this.lastDrawn = avatars;
    motion.fading = this.leaving.size > 0 || avatars.some((a) => a.alpha < 1);
    return { avatars, focus, motion };
  }

  /** Adds the avatars fading out after leaving the view; forgets those gone or back. */
  private fading(now: number, state: SceneState, avatars: DrawnAvatar[]): void {
    for (const [id, last] of this.leaving) {
      const glide = this.glides.get(id);
      if (!glide || glide.gone(now) || state.avatars.has(id)) { this.leaving.delete(id); if (glide?.leaving) this.glides.delete(id); continue; }
      const at = glide.at(now);
      avatars.push({ ...last, x: at.x, y: at.y, moving: at.moving, alpha: glide.opacity(now), talking: false });
    }
  }
}

/** How long a located person stays marked, with the way to them drawn (LO1). */
const LOCATE_SHOW_MS = 4000;

/** LO1: marks a located person and draws the way; the camera glances at them and comes back. */
export class LocateFlash {
  private shown: { until: number; tile: Tile; way: Tile[] } | undefined;

  show(tile: Tile, way: Tile[], now: number): void {
    this.shown = { until: now + LOCATE_SHOW_MS, tile, way };
  }

  /** The marked tile and way at `now`, and the focus panned toward them from `focus`. */
  frame(now: number, focus: Tile): { focus: Tile; marker?: Tile; way?: Tile[] } {
    if (this.shown && now > this.shown.until) this.shown = undefined;
    if (!this.shown) return { focus };
    // Pan toward the located person for the first 2.5 s, then glide back to ourselves.
    const left = this.shown.until - now;
    const k = motionPreference.reduced ? 0 : left > 1500 ? Math.min(1, (LOCATE_SHOW_MS - left) / 600) : Math.max(0, left / 1500);
    const { tile, way } = this.shown;
    return { focus: { x: focus.x + (tile.x - focus.x) * k, y: focus.y + (tile.y - focus.y) * k }, marker: tile, way };
  }
}
