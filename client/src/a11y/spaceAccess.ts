/**
 * The space for keyboards and screen readers (SPEC UX10–UX15), put together: the skip link, the
 * outline and its "walk me to", the live regions and what they announce (arrivals, departures,
 * conversations, rooms, direct messages), the help sheet, comfort settings, sounds and
 * notifications, and the profile dialog. The space view hands it what the room says; it sends
 * nothing itself but walks (walk.ts) and `locate`s through its deps.
 */
import type { Area } from "../../../shared/map.ts";
import { isWalkable, type Tile, type Walkable } from "../../../shared/grid.ts";
import type { ChatMessage, PeersUpdate, ServerMessages } from "../../../shared/protocol.ts";
import type { Person } from "../../../shared/state.ts";
import type { WalkController } from "../space/walk.ts";
import { button, el } from "../ui/dom.ts";
import { openProfileDialog, type Profile } from "../ui/profile.ts";
import { comfort } from "./comfort.ts";
import { openComfortDialog } from "./comfortPanel.ts";
import { dialogOpen } from "./dialog.ts";
import { openHelpSheet } from "./helpSheet.ts";
import { keyBelongsToControl, plainKey } from "./keys.ts";
import { LiveRegion } from "./liveRegion.ts";
import { notifyDm, notifyKnock } from "./notify.ts";
import { knockEvents } from "../space/knockEvents.ts";
import { OUTLINE_ID, OutlinePanel } from "./outline.ts";
import { outlineOf } from "./outlineModel.ts";
import { play } from "./sounds.ts";

/** How often the outline looks at where people stand (it redraws only when that changes what it says). */
const OUTLINE_MS = 1000;
/** A walk the room cut short (a `correction` drops the path, MV6) is taken up again this many times. */
const WALK_RETRIES = 5;

export interface SpaceAccessDeps {
  view: HTMLElement;
  topbar: HTMLElement;
  selfId: string;
  people(): Iterable<[string, Person]>;
  walk: WalkController;
  map(): Walkable & { areas: readonly Area[] };
  /** Where someone's avatar stands, while in view (IM1). */
  tileOf(id: string): Tile | undefined;
  peers(): readonly string[];
  nameOf(id: string): string;
  message(id: string): void;
  follow(id: string): void;
  locate(id: string): void;
  profile: Profile;
  sendProfile(name: string, look: number): void;
}

export class SpaceAccess {
  readonly live = new LiveRegion();
  private readonly outline: OutlinePanel;
  private readonly outlineButton = button("Outline", "outline-toggle");
  private readonly profileButton = button("", "profile-button");
  private readonly timer: number;
  private ready = false;
  private readonly names = new Map<string, string>();
  private lastPeers: readonly string[] = [];
  private lastArea: string | null = null;
  /** Someone out of view whose `located` answer we walk to. */
  private pendingWalk: string | undefined;
  /** What "walk me to" is walking to, until we get there. */
  private walkingTo: { name: string; tile: Tile; retries: number } | undefined;

  constructor(private readonly d: SpaceAccessDeps) {
    this.outline = new OutlinePanel({
      walkToPerson: (id) => this.walkToPerson(id),
      walkToPlace: (name, target) => this.walkTo(target, name, `Walking to ${name}`),
      message: d.message,
      follow: (id) => { d.follow(id); this.refresh(); },
      following: () => d.walk.following,
      close: () => this.showOutline(false, true),
    });
    const skip = el("a", "skip-link");
    skip.href = `#${OUTLINE_ID}`;
    skip.textContent = "Skip to the outline of the space";
    skip.onclick = (e) => { e.preventDefault(); this.showOutline(true, true); };
    d.view.prepend(skip);
    d.view.append(this.outline.root, this.live.root);
    d.topbar.append(this.toolbar());
    this.showOutline(comfort().outline, false);
    this.timer = window.setInterval(() => this.tick(), OUTLINE_MS);
    window.addEventListener("keydown", this.onKey);
    d.view.addEventListener("pointerdown", this.tookOver);
    // NV: knocks and their answers are said too; a knock on you waits for an answer, so it is urgent.
    this.stopKnocks = knockEvents.on((e) => {
      this.live.say(e.text, e.kind === "knocked");
      if (e.kind === "knocked") notifyKnock(e.text);
    });
  }

