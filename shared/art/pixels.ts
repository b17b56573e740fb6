/**
 * The pixel-art kit shared by the office tileset (shared/maps/tools/draw-tileset.ts, run in Node)
 * and the build-mode art (client/src/render/objectArt.ts, in the browser): colours, the office
 * palette, an RGBA surface with the tileset's compositing, outline and contact shadow, a 32×32
 * tile seeded from its tile id, and the floor and wall textures a painted tile shares with the
 * tileset — one copy, so a painted floor is the base map's floor pixel for pixel. Pure: no DOM,
 * no Node APIs, no clock.
 */
import { mulberry32, type Rng } from "../random.ts";

/** Tile edge in pixels. */
export const TILE = 32;

// ---------------------------------------------------------------------------
// colours

export type RGBA = readonly [number, number, number, number];

export function hex(h: string, a = 255): RGBA {
  const n = Number.parseInt(h.replace("#", ""), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, a];
}

export const clamp = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

/** f > 0 lightens towards white, f < 0 darkens towards black (|f| ≤ 1). */
export function shade(c: RGBA, f: number): RGBA {
  if (f >= 0) return [clamp(c[0] + (255 - c[0]) * f), clamp(c[1] + (255 - c[1]) * f), clamp(c[2] + (255 - c[2]) * f), c[3]];
  const k = 1 + f;
  return [clamp(c[0] * k), clamp(c[1] * k), clamp(c[2] * k), c[3]];
}

export function mix(a: RGBA, b: RGBA, t: number): RGBA {
  return [clamp(a[0] + (b[0] - a[0]) * t), clamp(a[1] + (b[1] - a[1]) * t), clamp(a[2] + (b[2] - a[2]) * t), clamp(a[3] + (b[3] - a[3]) * t)];
}

export function withAlpha(c: RGBA, a: number): RGBA {
  return [c[0], c[1], c[2], a];
}

// ---------------------------------------------------------------------------
// palette

export const OUTLINE = hex("#2a2333");
export const SHADOW = hex("#1a1422");

/** The office palette. */
export const P = {
  oak: hex("#c99664"),
  oakJoint: hex("#8f643f"),
  carpet: hex("#7c8a9f"),
  meeting: hex("#76997a"),
  rug: hex("#c4714f"),
  rugThread: hex("#ecc49a"),
  tileCream: hex("#ece5d3"),
  tileSage: hex("#bdd0c4"),
  stone: hex("#b3aea6"),
  coir: hex("#9c7044"),
  rubber: hex("#4d3f3a"),
  grass: hex("#6aa653"),
  wallTop: hex("#3d3a4e"),
  wall: hex("#e3d8c4"),
  baseboard: hex("#7a5a44"),
  glass: hex("#9fd0ea"),
  frameWhite: hex("#f4f2ec"),
  deskTop: hex("#d8ad78"),
  deskFront: hex("#a67648"),
  screen: hex("#2b3040"),
  screenGlow: hex("#5aa0d8"),
  chair: hex("#4a5066"),
  pot: hex("#c0664a"),
  leaf: hex("#4d9a4e"),
  walnut: hex("#80553a"),
  sofa: hex("#3f8a8f"),
  board: hex("#fbfbf8"),
  aluminium: hex("#b9c0c8"),
  shelfWood: hex("#86593a"),
  counterTop: hex("#d9d8d2"),
  cabinet: hex("#8fb3a0"),
  metalDark: hex("#34343c"),
  steel: hex("#c7ccd2"),
  water: hex("#7cc0ec"),
  lampShade: hex("#f7e6bd"),
  brass: hex("#b98b3e"),
};

// ---------------------------------------------------------------------------
// an RGBA drawing surface

export class Pixels {
  readonly data: Uint8ClampedArray<ArrayBuffer>;

  constructor(readonly w: number, readonly h: number) {
    this.data = new Uint8ClampedArray(w * h * 4);
  }

