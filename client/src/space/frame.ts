/**
 * The space view's frame loop: once per animation frame it brings the walkable map up to date
 * with the content (recompiled at most once a frame, BM7), lets the walk controller step, redraws
 * the people list if needed, assembles the scene and hands it to the renderer.
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
import type { WalkController } from "./walk.ts";

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

  constructor(private readonly d: FrameDeps) {}

  start(): void { requestAnimationFrame(this.frame); }

  /** The room closed: no more frames. */
  stop(): void { this.stopped = true; }

  /** Where someone's avatar stands, while this client's view holds it (IM1). */
  private readonly tileOf = (id: string): Tile | undefined => {
    const a = this.d.room.state.avatars.get(id);
    return a && avatarTile(a);
  };

  private readonly frame = (now: number) => {
    if (this.stopped) return;
    this.update(now);
    this.draw(now);
    requestAnimationFrame(this.frame);
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

  private draw(now: number): void {
    const { mirror, walk, build } = this.d;
    const spawn = mirror.compiled.spawns[0];
    const { avatars, focus } = this.d.scene.assemble(now, this.d.room.state, walk.pose, this.d.links.peers, { x: spawn.x, y: spawn.y });
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
  }
}
