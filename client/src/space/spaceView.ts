/**
 * The space view: joins the room, then puts the parts of a space together — the connection
 * (connection.ts), walking (walk.ts), the scene and its frame loop (scene.ts, frame.ts), the chrome
 * (chrome.ts), status and auto-away (autoAway.ts), conversations (links.ts), the panels (people,
 * chat, presence bar, team, A/V dock, build palette) and the test hooks. Every message the room
 * sends is dispatched here, through one handler per type (`listen`); every message it takes is
 * sent through the typed `send`. Panels read state and send intents; none touches the socket.
 */
import { Callbacks } from "@colyseus/sdk";
import { peersFromWire, type ServerMessageHandlers, type ServerMessages } from "../../../shared/protocol.ts";
import { avatarTile, type Avatar } from "../../../shared/state.ts";
import type { Editor } from "../../../shared/world.ts";
import { listen, selfOf, send, type SpaceRoom } from "../../../shared/net/typedRoom.ts";
import { Conversation } from "../av/conversation.ts";
import { BuildClient } from "../buildmode/buildClient.ts";
import { BuildMode } from "../buildmode/buildMode.ts";
import { ContentMirror } from "../buildmode/contentMirror.ts";
import { DeskPopover } from "../buildmode/deskClaim.ts";
import { describeLeave } from "../net/connection.ts";
import { WorldRenderer } from "../render/world.ts";
import { ChatPanel } from "../ui/chatPanel.ts";
import { renderPresenceBar } from "../ui/presenceBar.ts";
import type { Profile } from "../ui/profile.ts";
import { TeamPanel } from "../ui/teamPanel.ts";
import { OwnStatus } from "./autoAway.ts";
import { SpaceChrome } from "./chrome.ts";
import { continuationOf, describeJoinFailure, joinSpaceView, rememberSession, watchConnection, type JoinedSpace } from "./connection.ts";
import { FrameLoop } from "./frame.ts";
import { bindKeys, bindPointer, bindTouch, type InputDeps } from "./input.ts";
import { ConversationLinks } from "./links.ts";
import { Roster } from "./roster.ts";
import { AvatarScene, LocateFlash } from "./scene.ts";
import { installTestHooks } from "./testHooks.ts";
import { SpaceAccess } from "../a11y/spaceAccess.ts";
import { WalkController } from "./walk.ts";
import { bindZoom, Zoom } from "./zoom.ts";
import { Wayfinding } from "./wayfinding.ts";

/** `resume`: the resume token of a session whose process died or drained; continue it (CL3, CL4, SE6). */
export async function renderSpace(root: HTMLElement, spaceId: string, profile: Profile, resume?: string) {
  const chrome = new SpaceChrome(root, spaceId, Boolean(resume));
  let joined: JoinedSpace;
  try {
    joined = await joinSpaceView(spaceId, profile, resume);
  } catch (err) {
    chrome.fail(describeJoinFailure(err));
    return;
  }
  chrome.connected();
  // From here on synchronous: every handler is in place before the room's first message is dispatched.
  const space = new Space(chrome, joined, spaceId, profile);
  watchConnection(joined.room, {
    dropped: () => chrome.reconnecting(),
    reconnected: () => chrome.reconnected(),
    closed: (code) => {
      space.stop();
      // The process hosting the space drained or died: continue on another one, same place (CL3, CL4).
      const next = continuationOf(code, space.welcome.resume);
      if (next) void renderSpace(root, spaceId, profile, next);
      else chrome.fail(describeLeave(code));
    },
  });
}

/** Who this is in the space until the room says (`welcome`, AZ1). */
const NOBODY: ServerMessages["welcome"] = { you: "", userId: null, role: null, canBuild: false, canClaim: false, resume: "" };

