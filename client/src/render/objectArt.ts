/**
 * Build-mode art drawn in code: the movable furniture objects and the painted tiles of a space, in
 * the style of the office tileset (shared/maps/tools/draw-tileset.ts): its palette, 1-px outlines
 * tinted from the shape, a soft shadow falling down-right, a 3/4 view seen from the south.
 *
 * Each object kind is a small model in its own frame (front facing down, 32 units per tile): boxes
 * with a height standing on the floor and flat ellipses (leaves). It is rotated onto its footprint
 * and projected in screen space, so whatever the rotation the light, the outline and the visible
 * side faces stay on the same sides, and a screen or whiteboard shows its display only when it
 * faces the viewer. Sprites never leave their footprint: a model too tall for it is flattened.
 *
 * Cost: a sprite is rasterised once per kind × rotation at 32 px per tile, then cached once more per
 * tile size; drawing a frame is one drawImage per object. Floors use the tileset's own texture code
 * and seeds, so a painted floor matches the base map's tiles pixel for pixel (checked by
 * client/test/objectArt.browser.test.ts). Everything is deterministic: no clock, no Math.random.
 *
 * Here: the public drawing API and the canvas caches. The models are in objectModel.ts (vocabulary)
 * and furniture*.ts (one file per family), their projection in objectRaster.ts, floors in floorArt.ts.
 */
import { PAINTS } from "../../../shared/world.ts";
import type { Pixels } from "../../../shared/art/pixels.ts";
import { texturePixels } from "./floorArt.ts";
import { kindSize, modelOf } from "./furniture.ts";
import { U } from "./objectModel.ts";
import { spritePixels } from "./objectRaster.ts";

/** Names for the build palette. */
export const OBJECT_LABELS: Record<string, string> = {
  desk: "Desk",
  chair: "Chair",
  plant: "Plant",
  whiteboard: "Whiteboard",
  screen: "Screen",
  sofa: "Sofa",
  table: "Table",
};

export const PAINT_LABELS: Record<string, string> = {
  wall: "Wall",
  wood: "Wood floor",
  carpet: "Carpet",
  tiles: "Tiles",
  grass: "Grass",
};

export interface ObjectDrawOptions {
  /** Semi-transparent preview (placing or dragging). */
  ghost?: boolean;
  /** Highlight outline around the footprint. */
  selected?: boolean;
  /** A preview that cannot be placed: red-tinted ghost. */
  invalid?: boolean;
  /** Name of whoever claimed this desk: drawn as a small tag. */
  claimedBy?: string | null;
}

// ---------------------------------------------------------------------------
// canvases and caches

type Surface = HTMLCanvasElement | OffscreenCanvas;
type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

function makeSurface(w: number, h: number): Surface {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(w, h);
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  return c;
}

function context(s: Surface): Ctx2D {
  return s.getContext("2d") as Ctx2D;
}

function toSurface(p: Pixels): Surface {
  const s = makeSurface(p.w, p.h);
  context(s).putImageData(new ImageData(p.data, p.w, p.h), 0, 0);
  return s;
}

/** Sprites at 32 px per tile, by `kind:rot:variant`. */
const baseSprites = new Map<string, Surface>();
/** The same scaled to a tile size, by `kind:rot:variant:tile`; cleared when it grows past SCALED_MAX. */
const scaledSprites = new Map<string, Surface>();
const SCALED_MAX = 512;

type Variant = "normal" | "invalid";

function normaliseRot(rot: number): 0 | 1 | 2 | 3 {
  const r = Math.round(Number(rot));
  return Number.isFinite(r) ? (((r % 4) + 4) % 4 as 0 | 1 | 2 | 3) : 0;
}

function baseSprite(kind: string, rot: 0 | 1 | 2 | 3, variant: Variant): Surface {
  const key = `${kind}:${rot}:${variant}`;
  let s = baseSprites.get(key);
  if (s) return s;
  if (variant === "normal") {
    const model = modelOf(kind);
    s = toSurface(spritePixels(model, model.symmetric ? 0 : rot));
  } else {
    const normal = baseSprite(kind, rot, "normal");
    s = makeSurface(normal.width, normal.height);
    const g = context(s);
    g.drawImage(normal, 0, 0);
    g.globalCompositeOperation = "source-atop";
    g.fillStyle = "rgba(232, 56, 56, 0.55)";
    g.fillRect(0, 0, s.width, s.height);
  }
  baseSprites.set(key, s);
  return s;
}

/** `src` redrawn at `scale`: nearest-neighbour when enlarging (crisp pixels), smoothed when shrinking. */
function scaled(key: string, src: Surface, w: number, h: number): Surface {
  if (w === src.width && h === src.height) return src;
  let s = scaledSprites.get(key);
  if (s) return s;
  if (scaledSprites.size >= SCALED_MAX) scaledSprites.clear();
  s = makeSurface(Math.max(1, w), Math.max(1, h));
  const g = context(s);
  g.imageSmoothingEnabled = w < src.width;
  g.imageSmoothingQuality = "high";
  g.drawImage(src, 0, 0, s.width, s.height);
  scaledSprites.set(key, s);
  return s;
}

const textures = new Map<string, Surface>();

function texture(paint: string): Surface {
  let s = textures.get(paint);
  if (!s) {
    s = toSurface(texturePixels(paint));
    textures.set(paint, s);
  }
  return s;
}

// ---------------------------------------------------------------------------
// public drawing API

