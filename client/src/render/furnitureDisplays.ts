/**
 * Furniture people present on, as models (objectModel.ts): the whiteboard and the wall screen, each
 * showing its display (a sketch, a video call) only on the side that faces the viewer.
 */
import { hex, mix, P, shade, withAlpha } from "../../../shared/art/pixels.ts";
import { box, sideBand, type Decal, type Model } from "./objectModel.ts";

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

export function whiteboardModel(): Model {
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

export function screenModel(): Model {
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