  inside(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < this.w && y < this.h;
  }

  get(x: number, y: number): RGBA {
    const i = (y * this.w + x) * 4;
    return [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!, this.data[i + 3]!];
  }

  alpha(x: number, y: number): number {
    return this.inside(x, y) ? this.data[(y * this.w + x) * 4 + 3]! : 0;
  }

  /** Paints a pixel, alpha-compositing `c` over what is already there. */
  px(x: number, y: number, c: RGBA): void {
    x = Math.floor(x);
    y = Math.floor(y);
    if (!this.inside(x, y) || c[3] === 0) return;
    const i = (y * this.w + x) * 4;
    const sa = c[3] / 255;
    const da = this.data[i + 3]! / 255;
    const oa = sa + da * (1 - sa);
    for (let k = 0; k < 3; k++) this.data[i + k] = clamp((c[k]! * sa + this.data[i + k]! * da * (1 - sa)) / oa);
    this.data[i + 3] = clamp(oa * 255);
  }

  rect(x: number, y: number, w: number, h: number, c: RGBA): void {
    for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) this.px(i, j, c);
  }

  /** Fills the whole surface with per-pixel colours. */
  fill(fn: (x: number, y: number) => RGBA): void {
    for (let y = 0; y < this.h; y++) for (let x = 0; x < this.w; x++) this.px(x, y, fn(x, y));
  }

  /**
   * 1-px outline around opaque shapes, tinted from the neighbouring pixel so objects get a
   * dark-but-coloured edge instead of flat black. Only looks inside the surface, so shapes
   * touching a tile edge stay seamless there.
   */
  outline(strength = 0.55): void {
    const src = new Uint8ClampedArray(this.data);
    const opaque = (x: number, y: number): boolean => this.inside(x, y) && src[(y * this.w + x) * 4 + 3]! >= 200;
    for (let y = 0; y < this.h; y++) {
      for (let x = 0; x < this.w; x++) {
        if (src[(y * this.w + x) * 4 + 3]! >= 200) continue;
        const n = [
          [x, y - 1],
          [x - 1, y],
          [x + 1, y],
          [x, y + 1],
        ].find(([nx, ny]) => opaque(nx!, ny!));
        if (!n) continue;
        const i = (n[1]! * this.w + n[0]!) * 4;
        const o = mix(shade([src[i]!, src[i + 1]!, src[i + 2]!, 255], -strength), OUTLINE, 0.35);
        this.data.set(o, (y * this.w + x) * 4);
      }
    }
  }

  /** Soft contact shadow falling down-right onto the floor below the object. */
  dropShadow(dy = 2, alpha = 64): void {
    const src = new Uint8ClampedArray(this.data);
    const solid = (x: number, y: number): boolean => this.inside(x, y) && src[(y * this.w + x) * 4 + 3]! >= 200;
    for (let y = 0; y < this.h; y++) {
      for (let x = 0; x < this.w; x++) {
        if (src[(y * this.w + x) * 4 + 3]! !== 0) continue;
        let hit = false;
        for (let k = 1; k <= dy && !hit; k++) hit = solid(x, y - k) || solid(x - 1, y - k);
        if (hit) this.px(x, y, withAlpha(SHADOW, alpha));
      }
    }
  }
}

/**
 * A TILE × TILE surface with texture noise from a PRNG seeded by its tileset id, so reruns are
 * byte-identical and editing one tile never changes another.
 */
export class SeededTile extends Pixels {
  readonly rng: Rng;

  constructor(tileId: number) {
    super(TILE, TILE);
    this.rng = mulberry32(0x9e3779b9 ^ Math.imul(tileId + 1, 0x85ebca6b));
  }

  /** Brightness jitter in [-amount, +amount] (0..1 scale) from the tile's PRNG. */
  noisy(c: RGBA, amount: number): RGBA {
    return amount > 0 ? shade(c, (this.rng() * 2 - 1) * amount) : c;
  }