  private readonly stopKnocks: () => void;

  private toolbar(): HTMLElement {
    const bar = el("div", "chip a11y-bar");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Space tools");
    this.outlineButton.setAttribute("aria-controls", OUTLINE_ID);
    this.outlineButton.title = "Outline of the space (O)";
    this.outlineButton.onclick = () => this.showOutline(!this.outline.open, true);
    const help = button("?", "help-button", () => openHelpSheet());
    help.setAttribute("aria-label", "Keyboard shortcuts");
    help.title = "Keyboard shortcuts (?)";
    const settings = button("Comfort", "comfort-button", () => openComfortDialog());
    settings.title = "Theme, motion, text size, sounds, notifications (C)";
    this.profileButton.title = "Change your name and look (P)";
    this.profileButton.onclick = () => this.editProfile();
    this.showName();
    bar.append(this.outlineButton, help, settings, this.profileButton);
    return bar;
  }

  private showName(): void {
    this.profileButton.textContent = `You: ${this.d.profile.name}`;
  }

  /** Walking by key or by pointer takes over from "walk me to". */
  private readonly tookOver = () => { this.walkingTo = undefined; };

  private readonly onKey = (e: KeyboardEvent) => {
    if (!plainKey(e) || keyBelongsToControl(e) || dialogOpen()) return;
    if (/^(Arrow|Key[WASD]$)/.test(e.code)) return this.tookOver();
    const act = ({ "?": () => openHelpSheet(), o: () => this.showOutline(!this.outline.open, true), c: () => openComfortDialog(), p: () => this.editProfile() } as Record<string, () => void>)[e.key.toLowerCase()];
    if (!act || (e.key.length === 1 && e.key !== "?" && e.shiftKey)) return;
    e.preventDefault();
    act();
  };

  showOutline(open: boolean, focus: boolean): void {
    this.outline.show(open);
    this.outlineButton.setAttribute("aria-expanded", String(open));
    this.d.view.classList.toggle("outline-open", open);
    if (open) { this.refresh(); if (focus) this.outline.root.focus(); }
    else if (focus) this.outlineButton.focus();
  }

  private editProfile(): void {
    openProfileDialog(this.d.profile, (name, look) => {
      Object.assign(this.d.profile, { name, look });
      this.d.sendProfile(name, look);
      this.showName();
      this.live.say(`Your name is now ${name}`);
    });
  }

  /** The first state and history arrived: from now on arrivals are news. */
  start(): void {
    for (const [id, p] of this.d.people()) this.names.set(id, p.name);
    this.ready = true;
    this.refresh();
  }

  joined(id: string, p: Person): void {
    this.names.set(id, p.name);
    if (this.ready && id !== this.d.selfId) this.live.add({ kind: "joinedSpace", id, name: p.name });
  }

  changed(id: string, p: Person): void {
    const before = this.names.get(id);
    this.names.set(id, p.name);
    if (this.ready && before !== undefined && before !== p.name && id !== this.d.selfId) this.live.say(`${before} is now called ${p.name}`);
  }

  left(id: string, p: Person): void {
    this.names.delete(id);
    if (this.pendingWalk === id) this.pendingWalk = undefined;
    if (this.ready && id !== this.d.selfId) this.live.add({ kind: "leftSpace", id, name: p.name });
  }

