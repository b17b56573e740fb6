/**
 * The space view: loads the map, joins the room, and runs the frame loop that turns input into
 * predicted moves (net/predictor) and state into pictures (render/world). Panels (people, chat,
 * presence bar, A/V dock) read state and send intents; none of them touches the socket directly.
 */
import { Callbacks } from "@colyseus/sdk";
import { parseTiledMap, areaAt, type SpaceMap, type Tile } from "../../../shared/map.ts";
import { AUTO_AWAY_S, STEP_MS } from "../../../shared/constants.ts";
import { Dir, EMOTES, MediaFlag, STATUSES, type ChatScope, type ServerMessages, type Status } from "../../../shared/protocol.ts";
import { dirOfDelta, type Pose } from "../../../shared/movement.ts";
import { findPath, walkTarget } from "../../../shared/pathfinding.ts";
import type { Avatar } from "../../../shared/state.ts";
import { MovementPredictor } from "../net/predictor.ts";
import { describeJoinError, describeLeave, joinSpace, type SpaceRoom } from "../net/connection.ts";
import { isMoveCode, prepareForFailover, rejoinSpace } from "../net/resume.ts";
import { WorldRenderer, type DrawnAvatar } from "../render/world.ts";
import { Glide } from "../render/motion.ts";
import { Conversation } from "../av/conversation.ts";
import { onAirText } from "../av/rules.ts";
import { ChatPanel } from "./chatPanel.ts";
import { renderPeople } from "./people.ts";
import { EMOTE_GLYPHS, renderPresenceBar } from "./presenceBar.ts";
import { el } from "./landing.ts";
import type { Profile } from "./profile.ts";

const KEY_DIRS: Record<string, Dir> = {
  ArrowUp: Dir.UP, KeyW: Dir.UP, ArrowDown: Dir.DOWN, KeyS: Dir.DOWN,
  ArrowLeft: Dir.LEFT, KeyA: Dir.LEFT, ArrowRight: Dir.RIGHT, KeyD: Dir.RIGHT,
};

async function loadMap(spaceId: string): Promise<{ map: SpaceMap; tileset: HTMLImageElement }> {
  const res = await fetch(`/api/spaces/${encodeURIComponent(spaceId)}/map`);
  if (!res.ok) throw new Error(`map not available (${res.status})`);
  const map = parseTiledMap(await res.json());
  const tileset = new Image();
  tileset.src = `/api/spaces/${encodeURIComponent(spaceId)}/${encodeURIComponent(map.tileset.image)}`;
  await tileset.decode().catch(() => { throw new Error("map tileset could not be loaded"); });
  return { map, tileset };
}

async function loadIceServers(): Promise<RTCIceServer[]> {
  try {
    const res = await fetch("/api/config");
    return res.ok ? ((await res.json()) as { iceServers: RTCIceServer[] }).iceServers : [];
  } catch {
    return [];
  }
}

