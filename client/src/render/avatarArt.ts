/**
 * Avatars drawn in code (our own art): a small top-down character in 3/4 view, coloured by its
 * look, facing one of four directions, with a two-frame walk cycle. Drawn with Canvas 2D rects
 * at 1 unit = 1 px of a 32 px tile.
 */
import { LOOKS } from "../../../shared/looks.ts";
import { Dir } from "../../../shared/protocol.ts";

function shade(hex: string, k: number): string {
  const n = parseInt(hex.slice(1), 16);
  const f = (c: number) => Math.max(0, Math.min(255, Math.round(c * k)));
  return `rgb(${f((n >> 16) & 255)},${f((n >> 8) & 255)},${f(n & 255)})`;
}

/**
 * Draws an avatar whose feet stand at (cx, baseY) in canvas units. `frame` is 0 (standing) or
 * 1/2 (walk cycle). `scale` multiplies the 32 px design.
 */
export function drawAvatar(ctx: CanvasRenderingContext2D, lookIndex: number, dir: number, frame: number, cx: number, baseY: number, scale = 1) {
  const look = LOOKS[lookIndex] ?? LOOKS[0];
  ctx.save();
  ctx.translate(Math.round(cx), Math.round(baseY));
  ctx.scale(scale, scale);
  const r = (x: number, y: number, w: number, h: number, c: string) => { ctx.fillStyle = c; ctx.fillRect(x, y, w, h); };
  const bob = frame === 0 ? 0 : -1;

  // shadow
  ctx.fillStyle = "rgba(0,0,0,0.28)";
  ctx.beginPath();
  ctx.ellipse(0, -1, 9, 3.5, 0, 0, Math.PI * 2);
  ctx.fill();

  // legs (alternate on walk frames)
  const legL = frame === 1 ? -2 : 0;
  const legR = frame === 2 ? -2 : 0;
  const side = dir === Dir.LEFT || dir === Dir.RIGHT;
  if (side) {
    r(-3, -8 + legL, 3, 7 - legL, shade(look.trousers, 0.8));
    r(0, -8 + legR, 3, 7 - legR, look.trousers);
    r(-3, -2, 3, 2, "#2a2a2a");
    r(0, -2, 3, 2, "#2a2a2a");
  } else {
    r(-5, -8 + legL, 4, 7 - legL, look.trousers);
    r(1, -8 + legR, 4, 7 - legR, look.trousers);
    r(-5, -2 + (legL ? 0 : 0), 4, 2, "#2a2a2a");
    r(1, -2, 4, 2, "#2a2a2a");
  }

  ctx.translate(0, bob);
  // body
  r(-7, -18, 14, 11, look.shirt);
  r(-7, -18, 14, 2, shade(look.shirt, 1.15));
  r(-7, -9, 14, 2, shade(look.shirt, 0.8));
  // arms
  if (side) {
    const swing = frame === 1 ? 1 : frame === 2 ? -1 : 0;
    r(dir === Dir.LEFT ? 1 + swing : -4 - swing, -17, 3, 9, shade(look.shirt, 0.85));
    r(dir === Dir.LEFT ? 1 + swing : -4 - swing, -9, 3, 2, look.skin);
  } else {
    r(-10, -17 + (frame === 1 ? 1 : 0), 3, 9, shade(look.shirt, 0.85));
    r(7, -17 + (frame === 2 ? 1 : 0), 3, 9, shade(look.shirt, 0.85));
    r(-10, -9 + (frame === 1 ? 1 : 0), 3, 2, look.skin);
    r(7, -9 + (frame === 2 ? 1 : 0), 3, 2, look.skin);
  }
  // head
  r(-7, -30, 14, 12, look.skin);
  r(-7, -19, 14, 1, shade(look.skin, 0.85));
  // hair + face by direction
  const hair = look.hair;
  if (dir === Dir.UP) {
    r(-8, -32, 16, 12, hair);
    r(-8, -21, 16, 2, shade(hair, 0.8));
  } else {
    r(-8, -32, 16, 5, hair);
    if (dir === Dir.DOWN) {
      r(-8, -28, 2, 6, hair);
      r(6, -28, 2, 6, hair);
      r(-4, -25, 2, 3, "#23232b");
      r(2, -25, 2, 3, "#23232b");
      r(-2, -21, 4, 1, shade(look.skin, 0.7));
    } else if (dir === Dir.LEFT) {
      r(2, -28, 6, 8, hair);
      r(-5, -25, 2, 3, "#23232b");
      r(-8, -23, 2, 2, shade(look.skin, 0.9));
    } else {
      r(-8, -28, 6, 8, hair);
      r(3, -25, 2, 3, "#23232b");
      r(6, -23, 2, 2, shade(look.skin, 0.9));
    }
  }
  ctx.restore();
}

/** Colour used for a look in lists and markers. */
export function lookColor(lookIndex: number): string {
  return (LOOKS[lookIndex] ?? LOOKS[0]).shirt;
}
