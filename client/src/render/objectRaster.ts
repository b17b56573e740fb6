/**
 * Rasterising a furniture model into a sprite: the model is rotated onto its footprint and projected
 * into a 3/4 view seen from the south, so whatever the rotation the light, the outline and the
 * visible side faces stay on the same sides. Sprites never leave their footprint: a model too tall
 * for it is flattened. Pure pixels: no canvas, no clock, no Math.random.
 */
import { Pixels, shade } from "../../../shared/art/pixels.ts";
import { FACING, hash01, U, type Model, type Part, type Rect } from "./objectModel.ts";

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
export function spritePixels(model: Model, rot: number): Pixels {
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
