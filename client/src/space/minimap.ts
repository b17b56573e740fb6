/**
 * The overview (NV8): a small map in the corner, collapsible, and a large one in a dialog for big
 * maps. Both draw the renderer's pre-rendered map scaled down (no tile is drawn again), the
 * furniture as dark blocks, every area outlined and named (closed rooms locked), the part of the
 * map on screen, and people as dots — my own white and larger. Only the avatars this client
 * receives have a position (interest management, IM1): the header says how many of the space's
 * people are shown. A click or tap walks there with the same path-finding as a click on the map
 * (MV6, NV9).
 */
import type { SpaceMap, Tile } from "../../../shared/map.ts";
import type { Status } from "../../../shared/protocol.ts";
import { footprint, OBJECT_KINDS, type WorldContent } from "../../../shared/world.ts";
import { areaTagText } from "../render/areaLabels.ts";
import { el } from "../ui/dom.ts";
import { STATUS_COLORS } from "../ui/presenceBar.ts";

/** Someone with a known position. */
export interface MapDot { x: number; y: number; own: boolean; name: string; status: Status }

export interface MinimapDeps {
  parent: HTMLElement;
  map: SpaceMap;
  /** The renderer's pre-rendered map canvases, bottom to top. */
  layers(): CanvasImageSource[];
  content(): WorldContent;
  closedRooms(): ReadonlySet<string>;
  /** People whose position this client knows. */
  dots(): MapDot[];
  /** Everyone in the space (the roster, IM3), for "N of M shown". */
  inSpace(): number;
  /** The part of the map on screen, in tiles. */
  view(): { x: number; y: number; w: number; h: number };
  walkTo(t: Tile): void;
}

/** The corner map's box, in CSS pixels. */
const BOX = { w: 200, h: 150 };
/** Redraws per second: people move a tile per 150 ms, and the map is small. */
const REDRAW_MS = 200;
const COLLAPSED_KEY = "plaza.minimap.collapsed";
/** The compact layout's media query (style.css): phones in either orientation, small windows. */
const COMPACT = "(max-width: 720px), (max-height: 520px)";

export class Minimap {
  readonly root = el("section", "minimap");
  private readonly canvas = el("canvas", "minimap-canvas");
  private readonly count = el("span", "minimap-count");
  private readonly collapse = el("button", "minimap-button");
  private readonly dialog = el("dialog", "overview");
  private readonly big = el("canvas", "overview-canvas");
  private readonly timer: number;
  /** Per canvas: the background drawn last and what the last redraw showed. */
  private readonly backgrounds = new Map<HTMLCanvasElement, { key: string; canvas: HTMLCanvasElement }>();
  private readonly drawn = new Map<HTMLCanvasElement, string>();

  constructor(private readonly d: MinimapDeps) {
    const header = el("header");
    const title = el("h2");
    title.textContent = "Map";
    const expand = el("button", "minimap-button");
    expand.textContent = "⤢";
    expand.title = "Open the large map";
    expand.setAttribute("aria-label", "Open the large map");
    expand.onclick = () => this.open();
    this.collapse.onclick = () => this.setCollapsed(!this.root.classList.contains("collapsed"));
    header.append(title, this.count, expand, this.collapse);
    this.canvas.setAttribute("aria-label", "Overview map: click to walk there");
    this.canvas.addEventListener("click", (e) => this.clicked(e, this.canvas, false));
    this.root.append(header, this.canvas);
    // Collapsed on a phone unless this browser chose otherwise: the map itself needs the room.
    const stored = localStorage.getItem(COLLAPSED_KEY);
    this.setCollapsed(stored === null ? matchMedia(COMPACT).matches : stored === "1", false);

    const dialogHeader = el("header");
    const dialogTitle = el("h2");
    dialogTitle.textContent = "Map — click a place to walk there";
    const close = el("button", "minimap-button");
    close.textContent = "✕";
    close.setAttribute("aria-label", "Close the large map");
    close.onclick = () => this.dialog.close();
    dialogHeader.append(dialogTitle, close);
    this.big.setAttribute("aria-label", "Large map: click to walk there");
    this.big.addEventListener("click", (e) => this.clicked(e, this.big, true));
    this.dialog.append(dialogHeader, this.big);
    d.parent.append(this.root, this.dialog);
    this.timer = window.setInterval(() => this.draw(), REDRAW_MS);
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.dialog.close();
  }

