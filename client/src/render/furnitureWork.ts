/**
 * Furniture to work at, as models (objectModel.ts): the desk with its monitor, papers and drawers,
 * and the office chair.
 */
import { hex, mix, P, shade } from "../../../shared/art/pixels.ts";
import { box, sideBand, type Decal, type Model } from "./objectModel.ts";

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

export function deskModel(): Model {
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

export function chairModel(): Model {
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