  override rect(x: number, y: number, w: number, h: number, c: RGBA, noise = 0): void {
    for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) this.px(i, j, this.noisy(c, noise));
  }
}

// ---------------------------------------------------------------------------
// floors and walls a painted tile shares with the tileset (opaque, seamless when repeated)

export function woodFloor(t: SeededTile): void {
  // four staggered planks per tile, 8 px tall, one end joint each
  const joints = [5, 21, 13, 29];
  const tones = joints.map(() => shade(P.oak, (t.rng() * 2 - 1) * 0.06));
  t.fill((x, y) => {
    const plank = y >> 3;
    const row = y & 7;
    let c = tones[plank]!;
    // gentle grain: long horizontal streaks
    const grain = Math.sin((x + plank * 11) * 0.45 + Math.sin(x * 0.21 + plank) * 2.2 + row * 1.7);
    c = shade(c, grain * 0.025);
    c = t.noisy(c, 0.03);
    if (row === 0) c = mix(c, P.oakJoint, 0.55);
    else if (row === 1) c = shade(c, 0.08);
    else if (row === 7) c = shade(c, -0.05);
    const jx = joints[plank]!;
    if (x === jx && row !== 0) c = mix(c, P.oakJoint, 0.45);
    else if (x === (jx + 1) % TILE && row !== 0) c = shade(c, 0.07);
    return c;
  });
}

export function carpet(t: SeededTile, base: RGBA): void {
  t.fill((x, y) => {
    let c = t.noisy(base, 0.035);
    if ((x + y) % 2 === 0) c = shade(c, 0.03);
    if ((x * 7 + y * 13) % 4 === 0) c = shade(c, -0.025);
    if (t.rng() < 0.04) c = shade(c, -0.09);
    else if (t.rng() < 0.03) c = shade(c, 0.08);
    return c;
  });
}

export function kitchenTiles(t: SeededTile): void {
  t.fill((x, y) => {
    const checker = ((x >> 4) + (y >> 4)) % 2 === 0;
    let c = t.noisy(checker ? P.tileCream : P.tileSage, 0.02);
    const lx = x & 15;
    const ly = y & 15;
    if (lx === 0 || ly === 0) c = mix(c, hex("#a29e94"), 0.5);
    else if (lx === 1 || ly === 1) c = shade(c, 0.1);
    else if (lx === 15 || ly === 15) c = shade(c, -0.06);
    // a little glaze highlight in one corner of every tile
    if (lx >= 3 && lx <= 5 && ly >= 3 && ly <= 4) c = shade(c, 0.12);
    return c;
  });
}

export function grass(t: SeededTile): void {
  t.fill(() => t.noisy(P.grass, 0.06));
  for (let k = 0; k < 70; k++) {
    const x = Math.floor(t.rng() * TILE);
    const y = Math.floor(t.rng() * TILE);
    const dark = shade(P.grass, -0.22);
    t.px(x, y, dark);
    t.px(x, (y + 1) % TILE, dark);
    t.px(x, (y + TILE - 1) % TILE, shade(P.grass, 0.2));
  }
  const flowers = [hex("#fdf6e3"), hex("#f6d55c"), hex("#f29cb5")];
  for (let k = 0; k < 3; k++) {
    const x = 2 + Math.floor(t.rng() * 28);
    const y = 2 + Math.floor(t.rng() * 28);
    const c = flowers[k % flowers.length]!;
    t.px(x, y, c);
    t.px(x - 1, y, c);
    t.px(x + 1, y, c);
    t.px(x, y - 1, c);
    t.px(x, y + 1, shade(P.grass, -0.3));
    t.px(x, y, hex("#f2b33d"));
  }
}

export function wallTop(t: SeededTile): void {
  t.fill((x, y) => {
    let c = t.noisy(P.wallTop, 0.03);
    if ((x + y * 3) % 7 === 0) c = shade(c, 0.03);
    return c;
  });
}