/** One joined space: its parts, wired together, until `stop`. */
class Space {
  welcome = NOBODY;
  private readonly room: SpaceRoom;
  private readonly renderer: WorldRenderer;
  /** The walkable world: base map + content (BM7). */
  private readonly mirror: ContentMirror;
  private readonly walk: WalkController;
  private readonly scene: AvatarScene;
  private readonly flash = new LocateFlash();
  private readonly panels: ReturnType<Space["createPanels"]>;
  private readonly building: ReturnType<Space["createBuilding"]>;
  private readonly roster: Roster;
  private readonly frames: FrameLoop;
  /** Keyboard and screen readers: outline, announcements, help, comfort, profile (UX10–UX15). */
  private readonly access: SpaceAccess;
  private readonly ways: Wayfinding;
  private readonly stops: Array<() => void> = [];
  /** UX3: asks for a frame when the zoom changes (the loop exists by then). */
  private readonly zoom = new Zoom(() => this.frames.request());

  constructor(private readonly chrome: SpaceChrome, joined: JoinedSpace, private readonly spaceId: string, private readonly profile: Profile) {
    const { room, map, tileset } = joined;
    this.room = room;
    this.renderer = new WorldRenderer(chrome.canvas, map, tileset, this.zoom);
    this.mirror = new ContentMirror(map);
    this.stops.push(this.mirror.watch(room));
    this.walk = new WalkController(() => this.ways.walkable(this.mirror.compiled), () => this.frames?.request()); // NV2: closed rooms too
    this.scene = new AvatarScene(selfOf(room));
    this.panels = this.createPanels(joined.iceServers);
    this.building = this.createBuilding(joined);
    this.stops.push(this.panels.status.watch(document));
    this.roster = new Roster({
      list: chrome.peopleList, title: chrome.peopleTitle, people: () => room.state.people.entries(), selfId: selfOf(room),
      following: () => this.walk.following, actions: this.peopleActions(),
    });
    this.access = this.createAccess();
    this.stops.push(() => this.access.stop());
    this.ways = new Wayfinding({
      room, view: chrome.view, renderer: this.renderer, mirror: this.mirror, walk: () => this.walk, toast: this.toast, nameOf: this.nameOf,
      setAvailable: () => this.panels.status.set("available", true),
    });
    this.watchState();
    listen(room, this.redrawing(this.handlers()));
    send(room, "history", {});
    this.frames = this.bindInputAndFrames();
    installTestHooks({
      room, mirror: this.mirror, renderer: this.renderer, walk: this.walk, scene: this.scene, links: this.panels.links,
      conversation: this.panels.conversation, build: this.building.build, welcome: () => this.welcome, frames: this.frames,
    });
  }

  private readonly nameOf = (id: string) => this.room.state.people.get(id)?.name ?? "someone";
  private readonly toast = (text: string) => this.chrome.toast(text);

  /** Chat, presence bar and status, team, conversations: panels that read state and send intents. */
  private createPanels(iceServers: RTCIceServer[]) {
    const { room, chrome, nameOf, toast } = this;
    const chat = new ChatPanel({
      selfId: selfOf(room), nameOf,
      send: (scope, text, to) => send(room, "chat", to ? { scope, text, to } : { scope, text }),
    });
    const presence = renderPresenceBar((s) => status.set(s, true), (emote) => send(room, "emote", { emote }));
    const status = new OwnStatus({ send: (s) => send(room, "status", { status: s }), show: (s) => presence.setStatus(s) });
    chrome.view.append(chat.root, presence.root);
    const team = new TeamPanel({ spaceId: this.spaceId, view: chrome.view, people: chrome.people, chat }); // TP: Team tab, announcements
    const conversation = new Conversation({
      selfId: selfOf(room),
      sendSignal: (to, kind, data) => send(room, "signal", { to, kind, data }),
      sendMedia: (m) => send(room, "media", m),
      iceServers,
      nameOf,
    }, chrome.dock);
    const links = new ConversationLinks({ selfId: selfOf(room), conversation, person: (id) => room.state.people.get(id), nameOf, toast });
    return { chat, presence, status, team, conversation, links };
  }

