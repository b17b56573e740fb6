/**
 * The meeting view (SPEC SF5): the SFU meeting's people in a grid of up to MAX_TILES tiles, each
 * with a speaking ring from its audio level; the active speaker's tile is larger; any tile can be
 * pinned (first and large), enlarged to fill the window, or shown full screen. A screen share is
 * its own tile, so it can be enlarged to a readable size.
 */
import "./meeting.css";

export const MAX_TILES = 25;
/** Audio level (0..1) from which someone counts as speaking. */
const SPEAKING_LEVEL = 0.02;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  return e;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * A line icon drawn in SVG (the app's font has no glyph for "full screen", U+26F6): `d` is one
 * path in a 24-unit box, stroked in the button's text colour.
 */
function icon(d: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", d);
  svg.append(path);
  return svg;
}
/** Four corners pointing out: full screen. */
const FULL_SCREEN = "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5";

export class MeetingTile {
  readonly root = el("figure", "mv-tile");
  readonly video = el("video");
  private readonly label = el("figcaption");
  level = 0;

  constructor(private readonly view: MeetingView, readonly key: string, name: string, readonly screen: boolean) {
    this.video.autoplay = true;
    this.video.playsInline = true;
    this.video.muted = screen; // voices play from camera tiles only
    if (screen) this.root.classList.add("mv-screen");
    this.root.dataset.key = key;
    const tools = el("div", "mv-tools");
    const button = (face: string | SVGSVGElement, title: string, act: () => void) => {
      const b = el("button", "mv-tool");
      b.type = "button";
      b.append(face);
      b.title = title;
      b.setAttribute("aria-label", title);
      b.onclick = (e) => { e.stopPropagation(); act(); };
      tools.append(b);
      return b;
    };
    button("📌", "Pin", () => view.pin(this.view.pinned === key ? null : key)).classList.add("mv-pin");
    button("⤢", "Enlarge", () => view.enlarge(this.view.enlarged === key ? null : key)).classList.add("mv-enlarge");
    button(icon(FULL_SCREEN), "Full screen", () => void this.root.requestFullscreen?.().catch(() => view.enlarge(key))).classList.add("mv-full");
    this.root.ondblclick = () => view.enlarge(this.view.enlarged === key ? null : key);
    this.root.append(this.video, this.label, tools);
    this.setName(name);
  }

  setName(name: string) {
    const text = this.screen ? `${name}'s screen` : name;
    if (this.label.textContent !== text) this.label.textContent = text;
    this.root.setAttribute("aria-label", text);
  }

  setStream(stream: MediaStream | null) {
    if (this.video.srcObject === stream) return;
    this.video.srcObject = stream;
    if (stream) void this.video.play().catch(() => {});
  }
}

export class MeetingView {
  readonly root = el("section", "mv");
  private readonly grid = el("div", "mv-grid");
  private readonly tiles = new Map<string, MeetingTile>();
  pinned: string | null = null;
  enlarged: string | null = null;
  private speaker: string | null = null;

  constructor(host: HTMLElement) {
    this.root.setAttribute("aria-label", "Meeting");
    this.root.hidden = true;
    this.root.append(this.grid);
    // Beside the dock, not in it: the dock is transformed, which would trap an enlarged (fixed) tile.
    (host.parentElement ?? document.body).append(this.root);
    document.addEventListener("keydown", (e) => { if (e.key === "Escape" && this.enlarged) this.enlarge(null); });
  }

  /** A tile for `key` (a session, or `<session>:screen`); undefined when the grid is full. */
  tile(key: string, name: string, screen = false): MeetingTile | undefined {
    let t = this.tiles.get(key);
    if (!t) {
      if (this.tiles.size >= MAX_TILES) return undefined;
      t = new MeetingTile(this, key, name, screen);
      this.tiles.set(key, t);
      // A screen share is what people came to read: pinned when it appears, unless something is.
      if (screen && this.pinned === null) this.pinned = key;
      this.layout();
    }
    return t;
  }

  remove(key: string) {
    const t = this.tiles.get(key);
    if (!t) return;
    t.setStream(null);
    t.root.remove();
    this.tiles.delete(key);
    if (this.pinned === key) this.pinned = null;
    if (this.enlarged === key) this.enlarged = null;
    this.layout();
  }

  pin(key: string | null) { this.pinned = key; this.layout(); }
  enlarge(key: string | null) { this.enlarged = key; this.layout(); }

  /** Audio levels by key (0..1): the speaking rings and the active speaker. */
  levels(levels: Map<string, number>) {
    let loudest: string | null = null;
    for (const [key, level] of levels) {
      const t = this.tiles.get(key);
      if (!t) continue;
      t.level = level;
      t.root.classList.toggle("mv-speaking", level >= SPEAKING_LEVEL);
      if (level >= SPEAKING_LEVEL && (!loudest || level > levels.get(loudest)!)) loudest = key;
    }
    if (loudest && loudest !== this.speaker) { this.speaker = loudest; this.layout(); }
  }

  get size() { return this.tiles.size; }

  private layout() {
    this.root.hidden = this.tiles.size === 0;
    const first = this.pinned ?? this.speaker;
    const order = [...this.tiles.values()].sort((a, b) => Number(b.key === first) - Number(a.key === first));
    for (const t of order) {
      t.root.classList.toggle("mv-big", t.key === first);
      t.root.classList.toggle("mv-pinned", t.key === this.pinned);
      t.root.classList.toggle("mv-enlarged", t.key === this.enlarged);
    }
    this.root.classList.toggle("mv-has-enlarged", this.enlarged !== null);
    if (order.some((t, i) => this.grid.children[i] !== t.root)) this.grid.replaceChildren(...order.map((t) => t.root));
  }
}