/** `resume`: the sessionId of a session whose process died or drained; continue it (CL3, CL4). */
export async function renderSpace(root: HTMLElement, spaceId: string, profile: Profile, resume?: string) {
  root.innerHTML = "";
  const view = el("div", "space");
  const canvas = el("canvas", "world");
  canvas.setAttribute("aria-label", `Map of space ${spaceId}`);
  const topbar = el("div", "topbar");
  const title = el("div", "chip");
  const titleText = el("span");
  titleText.textContent = `/s/${spaceId}`;
  const copy = el("button");
  copy.textContent = "Copy link";
  copy.onclick = () => { void navigator.clipboard?.writeText(location.href); toast("Link copied"); };
  const insightsLink = el("a");
  insightsLink.href = `/s/${spaceId}/insights`;
  insightsLink.textContent = "Insights";
  insightsLink.className = "chip-link";
  title.append(titleText, copy, insightsLink);
  const status = el("div", "chip status");
  status.textContent = resume ? "Reconnecting…" : "Connecting…";
  topbar.append(title, status);
  const people = el("aside", "people");
  people.hidden = true;
  const peopleTitle = el("h2");
  const list = el("ul");
  people.append(peopleTitle, list);
  const help = el("div", "help");
  help.textContent = "Move: arrows / WASD · click to walk · Enter: chat · 1–6: emotes";
  const toastEl = el("div", "toast");
  toastEl.style.opacity = "0";
  const dock = el("div", "av-dock");
  view.append(canvas, topbar, people, help, toastEl, dock);
  root.append(view);

  let toastTimer = 0;
  function toast(text: string) {
    toastEl.textContent = text;
    toastEl.style.opacity = "1";
    clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => (toastEl.style.opacity = "0"), 2500);
  }
  function fail(message: string) {
    status.hidden = false;
    status.className = "chip status error";
    status.textContent = message;
  }

  let map: SpaceMap;
  let tileset: HTMLImageElement;
  let room: SpaceRoom;
  let iceServers: RTCIceServer[];
  try {
    [{ map, tileset }, iceServers] = await Promise.all([loadMap(spaceId), loadIceServers()]);
    const join = (r?: string) => joinSpace({ spaceId, name: profile.name, look: profile.look, resume: r });
    room = resume ? await rejoinSpace(join, resume) : await join();
    prepareForFailover(room);
  } catch (err) {
    fail(err instanceof Error && err.message.startsWith("map") ? `Could not load the map: ${err.message}` : describeJoinError(err));
    return;
  }
  status.hidden = true;
  people.hidden = false;

  const renderer = new WorldRenderer(canvas, map, tileset);
  const glides = new Map<string, Glide>();
  const nameOf = (id: string) => room.state.people.get(id)?.name ?? "someone";
  let predictor: MovementPredictor | undefined;
  let lastAckSeq = -1;
  let peers: string[] = [];

  // --- panels ---------------------------------------------------------------------------------
  const chat = new ChatPanel({
    selfId: room.sessionId,
    nameOf,
    send: (scope: ChatScope, text: string, to?: string) => room.send("chat", to ? { scope, text, to } : { scope, text }),
  });
  const presence = renderPresenceBar(
    (s) => setStatus(s, true),
    (e) => room.send("emote", { emote: e }),
  );
  view.append(chat.root, presence.root);

  const conversation = new Conversation({
    selfId: room.sessionId,
    sendSignal: (to, kind, data) => room.send("signal", { to, kind, data }),
    sendMedia: (m) => room.send("media", m),
    iceServers,
    nameOf,
  }, dock);

  let myStatus: Status = "available";
  let autoAway = false;
  function setStatus(s: Status, byUser: boolean) {
    myStatus = s;
    if (byUser) autoAway = false;
    presence.setStatus(s);
    room.send("status", { status: s });
  }
  // ST2: hidden for AUTO_AWAY_S → away; back → available again (only if we set it).
  let hiddenTimer = 0;
  const onVisibility = () => {
    clearTimeout(hiddenTimer);
    if (document.hidden) {
      hiddenTimer = window.setTimeout(() => {
        if (myStatus === "available") { setStatus("away", false); autoAway = true; }
      }, AUTO_AWAY_S * 1000);
    } else if (autoAway) {
      autoAway = false;
      setStatus("available", false);
    }
  };
  document.addEventListener("visibilitychange", onVisibility);

  // --- state → prediction and panels -------------------------------------------------------
  const cb = Callbacks.get(room);
  let rosterDirty = true;
  let following: string | undefined;
  const actions = {
    locate: (id: string) => room.send("locate", { id }),
    follow: (id: string) => {
      following = following === id ? undefined : id;
      rosterDirty = true;
      if (following) { room.send("locate", { id }); toast(`Following ${nameOf(id)}`); }
    },
    message: (id: string) => chat.openDm(id),
  };
  const pushMedia = (id: string, media: number) =>
    conversation.setPeerMedia(id, { mic: (media & MediaFlag.MIC) !== 0, cam: (media & MediaFlag.CAM) !== 0, screen: (media & MediaFlag.SCREEN) !== 0 });
  cb.onAdd("people", (p, id: string) => {
    rosterDirty = true;
    cb.onChange(p, () => { rosterDirty = true; if (id !== room.sessionId) pushMedia(id, p.media); });
  });
  cb.onRemove("people", (_p, id: string) => {
    rosterDirty = true;
    if (following === id) following = undefined;
  });
  cb.onAdd("avatars", (a: Avatar, id: string) => {
    glides.set(id, new Glide(a.x, a.y, performance.now()));
  });
  cb.onRemove("avatars", (_a: Avatar, id: string) => {
    glides.delete(id);
  });

  room.onStateChange(() => {
    const me = room.state.avatars.get(room.sessionId);
    if (!me) return;
    const server: Pose = { x: me.x, y: me.y, dir: me.dir as Dir };
    if (!predictor) {
      predictor = new MovementPredictor(map, server);
      lastAckSeq = me.seq;
      return;
    }
    if (me.seq !== lastAckSeq) {
      lastAckSeq = me.seq;
      predictor.acknowledge(me.seq, server);
    }
  });
  room.onMessage("correction", (c: ServerMessages["correction"]) => {
    predictor?.acknowledge(c.seq, { x: c.x, y: c.y, dir: c.dir });
    path = [];
  });
  room.onMessage("notice", (n: ServerMessages["notice"]) => toast(n.message));
  room.onMessage("chat", (m: ServerMessages["chat"]) => chat.receive(m));
  room.onMessage("chatHistory", (m: ServerMessages["chatHistory"]) => chat.history(m.messages));
  room.onMessage("peers", (m: ServerMessages["peers"]) => {
    const joined = m.peers.filter((p) => !peers.includes(p));
    peers = m.peers;
    const before = conversation.spotlight;
    conversation.setPeers(m.peers, m.area, m);
    const heard = m.listening !== null && m.listening !== before.listening ? [m.listening] : [];
    for (const id of [...joined, ...heard]) { const p = room.state.people.get(id); if (p) pushMedia(id, p.media); }
    if (joined.length) toast(`Talking with ${joined.map(nameOf).join(", ")}`);
    // PX7: say once when we step onto the spotlight, and when someone starts speaking to us from it.
    const onAir = m.spotlight?.speaker === room.sessionId;
    if (onAir && before.spotlight?.speaker !== room.sessionId) toast(onAirText(m.spotlight!.listeners, m.spotlight!.audioOnly));
    if (heard.length) toast(`${nameOf(heard[0])} is on the spotlight`);
  });
  room.onMessage("signal", (m: ServerMessages["signal"]) => conversation.onSignal(m.from, m.kind, m.data));
  room.onMessage("located", (m: ServerMessages["located"]) => {
    if (!m.found) { toast("They left the space."); if (following === m.id) following = undefined; return; }
    if (!predictor) return;
    const target = walkTarget(map, m.x, m.y, predictor.pose);
    const way = target ? findPath(map, predictor.pose, target) : [];
    if (following === m.id) {
      // Following: walk that way (LO2).
      goal = target;
      path = way;
      return;
    }
    // Locating (LO1): show the way and glance at them; walking stays the user's choice.
    toast(`${nameOf(m.id)} is ${way.length} steps away`);
    locateFlash = { until: performance.now() + 4000, tile: { x: m.x, y: m.y }, way };
  });
  room.send("history", {});
  room.onDrop(() => { status.hidden = false; status.className = "chip status"; status.textContent = "Reconnecting…"; });
  room.onReconnect(() => { status.hidden = true; toast("Reconnected"); });
  room.onLeave((code: number) => {
    stopped = true;
    conversation.dispose();
    window.removeEventListener("keydown", onKeyDown);
    window.removeEventListener("keyup", onKeyUp);
    window.removeEventListener("blur", onBlur);
    document.removeEventListener("visibilitychange", onVisibility);
    // The process hosting the space drained or died: continue on another one, same place (CL3, CL4).
    if (isMoveCode(code)) void renderSpace(root, spaceId, profile, room.sessionId);
    else fail(describeLeave(code));
  });

  // --- input --------------------------------------------------------------------------------
  const held: Dir[] = [];
  let path: Tile[] = [];
  let goal: Tile | undefined;
  let hover: Tile | undefined;
  let lastStepAt = -Infinity;
  let stopped = false;
  let locateFlash: { until: number; tile: Tile; way: Tile[] } | undefined;

  const isTyping = (e: Event) => e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
  const onKeyDown = (e: KeyboardEvent) => {
    if (isTyping(e)) {
      if (e.key === "Escape") (e.target as HTMLElement).blur();
      return;
    }
    if (e.key === "Enter") { e.preventDefault(); chat.focusInput(); return; }
    const n = Number(e.key);
    if (Number.isInteger(n) && n >= 1 && n <= EMOTES.length) { room.send("emote", { emote: EMOTES[n - 1] }); return; }
    const dir = KEY_DIRS[e.code];
    if (dir === undefined) return;
    e.preventDefault();
    if (!held.includes(dir)) held.push(dir);
    path = [];
    goal = undefined;
    if (following) { following = undefined; rosterDirty = true; toast("Stopped following"); }
    tick(performance.now());
  };
  const onKeyUp = (e: KeyboardEvent) => {
    const dir = KEY_DIRS[e.code];
    if (dir === undefined) return;
    const i = held.indexOf(dir);
    if (i >= 0) held.splice(i, 1);
  };
  const onBlur = () => { held.length = 0; };
  window.addEventListener("keydown", onKeyDown);
  window.addEventListener("keyup", onKeyUp);
  window.addEventListener("blur", onBlur);
  canvas.addEventListener("mousemove", (e) => { hover = renderer.tileAt(e.offsetX, e.offsetY); });
  canvas.addEventListener("mouseleave", () => { hover = undefined; });
  canvas.addEventListener("click", (e) => {
    const t = renderer.tileAt(e.offsetX, e.offsetY);
    if (!t || !predictor) return;
    if (following) { following = undefined; rosterDirty = true; }
    const pose = predictor.pose;
    goal = walkTarget(map, t.x, t.y, pose);
    path = goal ? findPath(map, pose, goal) : [];
  });

  function send(msg: ReturnType<MovementPredictor["press"]>, now: number) {
    if (!msg) return;
    room.send("move", msg);
    lastStepAt = now;
  }

  /** One step at most every STEP_MS: the held key wins over a clicked path (MV6). */
  function tick(now: number) {
    if (!predictor || now - lastStepAt < STEP_MS) return;
    if (held.length > 0) {
      send(predictor.press(held[held.length - 1]), now);
      return;
    }
    if (path.length === 0) return;
    const pose = predictor.pose;
    let next = path[0];
    let dir = dirOfDelta(next.x - pose.x, next.y - pose.y);
    if (dir === undefined && goal) {
      path = findPath(map, pose, goal); // corrected or pushed off the path: re-plan
      next = path[0];
      dir = next ? dirOfDelta(next.x - pose.x, next.y - pose.y) : undefined;
    }
    if (dir === undefined) { path = []; return; }
    path.shift();
    const msg = predictor.move({ x: next.x, y: next.y, dir });
    if (!msg) { path = []; return; }
    send(msg, now);
  }

  // LO2 follow: keep heading for the followed person (their avatar is in view while we are near).
  function follow() {
    if (!following || !predictor) return;
    const them = room.state.avatars.get(following);
    if (!them) { room.send("locate", { id: following }); return; }
    const pose = predictor.pose;
    if (Math.max(Math.abs(them.x - pose.x), Math.abs(them.y - pose.y)) <= 1) { path = []; return; }
    const target = walkTarget(map, them.x, them.y, pose);
    if (target && (!goal || goal.x !== target.x || goal.y !== target.y || path.length === 0)) {
      goal = target;
      path = findPath(map, pose, target);
    }
  }

  // --- frame loop ---------------------------------------------------------------------------
  let lastArea: string | undefined;
  let lastFollowAt = 0;
  let lastDistancesAt = 0;
  function frame(now: number) {
    if (stopped) return;
    if (now - lastFollowAt > 500) { lastFollowAt = now; follow(); }
    tick(now);
    if (rosterDirty) { rosterDirty = false; renderPeople(list, peopleTitle, room.state.people.entries(), room.sessionId, following, actions); }
    const avatars: DrawnAvatar[] = [];
    let focus = { x: map.spawns[0].x, y: map.spawns[0].y };
    room.state.avatars.forEach((a, id) => {
      const own = id === room.sessionId;
      const pose = own && predictor ? predictor.pose : { x: a.x, y: a.y, dir: a.dir };
      let glide = glides.get(id);
      if (!glide) { glide = new Glide(pose.x, pose.y, now); glides.set(id, glide); }
      glide.target(pose.x, pose.y, now);
      const at = glide.at(now);
      if (own) focus = at;
      const person = room.state.people.get(id);
      avatars.push({
        id, x: at.x, y: at.y, dir: pose.dir, look: person?.look ?? 0, name: person?.name ?? "", moving: at.moving, own,
        alpha: own ? 1 : glide.opacity(now),
        emote: a.emote ? EMOTE_GLYPHS[EMOTES[a.emote - 1]] : undefined,
        status: STATUSES[person?.status ?? 0],
        talking: peers.includes(id),
      });
    });
    if (predictor) {
      const area = areaAt(map, predictor.pose.x, predictor.pose.y)?.name;
      if (area && area !== lastArea) toast(`Entered ${area}`);
      lastArea = area;
    }
    if (now - lastDistancesAt > 200 && predictor) {
      lastDistancesAt = now;
      const me = predictor.pose;
      const d = new Map<string, number>();
      for (const id of peers) { const a = room.state.avatars.get(id); if (a) d.set(id, Math.max(Math.abs(a.x - me.x), Math.abs(a.y - me.y))); }
      conversation.setDistances(d);
    }
    if (locateFlash && now > locateFlash.until) locateFlash = undefined;
    if (locateFlash) {
      // Pan toward the located person for the first 2.5 s, then glide back to ourselves.
      const left = locateFlash.until - now;
      const k = left > 1500 ? Math.min(1, (4000 - left) / 600) : Math.max(0, left / 1500);
      focus = { x: focus.x + (locateFlash.tile.x - focus.x) * k, y: focus.y + (locateFlash.tile.y - focus.y) * k };
    }
    renderer.draw({ now, focus, avatars, hover, path: path.length ? path : locateFlash?.way, marker: locateFlash?.tile });
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  // Read-only hooks for browser tests and debugging.
  (window as unknown as { __plaza: unknown }).__plaza = {
    sessionId: room.sessionId,
    pose: () => predictor?.pose,
    screenOf: (x: number, y: number) => renderer.screenOf({ x, y }),
    walkable: (x: number, y: number) => map.blocked[y * map.width + x] === 0 && x >= 0 && y >= 0 && x < map.width && y < map.height,
    avatars: () => [...room.state.avatars.entries()].map(([id, a]) => ({ id, x: a.x, y: a.y, dir: a.dir, emote: a.emote, name: room.state.people.get(id)?.name ?? "" })),
    people: () => [...room.state.people.values()].map((p) => p.name),
    peers: () => [...peers],
    av: conversation,
  };
}
