/**
 * Read-only hooks for browser tests and debugging: `window.__plaza`. The browser tests
 * (client/test/) read these names; keep them and what they return.
 */
import { isWalkable } from "../../../shared/grid.ts";
import type { ServerMessages } from "../../../shared/protocol.ts";
import { avatarTile } from "../../../shared/state.ts";
import type { BuildOp } from "../../../shared/world.ts";
import { selfOf, type SpaceRoom } from "../../../shared/net/typedRoom.ts";
import type { Conversation } from "../av/conversation.ts";
import type { Built } from "../buildmode/buildClient.ts";
import type { BuildMode } from "../buildmode/buildMode.ts";
import type { ContentMirror } from "../buildmode/contentMirror.ts";
import type { WorldRenderer } from "../render/world.ts";
import type { AvatarScene } from "./scene.ts";
import type { WalkController } from "./walk.ts";

export interface TestHookDeps {
  room: SpaceRoom;
  mirror: ContentMirror;
  renderer: WorldRenderer;
  walk: WalkController;
  scene: AvatarScene;
  links: { peers: string[] };
  conversation: Conversation;
  build: BuildMode;
  welcome(): ServerMessages["welcome"];
  /** The frame loop: how many frames it drew (UX5). */
  frames: { draws: number };
}

export function installTestHooks(d: TestHookDeps): void {
  const { room, mirror } = d;
  (window as unknown as { __plaza: unknown }).__plaza = {
    /** Our person key (IM10): keys our avatar in the state and names us in messages. */
    self: selfOf(room),
    /** The connection's Colyseus session id (a new one after a failover re-join). */
    session: room.sessionId,
    pose: () => d.walk.pose,
    /** What the last frame drew: avatars in view, and those fading out after leaving it. */
    drawn: () => d.scene.lastDrawn.map((a) => ({ id: a.id, x: a.x, y: a.y, alpha: a.alpha })),
    screenOf: (x: number, y: number) => d.renderer.screenOf({ x, y }),
    walkable: (x: number, y: number) => isWalkable(mirror.compiled, x, y),
    avatars: () => [...room.state.avatars.entries()].map(([id, a]) => ({ id, ...avatarTile(a), dir: a.dir, emote: a.emote, name: room.state.people.get(id)?.name ?? "" })),
    people: () => [...room.state.people.values()].map((p) => p.name),
    peers: () => [...d.links.peers],
    av: d.conversation,
    /** The content as this page sees it (synced state), as plain objects. */
    content: () => {
      const w = mirror.content;
      return {
        version: w.version,
        things: Object.fromEntries([...w.things].map(([id, t]) => [id, { ...t }])),
        zones: Object.fromEntries([...w.zones].map(([id, z]) => [id, { ...z }])),
        spawns: Object.fromEntries([...w.spawns].map(([id, sp]) => [id, { ...sp }])),
        paint: Object.fromEntries([...w.paint].map(([i, p]) => [String(i), p])),
      };
    },
    /** Sends one edit like the palette does; resolves with the room's `built` answer. */
    build: (op: BuildOp): Promise<Built> => d.build.edit(op),
    undo: () => d.build.undo(),
    redo: () => d.build.redo(),
    welcome: () => ({ ...d.welcome() }),
    buildMode: () => d.build.active,
    /** Frames drawn so far: stays put while nothing changes (UX5). */
    draws: () => d.frames.draws,
  };
}
