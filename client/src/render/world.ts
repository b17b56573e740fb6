/**
 * Draws the world on one Canvas 2D: the map (pre-rendered once into offscreen canvases), the
 * space's content over it (paint cached in its own canvas, redrawn only when paint changes;
 * objects depth-sorted with the avatars, only those in view), areas, the hovered tile and the
 * walk target, build-mode previews, and a following camera. It only reads what it is given; it
 * never touches the network. Areas, spawn points, previews, tags and labels: worldMarks.ts.
 */
import { renderLayers, type TilesetImages } from "./mapImages.ts";
import type { SpaceMap } from "../../../shared/map.ts";
import type { Tile } from "../../../shared/map.ts";
import { footprint, type SpawnPoint, type Thing, type WorldContent, type Zone } from "../../../shared/world.ts";
import { drawAvatar } from "./avatarArt.ts";
import { drawObject, drawPaint } from "./objectArt.ts";
import { depthOf, type Ghost } from "../buildmode/buildTool.ts";
import { drawAreaOutlines } from "./areaLabels.ts";
import { drawDeskTag, drawGhost, drawNameLabel, drawSpawnMarker, drawWalkHints, drawZone, drawZoneLabel } from "./worldMarks.ts";

export interface DrawnAvatar {
  id: string;
  /** Position in tiles (fractional while gliding). */
  x: number;
  y: number;
  dir: number;
  look: number;
  name: string;
  moving: boolean;
  own: boolean;
  /** 0..1, for fading avatars into and out of view (IM4). */
  alpha: number;
  /** Emote glyph shown over the head. */
  emote?: string;
  status?: string;
  /** In my conversation right now. */
  talking?: boolean;
}

export interface Frame {
  now: number;
  /** Camera centre in tiles. */
  focus: { x: number; y: number };
  avatars: DrawnAvatar[];
  hover?: Tile;
  path?: readonly Tile[];
  /** A tile to point at (locate). */
  marker?: Tile;
  /** Build mode: area labels, spawn points, previews and selection. */
  build?: BuildOverlay;
  /** Whose claimed desk to highlight (the viewer's account id). */
  selfUserId?: string | null;
}

export interface BuildOverlay {
  /** Build mode is on: areas tinted and labelled, spawn points shown. Off: only edits in flight. */
  active: boolean;
  /** Previews: under the pointer, of a drag, and of edits sent but not answered yet. */
  ghosts: Ghost[];
  /** Ghosts of edits in flight are drawn fainter. */
  pending: Ghost[];
  selected?: string;
  /** Entities drawn faded: being dragged, or an edit of them is in flight. */
  dims: ReadonlySet<string>;
}

// The map canvases are pre-rendered from the tileset images in mapImages.ts.
export { renderLayers } from "./mapImages.ts";

/** The zoom the person chose (space/zoom.ts): device pixels per art pixel, a whole number (UX3). */
export interface Scale { scale(v: ScaleView): number }
export interface ScaleView { cssWidth: number; cssHeight: number; dpr: number; tileSize: number }

export class WorldRenderer {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly base: HTMLCanvasElement;
  private readonly over: HTMLCanvasElement;
  /** Painted tiles, drawn once per paint change (not per frame). */
  private paintLayer: HTMLCanvasElement | undefined;
  /** Objects in depth order; areas; spawn points. Replaced when the content changes. */
  private things: Thing[] = [];
  private zones: Zone[] = [];
  private spawns: SpawnPoint[] = [];
  private zoom = 2;
  private camX = 0;
  private camY = 0;
  /** Closed meeting rooms (NV1), drawn with a lock. */
  closedRooms: ReadonlySet<string> = new Set();

  constructor(private readonly canvas: HTMLCanvasElement, private readonly map: SpaceMap, tileset: TilesetImages, private readonly scale: Scale) {
    this.ctx = canvas.getContext("2d")!;
    this.base = renderLayers(map, tileset, false);
    this.over = renderLayers(map, tileset, true);
  }

  /** New content from the synced state; `paint` says whether the paint cache must be redrawn. */
  setContent(w: WorldContent, change: { paint: boolean; entities: boolean }) {
    if (change.entities) {
      this.things = [...w.things.values()].sort((a, b) => depthOf(a) - depthOf(b) || (a.id < b.id ? -1 : 1));
      this.zones = [...w.zones.values()].sort((a, b) => b.w * b.h - a.w * a.h);
      this.spawns = [...w.spawns.values()];
    }
    if (change.paint) this.paintLayer = w.paint.size ? this.renderPaint(w) : undefined;
  }

