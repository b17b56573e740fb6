/**
 * The space view: loads the map, joins the room, and runs the frame loop that turns input into
 * predicted moves (net/predictor) and state into pictures (render/world). Panels (people, chat,
 * presence bar, A/V dock, build palette) read state and send intents; none of them touches the
 * socket directly. People walk on the base map compiled with the space's content (build/
 * contentMirror), recompiled at most once per frame when someone edits it.
 */
import { Callbacks } from "@colyseus/sdk";
import { parseTiledMap, areaAt, type SpaceMap, type Tile } from "../../../shared/map.ts";
import { AUTO_AWAY_S, STEP_MS } from "../../../shared/constants.ts";
import { Dir, EMOTES, MediaFlag, STATUSES, type ChatScope, type ServerMessages, type Status } from "../../../shared/protocol.ts";
import { dirOfDelta, type Pose } from "../../../shared/movement.ts";
import { findPath, walkTarget } from "../../../shared/pathfinding.ts";
import { avatarTile, type Avatar } from "../../../shared/state.ts";
import type { BuildOp, Editor } from "../../../shared/world.ts";
import { MovementPredictor } from "../net/predictor.ts";
import { describeJoinError, describeLeave, joinSpace, type SpaceRoom } from "../net/connection.ts";
import { isMoveCode, prepareForFailover, rejoinSpace } from "../net/resume.ts";
import { WorldRenderer, type DrawnAvatar } from "../render/world.ts";
import { ContentMirror } from "../build/contentMirror.ts";
import { BuildClient, type Built } from "../build/buildClient.ts";
import { BuildMode } from "../build/buildMode.ts";
import { DeskPopover } from "../build/deskClaim.ts";
import { thingAt } from "../build/buildTool.ts";
import { authHeaders } from "../net/session.ts";
import { Glide } from "../render/motion.ts";
import { Conversation } from "../av/conversation.ts";
import { onAirText } from "../av/rules.ts";
import { ChatPanel } from "./chatPanel.ts";
import { renderPeople } from "./people.ts";
import { TeamPanel } from "./teamPanel.ts";
import { EMOTE_GLYPHS, renderPresenceBar } from "./presenceBar.ts";
import { el } from "./landing.ts";
import type { Profile } from "./profile.ts";

const KEY_DIRS: Record<string, Dir> = {
  ArrowUp: Dir.UP, KeyW: Dir.UP, ArrowDown: Dir.DOWN, KeyS: Dir.DOWN,
  ArrowLeft: Dir.LEFT, KeyA: Dir.LEFT, ArrowRight: Dir.RIGHT, KeyD: Dir.RIGHT,
};

