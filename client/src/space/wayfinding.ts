/**
 * Finding your way (SPEC NV): puts the overview (minimap.ts), doors (doors.ts) and knocking
 * (ui/knockPanel.ts) together for one joined space. It gives the walk controller the map as this
 * person may walk it (closed rooms blocked, NV2), walks to any tile of the map from the overview
 * (NV9), offers a knock when a walk or a step meets a closed room or someone on do-not-disturb
 * (NV3), shows the door button inside a meeting room (NV1), and handles the room's knock messages.
 * Runs on its own timer (a few times a second), apart from the frame loop.
 */
import { chebyshev } from "../../../shared/grid.ts";
import { roomAt } from "../../../shared/doors.ts";
import type { SpaceMap, Tile } from "../../../shared/map.ts";
import { DIR_VECTORS } from "../../../shared/movement.ts";
import { STATUSES, type Dir, type ServerMessageHandlers } from "../../../shared/protocol.ts";
import { avatarTile } from "../../../shared/state.ts";
import { selfOf, send, type SpaceRoom } from "../../../shared/net/typedRoom.ts";
import type { ContentMirror } from "../buildmode/contentMirror.ts";
import type { WorldRenderer } from "../render/world.ts";
import { KnockPanel, type KnockTarget } from "../ui/knockPanel.ts";
import { DoorView } from "./doors.ts";
import { knockEvents, type KnockEvent } from "./knockEvents.ts";
import { Minimap, type MapDot } from "./minimap.ts";
import type { WalkController } from "./walk.ts";

export interface WayfindingDeps {
  room: SpaceRoom;
  /** Where the overview and knock UI go. */
  view: HTMLElement;
  renderer: WorldRenderer;
  mirror: ContentMirror;
  walk(): WalkController;
  toast(text: string): void;
  nameOf(id: string): string;
  /** Sets my status to available, as the status picker would (NV4). */
  setAvailable(): void;
}

/** How close (tiles) someone on do-not-disturb must be before a knock is offered. */
const DND_OFFER_RADIUS = 2;
const TICK_MS = 200;

