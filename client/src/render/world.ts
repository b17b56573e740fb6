/**
 * Draws the world on one Canvas 2D: the map (pre-rendered once into offscreen canvases), the
 * space's content over it (paint cached in its own canvas, redrawn only when paint changes;
 * objects depth-sorted with the avatars, only those in view), areas, the hovered tile and the
 * walk target, build-mode previews, and a following camera. It only reads what it is given; it
 * never touches the network.
 */
import type { SpaceMap } from "../../../shared/map.ts";
import type { Tile } from "../../../shared/map.ts";
import { footprint, type SpawnPoint, type Thing, type WorldContent, type Zone } from "../../../shared/world.ts";
import { drawAvatar } from "./avatarArt.ts";
import { drawObject, drawPaint } from "./objectArt.ts";
import { depthOf, type Ghost } from "../build/buildTool.ts";

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

const ZONE_STYLE = {
  private: { line: "rgba(79,209,197,0.55)", faint: "rgba(79,209,197,0.3)", fill: "rgba(79,209,197,0.13)", label: "rgba(24,110,102,0.92)" },
  spotlight: { line: "rgba(242,182,50,0.6)", faint: "rgba(242,182,50,0.3)", fill: "rgba(242,182,50,0.14)", label: "rgba(150,104,10,0.92)" },
} as const;

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
  /** Painted tiles, drawn once per paint change (not per frame). */
  private paintLayer: HTMLCanvasElement | undefined;
  /** Objects in depth order; areas; spawn points. Replaced when the content changes. */
  private things: Thing[] = [];
  private zones: Zone[] = [];
  private spawns: SpawnPoint[] = [];
  private zoom = 2;
  private camX = 0;
  private camY = 0;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly map: SpaceMap, tileset: HTMLImageElement) {
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
    if (this.paintLayer) ctx.drawImage(this.paintLayer, 0, 0);
    const build = frame.build;
    const building = build?.active ?? false;
    for (const z of this.zones) this.zone(z, building, build?.selected === z.id, build?.dims.has(z.id) ?? false);

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

    if (build?.active) for (const p of this.spawns) this.spawnMarker(p.x, p.y, build.selected === p.id, build.dims.has(p.id));

    // Objects in view and avatars, back to front: an object's lower edge against an avatar's feet.
    const x0 = this.camX / ts - 1;
    const y0 = this.camY / ts - 1;
    const x1 = (this.camX + viewW) / ts + 1;
    const y1 = (this.camY + viewH) / ts + 1;
    const visible = this.things.filter((t) => {
      const f = footprint(t.kind, t.rot);
      return t.x + f.w >= x0 && t.y + f.h >= y0 && t.x <= x1 && t.y <= y1;
    });
    const sorted = [...frame.avatars].sort((a, b) => a.y - b.y || (a.own ? 1 : 0) - (b.own ? 1 : 0));
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
    ctx.drawImage(this.over, 0, 0);
    // Claimed desks: the owner's name on the desk, over the map's "above" layer like avatar names.
    for (const t of visible) {
      if (!t.claimName) continue;
      this.deskTag(t, frame.selfUserId != null && t.claimedBy === frame.selfUserId);
    }
    if (build) {
      if (building) for (const z of this.zones) this.zoneLabel(z);
      ctx.globalAlpha = 0.55;
      for (const g of build.pending) this.ghost(g);
      ctx.globalAlpha = 1;
      for (const g of build.ghosts) this.ghost(g);
    }
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

  private zone(z: Zone, build: boolean, selected: boolean, dim: boolean) {
    const { ctx } = this;
    const ts = this.map.tileSize;
    const style = ZONE_STYLE[z.kind];
    ctx.globalAlpha = dim ? 0.4 : 1;
    if (build) {
      ctx.fillStyle = style.fill;
      ctx.fillRect(z.x * ts, z.y * ts, z.w * ts, z.h * ts);
    }
    // Outside build mode only a faint dashed edge: enough to see where a room's privacy starts.
    ctx.strokeStyle = selected ? "#4fd1c5" : build ? style.line : style.faint;
    ctx.lineWidth = selected ? 2 : 1;
    ctx.setLineDash(selected ? [] : [4, 3]);
    ctx.strokeRect(z.x * ts + 1, z.y * ts + 1, z.w * ts - 2, z.h * ts - 2);
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
  }

  private zoneLabel(z: Zone) {
    const { ctx } = this;
    const ts = this.map.tileSize;
    ctx.font = "600 9px system-ui, sans-serif";
    const text = z.kind === "spotlight" ? `★ ${z.name}` : z.name;
    const w = Math.min(Math.ceil(ctx.measureText(text).width) + 8, z.w * ts - 4);
    if (w < 12) return;
    ctx.save();
    ctx.fillStyle = ZONE_STYLE[z.kind].label;
    ctx.beginPath();
    ctx.roundRect(z.x * ts + 3, z.y * ts + 3, w, 12, 3);
    ctx.fill();
    ctx.clip();
    ctx.fillStyle = "#fff";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillText(text, z.x * ts + 7, z.y * ts + 9.5);
    ctx.restore();
  }

  private spawnMarker(x: number, y: number, selected: boolean, dim: boolean, invalid = false) {
    const { ctx } = this;
    const ts = this.map.tileSize;
    const cx = (x + 0.5) * ts;
    const cy = (y + 0.5) * ts;
    ctx.save();
    ctx.globalAlpha *= dim ? 0.4 : 1;
    ctx.fillStyle = invalid ? "rgba(232,56,56,0.75)" : "rgba(79,209,197,0.85)";
    ctx.strokeStyle = selected ? "#fff" : "rgba(20,24,34,0.8)";
    ctx.lineWidth = selected ? 2 : 1;
    ctx.beginPath();
    ctx.ellipse(cx, cy + 6, 10, 5, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
    // An arrow pointing down onto the spot: "people appear here".
    ctx.fillStyle = "#fff";
    ctx.beginPath();
    ctx.moveTo(cx - 5, cy - 8);
    ctx.lineTo(cx + 5, cy - 8);
    ctx.lineTo(cx, cy + 3);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
    ctx.restore();
  }

  private ghost(g: Ghost) {
    const { ctx } = this;
    const ts = this.map.tileSize;
    switch (g.type) {
      case "object":
        drawObject(ctx, g.kind, g.rot, g.x * ts, g.y * ts, ts, { ghost: true, invalid: g.invalid });
        return;
      case "spawn":
        this.spawnMarker(g.x, g.y, false, false, g.invalid);
        return;
      case "zone": {
        const style = ZONE_STYLE[g.kind];
        ctx.fillStyle = g.invalid ? "rgba(232,56,56,0.2)" : style.fill;
        ctx.fillRect(g.x * ts, g.y * ts, g.w * ts, g.h * ts);
        ctx.strokeStyle = g.invalid ? "rgba(232,56,56,0.9)" : "rgba(255,255,255,0.85)";
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 3]);
        ctx.strokeRect(g.x * ts + 1, g.y * ts + 1, g.w * ts - 2, g.h * ts - 2);
        ctx.setLineDash([]);
        ctx.font = "600 9px system-ui, sans-serif";
        ctx.fillStyle = "#fff";
        ctx.textAlign = "right";
        ctx.textBaseline = "bottom";
        ctx.fillText(`${g.w}×${g.h}`, (g.x + g.w) * ts - 4, (g.y + g.h) * ts - 3);
        return;
      }
      case "paint": {
        const a = ctx.globalAlpha;
        for (const t of g.tiles) {
          if (g.paint === "erase") {
            ctx.globalAlpha = a;
            ctx.fillStyle = "rgba(232,56,56,0.28)";
            ctx.fillRect(t.x * ts, t.y * ts, ts, ts);
            ctx.strokeStyle = "rgba(255,255,255,0.7)";
            ctx.lineWidth = 1;
            ctx.strokeRect(t.x * ts + 0.5, t.y * ts + 0.5, ts - 1, ts - 1);
          } else {
            ctx.globalAlpha = a * 0.75;
            drawPaint(ctx, g.paint, t.x * ts, t.y * ts, ts);
          }
        }
        ctx.globalAlpha = a;
        return;
      }
    }
  }

  private deskTag(t: Thing, mine: boolean) {
    const { ctx } = this;
    const ts = this.map.tileSize;
    const f = footprint(t.kind, t.rot);
    const text = t.claimName!.length > 16 ? `${t.claimName!.slice(0, 15)}…` : t.claimName!;
    ctx.font = "600 8px system-ui, sans-serif";
    const w = Math.ceil(ctx.measureText(text).width) + 14;
    // On the desk's back edge: its front is where the owner stands, under their own name.
    const cx = (t.x + f.w / 2) * ts;
    const y = t.rot === 2 ? (t.y + f.h) * ts - 4 : t.y * ts - 6;
    ctx.fillStyle = mine ? "rgba(31,158,143,0.95)" : "rgba(20,24,34,0.82)";
    ctx.beginPath();
    ctx.roundRect(Math.round(cx - w / 2), Math.round(y), w, 10, 3);
    ctx.fill();
    ctx.fillStyle = "#f2b632";
    ctx.beginPath();
    ctx.arc(Math.round(cx - w / 2) + 5, Math.round(y) + 5, 2, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = "#fff";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    // fillText draws text, never markup.
    ctx.fillText(text, Math.round(cx - w / 2) + 9, Math.round(y) + 5.5);
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
