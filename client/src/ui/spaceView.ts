/**
 * The space view: loads the map, joins the room, and runs the frame loop that turns input into
 * predicted moves (net/predictor) and state into pictures (render/world). UI panels read state.
 */
import { Callbacks } from "@colyseus/sdk";
import { parseTiledMap, areaAt, type SpaceMap, type Tile } from "../../../shared/map.ts";
import { STEP_MS } from "../../../shared/constants.ts";
import { Dir, type ServerMessages } from "../../../shared/protocol.ts";
import { dirOfDelta, type Pose } from "../../../shared/movement.ts";
import { findPath, walkTarget } from "../../../shared/pathfinding.ts";
import type { Avatar } from "../../../shared/state.ts";
import { MovementPredictor } from "../net/predictor.ts";
import { describeJoinError, describeLeave, joinSpace, type SpaceRoom } from "../net/connection.ts";
import { WorldRenderer, type DrawnAvatar } from "../render/world.ts";
import { Glide } from "../render/motion.ts";
import { lookColor } from "../render/avatarArt.ts";
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

export async function renderSpace(root: HTMLElement, spaceId: string, profile: Profile) {
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
  title.append(titleText, copy);
  const status = el("div", "chip status");
  status.textContent = "Connecting…";
  topbar.append(title, status);
  const people = el("aside", "people");
  people.hidden = true;
  const peopleTitle = el("h2");
  const list = el("ul");
  people.append(peopleTitle, list);
  const help = el("div", "help");
  help.textContent = "Move: arrow keys / WASD · click a spot to walk there";
  const toastEl = el("div", "toast");
  toastEl.style.opacity = "0";
  view.append(canvas, topbar, people, help, toastEl);
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
  try {
    ({ map, tileset } = await loadMap(spaceId));
    room = await joinSpace({ spaceId, name: profile.name, look: profile.look });
  } catch (err) {
    fail(err instanceof Error && err.message.startsWith("map") ? `Could not load the map: ${err.message}` : describeJoinError(err));
    return;
  }
  status.hidden = true;
  people.hidden = false;

  const renderer = new WorldRenderer(canvas, map, tileset);
  const glides = new Map<string, Glide>();
  let predictor: MovementPredictor | undefined;
  let lastAckSeq = -1;

  // --- state → prediction and panels -------------------------------------------------------
  const cb = Callbacks.get(room);
  // The roster lists everyone in the space; avatars hold only those near us (IM3).
  const refreshPeople = () => {
    const all = [...room.state.people.entries()].sort(([a, x], [b, y]) => (a === room.sessionId ? -1 : b === room.sessionId ? 1 : x.name.localeCompare(y.name)));
    peopleTitle.textContent = `In this space · ${all.length}`;
    list.replaceChildren(...all.slice(0, 200).map(([id, p]) => {
      const li = el("li");
      const dot = el("span", "dot");
      dot.style.background = lookColor(p.look);
      const name = el("span");
      name.textContent = p.name; // text, never markup (BI4)
      li.append(dot, name);
      if (id === room.sessionId) { const you = el("span", "you"); you.textContent = "(you)"; li.append(you); }
      return li;
    }));
    if (all.length > 200) {
      const more = el("li");
      more.textContent = `and ${all.length - 200} more`;
      list.append(more);
    }
  };
  let rosterDirty = true;
  cb.onAdd("people", () => { rosterDirty = true; });
  cb.onRemove("people", () => { rosterDirty = true; });
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
  room.onDrop(() => { status.hidden = false; status.className = "chip status"; status.textContent = "Reconnecting…"; });
  room.onReconnect(() => { status.hidden = true; toast("Reconnected"); });
  room.onLeave((code: number) => { stopped = true; fail(describeLeave(code)); });

  // --- input --------------------------------------------------------------------------------
  const held: Dir[] = [];
  let path: Tile[] = [];
  let goal: Tile | undefined;
  let hover: Tile | undefined;
  let lastStepAt = -Infinity;
  let stopped = false;

  const isTyping = (e: Event) => e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
  const onKeyDown = (e: KeyboardEvent) => {
    const dir = KEY_DIRS[e.code];
    if (dir === undefined || isTyping(e)) return;
    e.preventDefault();
    if (!held.includes(dir)) held.push(dir);
    path = [];
    goal = undefined;
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

  // --- frame loop ---------------------------------------------------------------------------
  let lastArea: string | undefined;
  function frame(now: number) {
    if (stopped) return;
    tick(now);
    if (rosterDirty) { rosterDirty = false; refreshPeople(); }
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
      avatars.push({ id, x: at.x, y: at.y, dir: pose.dir, look: person?.look ?? 0, name: person?.name ?? "", moving: at.moving, own, alpha: own ? 1 : glide.opacity(now) });
    });
    if (predictor) {
      const area = areaAt(map, predictor.pose.x, predictor.pose.y)?.name;
      if (area && area !== lastArea) toast(`Entered ${area}`);
      lastArea = area;
    }
    renderer.draw({ now, focus, avatars, hover, path });
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  // Read-only hooks for browser tests and debugging.
  (window as unknown as { __plaza: unknown }).__plaza = {
    sessionId: room.sessionId,
    pose: () => predictor?.pose,
    screenOf: (x: number, y: number) => renderer.screenOf({ x, y }),
    walkable: (x: number, y: number) => map.blocked[y * map.width + x] === 0 && x >= 0 && y >= 0 && x < map.width && y < map.height,
    avatars: () => [...room.state.avatars.entries()].map(([id, a]) => ({ id, x: a.x, y: a.y, dir: a.dir, name: room.state.people.get(id)?.name ?? "" })),
    people: () => [...room.state.people.values()].map((p) => p.name),
  };
}