/**
 * Draws an object with its rotated footprint's top-left at (px, py); `tile` is the tile size in the
 * context's units. Nothing is drawn outside the footprint except a claimed desk's name tag. For
 * crisp pixels under a zoomed transform, draw with `imageSmoothingEnabled = false` (as the world
 * renderer does). Never throws: an unknown kind is drawn as a plain crate on one tile.
 */
export function drawObject(
  ctx: CanvasRenderingContext2D,
  kind: string,
  rot: 0 | 1 | 2 | 3,
  px: number,
  py: number,
  tile: number,
  opts: ObjectDrawOptions = {},
): void {
  if (!(tile > 0) || !Number.isFinite(px) || !Number.isFinite(py)) return;
  const r = normaliseRot(rot);
  const size = kindSize(kind);
  const fw = r % 2 === 0 ? size.w : size.h;
  const fh = r % 2 === 0 ? size.h : size.w;
  const w = Math.round(fw * tile);
  const h = Math.round(fh * tile);
  const variant: Variant = opts.invalid ? "invalid" : "normal";
  const sprite = scaled(`${kind}:${r}:${variant}:${w}x${h}`, baseSprite(kind, r, variant), w, h);

  if (opts.ghost || opts.invalid) {
    ctx.save();
    // the footprint itself, so a preview shows where it lands even where the sprite is thin
    ctx.fillStyle = opts.invalid ? "rgba(232, 56, 56, 0.22)" : "rgba(255, 255, 255, 0.16)";
    ctx.fillRect(px, py, w, h);
    ctx.globalAlpha *= 0.6;
    ctx.drawImage(sprite, px, py, w, h);
    ctx.restore();
  } else {
    ctx.drawImage(sprite, px, py, w, h);
  }

  if (opts.selected) {
    ctx.save();
    const lw = Math.max(1, Math.round(tile / 16));
    ctx.lineWidth = lw;
    ctx.strokeStyle = "rgba(20, 24, 34, 0.6)";
    ctx.strokeRect(px + lw * 1.5, py + lw * 1.5, w - lw * 3, h - lw * 3);
    ctx.strokeStyle = "#4fd1c5";
    ctx.strokeRect(px + lw / 2, py + lw / 2, w - lw, h - lw);
    ctx.restore();
  }
  if (opts.claimedBy) nameTag(ctx, opts.claimedBy, px + w / 2, py + h, tile);
}

/** A small name tag centred on (cx, bottom), e.g. the front edge of a claimed desk. */
function nameTag(ctx: CanvasRenderingContext2D, name: string, cx: number, bottom: number, tile: number): void {
  const text = name.length > 14 ? `${name.slice(0, 13)}…` : name;
  const fontPx = Math.max(6, Math.round(tile * 0.27));
  ctx.save();
  ctx.font = `600 ${fontPx}px system-ui, sans-serif`;
  const padX = Math.round(fontPx * 0.45);
  const w = Math.ceil(ctx.measureText(text).width) + padX * 2 + fontPx * 0.7;
  const h = Math.round(fontPx * 1.35);
  const x = Math.round(cx - w / 2);
  const y = Math.round(bottom - h - tile * 0.06);
  ctx.fillStyle = "rgba(20, 24, 34, 0.82)";
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, Math.round(h / 3));
  ctx.fill();
  ctx.fillStyle = "#f2b632"; // a pin: this desk is someone's
  ctx.beginPath();
  ctx.arc(x + padX + fontPx * 0.2, y + h / 2, Math.max(1, fontPx * 0.2), 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = "#fff";
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  // fillText draws text, never markup: any name is safe here.
  ctx.fillText(text, x + padX + fontPx * 0.55, y + h / 2 + 0.5);
  ctx.restore();
}

/** Draws one painted tile at (px, py), `tile` units square. Same pixels every frame. */
export function drawPaint(ctx: CanvasRenderingContext2D, paint: string, px: number, py: number, tile: number): void {
  if (!(tile > 0) || !Number.isFinite(px) || !Number.isFinite(py)) return;
  const t = Math.round(tile);
  ctx.drawImage(scaled(`paint:${paint}:${t}`, texture(paint), t, t), px, py, t, t);
}

/**
 * Palette button art for an object kind (drawn at rot 0, fitted and centred) or a paint, in the
 * square (0, 0)–(size, size) of `ctx`.
 */
export function drawPaletteIcon(ctx: CanvasRenderingContext2D, kindOrPaint: string, size: number): void {
  if (!(size > 0)) return;
  ctx.save();
  const inset = Math.max(1, Math.round(size * 0.08));
  const s = size - inset * 2;
  if ((PAINTS as readonly string[]).includes(kindOrPaint)) {
    ctx.imageSmoothingEnabled = s < U;
    ctx.drawImage(texture(kindOrPaint), inset, inset, s, s);
    ctx.strokeStyle = "rgba(20, 24, 34, 0.55)";
    ctx.lineWidth = 1;
    ctx.strokeRect(inset + 0.5, inset + 0.5, s - 1, s - 1);
  } else {
    const sprite = baseSprite(kindOrPaint, 0, "normal");
    const scale = Math.min(s / sprite.width, s / sprite.height);
    const w = sprite.width * scale;
    const h = sprite.height * scale;
    ctx.imageSmoothingEnabled = scale < 1;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(sprite, (size - w) / 2, (size - h) / 2, w, h);
  }
  ctx.restore();
}