  /** Opens the large map. */
  open(): void {
    if (!this.dialog.open) this.dialog.showModal();
    this.draw();
  }

  /** Page coordinates of a tile's centre on the corner map, or on the large one (tests, NV9). */
  pointOf(t: Tile, large = false): { x: number; y: number } {
    const c = large ? this.big : this.canvas;
    const r = c.getBoundingClientRect();
    const s = r.width / this.d.map.width;
    return { x: r.left + (t.x + 0.5) * s, y: r.top + (t.y + 0.5) * s };
  }

  private setCollapsed(on: boolean, remember = true): void {
    this.root.classList.toggle("collapsed", on);
    this.collapse.textContent = on ? "+" : "–";
    const label = on ? "Show the map" : "Hide the map";
    this.collapse.title = label;
    this.collapse.setAttribute("aria-label", label);
    this.collapse.setAttribute("aria-expanded", String(!on));
    if (remember) localStorage.setItem(COLLAPSED_KEY, on ? "1" : "0");
    this.draw();
  }

  private clicked(e: MouseEvent, c: HTMLCanvasElement, large: boolean): void {
    const r = c.getBoundingClientRect();
    const s = r.width / this.d.map.width;
    const x = Math.floor((e.clientX - r.left) / s);
    const y = Math.floor((e.clientY - r.top) / s);
    if (x < 0 || y < 0 || x >= this.d.map.width || y >= this.d.map.height) return;
    if (large) this.dialog.close();
    this.d.walkTo({ x, y });
  }

  private draw(): void {
    const dots = this.d.dots();
    const total = this.d.inSpace();
    this.count.textContent = dots.length < total ? `${dots.length} of ${total} shown` : `${total} here`;
    this.count.title = dots.length < total ? "Only people near you have a place on the map; the People list has everyone." : "";
    const { map } = this.d;
    if (!this.root.classList.contains("collapsed")) {
      const boxW = Math.min(BOX.w, innerWidth * 0.4); // a phone keeps most of its width for the map
      this.paint(this.canvas, Math.min(boxW / map.width, BOX.h / map.height), dots, false);
    }
    if (this.dialog.open) {
      this.paint(this.big, Math.max(2, Math.min((innerWidth * 0.9) / map.width, (innerHeight * 0.78) / map.height)), dots, true);
    }
  }

  /** Draws the overview at `s` CSS pixels per tile. */
  private paint(c: HTMLCanvasElement, s: number, dots: MapDot[], large: boolean): void {
    const { map } = this.d;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(map.width * s);
    const h = Math.round(map.height * s);
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    const content = this.d.content();
    const layers = this.d.layers();
    const bgKey = `${c.width}x${c.height}|${content.version}|${layers.length}|${[...this.d.closedRooms()].join("\n")}`;
    const v = this.d.view();
    const frameKey = `${bgKey}|${v.x.toFixed(1)},${v.y.toFixed(1)},${v.w.toFixed(1)},${v.h.toFixed(1)}|${dots.map((p) => `${p.x},${p.y},${p.status},${p.own}`).join(";")}`;
    if (this.drawn.get(c) === frameKey) return; // nothing moved: the canvas is up to date
    this.drawn.set(c, frameKey);
    const g = c.getContext("2d")!;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.drawImage(this.background(c, bgKey, s, w, h, content, layers, large), 0, 0);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.strokeStyle = "rgba(255,255,255,0.7)";
    g.lineWidth = 1;
    g.strokeRect(Math.max(0, v.x * s) + 0.5, Math.max(0, v.y * s) + 0.5, Math.min(w, v.w * s) - 1, Math.min(h, v.h * s) - 1);
    this.people(g, s, dots, large);
  }

