/**
 * The space view's frame loop: a frame brings the walkable map up to date with the content
 * (recompiled at most once a frame, BM7), lets the walk controller step, redraws the people list if
 * needed, assembles the scene and hands it to the renderer.
 *
 * Frames run only when something changed (UX5): a state patch or message, the own walk, an
 * animation still running (a glide, a fade, an emote, the locate flash, build mode), a resize or a
 * zoom ask for one through `request()`. An idle office draws nothing; a crowd on the move is drawn
 * at most CROWD_FPS (UX6); a hidden tab draws nothing at all (UX7).
 */
import { areaAt, type Tile } from "../../../shared/map.ts";
import { avatarTile } from "../../../shared/state.ts";
import { send, type SpaceRoom } from "../../../shared/net/typedRoom.ts";
import type { BuildMode } from "../buildmode/buildMode.ts";
import type { ContentMirror } from "../buildmode/contentMirror.ts";
import type { DeskPopover } from "../buildmode/deskClaim.ts";
import type { WorldRenderer } from "../render/world.ts";
import type { ConversationLinks } from "./links.ts";
import type { Roster } from "./roster.ts";
import type { AvatarScene, LocateFlash } from "./scene.ts";
import { FOLLOW_REPLAN_MS, type WalkController } from "./walk.ts";

/** More avatars than this gliding at once: frames are capped at CROWD_FPS (UX6). */
export const CROWD_MOVING = 30;
export const CROWD_FPS = 30;
/** Only emotes bobbing: a gentle animation, drawn at this rate. */
export const EMOTE_FPS = 12;
/** After the last busy frame, one more frame this much later lets throttled work (call volumes) settle. */
const SETTLE_MS = 250;

export interface FrameDeps {
  room: SpaceRoom;
  mirror: ContentMirror;
  renderer: WorldRenderer;
  walk: WalkController;
  scene: AvatarScene;
  flash: LocateFlash;
  links: ConversationLinks;
  roster: Roster;
  build: BuildMode;
  desk: DeskPopover;
  /** The tile under the pointer. */
  hover(): Tile | undefined;
  /** The viewer's account id, for their claimed desk. */
  selfUserId(): string | null;
  toast(text: string): void;
}

export class FrameLoop {
  private stopped = false;
  private lastArea: string | undefined;
  private scheduled = 0;
  private wake: ReturnType<typeof setTimeout> | undefined;
  private lastDrawAt = -Infinity;
  /** The shortest time between two frames now (0: every animation frame). */
  private minInterval = 0;
  /** Frames drawn so far (the tests' hook reads it: UX5). */
  draws = 0;

  constructor(private readonly d: FrameDeps) {
    document.addEventListener("visibilitychange", this.request);
  }

  start(): void { this.request(); }

  /** The room closed: no more frames. */
  stop(): void {
    this.stopped = true;
    cancelAnimationFrame(this.scheduled);
    clearTimeout(this.wake);
    document.removeEventListener("visibilitychange", this.request);
  }

  /** Something changed: draw at the next animation frame (one frame however often it is asked). */
  readonly request = (): void => {
    if (this.stopped || this.scheduled || document.visibilityState === "hidden") return;
    this.scheduled = requestAnimationFrame(this.frame);
  };

  /** Asks for a frame `ms` from now (a pace or a throttle), unless one is asked sooner. */
  private later(ms: number): void {
    clearTimeout(this.wake);
    this.wake = setTimeout(() => { this.wake = undefined; this.request(); }, ms);
  }

  /** Where someone's avatar stands, while this client's view holds it (IM1). */
  private readonly tileOf = (id: string): Tile | undefined => {
    const a = this.d.room.state.avatars.get(id);
    return a && avatarTile(a);
  };

  private readonly frame = (now: number) => {
    this.scheduled = 0;
    if (this.stopped || document.visibilityState === "hidden") return;
    const wait = this.lastDrawAt + this.minInterval - now;
    if (wait > 1) return this.later(wait); // UX6: capped while a crowd moves
    this.update(now);
    const busy = this.draw(now);
    this.draws++;
    const idleBefore = this.minInterval < 0;
    this.lastDrawAt = now;
    this.minInterval = busy === "idle" ? -1 : busy === "crowd" ? 1000 / CROWD_FPS : busy === "emotes" ? 1000 / EMOTE_FPS : 0;
    if (busy !== "idle") this.request();
    else if (this.d.walk.following) this.later(FOLLOW_REPLAN_MS); // LO2: re-plan toward them at its pace
    else if (!idleBefore) this.later(SETTLE_MS);
  };

  /** Content, walking (LO2 follow, MV6 steps) and the people list. */
  private update(now: number): void {
    const { room, mirror, walk } = this.d;
    const changed = mirror.refresh(room.state);
    if (changed) {
      this.d.renderer.setContent(mirror.content, changed);
      walk.mapChanged(); // someone built across the way: walk around it
    }
    const { move, locate } = walk.frame(now, this.tileOf);
    if (locate) send(room, "locate", { id: locate });
    if (move) send(room, "move", move);
    this.d.roster.frame();
  }

  /** Draws, and says what still moves: "idle" when nothing does (no next frame is needed). */
  private draw(now: number): "idle" | "moving" | "crowd" | "emotes" {
    const { mirror, walk, build } = this.d;
    const spawn = mirror.compiled.spawns[0];
    const { avatars, focus, motion } = this.d.scene.assemble(now, this.d.room.state, walk.pose, this.d.links.peers, { x: spawn.x, y: spawn.y });
    const pose = walk.pose;
    if (pose) {
      // MP4: entering an area says its name.
      const area = areaAt(mirror.compiled, pose.x, pose.y)?.name;
      if (area && area !== this.lastArea) this.d.toast(`Entered ${area}`);
      this.lastArea = area;
    }
    this.d.links.frame(now, pose, this.tileOf);
    const located = this.d.flash.frame(now, focus);
    const overlay = build.frame(now);
    this.d.desk.frame();
    this.d.renderer.draw({
      now, focus: located.focus, avatars, hover: build.active && build.tool.tool.type !== "select" ? undefined : this.d.hover(),
      path: walk.way.length ? walk.way : located.way, marker: located.marker,
      build: overlay, selfUserId: this.d.selfUserId(),
    });
    if (motion.moving > CROWD_MOVING) return "crowd";
    if (motion.moving > 0 || motion.fading || walk.walking || located.marker || overlay) return "moving";
    return motion.emotes > 0 ? "emotes" : "idle";
  }
}
