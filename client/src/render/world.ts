/**
 * Draws the world on one Canvas 2D: the map (pre-rendered once into offscreen canvases), the
 * avatars sorted by depth with name labels, the hovered tile and the walk target, and a
 * following camera. It only reads what it is given each frame; it never touches the network.
 */
import type { SpaceMap } from "../../../shared/map.ts";
import type { Tile } from "../../../shared/map.ts";
import { drawAvatar } from "./avatarArt.ts";

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
  /** 0..1, for fading in avatars that come into view. */
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
  path?: Tile[];
  /** A tile to point at (locate). */
  marker?: Tile;
}

export function renderLayers(map: SpaceMap, tileset: HTMLImageElement, above: boolean): HTMLCanvasElement {
  const c = document.createElement("canvas");
  const ts = map.tileSize;
  c.width = map.width * ts;
  c.height = map.height * ts;
  const g = c.getContext("2d")!;
  g.imageSmoothingEnabled = false;
  const { firstgid, columns, margin, spacing, tileWidth, tileHeight } = map.tileset;
  for (const layer of map.layers) {
    if (layer.above !== above) continue;
    for (let i = 0; i < layer.data.length; i++) {
      const gid = layer.data[i];
      if (gid === 0) continue;
      const id = gid - firstgid;
      const sx = margin + (id % columns) * (tileWidth + spacing);
      const sy = margin + Math.floor(id / columns) * (tileHeight + spacing);
      g.drawImage(tileset, sx, sy, tileWidth, tileHeight, (i % map.width) * ts, Math.floor(i / map.width) * ts, ts, ts);
    }
  }
  return c;
}

export class WorldRenderer {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly base: HTMLCanvasElement;
  private readonly over: HTMLCanvasElement;
  private zoom = 2;
  private camX = 0;
  private camY = 0;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly map: SpaceMap, tileset: HTMLImageElement) {
    this.ctx = canvas.getContext("2d")!;
    this.base = renderLayers(map, tileset, false);
    this.over = renderLayers(map, tileset, true);
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
    // About 15 tiles from the centre to the top/bottom edge, in whole or half pixel steps.
    const css = Math.max(1, Math.min(3, Math.round((this.canvas.clientHeight / (this.map.tileSize * 15)) * 2) / 2));
    this.zoom = css * dpr;
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
    const viewW = this.canvas.width / zoom;
    const viewH = this.canvas.height / zoom;
    const worldW = map.width * ts;
    const worldH = map.height * ts;
    const cx = (frame.focus.x + 0.5) * ts;
    const cy = (frame.focus.y + 0.5) * ts;
    // Follow the avatar; keep the map edge at the screen edge when the map is larger than the view.
    this.camX = worldW <= viewW ? (worldW - viewW) / 2 : Math.min(Math.max(cx - viewW / 2, 0), worldW - viewW);
    this.camY = worldH <= viewH ? (worldH - viewH) / 2 : Math.min(Math.max(cy - viewH / 2, 0), worldH - viewH);
    this.camX = Math.round(this.camX * zoom) / zoom;
    this.camY = Math.round(this.camY * zoom) / zoom;

    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#151a24";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(zoom, 0, 0, zoom, -this.camX * zoom, -this.camY * zoom);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.base, 0, 0);

    if (frame.path && frame.path.length > 0) {
      ctx.fillStyle = "rgba(255,255,255,0.22)";
      for (const t of frame.path) ctx.fillRect(t.x * ts + ts / 2 - 3, t.y * ts + ts / 2 - 3, 6, 6);
      const end = frame.path[frame.path.length - 1];
      ctx.strokeStyle = "rgba(255,255,255,0.8)";
      ctx.lineWidth = 2;
      ctx.strokeRect(end.x * ts + 3, end.y * ts + 3, ts - 6, ts - 6);
    }
    if (frame.hover) {
      ctx.strokeStyle = "rgba(255,255,255,0.35)";
      ctx.lineWidth = 1;
      ctx.strokeRect(frame.hover.x * ts + 0.5, frame.hover.y * ts + 0.5, ts - 1, ts - 1);
    }

    if (frame.marker) {
      const m = frame.marker;
      const pulse = 3 + 2 * Math.sin(frame.now / 150);
      ctx.strokeStyle = "rgba(242,182,50,0.95)";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc((m.x + 0.5) * ts, (m.y + 0.5) * ts, ts / 2 + pulse, 0, Math.PI * 2);
      ctx.stroke();
    }

    const sorted = [...frame.avatars].sort((a, b) => a.y - b.y || (a.own ? 1 : 0) - (b.own ? 1 : 0));
    const walkFrame = (a: DrawnAvatar) => (a.moving ? 1 + (Math.floor(frame.now / 140 + a.x + a.y) % 2) : 0);
    for (const a of sorted) {
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
    ctx.globalAlpha = 1;
    ctx.drawImage(this.over, 0, 0);
    for (const a of sorted) {
      ctx.globalAlpha = a.alpha;
      this.label(a, (a.x + 0.5) * ts, a.y * ts - 8);
      if (a.emote) {
        const bob = Math.sin(frame.now / 180) * 2;
        ctx.font = "16px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.fillText(a.emote, (a.x + 0.5) * ts, a.y * ts - 24 + bob);
      }
    }
    ctx.globalAlpha = 1;
  }

  private label(a: DrawnAvatar, x: number, y: number) {
    const { ctx } = this;
    ctx.font = "600 9px system-ui, sans-serif";
    const w = Math.ceil(ctx.measureText(a.name).width) + 8;
    ctx.fillStyle = a.own ? "rgba(31,158,143,0.92)" : a.status === "dnd" ? "rgba(150,40,50,0.85)" : "rgba(20,24,34,0.78)";
    ctx.beginPath();
    ctx.roundRect(Math.round(x - w / 2), Math.round(y - 11), w, 12, 4);
    ctx.fill();
    if (a.status && a.status !== "available") {
      ctx.fillStyle = a.status === "dnd" ? "#e5646e" : a.status === "busy" ? "#f2b632" : "#9aa6bd";
      ctx.beginPath();
      ctx.arc(Math.round(x - w / 2) - 1, Math.round(y - 10), 3, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.fillStyle = "#fff";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    // fillText draws text, never markup: names are safe whatever they contain (BI4).
    ctx.fillText(a.name, Math.round(x), Math.round(y - 5));
  }
}