  /**
   * The map, furniture and areas at this size, drawn once per change of size, content or doors:
   * scaling the full-size map down on every redraw cost each page a few ms five times a second.
   */
  private background(c: HTMLCanvasElement, key: string, s: number, w: number, h: number, content: WorldContent, layers: CanvasImageSource[], large: boolean): HTMLCanvasElement {
    const cached = this.backgrounds.get(c);
    if (cached?.key === key) return cached.canvas;
    const bg = cached?.canvas ?? document.createElement("canvas");
    bg.width = c.width;
    bg.height = c.height;
    const g = bg.getContext("2d")!;
    const dpr = window.devicePixelRatio || 1;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = "#151a24";
    g.fillRect(0, 0, w, h);
    g.imageSmoothingEnabled = true; // scaled down: smoothing reads better than dropped pixels
    for (const layer of layers) g.drawImage(layer, 0, 0, w, h);
    g.fillStyle = "rgba(16,20,30,0.55)";
    for (const t of content.things.values()) {
      if (!OBJECT_KINDS[t.kind].blocks) continue;
      const f = footprint(t.kind, t.rot);
      g.fillRect(t.x * s, t.y * s, f.w * s, f.h * s);
    }
    this.areas(g, s, content, large);
    this.backgrounds.set(c, { key, canvas: bg });
    return bg;
  }

  private areas(g: CanvasRenderingContext2D, s: number, content: WorldContent, large: boolean): void {
    const closed = this.d.closedRooms();
    g.font = `600 ${large ? 12 : 9}px system-ui, sans-serif`;
    g.textBaseline = "top";
    for (const z of content.zones.values()) {
      const shut = z.kind === "private" && closed.has(z.name);
      const color = shut ? "#f07070" : z.kind === "spotlight" ? "#f2b632" : "#4fd1c5";
      g.fillStyle = `${color}22`;
      g.fillRect(z.x * s, z.y * s, z.w * s, z.h * s);
      g.strokeStyle = color;
      g.lineWidth = shut ? 2 : 1;
      g.strokeRect(z.x * s + 0.5, z.y * s + 0.5, z.w * s - 1, z.h * s - 1);
      g.save();
      g.beginPath();
      g.rect(z.x * s, z.y * s, z.w * s, z.h * s);
      g.clip();
      g.fillStyle = "#000a";
      const text = areaTagText(z, shut);
      const tw = g.measureText(text).width + 4;
      g.fillRect(z.x * s + 1, z.y * s + 1, tw, large ? 15 : 11);
      g.fillStyle = "#fff";
      g.fillText(text, z.x * s + 3, z.y * s + 2);
      g.restore();
    }
  }

  private people(g: CanvasRenderingContext2D, s: number, dots: MapDot[], large: boolean): void {
    const r = Math.max(2.5, Math.min(large ? 6 : 4, s * 0.45));
    g.font = "600 11px system-ui, sans-serif";
    g.textBaseline = "bottom";
    g.textAlign = "center";
    // Mine last, so it is never hidden under someone else's.
    for (const p of [...dots].sort((a, b) => Number(a.own) - Number(b.own))) {
      const x = (p.x + 0.5) * s;
      const y = (p.y + 0.5) * s;
      g.beginPath();
      g.arc(x, y, p.own ? r + 1.5 : r, 0, Math.PI * 2);
      g.fillStyle = p.own ? "#ffffff" : STATUS_COLORS[p.status];
      g.fill();
      g.lineWidth = p.own ? 2.5 : 1;
      g.strokeStyle = p.own ? "#27b9a7" : "#10141e";
      g.stroke();
      if (large) {
        g.fillStyle = "#fff";
        g.fillText(p.own ? "You" : p.name, x, y - r - 2);
      }
    }
    g.textAlign = "left";
  }
}