  /** Build mode (BM1–BM9) and desk claims (BM5). */
  private createBuilding({ map }: JoinedSpace) {
    const { room, chrome, mirror, renderer, toast } = this;
    const editor = (): Editor => ({ userId: this.welcome.userId, name: this.profile.name, canBuild: this.welcome.canBuild, canClaim: this.welcome.canClaim });
    const builds = new BuildClient((m) => send(room, "build", m));
    const build = new BuildMode({
      view: chrome.view, base: map, content: () => mirror.content, editor, client: builds,
      tileAt: (x, y) => renderer.tileAt(x, y),
      screenOf: (t) => renderer.screenOf(t),
      toast,
      changed: (on) => {
        chrome.buildMode(on);
        if (on) { desk.close(); this.walk.stop(); }
      },
    });
    chrome.buildButton.onclick = () => build.toggle();
    const desk = new DeskPopover({
      view: chrome.view, content: () => mirror.content, me: () => this.welcome,
      screenOf: (t) => renderer.screenOf(t),
      send: (op) => build.edit(op),
      toast,
    });
    return { builds, build, desk };
  }

  /** UX10–UX15: the outline walks with the same walk controller and pathfinding as a click (MV6). */
  private createAccess(): SpaceAccess {
    const { room, chrome, walk, nameOf } = this;
    const actions = this.peopleActions();
    return new SpaceAccess({
      view: chrome.view, topbar: chrome.topbar, selfId: selfOf(room), people: () => room.state.people.entries(), walk,
      map: () => this.mirror.compiled, peers: () => this.panels.links.peers, nameOf,
      tileOf: (id) => { const a = room.state.avatars.get(id); return a && avatarTile(a); },
      message: actions.message, follow: actions.follow, locate: (id) => send(room, "locate", { id }),
      profile: this.profile, sendProfile: (name, look) => send(room, "profile", { name, look }),
    });
  }

  /** The people list's actions: locate (LO1), follow (LO2), message (CH1). */
  private peopleActions() {
    return {
      locate: (id: string) => send(this.room, "locate", { id }),
      follow: (id: string) => {
        const on = this.walk.toggleFollow(id);
        this.roster.changed();
        if (on) { send(this.room, "locate", { id }); this.toast(`Following ${this.nameOf(id)}`); }
      },
      message: (id: string) => { this.chrome.openDrawer("chat"); this.panels.chat.openDm(id); },
    };
  }

  /** Synced state → roster, media icons and the scene (IM3, IM4). */
  private watchState(): void {
    const { room, roster, scene } = this;
    const cb = Callbacks.get(room);
    cb.onAdd("people", (p, id: string) => {
      roster.changed();
      this.access.joined(id, p);
      cb.onChange(p, () => { roster.changed(); this.access.changed(id, p); if (id !== selfOf(room)) this.panels.links.pushMedia(id, p.media); });
    });
    cb.onRemove("people", (p, id: string) => {
      roster.changed();
      this.access.left(id, p);
      this.walk.unfollow(id);
    });
    // IM4: avatars fade in when they come into view and out when they leave it (in a dense crowd
    // that is often on screen, IM2); one that comes back while fading continues from where it is.
    cb.onAdd("avatars", (a: Avatar, id: string) => scene.entered(id, a, performance.now()));
    cb.onRemove("avatars", (_a: Avatar, id: string) => scene.left(id, performance.now()));
  }

  /** UX5: every message may change what is drawn (a move acked, a way located): ask for a frame after it. */
  private redrawing(handlers: ServerMessageHandlers): ServerMessageHandlers {
    const wrapped: Record<string, (m: never) => void> = {};
    for (const [type, handle] of Object.entries(handlers) as [string, (m: never) => void][]) {
      wrapped[type] = (m) => { handle(m); this.frames.request(); };
    }
    return wrapped as unknown as ServerMessageHandlers;
  }