async function loadMap(spaceId: string): Promise<{ map: SpaceMap; tileset: HTMLImageElement }> {
  // With the session token: a private space's map is only for its members.
  const res = await fetch(`/api/spaces/${encodeURIComponent(spaceId)}/map`, { headers: authHeaders() });
  if (!res.ok) throw new Error(`map not available (${res.status})`);
  const map = parseTiledMap(await res.json());
  const png = await fetch(`/api/spaces/${encodeURIComponent(spaceId)}/${encodeURIComponent(map.tileset.image)}`, { headers: authHeaders() });
  if (!png.ok) throw new Error(`map tileset could not be loaded (${png.status})`);
  const url = URL.createObjectURL(await png.blob());
  const tileset = new Image();
  tileset.src = url;
  await tileset.decode().catch(() => { throw new Error("map tileset could not be loaded"); }).finally(() => URL.revokeObjectURL(url));
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

/** `resume`: the resume token of a session whose process died or drained; continue it (CL3, CL4, SE6). */
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
  // Owners and admins only (AZ1): shown once the room says who this is.
  insightsLink.hidden = true;
  const settingsLink = el("a");
  settingsLink.href = `/s/${spaceId}/settings`;
  settingsLink.textContent = "Settings";
  settingsLink.className = "chip-link";
  settingsLink.hidden = true;
  title.append(titleText, copy, insightsLink, settingsLink);
  const status = el("div", "chip status");
  status.textContent = resume ? "Reconnecting…" : "Connecting…";
  // Shown once the room says this person may build (welcome.canBuild).
  const buildButton = el("button", "chip build-toggle");
  buildButton.textContent = "Build";
  buildButton.title = "Build mode (B)";
  buildButton.hidden = true;
  buildButton.setAttribute("aria-pressed", "false");
  topbar.append(title, buildButton, status);
  const people = el("aside", "people");
  people.hidden = true;
  const peopleTitle = el("h2");
  const list = el("ul");
  people.append(peopleTitle, list);
  const help = el("div", "help");
  const WALK_HELP = "Move: arrows / WASD · click to walk · Enter: chat · 1–6: emotes";
  help.textContent = WALK_HELP;
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

  const lastKey = `plaza.lastSession.${spaceId}`;
  let map: SpaceMap;
  let tileset: HTMLImageElement;
  let room: SpaceRoom;
  let iceServers: RTCIceServer[];
  try {
    [{ map, tileset }, iceServers] = await Promise.all([loadMap(spaceId), loadIceServers()]);
    const join = (r?: string) => joinSpace({ spaceId, name: profile.name, look: profile.look, resume: r });
    // A reload continues this tab's last session here: the seat the server may still hold for it
    // is replaced, never duplicated, and it continues where that avatar stands (SPEC CL3, RC1,
    // SE6, SE9). The resume token is this tab's own (sessionStorage), given in `welcome`.
    const previous = resume ?? sessionStorage.getItem(lastKey) ?? undefined;
    room = resume ? await rejoinSpace(join, resume) : await join(previous).catch(() => join());
    prepareForFailover(room);
  } catch (err) {
    fail(err instanceof Error && err.message.startsWith("map") ? `Could not load the map: ${err.message}` : describeJoinError(err));
    return;
  }
  status.hidden = true;
  people.hidden = false;

  const renderer = new WorldRenderer(canvas, map, tileset);
  // The walkable world: base map + content. `walk` always reads the latest compile, for the
  // predictor (which keeps its map); path-finding and areas take `mirror.compiled` itself.
  const mirror = new ContentMirror(map);
  const stopWatching = mirror.watch(room);
  const walk = { width: map.width, height: map.height, get blocked() { return mirror.compiled.blocked; } };
  let welcome: ServerMessages["welcome"] = { userId: null, role: null, canBuild: false, canClaim: false, resume: "" };
  const editor = (): Editor => ({ userId: welcome.userId, name: profile.name, canBuild: welcome.canBuild, canClaim: welcome.canClaim });
  const glides = new Map<string, Glide>();
  const nameOf = (id: string) => room.state.people.get(id)?.name ?? "someone";
  let predictor: MovementPredictor | undefined;
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
  const team = new TeamPanel({ spaceId, view, people, chat }); // TP: Team tab, announcements

  const conversation = new Conversation({
    selfId: room.sessionId,
    sendSignal: (to, kind, data) => room.send("signal", { to, kind, data }),
    sendMedia: (m) => room.send("media", m),
    iceServers,
    nameOf,
  }, dock);

  // --- build mode and desks ----------------------------------------------------------------------
  const builds = new BuildClient((m) => room.send("build", m));
  const build = new BuildMode({
    view, base: map, content: () => mirror.content, editor, client: builds,
    tileAt: (x, y) => renderer.tileAt(x, y),
    screenOf: (t) => renderer.screenOf(t),
    toast,
    changed: (on) => {
      buildButton.setAttribute("aria-pressed", String(on));
      view.classList.toggle("building", on);
      help.textContent = on ? "Build mode: clicks edit the map · arrows still walk · B: done" : WALK_HELP;
      if (on) { desk.close(); path = []; goal = undefined; }
    },
  });
  buildButton.onclick = () => build.toggle();
  const desk = new DeskPopover({
    view, content: () => mirror.content, me: () => welcome,
    screenOf: (t) => renderer.screenOf(t),
    send: (op) => build.send(op),
    toast,
  });

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
  // IM4: avatars fade in when they come into view and out when they leave it (in a dense crowd
  // that is often on screen, IM2); one that comes back while fading continues from where it is.
  // What the last frame drew (and the tests' hook reads); a leaving avatar is drawn as it was there.
  let lastDrawn: DrawnAvatar[] = [];
  const leaving = new Map<string, DrawnAvatar>();
  cb.onAdd("avatars", (a: Avatar, id: string) => {
    const now = performance.now();
    const glide = glides.get(id);
    leaving.delete(id);
    const tile = avatarTile(a);
    if (!tile) return;
    if (glide?.leaving) { glide.reenter(now); glide.target(tile.x, tile.y, now); }
    else glides.set(id, new Glide(tile.x, tile.y, now));
  });
  cb.onRemove("avatars", (_a: Avatar, id: string) => {
    const glide = glides.get(id);
    const last = lastDrawn.find((d) => d.id === id);
    if (!glide || !last || id === room.sessionId) { glides.delete(id); return; }
    leaving.set(id, last);
    glide.leave(performance.now());
  });

  // MV7: the own avatar comes from acks (our view may not even hold it in a dense crowd, IM2).
  room.onMessage("ack", ([seq, x, y, dir]: ServerMessages["ack"]) => {
    const server: Pose = { x, y, dir };
    if (!predictor) predictor = new MovementPredictor(walk, server);
    predictor.acknowledge(seq, server);
  });
  room.onMessage("correction", (c: ServerMessages["correction"]) => {
    predictor?.acknowledge(c.seq, { x: c.x, y: c.y, dir: c.dir });
    path = [];
  });
  room.onMessage("notice", (n: ServerMessages["notice"]) => toast(n.message));
  room.onMessage("welcome", (w: ServerMessages["welcome"]) => {
    welcome = w;
    sessionStorage.setItem(lastKey, w.resume);
    buildButton.hidden = !w.canBuild;
    const admin = w.role === "owner" || w.role === "admin";
    insightsLink.hidden = !admin;
    settingsLink.hidden = !admin;
    if (!w.canBuild) build.toggle(false);
  });
  room.onMessage("built", (b: ServerMessages["built"]) => builds.receive(b));
  room.onMessage("chat", (m: ServerMessages["chat"]) => chat.receive(m));
  room.onMessage("chatHistory", (m: ServerMessages["chatHistory"]) => chat.history(m.messages));
  room.onMessage("announcement", (a: ServerMessages["announcement"]) => team.announce(a));
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
    const target = walkTarget(mirror.compiled, m.x, m.y, predictor.pose);
    const way = target ? findPath(mirror.compiled, predictor.pose, target) : [];
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
  // SE9: closing or leaving the page leaves the space at once (no avatar left behind); a page
  // restored from the back/forward cache joins again.
  const onPageHide = () => { if (!stopped) void room.leave(true).catch(() => {}); };
  window.addEventListener("pagehide", onPageHide);
  window.addEventListener("pageshow", (e) => { if (e.persisted) location.reload(); }, { once: true });
  room.onDrop(() => { status.hidden = false; status.className = "chip status"; status.textContent = "Reconnecting…"; });
  room.onReconnect(() => { status.hidden = true; toast("Reconnected"); });
  room.onLeave((code: number) => {
    stopped = true;
    conversation.dispose();
    builds.close();
    stopWatching();
    window.removeEventListener("keydown", onKeyDown);
    window.removeEventListener("keyup", onKeyUp);
    window.removeEventListener("blur", onBlur);
    document.removeEventListener("visibilitychange", onVisibility);
    window.removeEventListener("pagehide", onPageHide);
    // The process hosting the space drained or died: continue on another one, same place (CL3, CL4).
    if (isMoveCode(code) && welcome.resume) void renderSpace(root, spaceId, profile, welcome.resume);
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
    if (build.active && build.key(e)) { e.preventDefault(); return; }
    if (e.code === "KeyB" && welcome.canBuild && !e.ctrlKey && !e.metaKey && !e.altKey) { build.toggle(); return; }
    if (e.key === "Escape" && desk.openDesk) { desk.close(); return; }
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
  canvas.addEventListener("pointermove", (e) => {
    hover = renderer.tileAt(e.offsetX, e.offsetY);
    if (build.active) build.pointerMove(e);
  });
  canvas.addEventListener("pointerleave", () => { hover = undefined; if (build.active) build.pointerLeave(); });
  // In build mode a press edits (and may drag); otherwise a click walks there.
  canvas.addEventListener("pointerdown", (e) => { if (build.active) build.pointerDown(e); });
  canvas.addEventListener("pointerup", (e) => { if (build.active) build.pointerUp(e); });
  canvas.addEventListener("click", (e) => {
    if (build.active) return;
    const t = renderer.tileAt(e.offsetX, e.offsetY);
    if (!t || !predictor) return;
    if (following) { following = undefined; rosterDirty = true; }
    // A desk: say whose it is and offer to claim it (BM5); walking up to it happens too.
    const d = thingAt(mirror.content, t);
    if (d?.kind === "desk" && (welcome.canClaim || d.claimedBy)) desk.open(d.id);
    else desk.close();
    const pose = predictor.pose;
    goal = walkTarget(mirror.compiled, t.x, t.y, pose);
    path = goal ? findPath(mirror.compiled, pose, goal) : [];
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
      path = findPath(mirror.compiled, pose, goal); // corrected or pushed off the path: re-plan
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
    const held = room.state.avatars.get(following);
    const them = held && avatarTile(held);
    if (!them) { room.send("locate", { id: following }); return; }
    const pose = predictor.pose;
    if (Math.max(Math.abs(them.x - pose.x), Math.abs(them.y - pose.y)) <= 1) { path = []; return; }
    const target = walkTarget(mirror.compiled, them.x, them.y, pose);
    if (target && (!goal || goal.x !== target.x || goal.y !== target.y || path.length === 0)) {
      goal = target;
      path = findPath(mirror.compiled, pose, target);
    }
  }

  // --- frame loop ---------------------------------------------------------------------------
  let lastArea: string | undefined;
  let lastFollowAt = 0;
  let lastDistancesAt = 0;
  function frame(now: number) {
    if (stopped) return;
    const changed = mirror.refresh(room.state);
    if (changed) {
      renderer.setContent(mirror.content, changed);
      // Someone built across the way: walk around it.
      if (goal && predictor && path.length > 0) path = findPath(mirror.compiled, predictor.pose, goal);
    }
    if (now - lastFollowAt > 500) { lastFollowAt = now; follow(); }
    tick(now);
    if (rosterDirty) { rosterDirty = false; renderPeople(list, peopleTitle, room.state.people.entries(), room.sessionId, following, actions); }
    const avatars: DrawnAvatar[] = [];
    let focus = { x: mirror.compiled.spawns[0].x, y: mirror.compiled.spawns[0].y };
    const draw = (a: { x: number; y: number; dir: number; emote: number; coarse?: boolean }, id: string) => {
      const own = id === room.sessionId;
      const pose = own && predictor ? predictor.pose : { x: a.x, y: a.y, dir: a.dir };
      let glide = glides.get(id);
      if (!glide) { glide = new Glide(pose.x, pose.y, now); glides.set(id, glide); }
      glide.target(pose.x, pose.y, now, a.coarse);
      if (a.coarse) pose.dir = glide.heading;
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
    };
    room.state.avatars.forEach((a, id) => {
      const tile = id !== room.sessionId && avatarTile(a);
      if (tile) draw({ ...tile, dir: a.dir, emote: a.emote }, id);
    });
    for (const [id, last] of leaving) {
      const glide = glides.get(id);
      if (!glide || glide.gone(now) || room.state.avatars.has(id)) { leaving.delete(id); if (glide?.leaving) glides.delete(id); continue; }
      const at = glide.at(now);
      avatars.push({ ...last, x: at.x, y: at.y, moving: at.moving, alpha: glide.opacity(now), talking: false });
    }
    // The own avatar is drawn from the prediction, held in the view or not (IM2).
    if (predictor) draw({ ...predictor.pose, emote: room.state.avatars.get(room.sessionId)?.emote ?? 0 }, room.sessionId);
    if (predictor) {
      const area = areaAt(mirror.compiled, predictor.pose.x, predictor.pose.y)?.name;
      if (area && area !== lastArea) toast(`Entered ${area}`);
      lastArea = area;
    }
    if (now - lastDistancesAt > 200 && predictor) {
      lastDistancesAt = now;
      const me = predictor.pose;
      const d = new Map<string, number>();
      for (const id of peers) {
        const held = room.state.avatars.get(id);
        const a = held && avatarTile(held);
        if (a) d.set(id, Math.max(Math.abs(a.x - me.x), Math.abs(a.y - me.y)));
      }
      conversation.setDistances(d);
    }
    if (locateFlash && now > locateFlash.until) locateFlash = undefined;
    if (locateFlash) {
      // Pan toward the located person for the first 2.5 s, then glide back to ourselves.
      const left = locateFlash.until - now;
      const k = left > 1500 ? Math.min(1, (4000 - left) / 600) : Math.max(0, left / 1500);
      focus = { x: focus.x + (locateFlash.tile.x - focus.x) * k, y: focus.y + (locateFlash.tile.y - focus.y) * k };
    }
    const overlay = build.frame(now);
    desk.frame();
    lastDrawn = avatars;
    renderer.draw({
      now, focus, avatars, hover: build.active && build.tool.tool.type !== "select" ? undefined : hover,
      path: path.length ? path : locateFlash?.way, marker: locateFlash?.tile,
      build: overlay, selfUserId: welcome.userId,
    });
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  // Read-only hooks for browser tests and debugging.
  (window as unknown as { __plaza: unknown }).__plaza = {
    sessionId: room.sessionId,
    pose: () => predictor?.pose,
    /** What the last frame drew: avatars in view, and those fading out after leaving it. */
    drawn: () => lastDrawn.map((a) => ({ id: a.id, x: a.x, y: a.y, alpha: a.alpha })),
    screenOf: (x: number, y: number) => renderer.screenOf({ x, y }),
    walkable: (x: number, y: number) => mirror.compiled.blocked[y * map.width + x] === 0 && x >= 0 && y >= 0 && x < map.width && y < map.height,
    avatars: () => [...room.state.avatars.entries()].map(([id, a]) => ({ id, ...avatarTile(a), dir: a.dir, emote: a.emote, name: room.state.people.get(id)?.name ?? "" })),
    people: () => [...room.state.people.values()].map((p) => p.name),
    peers: () => [...peers],
    av: conversation,
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
    build: (op: BuildOp): Promise<Built> => build.send(op),
    welcome: () => ({ ...welcome }),
    buildMode: () => build.active,
  };
}
