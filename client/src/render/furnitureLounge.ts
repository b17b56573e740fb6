/**
 * Furniture to sit and meet around, as models (objectModel.ts): the potted plant, the sofa and the
 * meeting table with what lies on it.
 */
import { hex, P, shade } from "../../../shared/art/pixels.ts";
import { blob, box, type Blob, type Model } from "./objectModel.ts";

export function plantModel(): Model {
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

export function sofaModel(): Model {
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

export function tableModel(): Model {
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