export class Wayfinding {
  readonly doors = new DoorView();
  readonly minimap: Minimap;
  readonly knocks: KnockPanel;
  /** The last tile I set out for: walked to again when a closed door opens for me. */
  private goal: Tile | undefined;
  /** The knock last offered by walking up (not offered again until the situation changes). */
  private offeredKey: string | undefined;
  private closedKey = "";
  private readonly timer: number;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly d: WayfindingDeps) {
    const { room } = d;
    this.knocks = new KnockPanel({
      parent: d.view,
      knock: (target, note) => send(room, "knock", { ...target, note }),
      answer: (id, answer) => send(room, "knockAnswer", { id, answer }),
      door: (area, closed) => send(room, "door", { area, closed }),
      whenFree: (person) => send(room, "whenFree", { person }),
      setAvailable: d.setAvailable,
      letIn: (area) => {
        this.doors.grantPass(area, performance.now());
        if (this.goal) d.walk().walkTo(this.goal);
      },
      toast: d.toast,
    });
    this.minimap = new Minimap({
      parent: d.view, map: d.mirror.base,
      layers: () => d.renderer.overviewLayers(),
      content: () => d.mirror.content,
      closedRooms: () => this.doors.closedRooms,
      dots: () => this.dots(),
      inSpace: () => room.state.people.size,
      view: () => d.renderer.viewTiles(),
      walkTo: (t) => this.walkTo(t),
    });
    this.timer = window.setInterval(() => this.tick(), TICK_MS);
    const said: KnockEvent[] = [];
    this.stops.push(knockEvents.on((e) => { said.push(e); if (said.length > 50) said.shift(); }));
    (window as unknown as { __plazaNav: unknown }).__plazaNav = {
      /** What the knock UI said (knockEvents), oldest first: what a live region would announce. */
      said: () => said.map((e) => ({ ...e })),
      minimapPoint: (x: number, y: number, large = false) => this.minimap.pointOf({ x, y }, large),
      openOverview: () => this.minimap.open(),
      closedRooms: () => [...this.doors.closedRooms],
    };
  }

  /** The map as I may walk it now (NV2): for the walk controller's prediction and paths. */
  walkable(map: SpaceMap): SpaceMap {
    return this.doors.walkable(map, this.d.walk().pose, performance.now());
  }

  /** Walk to any tile of the map (NV9): the overview's click, like a click on the map. */
  walkTo(t: Tile): void {
    const walk = this.d.walk();
    if (!walk.placed) return;
    walk.unfollow();
    this.walked(t, walk.walkTo(t));
  }

  /** A walk to `t` was asked for (`ok`: there is a way): offer a knock at a closed room, or say there is no way. */
  walked(t: Tile, ok: boolean): void {
    this.goal = t;
    const pose = this.d.walk().pose;
    const room = this.doors.closedTo(this.d.mirror.compiled, t, pose, performance.now());
    if (room) { this.offer({ area: room }, `area:${room}`); return; }
    if (!ok && pose && (pose.x !== t.x || pose.y !== t.y)) this.d.toast("There is no way there from here.");
  }

  /** The room's NV messages. */
  handlers(): Pick<ServerMessageHandlers, "knock" | "knockOutcome" | "free"> {
    return {
      knock: (m) => this.knocks.received(m),
      knockOutcome: (m) => this.knocks.outcome(m, this.d.nameOf),
      free: (m) => this.knocks.free(m),
    };
  }

  stop(): void {
    clearInterval(this.timer);
    for (const stop of this.stops.splice(0)) stop();
    this.minimap.stop();
  }

  private offer(target: KnockTarget, key: string): void {
    this.offeredKey = key;
    if (!this.knocks.busyWith(target)) this.knocks.offer(target);
  }

  /** A few times a second: closed rooms from the synced state, the door button, knock offers. */
  private tick(): void {
    const { room, mirror } = this.d;
    const names = [...room.state.closedRooms.keys()];
    const key = names.sort().join("\n");
    if (key !== this.closedKey) {
      this.closedKey = key;
      this.doors.setClosed(names);
      this.d.renderer.closedRooms = this.doors.closedRooms;
      this.d.walk().mapChanged(); // a path across a room just closed goes around it
    }
    const pose = this.d.walk().pose;
    if (!pose) return;
    const map = mirror.compiled;
    const here = roomAt(map, pose.x, pose.y)?.name;
    this.knocks.door(here, here !== undefined && this.doors.closedRooms.has(here));
    const wanted = this.wantedKnock(map, pose);
    if (!wanted) { this.offeredKey = undefined; return; }
    if (wanted.key === this.offeredKey) return;
    if (wanted.ahead && !this.knocks.busyWith(wanted.target)) this.goal = wanted.ahead; // let in: step through the door I face
    this.offer(wanted.target, wanted.key);
  }

  /** NV3: facing a closed room from its edge, or next to someone on do-not-disturb. */
  private wantedKnock(map: SpaceMap, pose: Tile & { dir: Dir }): { target: KnockTarget; key: string; ahead?: Tile } | undefined {
    const v = DIR_VECTORS[pose.dir];
    const ahead = { x: pose.x + v.dx, y: pose.y + v.dy };
    const room = this.doors.closedTo(map, ahead, pose, performance.now());
    if (room && this.d.walk().way.length === 0) return { target: { area: room }, key: `area:${room}`, ahead };
    const { state } = this.d.room;
    const sessionId = selfOf(this.d.room);
    for (const [id, a] of state.avatars.entries()) {
      if (id === sessionId) continue;
      const t = avatarTile(a);
      const p = state.people.get(id);
      if (!t || !p || STATUSES[p.status] !== "dnd" || chebyshev(t, pose) > DND_OFFER_RADIUS) continue;
      return { target: { person: id, name: p.name }, key: `person:${id}` };
    }
    return undefined;
  }

  /** Everyone whose position I know (IM1): the avatars in my view, and me from my prediction. */
  private dots(): MapDot[] {
    const { state } = this.d.room;
    const sessionId = selfOf(this.d.room);
    const out: MapDot[] = [];
    for (const [id, a] of state.avatars.entries()) {
      if (id === sessionId) continue;
      const t = avatarTile(a);
      const p = state.people.get(id);
      if (t && p) out.push({ x: t.x, y: t.y, own: false, name: p.name, status: STATUSES[p.status] ?? "available" });
    }
    const pose = this.d.walk().pose;
    if (pose) out.push({ x: pose.x, y: pose.y, own: true, name: "", status: "available" });
    return out;
  }
}
