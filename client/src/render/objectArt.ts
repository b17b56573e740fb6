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
 */
import { OBJECT_KINDS, PAINTS } from "../../../shared/world.ts";
import { carpet, grass, hex, kitchenTiles, mix, P, Pixels, SeededTile, shade, wallTop, withAlpha, woodFloor, type RGBA } from "../../../shared/art/pixels.ts";

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

/** Design units per tile: models are drawn at 1 unit = 1 px of a 32 px tile. */
const U = 32;

// ---------------------------------------------------------------------------
// texture noise on objects

/** Position hash in [0, 1) for texture noise on objects (stable whatever the drawing order). */
function hash01(x: number, y: number, seed: number): number {
  let h = Math.imul(x + 0x9e37, 0x85ebca6b) ^ Math.imul(y + 0x79b9, 0xc2b2ae35) ^ Math.imul(seed, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

// ---------------------------------------------------------------------------
// models

type Facing = "down" | "left" | "up" | "right";
const FACING: readonly Facing[] = ["down", "left", "up", "right"];

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Paints the visible faces of a box in screen space: `south` is empty when the box is flat. */
type Decal = (p: Pixels, top: Rect, south: Rect, facing: Facing) => void;

/**
 * A box in model units: base rectangle (x, y, w, d) in the model's frame (front = +y), standing at
 * elevation z with height h (h = 0: flat, only its top is drawn). `layer` orders things resting on
 * others (drawn after everything of lower layers).
 */
interface Box {
  shape: "box";
  x: number;
  y: number;
  w: number;
  d: number;
  z: number;
  h: number;
  top: RGBA;
  side: RGBA;
  layer: number;
  noise: number;
  /** Long-axis streaks on the top face (wood grain). */
  grain?: boolean;
  decal?: Decal;
}

/** A flat ellipse at elevation z (foliage), darker towards its front edge. */
interface Blob {
  shape: "blob";
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  z: number;
  color: RGBA;
  layer: number;
}

type Part = Box | Blob;

interface Model {
  /** Footprint in tiles at rot 0. */
  w: number;
  h: number;
  parts: Part[];
  seed: number;
  /** Looks the same from every side: drawn at rot 0 whatever the rotation. */
  symmetric?: boolean;
}

function box(x: number, y: number, w: number, d: number, z: number, h: number, top: RGBA, side: RGBA = shade(top, -0.25), extra: Partial<Box> = {}): Box {
  return { shape: "box", x, y, w, d, z, h, top, side, layer: 0, noise: 0.02, ...extra };
}

function blob(cx: number, cy: number, rx: number, ry: number, z: number, color: RGBA, layer = 1): Blob {
  return { shape: "blob", cx, cy, rx, ry, z, color, layer };
}

/**
 * A panel turned sideways (facing left or right) would show only its edge in a view from the south;
 * like most top-down art we cheat and show its display as a narrow band on the side it faces.
 */
function sideBand(top: Rect, south: Rect, facing: Facing, width: number): Rect {
  const y = top.y + 1;
  const h = south.y + south.h - 1 - y;
  return { x: facing === "left" ? top.x - width : top.x + top.w, y, w: width, h };
}

/** Vertical marker strokes scaled into a face rectangle (whiteboard sketch). */
const whiteboardDecal: Decal = (p, top, south, facing) => {
  if (facing === "down" && south.h > 4) {
    const { x, y, w, h } = south;
    p.rect(x, y, w, h, P.aluminium);
    p.rect(x + 1, y + 1, w - 2, h - 2, P.board);
    const blue = hex("#3a6fd8");
    const red = hex("#d8483a");
    const green = hex("#2f9e5a");
    const gx = (f: number): number => x + 2 + Math.round(f * (w - 4));
    const gy = (f: number): number => y + 2 + Math.round(f * (h - 4));
    // boxes and an arrow on the left, a bar chart on the right
    const bw = Math.max(3, gx(0.22) - gx(0));
    const bh = Math.max(2, gy(0.4) - gy(0));
    for (const [bx, by] of [
      [gx(0.04), gy(0.08)],
      [gx(0.36), gy(0.08)],
    ] as const) {
      p.rect(bx, by, bw, 1, blue);
      p.rect(bx, by + bh, bw + 1, 1, blue);
      p.rect(bx, by, 1, bh, blue);
      p.rect(bx + bw, by, 1, bh, blue);
    }
    p.rect(gx(0.04) + bw + 1, gy(0.08) + (bh >> 1), gx(0.36) - gx(0.04) - bw - 1, 1, red);
    p.rect(gx(0.04), gy(0.78), gx(0.5) - gx(0.04), 1, hex("#555a66"));
    const bars = [0.35, 0.6, 0.45, 0.85];
    bars.forEach((b, k) => {
      const bx = gx(0.62 + k * 0.09);
      const top = gy(0.9 - b * 0.8);
      p.rect(bx, top, Math.max(1, gx(0.06) - gx(0)), gy(0.9) - top, green);
    });
    p.rect(gx(0.6), gy(0.92), gx(0.98) - gx(0.6), 1, hex("#555a66"));
  } else if (facing === "left" || facing === "right") {
    const b = sideBand(top, south, facing, 6);
    p.rect(b.x, b.y, b.w, b.h, shade(P.aluminium, -0.05));
    p.rect(b.x + 1, b.y + 1, b.w - 2, b.h - 2, shade(P.board, -0.04));
    const blue = hex("#3a6fd8");
    for (let k = 0; k < 4; k++) p.rect(b.x + 2, b.y + 4 + k * 4, b.w - 4 - (k % 2), 1, k === 3 ? hex("#2f9e5a") : blue);
  }
};

/** A video call on a wall screen (the tileset's tv), scaled into the face. */
const screenDecal: Decal = (p, top, south, facing) => {
  if (facing === "down" && south.h > 4) {
    const { x, y, w, h } = south;
    for (let j = 1; j < h - 1; j++) {
      for (let i = 1; i < w - 1; i++) {
        p.px(x + i, y + j, mix(hex("#3a5ba8"), hex("#6a3fa0"), (i / w) * 0.6 + (j / h) * 0.4));
      }
    }
    const faces = [hex("#f2c39a"), hex("#b57f56"), hex("#e8b48a"), hex("#8a5a3c"), hex("#d9a27a"), hex("#6e4a36")];
    const cols = w >= 40 ? 3 : 2;
    const cw = Math.floor((w - 3) / cols);
    const ch = Math.floor((h - 3) / 2);
    for (let k = 0; k < cols * 2; k++) {
      const cx = x + 2 + (k % cols) * cw;
      const cy = y + 2 + Math.floor(k / cols) * ch;
      p.rect(cx, cy, cw - 1, ch - 1, withAlpha(hex("#ffffff"), 40));
      const r = Math.max(1, Math.min(cw, ch) / 5);
      const fx = cx + (cw - 1) / 2;
      const fy = cy + (ch - 1) * 0.42;
      for (let j = -Math.ceil(r); j <= Math.ceil(r); j++) {
        for (let i = -Math.ceil(r); i <= Math.ceil(r); i++) if (i * i + j * j <= r * r + 0.5) p.px(fx + i, fy + j, faces[k % faces.length]!);
      }
      p.rect(Math.round(fx - r * 1.6), Math.round(fy + r + 1), Math.max(2, Math.round(r * 3.2)), 1, hex("#2d3550"));
    }
    p.px(x + w - 2, y + h - 1, hex("#5ad87a")); // power led
  } else if (facing === "left" || facing === "right") {
    const b = sideBand(top, south, facing, 6);
    p.rect(b.x, b.y, b.w, b.h, hex("#1d1f26"));
    for (let j = 1; j < b.h - 1; j++) {
      for (let i = 1; i < b.w - 1; i++) p.px(b.x + i, b.y + j, mix(hex("#3a5ba8"), hex("#6a3fa0"), j / b.h));
    }
  }
};

/** Desk monitor: glowing screen with some UI when it faces the viewer. */
const monitorDecal: Decal = (p, top, south, facing) => {
  if (facing === "down" && south.h > 3) {
    const { x, y, w, h } = south;
    for (let j = 1; j < h - 1; j++) {
      for (let i = 1; i < w - 1; i++) p.px(x + i, y + j, mix(shade(P.screenGlow, 0.2), shade(P.screenGlow, -0.3), j / h));
    }
    p.rect(x + 2, y + 2, Math.round(w * 0.3), 1, hex("#e8f3ff"));
    p.rect(x + 2, y + 4, Math.round(w * 0.45), 1, hex("#bcd9f2"));
    p.rect(x + w - 2 - Math.round(w * 0.28), y + 2, Math.round(w * 0.28), Math.max(1, h - 5), hex("#f2b45a"));
  } else if (facing === "left" || facing === "right") {
    const b = sideBand(top, south, facing, 3);
    for (let j = 0; j < b.h; j++) p.rect(b.x, b.y + j, b.w, 1, mix(shade(P.screenGlow, 0.2), shade(P.screenGlow, -0.3), j / b.h));
  }
};

/** Drawer fronts on a desk pedestal. */
const drawerDecal: Decal = (p, _top, south) => {
  if (south.h < 3 || south.w < 6) return;
  p.rect(south.x + 2, south.y + 1, south.w - 4, 1, shade(P.deskFront, 0.15));
  p.rect(south.x + (south.w >> 1) - 1, south.y + (south.h >> 1), 2, 1, shade(P.deskFront, 0.45));
};

function deskModel(): Model {
  const dark = shade(P.deskFront, -0.3);
  return {
    w: 2,
    h: 1,
    seed: 11,
    parts: [
      box(5, 4, 3, 3, 0, 6, dark),
      box(5, 25, 3, 3, 0, 6, dark),
      box(43, 5, 16, 22, 0, 6, shade(P.deskFront, 0.05), shade(P.deskFront, 0.05), { decal: drawerDecal }),
      box(2, 2, 60, 28, 6, 3, P.deskTop, P.deskFront, { grain: true }),
      // on the desk: papers, a mug, keyboard and mouse, the monitor
      box(38, 8, 8, 8, 9, 0, hex("#fbfaf5"), undefined, { layer: 1, noise: 0 }),
      box(39, 9, 8, 8, 9, 0, hex("#efece4"), undefined, { layer: 1, noise: 0 }),
      box(51, 10, 4, 4, 9, 4, hex("#e65f4f"), undefined, { layer: 1, noise: 0 }),
      box(12, 21, 15, 4, 9, 1, hex("#e3e5ea"), hex("#a9adb8"), { layer: 1, noise: 0 }),
      box(30, 21, 3, 4, 9, 1, hex("#e3e5ea"), hex("#a9adb8"), { layer: 1, noise: 0 }),
      box(15, 14, 9, 4, 9, 1, P.metalDark, undefined, { layer: 1, noise: 0 }),
      box(18, 14, 3, 2, 10, 4, P.metalDark, undefined, { layer: 1, noise: 0 }),
      box(8, 13, 23, 2, 13, 10, shade(P.screen, 0.2), P.screen, { layer: 1, noise: 0, decal: monitorDecal }),
    ],
  };
}

function chairModel(): Model {
  const base = shade(P.metalDark, 0.1);
  return {
    w: 1,
    h: 1,
    seed: 12,
    parts: [
      box(9, 18, 14, 2, 0, 1, base, undefined, { noise: 0 }),
      box(15, 11, 2, 14, 0, 1, base, undefined, { noise: 0 }),
      box(15, 17, 2, 2, 0, 5, base, undefined, { noise: 0 }),
      box(8, 11, 16, 13, 5, 3, shade(P.chair, 0.12), shade(P.chair, -0.15)),
      box(6, 12, 3, 10, 8, 3, shade(P.chair, -0.15), shade(P.chair, -0.3), { layer: 1 }),
      box(23, 12, 3, 10, 8, 3, shade(P.chair, -0.15), shade(P.chair, -0.3), { layer: 1 }),
      box(9, 7, 14, 4, 6, 12, shade(P.chair, 0.2), shade(P.chair, 0.02), { layer: 1 }),
    ],
  };
}

function plantModel(): Model {
  const soil = hex("#5a3a28");
  const leaves: Blob[] = [
    blob(16, 18, 10, 8, 10, shade(P.leaf, -0.25)),
    blob(10, 17, 6, 5, 11, shade(P.leaf, -0.15)),
    blob(22, 17, 6, 5, 11, shade(P.leaf, -0.15)),
    blob(12, 14, 6, 6, 14, P.leaf),
    blob(20, 14, 6, 6, 14, P.leaf),
    blob(16, 12, 6, 5, 17, shade(P.leaf, 0.08)),
    blob(16, 19, 6, 4, 13, shade(P.leaf, 0.04)),
  ];
  return {
    w: 1,
    h: 1,
    seed: 13,
    symmetric: true,
    parts: [box(10, 16, 12, 10, 0, 9, soil, P.pot), box(10, 16, 12, 1, 9, 0, shade(P.pot, 0.18), P.pot, { layer: 1 }), ...leaves],
  };
}

function whiteboardModel(): Model {
  const frame = shade(P.aluminium, -0.1);
  return {
    w: 2,
    h: 1,
    seed: 14,
    parts: [
      box(6, 9, 3, 14, 0, 2, shade(P.aluminium, -0.3)),
      box(55, 9, 3, 14, 0, 2, shade(P.aluminium, -0.3)),
      box(7, 15, 2, 2, 0, 9, P.aluminium),
      box(55, 15, 2, 2, 0, 9, P.aluminium),
      box(3, 14, 58, 3, 8, 19, shade(P.aluminium, 0.2), frame, { layer: 1, noise: 0, decal: whiteboardDecal }),
      box(8, 17, 48, 2, 9, 1, shade(P.aluminium, -0.15), undefined, { layer: 2, noise: 0 }),
      box(14, 17, 4, 1, 10, 1, hex("#3a6fd8"), undefined, { layer: 3, noise: 0 }),
      box(20, 17, 4, 1, 10, 1, hex("#d8483a"), undefined, { layer: 3, noise: 0 }),
    ],
  };
}

function screenModel(): Model {
  const body = hex("#1d1f26");
  return {
    w: 2,
    h: 1,
    seed: 15,
    parts: [
      box(20, 11, 24, 10, 0, 2, P.metalDark, undefined, { noise: 0 }),
      box(30, 15, 4, 3, 2, 8, shade(P.metalDark, 0.15), undefined, { noise: 0 }),
      box(2, 15, 60, 3, 8, 21, hex("#3a3e4a"), body, { layer: 1, noise: 0, decal: screenDecal }),
    ],
  };
}

function sofaModel(): Model {
  const s = P.sofa;
  const pillow = hex("#f0c25e");
  return {
    w: 2,
    h: 1,
    seed: 16,
    parts: [
      box(4, 6, 56, 6, 0, 14, shade(s, 0.04), shade(s, -0.08)),
      box(9, 11, 46, 15, 0, 6, s, shade(s, -0.28)),
      box(3, 8, 7, 19, 0, 9, shade(s, 0.1), shade(s, -0.18)),
      box(54, 8, 7, 19, 0, 9, shade(s, 0.1), shade(s, -0.18)),
      box(31, 12, 1, 13, 6, 0, shade(s, -0.2), undefined, { layer: 1, noise: 0 }),
      box(14, 10, 9, 3, 6, 6, pillow, shade(pillow, -0.2), { layer: 1 }),
      box(41, 10, 9, 3, 6, 6, pillow, shade(pillow, -0.2), { layer: 1 }),
    ],
  };
}

function tableModel(): Model {
  const leg = shade(P.walnut, -0.35);
  return {
    w: 2,
    h: 2,
    seed: 17,
    parts: [
      box(6, 7, 3, 3, 0, 7, leg),
      box(55, 7, 3, 3, 0, 7, leg),
      box(6, 52, 3, 3, 0, 7, leg),
      box(55, 52, 3, 3, 0, 7, leg),
      box(3, 4, 58, 54, 7, 3, P.walnut, shade(P.walnut, -0.3), { grain: true }),
      // a notepad, a laptop and a cup
      box(11, 12, 9, 12, 10, 0, hex("#f4efe4"), undefined, { layer: 1, noise: 0 }),
      box(11, 12, 9, 3, 10, 0, hex("#e07a50"), undefined, { layer: 1, noise: 0 }),
      box(36, 36, 15, 10, 10, 1, P.steel, shade(P.steel, -0.3), { layer: 1, noise: 0 }),
      box(38, 38, 11, 6, 11, 0, shade(P.screenGlow, -0.2), undefined, { layer: 2, noise: 0 }),
      box(44, 14, 4, 4, 10, 3, hex("#ffffff"), hex("#d8d8d8"), { layer: 1, noise: 0 }),
      box(45, 15, 2, 2, 13, 0, hex("#6b3f24"), undefined, { layer: 2, noise: 0 }),
      blob(22, 40, 4, 3, 14, P.leaf, 2),
      box(20, 39, 5, 4, 10, 4, hex("#e8e2d0"), shade(hex("#e8e2d0"), -0.2), { layer: 1, noise: 0 }),
    ],
  };
}

/** What an unknown kind looks like: a plain crate, so bad data is visible but harmless. */
function unknownModel(w: number, h: number): Model {
  const c = hex("#9aa0aa");
  return {
    w,
    h,
    seed: 99,
    parts: [box(3, 3, w * U - 6, h * U - 6, 0, 8, c, shade(c, -0.3)), box(w * 16 - 3, h * 16 - 3, 6, 6, 8, 0, shade(c, -0.2), undefined, { layer: 1 })],
  };
}

const MODELS: Readonly<Record<string, () => Model>> = {
  desk: deskModel,
  chair: chairModel,
  plant: plantModel,
  whiteboard: whiteboardModel,
  screen: screenModel,
  sofa: sofaModel,
  table: tableModel,
};

// ---------------------------------------------------------------------------
// projection: model frame → rotated footprint → 3/4 screen space

/** Depth is foreshortened in the 3/4 view so heights have room inside the footprint. */
const FORESHORTEN = 0.75;
/** Model units of elevation → screen pixels (before any flattening to fit the footprint). */
const LIFT = 0.8;
/** Extra rows above the footprint for rendering before the sprite is fitted into it. */
const PAD = 64;

/** Rotates a model-frame rectangle clockwise by rot quarter turns onto the footprint. */
function rotateRect(rot: number, W: number, D: number, x: number, y: number, w: number, d: number): Rect {
  switch (rot) {
    case 1:
      return { x: D - y - d, y: x, w: d, h: w };
    case 2:
      return { x: W - x - w, y: D - y - d, w, h: d };
    case 3:
      return { x: y, y: W - x - w, w: d, h: w };
    default:
      return { x, y, w, h: d };
  }
}

function rotatePoint(rot: number, W: number, D: number, x: number, y: number): [number, number] {
  switch (rot) {
    case 1:
      return [D - y, x];
    case 2:
      return [W - x, D - y];
    case 3:
      return [y, W - x];
    default:
      return [x, y];
  }
}

interface Projected {
  part: Part;
  /** Screen-space base rectangle (foreshortened), floor level. */
  base: Rect;
  bottom: number;
}

/** Rasterises a model at one rotation; `lift` scales every elevation. */
function rasterise(model: Model, rot: number, lift: number): Pixels {
  const W = model.w * U;
  const D = model.h * U;
  const sw = rot % 2 === 0 ? W : D;
  const sh = rot % 2 === 0 ? D : W;
  const p = new Pixels(sw, sh + PAD);
  const fy = (y: number): number => PAD + Math.round(y * FORESHORTEN + sh * (1 - FORESHORTEN));
  const projected: Projected[] = model.parts.map((part) => {
    if (part.shape === "box") {
      const r = rotateRect(rot, W, D, part.x, part.y, part.w, part.d);
      const y0 = fy(r.y);
      const y1 = Math.max(y0 + 1, fy(r.y + r.h));
      return { part, base: { x: r.x, y: y0, w: r.w, h: y1 - y0 }, bottom: y1 };
    }
    const [cx, cy] = rotatePoint(rot, W, D, part.cx, part.cy);
    const rx = rot % 2 === 0 ? part.rx : part.ry;
    const ry = (rot % 2 === 0 ? part.ry : part.rx) * FORESHORTEN;
    const y = fy(cy);
    return { part, base: { x: cx - rx, y: y - ry, w: rx * 2, h: ry * 2 }, bottom: y + ry };
  });
  const z = (v: number): number => Math.round(v * lift);
  const order = projected
    .map((q, i) => ({ q, i }))
    .sort((a, b) => a.q.part.layer - b.q.part.layer || a.q.bottom - b.q.bottom || a.q.part.z - b.q.part.z || a.i - b.i);
  const facing = FACING[rot]!;
  for (const { q } of order) {
    const part = q.part;
    if (part.shape === "blob") {
      const cx = q.base.x + q.base.w / 2;
      const cy = q.base.y + q.base.h / 2 - z(part.z);
      const rx = q.base.w / 2;
      const ry = q.base.h / 2;
      for (let y = Math.floor(cy - ry); y <= Math.ceil(cy + ry); y++) {
        for (let x = Math.floor(cx - rx); x <= Math.ceil(cx + rx); x++) {
          const dx = (x + 0.5 - cx) / rx;
          const dy = (y + 0.5 - cy) / ry;
          if (dx * dx + dy * dy > 1) continue;
          // lit from the top-left, darker towards the front edge, a few bright leaf tips
          let c = shade(part.color, (hash01(x, y, model.seed) * 2 - 1) * 0.06 - dy * 0.08);
          const n = hash01(x * 3 + 1, y * 7 + 2, model.seed);
          if (n < 0.05) c = shade(part.color, 0.3);
          else if (n > 0.96) c = shade(part.color, -0.3);
          p.px(x, y, c);
        }
      }
      continue;
    }
    const lifted = z(part.z);
    const height = part.h === 0 ? 0 : Math.max(1, z(part.z + part.h) - lifted);
    const top: Rect = { x: q.base.x, y: q.base.y - lifted - height, w: q.base.w, h: q.base.h };
    const south: Rect = { x: q.base.x, y: q.base.y + q.base.h - lifted - height, w: q.base.w, h: height };
    const odd = rot % 2 === 1;
    const long = part.w >= part.d !== odd; // grain runs along the longer side of the part on screen
    for (let j = 0; j < top.h; j++) {
      for (let i = 0; i < top.w; i++) {
        const x = top.x + i;
        const y = top.y + j;
        let c = shade(part.top, (hash01(x, y, model.seed) * 2 - 1) * part.noise);
        if (part.grain) c = shade(c, Math.sin((long ? x : y) * 0.45 + Math.sin((long ? y : x) * 1.3) * 2.2 + (long ? y : x) * 1.7) * 0.025);
        if (j === 0 && top.h > 2) c = shade(c, 0.16); // edge catching the light
        p.px(x, y, c);
      }
    }
    for (let j = 0; j < south.h; j++) {
      for (let i = 0; i < south.w; i++) {
        const x = south.x + i;
        const y = south.y + j;
        let c = shade(part.side, (hash01(x, y, model.seed + 1) * 2 - 1) * part.noise);
        if (j === south.h - 1 && south.h > 2) c = shade(c, -0.2);
        p.px(x, y, c);
      }
    }
    part.decal?.(p, top, south, facing);
  }
  return p;
}

function opaqueRows(p: Pixels): [number, number] | null {
  let y0 = -1;
  let y1 = -1;
  for (let y = 0; y < p.h; y++) {
    for (let x = 0; x < p.w; x++) {
      if (p.data[(y * p.w + x) * 4 + 3]! === 0) continue;
      if (y0 < 0) y0 = y;
      y1 = y;
      break;
    }
  }
  return y0 < 0 ? null : [y0, y1];
}

/**
 * The finished sprite for a footprint of sw×sh pixels: rendered with room above, flattened until
 * it fits, moved down just enough to fit, then outlined and shadowed like the tileset's furniture.
 */
function spritePixels(model: Model, rot: number): Pixels {
  const sw = (rot % 2 === 0 ? model.w : model.h) * U;
  const sh = (rot % 2 === 0 ? model.h : model.w) * U;
  const first = PAD + 1; // leave a row for the outline
  const last = PAD + sh - 3; // and two for the outline and shadow below
  let lift = LIFT;
  let p = rasterise(model, rot, lift);
  let rows = opaqueRows(p);
  for (let k = 0; k < 8 && rows && rows[1] - rows[0] > last - first; k++) {
    lift *= 0.85;
    p = rasterise(model, rot, lift);
    rows = opaqueRows(p);
  }
  const out = new Pixels(sw, sh);
  let dy = 0;
  if (rows) {
    if (rows[0] < first) dy = first - rows[0];
    if (rows[1] + dy > last) dy = last - rows[1];
  }
  for (let y = 0; y < sh; y++) {
    const sy = y + PAD - dy;
    if (sy < 0 || sy >= p.h) continue;
    out.data.set(p.data.subarray(sy * sw * 4, (sy + 1) * sw * 4), y * sw * 4);
  }
  out.outline();
  out.dropShadow();
  return out;
}

// ---------------------------------------------------------------------------
// floors and walls: the tileset's own texture code and seeds (shared/art/pixels.ts)

/** Paint → [tileset tile id (its PRNG seed), texture]. */
const TEXTURES: Readonly<Record<string, readonly [number, (t: SeededTile) => void]>> = {
  wood: [0, woodFloor],
  carpet: [1, (t) => carpet(t, P.carpet)],
  tiles: [4, kitchenTiles],
  grass: [7, grass],
  wall: [8, wallTop],
};

function texturePixels(paint: string): Pixels {
  const entry = TEXTURES[paint];
  if (!entry) {
    // unknown paint: a neutral checker, visibly not a real floor
    const p = new Pixels(U, U);
    for (let y = 0; y < U; y++) for (let x = 0; x < U; x++) p.px(x, y, ((x >> 3) + (y >> 3)) % 2 ? hex("#8a8f99") : hex("#a7acb5"));
    return p;
  }
  const t = new SeededTile(entry[0]);
  entry[1](t);
  return t;
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

/** Footprint of a kind in tiles at rot 0 (1×1 for a kind we do not know). */
function kindSize(kind: string): { w: number; h: number } {
  const k = Object.hasOwn(OBJECT_KINDS, kind) ? (OBJECT_KINDS as Record<string, { w: number; h: number }>)[kind] : undefined;
  return k ? { w: k.w, h: k.h } : { w: 1, h: 1 };
}

function modelOf(kind: string): Model {
  const make = Object.hasOwn(MODELS, kind) ? MODELS[kind] : undefined;
  if (make) return make();
  const { w, h } = kindSize(kind);
  return unknownModel(w, h);
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