  private renderPaint(w: WorldContent): HTMLCanvasElement {
    const { map } = this;
    const ts = map.tileSize;
    const c = this.paintLayer ?? document.createElement("canvas");
    c.width = map.width * ts;
    c.height = map.height * ts;
    const g = c.getContext("2d")!;
    g.imageSmoothingEnabled = false;
    g.clearRect(0, 0, c.width, c.height);
    for (const [i, paint] of w.paint) {
      if (i >= map.width * map.height) continue;
      drawPaint(g, paint, (i % map.width) * ts, Math.floor(i / map.width) * ts, ts);
    }
    return c;
  }

  /** Canvas-pixel size follows the element size × devicePixelRatio. */
  private fit() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.canvas.clientWidth * dpr);
    const h = Math.round(this.canvas.clientHeight * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    this.zoom = this.scale.scale(this.view());
  }

  /** The view the zoom is chosen for. */
  view(): ScaleView {
    return { cssWidth: this.canvas.clientWidth, cssHeight: this.canvas.clientHeight, dpr: window.devicePixelRatio || 1, tileSize: this.map.tileSize };
  }

  /** Tile under a point given in CSS pixels relative to the canvas. */
  tileAt(cssX: number, cssY: number): Tile | undefined {
    const dpr = window.devicePixelRatio || 1;
    const wx = (cssX * dpr) / this.zoom + this.camX;
    const wy = (cssY * dpr) / this.zoom + this.camY;
    const x = Math.floor(wx / this.map.tileSize);
    const y = Math.floor(wy / this.map.tileSize);
    if (x < 0 || y < 0 || x >= this.map.width || y >= this.map.height) return undefined;
    return { x, y };
  }

  /** Centre of a tile in CSS pixels relative to the canvas (for tests and UI overlays). */
  screenOf(t: Tile): { x: number; y: number } {
    const dpr = window.devicePixelRatio || 1;
    const ts = this.map.tileSize;
    return { x: (((t.x + 0.5) * ts - this.camX) * this.zoom) / dpr, y: (((t.y + 0.5) * ts - this.camY) * this.zoom) / dpr };
  }

  draw(frame: Frame) {
    this.fit();
    const { ctx, map, zoom } = this;
    const ts = map.tileSize;
    const { viewW, viewH } = this.follow(frame.focus);

    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#151a24";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(zoom, 0, 0, zoom, -this.camX * zoom, -this.camY * zoom);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.base, 0, 0);
    if (this.paintLayer) ctx.drawImage(this.paintLayer, 0, 0);
    const build = frame.build;
    const building = build?.active ?? false;
    for (const z of this.zones) drawZone(ctx, ts, z, building, build?.selected === z.id, build?.dims.has(z.id) ?? false);
    drawWalkHints(ctx, ts, frame);
    if (build?.active) for (const p of this.spawns) drawSpawnMarker(ctx, ts, p.x, p.y, build.selected === p.id, build.dims.has(p.id));

    const visible = this.thingsInView(viewW, viewH);
    const sorted = [...frame.avatars].sort((a, b) => a.y - b.y || (a.own ? 1 : 0) - (b.own ? 1 : 0));
    this.drawBackToFront(frame, visible, sorted);
    ctx.drawImage(this.over, 0, 0);
    // Claimed desks: the owner's name on the desk, over the map's "above" layer like avatar names.
    for (const t of visible) {
      if (!t.claimName) continue;
      drawDeskTag(ctx, ts, t, frame.selfUserId != null && t.claimedBy === frame.selfUserId);
    }
    if (!building) drawAreaOutlines(ctx, ts, this.zones, this.closedRooms); // NV7
    if (build) {
      if (building) for (const z of this.zones) drawZoneLabel(ctx, ts, z);
      ctx.globalAlpha = 0.55;
      for (const g of build.pending) drawGhost(ctx, ts, g);
      ctx.globalAlpha = 1;
      for (const g of build.ghosts) drawGhost(ctx, ts, g);
    }
    for (const a of sorted) {
      ctx.globalAlpha = a.alpha;
      drawNameLabel(ctx, a, (a.x + 0.5) * ts, a.y * ts - 8);
      if (a.emote) {
        const bob = Math.sin(frame.now / 180) * 2;
        ctx.font = "16px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.fillText(a.emote, (a.x + 0.5) * ts, a.y * ts - 24 + bob);
      }
    }
    ctx.globalAlpha = 1;
  }

  /** The pre-rendered map (and paint) for the overview (NV8): drawn scaled down, never re-rendered. */
  overviewLayers(): HTMLCanvasElement[] {
    return this.paintLayer ? [this.base, this.paintLayer, this.over] : [this.base, this.over];
  }

  /** The part of the map on screen at the last frame, in tiles (the overview's view rectangle). */
  viewTiles(): { x: number; y: number; w: number; h: number } {
    const ts = this.map.tileSize;
    return { x: this.camX / ts, y: this.camY / ts, w: this.canvas.width / this.zoom / ts, h: this.canvas.height / this.zoom / ts };
  }

  /**
   * Moves the camera to follow the avatar at `focus` (tiles), keeping the map edge at the screen
   * edge when the map is larger than the view; the view's size in world pixels.
   */
  private follow(focus: { x: number; y: number }): { viewW: number; viewH: number } {
    const { map, zoom } = this;
    const ts = map.tileSize;
    const viewW = this.canvas.width / zoom;
    const viewH = this.canvas.height / zoom;
    const worldW = map.width * ts;
    const worldH = map.height * ts;
    const cx = (focus.x + 0.5) * ts;
    const cy = (focus.y + 0.5) * ts;
    this.camX = worldW <= viewW ? (worldW - viewW) / 2 : Math.min(Math.max(cx - viewW / 2, 0), worldW - viewW);
    this.camY = worldH <= viewH ? (worldH - viewH) / 2 : Math.min(Math.max(cy - viewH / 2, 0), worldH - viewH);
    this.camX = Math.round(this.camX * zoom) / zoom;
    this.camY = Math.round(this.camY * zoom) / zoom;
    return { viewW, viewH };
  }

  /** Objects whose footprint touches the view (one tile of margin), still in depth order. */
  private thingsInView(viewW: number, viewH: number): Thing[] {
    const ts = this.map.tileSize;
    const x0 = this.camX / ts - 1;
    const y0 = this.camY / ts - 1;
    const x1 = (this.camX + viewW) / ts + 1;
    const y1 = (this.camY + viewH) / ts + 1;
    return this.things.filter((t) => {
      const f = footprint(t.kind, t.rot);
      return t.x + f.w >= x0 && t.y + f.h >= y0 && t.x <= x1 && t.y <= y1;
    });
  }

  /** Objects in view and avatars, back to front: an object's lower edge against an avatar's feet. */
  private drawBackToFront(frame: Frame, visible: Thing[], sorted: DrawnAvatar[]) {
    const { ctx } = this;
    const ts = this.map.tileSize;
    const build = frame.build;
    const walkFrame = (a: DrawnAvatar) => (a.moving ? 1 + (Math.floor(frame.now / 140 + a.x + a.y) % 2) : 0);
    let next = 0;
    const drawThingsUpTo = (depth: number) => {
      for (; next < visible.length && depthOf(visible[next]) <= depth; next++) {
        const t = visible[next];
        ctx.globalAlpha = build?.dims.has(t.id) ? 0.4 : 1;
        drawObject(ctx, t.kind, t.rot, t.x * ts, t.y * ts, ts, { selected: build?.selected === t.id });
      }
      ctx.globalAlpha = 1;
    };
    for (const a of sorted) {
      drawThingsUpTo(a.y + 1);
      ctx.globalAlpha = a.alpha;
      if (a.talking) {
        ctx.strokeStyle = "rgba(62,207,110,0.85)";
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.ellipse((a.x + 0.5) * ts, (a.y + 1) * ts - 4, 11, 4.5, 0, 0, Math.PI * 2);
        ctx.stroke();
      }
      drawAvatar(ctx, a.look, a.dir, walkFrame(a), (a.x + 0.5) * ts, (a.y + 1) * ts - 3);
    }
    drawThingsUpTo(Infinity);
    ctx.globalAlpha = 1;
  }
}