  /** The room's `peers`: who joined or left my conversation, and the room I am in (PX*, MP4). */
  peers(m: PeersUpdate): void {
    const { nameOf } = this.d;
    const joined = m.peers.filter((p) => !this.lastPeers.includes(p));
    const left = this.lastPeers.filter((p) => !m.peers.includes(p));
    if (this.lastPeers.length === 0 && joined.length) this.live.add({ kind: "talking", names: joined.map(nameOf) });
    for (const id of joined) this.live.add({ kind: "joinedConversation", id, name: nameOf(id) });
    for (const id of left) this.live.add({ kind: "leftConversation", id, name: nameOf(id) });
    if (joined.length) play("approach");
    if (m.area !== this.lastArea) {
      if (m.area) this.live.add({ kind: "enteredArea", name: m.area });
      else if (this.lastArea) this.live.add({ kind: "leftArea", name: this.lastArea });
    }
    this.lastPeers = m.peers;
    this.lastArea = m.area;
    this.refresh();
  }

  chat(m: ChatMessage): void {
    if (m.scope !== "dm" || m.from === this.d.selfId) return;
    this.live.add({ kind: "dm", name: m.name, text: m.text });
    play("dm");
    notifyDm(m.name, m.text);
  }

  /** An answer to `locate`: true when it was for "walk me to" (then we walk there). */
  located(m: ServerMessages["located"]): boolean {
    if (this.pendingWalk !== m.id) return false;
    this.pendingWalk = undefined;
    if (!m.found) { this.live.say(`${this.d.nameOf(m.id)} left the space`); return true; }
    this.walkTo(this.beside({ x: m.x, y: m.y }), this.d.nameOf(m.id));
    return true;
  }

  private walkToPerson(id: string): void {
    const tile = this.d.tileOf(id);
    if (!tile) { this.pendingWalk = id; this.d.locate(id); return; }
    this.walkTo(this.beside(tile), this.d.nameOf(id));
  }

  /** A free tile next to `t`, the nearest to me (standing on someone is rude); else `t`. */
  private beside(t: Tile): Tile {
    const map = this.d.map();
    const me = this.d.walk.pose ?? t;
    const around = [{ x: t.x, y: t.y + 1 }, { x: t.x, y: t.y - 1 }, { x: t.x - 1, y: t.y }, { x: t.x + 1, y: t.y }].filter((n) => isWalkable(map, n.x, n.y));
    around.sort((a, b) => Math.abs(a.x - me.x) + Math.abs(a.y - me.y) - (Math.abs(b.x - me.x) + Math.abs(b.y - me.y)));
    return around[0] ?? t;
  }

  private walkTo(t: Tile, name: string, saying?: string): void {
    const { walk } = this.d;
    walk.unfollow();
    walk.walkTo(t);
    const steps = walk.way.length;
    const pose = walk.pose;
    const there = pose !== undefined && pose.x === t.x && pose.y === t.y;
    if (!there && steps === 0) { this.live.say(`No way to ${name} from here`); return; }
    this.walkingTo = there ? undefined : { name, tile: t, retries: WALK_RETRIES };
    this.live.say(there ? `You are at ${name}` : `${saying ?? `Walking to ${name}`}, ${steps} steps`);
  }

  /** Says when "walk me to" got there; takes a walk up again that a correction cut short. */
  private followUp(): void {
    const w = this.walkingTo;
    const { walk } = this.d;
    if (!w || walk.way.length > 0) return;
    const pose = walk.pose;
    if (pose && Math.abs(pose.x - w.tile.x) + Math.abs(pose.y - w.tile.y) <= 1) {
      this.live.say(`You arrived at ${w.name}`);
      this.walkingTo = undefined;
    } else if (walk.following || w.retries-- <= 0) {
      this.walkingTo = undefined; // a key, a click or following took over, or there is no getting there
    } else {
      walk.walkTo(w.tile);
    }
  }

  private tick(): void {
    this.followUp();
    this.refresh();
  }

  private refresh(): void {
    if (!this.outline.open) return;
    const { d } = this;
    this.outline.update(outlineOf({
      selfId: d.selfId, people: d.people(), rooms: d.map().areas, myPeers: d.peers(),
      tileOf: (id) => (id === d.selfId ? d.walk.pose : d.tileOf(id)),
    }));
  }

  stop(): void {
    clearInterval(this.timer);
    this.live.stop();
    window.removeEventListener("keydown", this.onKey);
    this.stopKnocks();
  }
}