  /** Everything the room says, one handler per message type (a missing one does not compile). */
  private handlers(): ServerMessageHandlers {
    const { walk, chrome, panels, toast } = this;
    const { builds, build } = this.building;
    return {
      // MV7: the own avatar comes from acks (our view may not even hold it in a dense crowd, IM2).
      ack: ([seq, x, y, dir]) => walk.acknowledge(seq, { x, y, dir }),
      correction: (c) => walk.corrected(c.seq, { x: c.x, y: c.y, dir: c.dir }),
      notice: (n) => { toast(n.message); this.access.live.say(n.message); },
      welcome: (w) => {
        this.welcome = w;
        rememberSession(this.spaceId, w.resume);
        chrome.welcome(w);
        if (!w.canBuild) build.toggle(false);
      },
      built: (b) => builds.receive(b),
      chat: (m) => { panels.chat.receive(m); this.access.chat(m); },
      chatHistory: (m) => { panels.chat.history(m.messages); this.access.start(); },
      announcement: (a) => panels.team.announce(a),
      av: (m) => panels.conversation.setAv(m),
      peers: (w) => { const m = peersFromWire(w); panels.links.receive(m); this.access.peers(m); },
      signal: (m) => panels.conversation.onSignal(m.from, m.kind, m.data),
      located: (m) => this.located(m),
      ...this.ways.handlers(), // NV3–NV5
    };
  }

  /** LO1: show the way and glance at them; LO2: a followed person is walked to (walk.ts). */
  private located(m: ServerMessages["located"]): void {
    if (this.access.located(m)) return; // "walk me to" someone out of view (UX10)
    const r = this.walk.located(m);
    if (r.kind === "gone") this.toast("They left the space.");
    if (r.kind !== "found") return;
    this.toast(`${this.nameOf(m.id)} is ${r.way.length} steps away`);
    this.flash.show({ x: m.x, y: m.y }, r.way, performance.now());
  }

  private bindInputAndFrames(): FrameLoop {
    const { room, walk, building: { build, desk } } = this;
    const input: InputDeps = {
      canvas: this.chrome.canvas, renderer: this.renderer, walk, build, desk, chat: this.panels.chat,
      content: () => this.mirror.content,
      may: () => this.welcome,
      move: (m) => send(room, "move", m),
      emote: (emote) => send(room, "emote", { emote }),
      stoppedFollowing: (announce) => { this.roster.changed(); if (announce) this.toast("Stopped following"); },
      redraw: () => this.frames.request(),
      walked: (t, ok) => this.ways.walked(t, ok),
    };
    this.stops.push(bindKeys(input));
    const pointer = bindPointer(input);
    const frames = new FrameLoop({
      room, mirror: this.mirror, renderer: this.renderer, walk, scene: this.scene, flash: this.flash, links: this.panels.links,
      roster: this.roster, build, desk, hover: pointer.hover, selfUserId: () => this.welcome.userId, toast: this.toast,
    });
    // UX5: a state patch, a resize or the tab coming back draws a frame; nothing else does.
    room.onStateChange(() => frames.request());
    this.bindViewport(input, frames.request);
    frames.start();
    return frames;
  }

  /** Zoom (UX3, UX4), the joystick on touch screens (UX2), and redraws on resize (UX5). */
  private bindViewport(input: InputDeps, redraw: () => void): void {
    const { chrome, renderer, zoom } = this;
    this.stops.push(bindZoom({ canvas: chrome.canvas, zoom, view: () => renderer.view(), typing: (e) => e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement }));
    chrome.zoomIn.onclick = () => zoom.step(1, renderer.view());
    chrome.zoomOut.onclick = () => zoom.step(-1, renderer.view());
    if (chrome.view.classList.contains("touch")) this.stops.push(bindTouch(input, chrome.joystickZone));
    const resized = new ResizeObserver(redraw);
    resized.observe(chrome.canvas);
    this.stops.push(() => resized.disconnect());
    this.stops.push(chrome.followVisualViewport(redraw));
  }

  /** The room closed: stop drawing, hang up, answer pending edits, let go of the page's listeners. */
  stop(): void {
    this.frames.stop();
    this.ways.stop();
    this.panels.conversation.dispose();
    this.building.builds.close();
    for (const stop of this.stops) stop();
  }
}
