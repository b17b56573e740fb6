/**
 * Draws Plaza's office tileset (32×32 px pixel art, top-down 3/4 view) entirely
 * in code and writes `shared/maps/office-tiles.png`.
 *
 * Every tile is drawn from primitives (rects, ellipses, lines) plus texture
 * noise from a seeded PRNG. Each tile gets its own seed derived from its id, so
 * reruns produce byte-identical output and editing one tile never changes
 * another.
 *
 *   node --import tsx tools/maps/draw-tileset.ts
 *
 * Tile ids (local, 0-based, row-major, 8 per row) are part of the map format;
 * see `TILE_IDS` below and shared/maps/README.md. Unused ids stay transparent.
 */
import { PNG } from "pngjs";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { carpet, grass, hex, kitchenTiles, mix, P, SeededTile, shade, TILE, wallTop, withAlpha, woodFloor, type RGBA } from "../../shared/art/pixels.ts";

export { TILE };
export const COLUMNS = 8;

/** Local tile ids (firstgid is added by the map). Keep in sync with draw-office.ts. */
export const TILE_IDS = {
  // floors (walkable)
  wood: 0,
  carpet: 1,
  meetingCarpet: 2,
  rug: 3,
  kitchenTiles: 4,
  hallway: 5,
  doormat: 6,
  grass: 7,
  // walls (collide)
  wallTop: 8,
  wallFace: 9,
  wallWindow: 10,
  wallPicture: 11,
  // stage floor (walkable; the map's `spotlights` layer marks it as a spotlight)
  stage: 12,
  // furniture (transparent background)
  deskLeft: 16,
  deskRight: 17,
  chair: 18,
  plant: 19,
  meetingTable: 20,
  sofaLeft: 21,
  sofaRight: 22,
  whiteboard: 23,
  bookshelf: 24,
  coffeeCounter: 25,
  waterCooler: 26,
  coffeeTable: 27,
  counter: 28,
  armchair: 29,
  floorLamp: 30,
  tv: 31,
} as const;

export const TILE_ROWS = 4;

// ---------------------------------------------------------------------------
// the tileset's tile

/** The tileset's 32×32 tile: the shared seeded tile plus the shapes only the tileset draws. */
class Tile extends SeededTile {
  hline(x: number, y: number, w: number, c: RGBA): void {
    this.rect(x, y, w, 1, c);
  }

  vline(x: number, y: number, h: number, c: RGBA): void {
    this.rect(x, y, 1, h, c);
  }

  /** Filled ellipse centred on (cx, cy) in pixel-centre coordinates. */
  ellipse(cx: number, cy: number, rx: number, ry: number, c: RGBA, noise = 0): void {
    for (let y = Math.floor(cy - ry); y <= Math.ceil(cy + ry); y++) {
      for (let x = Math.floor(cx - rx); x <= Math.ceil(cx + rx); x++) {
        const dx = (x + 0.5 - cx) / rx;
        const dy = (y + 0.5 - cy) / ry;
        if (dx * dx + dy * dy <= 1) this.px(x, y, this.noisy(c, noise));
      }
    }
  }

  /** Rectangle with the corners cut by radius r (1 or 2 looks best at this size). */
  roundRect(x: number, y: number, w: number, h: number, r: number, c: RGBA, noise = 0): void {
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const cx = i < r ? r - i : i >= w - r ? i - (w - r - 1) : 0;
        const cy = j < r ? r - j : j >= h - r ? j - (h - r - 1) : 0;
        if (cx > 0 && cy > 0 && cx + cy > r + (r > 1 ? 1 : 0)) continue;
        this.px(x + i, y + j, this.noisy(c, noise));
      }
    }
  }

  flipX(): Tile {
    const t = new Tile(0);
    for (let y = 0; y < TILE; y++) {
      for (let x = 0; x < TILE; x++) {
        const s = (y * TILE + (TILE - 1 - x)) * 4;
        const d = (y * TILE + x) * 4;
        for (let k = 0; k < 4; k++) t.data[d + k] = this.data[s + k]!;
      }
    }
    return t;
  }
}

// ---------------------------------------------------------------------------
// floors (opaque, seamless when repeated)

function rug(t: Tile): void {
  carpet(t, P.rug);
  // woven diamond lattice (period 16, so it repeats cleanly)
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      const d = Math.abs((x % 16) - 8) + Math.abs((y % 16) - 8);
      if (d === 6) t.px(x, y, withAlpha(P.rugThread, 150));
      else if (d === 7) t.px(x, y, withAlpha(shade(P.rug, -0.25), 110));
      else if (d <= 1) t.px(x, y, withAlpha(hex("#8e3f2c"), 200));
      else if (d === 14 || d === 15) t.px(x, y, withAlpha(shade(P.rug, -0.18), 90));
    }
  }
}

function hallway(t: Tile): void {
  const tones = [0, 1, 2, 3].map(() => shade(P.stone, (t.rng() * 2 - 1) * 0.05));
  t.fill((x, y) => {
    const row = y >> 4;
    const sx = (x + row * 8) % TILE;
    const slab = row * 2 + (sx >> 4);
    let c = t.noisy(tones[slab]!, 0.035);
    if (t.rng() < 0.05) c = shade(c, -0.1);
    const lx = sx & 15;
    const ly = y & 15;
    if (lx === 0 || ly === 0) c = mix(c, hex("#7f7a73"), 0.6);
    else if (lx === 1 || ly === 1) c = shade(c, 0.08);
    return c;
  });
}

/** Stage boards: dark varnished planks running away from the audience, with a warm sheen. */
function stage(t: Tile): void {
  const base = hex("#5b2c2a");
  const joints = [9, 25, 3, 17];
  const tones = joints.map(() => shade(base, (t.rng() * 2 - 1) * 0.08));
  t.fill((x, y) => {
    const plank = x >> 3;
    const col = x & 7;
    let c = t.noisy(tones[plank]!, 0.025);
    c = shade(c, Math.sin((y + plank * 7) * 0.5 + Math.sin(y * 0.23 + plank) * 2) * 0.03);
    if (col === 0) c = mix(c, hex("#1f0f10"), 0.6);
    else if (col === 1) c = shade(c, 0.18); // varnish catching the stage lights
    else if (col === 7) c = shade(c, -0.12);
    if (y === joints[plank] && col !== 0) c = mix(c, hex("#1f0f10"), 0.5);
    return c;
  });
}

function doormat(t: Tile): void {
  t.fill((x, y) => {
    if (y <= 2 || y >= 29) {
      const c = t.noisy(P.rubber, 0.04);
      return y === 0 || y === 31 ? shade(c, -0.3) : c;
    }
    let c = t.noisy(P.coir, 0.1);
    if (y % 3 === 0) c = shade(c, -0.1);
    // a darker inlaid stripe pair
    if (y === 7 || y === 8 || y === 23 || y === 24) c = mix(c, hex("#5e3d26"), 0.6);
    if ((x + y) % 4 === 0) c = shade(c, 0.05);
    return c;
  });
}

// ---------------------------------------------------------------------------
// walls

function wallFace(t: Tile): void {
  t.fill((x, y) => {
    let c = t.noisy(P.wall, 0.015);
    if (x % 8 < 4) c = shade(c, 0.035); // subtle wallpaper stripes
    // overhang shadow under the wall top
    if (y === 0) c = mix(c, P.wallTop, 0.55);
    else if (y <= 4) c = shade(c, -0.11 + y * 0.022);
    // baseboard
    if (y >= 25) {
      c = t.noisy(P.baseboard, 0.03);
      if (y === 25) c = shade(P.baseboard, 0.25);
      else if (y === 26) c = shade(P.baseboard, 0.1);
      else if (y >= 30) c = shade(P.baseboard, -0.3);
    } else if (y === 24) c = shade(c, -0.12);
    return c;
  });
}

function wallWindow(t: Tile): void {
  wallFace(t);
  // recess shadow, frame, glass
  t.rect(5, 5, 23, 18, shade(P.wall, -0.2));
  t.rect(5, 4, 22, 18, P.frameWhite);
  for (let y = 6; y < 20; y++) {
    for (let x = 7; x < 25; x++) {
      const g = mix(shade(P.glass, 0.25), shade(P.glass, -0.12), (y - 6) / 14);
      t.px(x, y, g);
    }
  }
  // reflections
  for (let k = 0; k < 8; k++) {
    t.px(9 + k, 17 - k, withAlpha(hex("#ffffff"), 150));
    t.px(10 + k, 17 - k, withAlpha(hex("#ffffff"), 90));
    t.px(18 + k / 2, 18 - k, withAlpha(hex("#ffffff"), 70));
  }
  // mullions
  t.rect(15, 6, 2, 14, P.frameWhite);
  t.rect(7, 12, 18, 1, P.frameWhite);
  t.vline(17, 6, 14, shade(P.frameWhite, -0.15));
  t.hline(7, 13, 18, shade(P.frameWhite, -0.15));
  // frame shading
  t.hline(5, 21, 22, shade(P.frameWhite, -0.2));
  t.vline(26, 4, 18, shade(P.frameWhite, -0.15));
  // sill
  t.rect(4, 21, 24, 2, shade(P.frameWhite, -0.05));
  t.hline(4, 23, 24, shade(P.wall, -0.25));
}

function wallPicture(t: Tile): void {
  wallFace(t);
  const frame = hex("#6e4a30");
  t.rect(9, 7, 16, 14, shade(P.wall, -0.18)); // shadow on the wall
  t.rect(8, 6, 16, 14, frame);
  t.hline(8, 6, 16, shade(frame, 0.25));
  t.rect(10, 8, 12, 10, hex("#f3ecdd")); // passe-partout
  // tiny landscape
  for (let y = 9; y < 17; y++) {
    for (let x = 11; x < 21; x++) {
      const sky = mix(hex("#9ccbe6"), hex("#f3d9a6"), (y - 9) / 6);
      t.px(x, y, sky);
    }
  }
  t.ellipse(18, 11, 1.6, 1.6, hex("#f7c65a"));
  for (let x = 11; x < 21; x++) {
    const hill = 14 - Math.round(Math.sin((x - 9) * 0.7) * 1.5);
    for (let y = hill; y < 17; y++) t.px(x, y, y === hill ? hex("#79b35e") : hex("#4f8a4a"));
  }
  t.hline(11, 16, 10, hex("#3f6f8f"));
  // hanging wire
  t.px(15, 5, shade(frame, -0.3));
  t.px(16, 5, shade(frame, -0.3));
}

// ---------------------------------------------------------------------------
// furniture (transparent background; finished with outline + drop shadow)

function finish(t: Tile, shadow = true): void {
  t.outline();
  if (shadow) t.dropShadow();
}

/** Shared desk body; `side` decides which end is closed. */
function deskBody(t: Tile, side: "left" | "right"): void {
  const x0 = side === "left" ? 2 : 0;
  const w = 30;
  // legs
  const legX = side === "left" ? 3 : 26;
  t.rect(legX, 26, 3, 4, shade(P.deskFront, -0.25));
  // front apron
  t.rect(x0, 21, w, 6, P.deskFront, 0.02);
  t.hline(x0, 26, w, shade(P.deskFront, -0.2));
  // top
  t.rect(x0, 9, w, 12, P.deskTop, 0.02);
  for (let x = x0; x < x0 + w; x++) {
    if (Math.sin(x * 0.9) > 0.7) t.px(x, 12 + (x % 5), shade(P.deskTop, -0.05));
  }
  t.hline(x0, 9, w, shade(P.deskTop, 0.18));
  t.hline(x0, 20, w, shade(P.deskTop, -0.1));
  // drawer on the closed end
  const dx = side === "left" ? 4 : 18;
  t.rect(dx, 22, 8, 4, shade(P.deskFront, 0.08));
  t.hline(dx + 3, 23, 2, shade(P.deskFront, 0.4));
}

function deskLeft(t: Tile): void {
  deskBody(t, "left");
  // papers and a mug
  t.rect(7, 11, 8, 7, hex("#fbfaf5"));
  t.rect(8, 12, 8, 7, hex("#efece4"));
  for (let k = 0; k < 3; k++) t.hline(9, 14 + k * 2, 5, hex("#b8bcc8"));
  t.rect(21, 11, 4, 4, hex("#e65f4f"));
  t.rect(22, 11, 2, 1, hex("#5a3020"));
  t.px(25, 12, hex("#e65f4f"));
  finish(t);
}

function deskRight(t: Tile): void {
  deskBody(t, "right");
  // monitor: stand, bezel, glowing screen
  t.rect(9, 13, 6, 3, P.metalDark);
  t.rect(11, 10, 2, 4, P.metalDark);
  t.rect(2, 0, 20, 12, P.screen);
  for (let y = 1; y < 10; y++) {
    for (let x = 3; x < 21; x++) t.px(x, y, mix(shade(P.screenGlow, 0.2), shade(P.screenGlow, -0.3), (y - 1) / 9));
  }
  // some UI on the screen
  t.rect(4, 2, 6, 1, hex("#e8f3ff"));
  t.rect(4, 4, 9, 1, hex("#bcd9f2"));
  t.rect(4, 6, 7, 1, hex("#bcd9f2"));
  t.rect(14, 3, 5, 5, hex("#f2b45a"));
  t.hline(2, 11, 20, shade(P.screen, 0.2));
  // keyboard and mouse
  t.rect(5, 16, 13, 4, hex("#e3e5ea"));
  for (let x = 6; x < 17; x += 2) t.px(x, 17, hex("#a9adb8"));
  for (let x = 7; x < 17; x += 2) t.px(x, 18, hex("#a9adb8"));
  t.rect(21, 16, 3, 4, hex("#e3e5ea"));
  t.px(22, 16, hex("#a9adb8"));
  finish(t);
}

function chair(t: Tile): void {
  // five-star base peeking out
  const base = shade(P.metalDark, 0.1);
  t.rect(8, 26, 16, 2, base);
  t.rect(15, 22, 2, 6, base);
  t.px(7, 27, base);
  t.px(24, 27, base);
  // seat (seen from behind: the backrest is nearest to the viewer)
  t.roundRect(8, 9, 16, 12, 2, P.chair, 0.02);
  t.hline(9, 9, 14, shade(P.chair, 0.2));
  // armrests
  t.rect(6, 12, 3, 8, shade(P.chair, -0.2));
  t.rect(23, 12, 3, 8, shade(P.chair, -0.2));
  // backrest
  t.roundRect(9, 15, 14, 11, 2, shade(P.chair, 0.12), 0.02);
  t.hline(10, 15, 12, shade(P.chair, 0.35));
  t.rect(11, 18, 10, 1, shade(P.chair, -0.08));
  finish(t);
}

function plant(t: Tile): void {
  // pot (slightly tapered)
  for (let y = 20; y < 30; y++) {
    const inset = Math.floor((y - 20) / 4);
    t.rect(10 + inset, y, 12 - inset * 2, 1, y < 22 ? shade(P.pot, 0.18) : P.pot, 0.02);
  }
  t.vline(19, 22, 7, shade(P.pot, -0.15));
  t.hline(10, 22, 12, shade(P.pot, -0.25));
  // foliage: layered leaf clusters, dark at the back, light on top
  const leaves: ReadonlyArray<[number, number, number, number, number]> = [
    [16, 13, 10, 8, -0.25],
    [10, 15, 6, 5, -0.15],
    [22, 15, 6, 5, -0.15],
    [12, 9, 6, 6, 0],
    [20, 9, 6, 6, 0],
    [16, 6, 6, 5, 0.08],
    [16, 15, 6, 4, 0.04],
  ];
  for (const [cx, cy, rx, ry, f] of leaves) t.ellipse(cx, cy, rx, ry, shade(P.leaf, f), 0.05);
  // leaf highlights and veins
  for (let k = 0; k < 16; k++) {
    const x = 8 + Math.floor(t.rng() * 16);
    const y = 3 + Math.floor(t.rng() * 14);
    if (t.alpha(x, y) > 0) {
      t.px(x, y, shade(P.leaf, 0.3));
      t.px(x + 1, y + 1, shade(P.leaf, -0.3));
    }
  }
  finish(t);
}

function meetingTable(t: Tile): void {
  // fully covered walnut surface: tiles seamlessly in any block
  t.fill((x, y) => {
    let c = t.noisy(P.walnut, 0.02);
    const grain = Math.sin(y * 0.8 + Math.sin((x / TILE) * Math.PI * 2) * 1.6);
    c = shade(c, grain * 0.05);
    if ((y * 5 + 3) % 11 === 0) c = shade(c, -0.08);
    return c;
  });
  // soft lacquer sheen, periodic so it stays seamless
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      if ((x + y) % 32 === 20 || (x + y) % 32 === 21) t.px(x, y, withAlpha(hex("#ffffff"), 26));
    }
  }
}

function sofaLeftHalf(t: Tile): void {
  const s = P.sofa;
  // backrest
  t.roundRect(2, 4, 30, 10, 2, shade(s, -0.08), 0.02);
  t.hline(3, 4, 29, shade(s, 0.2));
  // seat cushion
  t.rect(8, 13, 24, 13, s, 0.02);
  t.hline(8, 13, 24, shade(s, -0.25));
  t.hline(8, 14, 24, shade(s, 0.15));
  t.vline(31, 14, 12, shade(s, -0.2)); // seam between the two cushions
  // front
  t.rect(2, 25, 30, 4, shade(s, -0.28));
  // armrest
  t.roundRect(2, 7, 7, 21, 2, shade(s, 0.06), 0.02);
  t.hline(3, 7, 5, shade(s, 0.3));
  t.vline(8, 9, 18, shade(s, -0.18));
  // throw pillow
  t.roundRect(11, 9, 9, 7, 2, hex("#f0c25e"));
  t.hline(12, 9, 7, hex("#fbe2a0"));
  t.px(15, 12, hex("#c99a3a"));
  // feet
  t.rect(3, 29, 2, 1, P.metalDark);
  finish(t);
}

function whiteboard(t: Tile): void {
  // board hangs on a wall face
  t.rect(2, 3, 28, 21, P.aluminium);
  t.hline(2, 3, 28, shade(P.aluminium, 0.3));
  t.rect(3, 4, 26, 19, P.board);
  // marker sketches: a boxes-and-arrows diagram and a bar chart
  const blue = hex("#3a6fd8");
  const red = hex("#d8483a");
  const green = hex("#2f9e5a");
  t.rect(5, 6, 7, 1, blue);
  t.rect(5, 10, 7, 1, blue);
  t.vline(5, 6, 5, blue);
  t.vline(11, 6, 5, blue);
  for (let k = 0; k < 5; k++) t.px(12 + k, 8, red);
  t.px(16, 7, red);
  t.px(16, 9, red);
  t.rect(18, 6, 8, 1, blue);
  t.rect(18, 10, 8, 1, blue);
  t.vline(18, 6, 5, blue);
  t.vline(25, 6, 5, blue);
  t.rect(6, 19, 2, 2, green);
  t.rect(9, 17, 2, 4, green);
  t.rect(12, 15, 2, 6, green);
  t.rect(15, 16, 2, 5, green);
  t.hline(5, 21, 14, hex("#555a66"));
  for (let k = 0; k < 7; k++) t.px(20 + k, 14 + (k % 2), hex("#555a66"));
  for (let k = 0; k < 6; k++) t.px(20 + k, 17 + ((k + 1) % 2), hex("#555a66"));
  // marker tray with markers
  t.rect(4, 24, 24, 2, shade(P.aluminium, -0.15));
  t.rect(8, 23, 4, 1, blue);
  t.rect(13, 23, 4, 1, red);
  t.rect(22, 23, 4, 2, hex("#3c3c48"));
  finish(t);
}

function bookshelf(t: Tile): void {
  const w = P.shelfWood;
  t.rect(2, 1, 28, 29, shade(w, -0.1), 0.02);
  t.rect(2, 1, 28, 3, shade(w, 0.22)); // top board seen from above
  t.rect(4, 5, 24, 23, shade(w, -0.45)); // dark back panel
  const spines = [hex("#c4504a"), hex("#3f7bb8"), hex("#e3b44f"), hex("#5a9a62"), hex("#8a5aa8"), hex("#e8e2d0"), hex("#d37a3a"), hex("#3c4f78")];
  for (const shelfY of [5, 13, 21]) {
    let x = 4;
    while (x < 27) {
      const bw = 2 + Math.floor(t.rng() * 2);
      if (x + bw > 28) break;
      if (t.rng() < 0.12) {
        x += 2; // a gap
        continue;
      }
      const bh = 5 + Math.floor(t.rng() * 2);
      const c = spines[Math.floor(t.rng() * spines.length)]!;
      t.rect(x, shelfY + 7 - bh, bw, bh, c);
      t.vline(x, shelfY + 7 - bh, bh, shade(c, 0.18));
      t.px(x + bw - 1, shelfY + 7 - bh + 2, shade(c, 0.45));
      x += bw;
    }
    t.rect(2, shelfY + 7, 28, 1, shade(w, 0.12)); // shelf board
  }
  t.rect(2, 28, 28, 2, shade(w, -0.3));
  finish(t);
}

function counterBody(t: Tile): void {
  // counter runs edge to edge so several in a row read as one unit
  t.rect(0, 0, 32, 11, P.counterTop, 0.015);
  for (let k = 0; k < 10; k++) t.px(Math.floor(t.rng() * 32), Math.floor(t.rng() * 10), shade(P.counterTop, -0.1));
  t.hline(0, 10, 32, shade(P.counterTop, 0.25)); // rounded front edge
  t.hline(0, 11, 32, shade(P.counterTop, -0.25));
  t.rect(0, 12, 32, 17, P.cabinet, 0.015);
  // two cabinet doors
  for (const dx of [1, 17]) {
    t.rect(dx, 13, 14, 15, shade(P.cabinet, 0.06));
    t.hline(dx, 13, 14, shade(P.cabinet, 0.2));
    t.vline(dx + 13, 13, 15, shade(P.cabinet, -0.15));
    t.hline(dx, 27, 14, shade(P.cabinet, -0.15));
  }
  t.rect(13, 15, 1, 4, P.steel);
  t.rect(18, 15, 1, 4, P.steel);
  t.rect(0, 29, 32, 2, shade(P.cabinet, -0.5)); // toe kick
}

function counter(t: Tile): void {
  counterBody(t);
  finish(t, false);
}

function coffeeCounter(t: Tile): void {
  counterBody(t);
  // red espresso machine standing on the counter
  const red = hex("#c8453c");
  t.rect(6, 0, 18, 12, red);
  t.rect(6, 0, 18, 2, shade(red, 0.3));
  t.vline(23, 0, 12, shade(red, -0.25));
  t.rect(8, 6, 14, 6, P.metalDark); // brewing recess
  t.rect(9, 3, 12, 3, P.steel);
  t.px(11, 4, hex("#5ad87a"));
  t.px(13, 4, hex("#e8b040"));
  t.rect(14, 6, 2, 2, shade(P.steel, -0.3)); // spout
  t.rect(13, 9, 4, 3, hex("#ffffff")); // cup
  t.px(17, 10, hex("#ffffff"));
  t.rect(14, 9, 2, 1, hex("#6b3f24"));
  t.rect(8, 11, 14, 1, P.steel); // drip tray
  // mugs next to it
  t.rect(25, 5, 3, 4, hex("#3f7bb8"));
  t.rect(25, 5, 3, 1, shade(hex("#3f7bb8"), 0.3));
  t.rect(2, 6, 3, 4, hex("#e8e2d0"));
  finish(t, false);
}

function waterCooler(t: Tile): void {
  // cabinet
  t.rect(10, 15, 12, 14, hex("#eef0f2"), 0.01);
  t.vline(21, 15, 14, hex("#c8ccd2"));
  t.hline(10, 15, 12, hex("#ffffff"));
  t.rect(12, 20, 8, 4, hex("#c8ccd2")); // dispenser recess
  t.rect(13, 20, 2, 2, hex("#4a8fd8"));
  t.rect(17, 20, 2, 2, hex("#d8483a"));
  t.rect(10, 28, 12, 1, hex("#9aa0a8"));
  // bottle
  t.rect(14, 12, 4, 3, withAlpha(P.water, 235));
  t.roundRect(11, 1, 10, 12, 3, withAlpha(P.water, 235));
  t.vline(13, 3, 8, withAlpha(hex("#ffffff"), 160));
  t.hline(11, 6, 10, shade(P.water, -0.15));
  t.rect(14, 0, 4, 1, shade(P.water, -0.2));
  finish(t);
}

function coffeeTable(t: Tile): void {
  const wood = hex("#a8754a");
  t.rect(8, 20, 2, 6, shade(wood, -0.35));
  t.rect(22, 20, 2, 6, shade(wood, -0.35));
  t.roundRect(5, 9, 22, 11, 3, wood, 0.02);
  t.roundRect(5, 17, 22, 4, 2, shade(wood, -0.25));
  t.hline(7, 9, 18, shade(wood, 0.25));
  // magazine and a mug
  t.rect(9, 11, 7, 5, hex("#f4efe4"));
  t.rect(9, 11, 7, 2, hex("#e07a50"));
  t.rect(19, 11, 3, 3, hex("#ffffff"));
  t.px(20, 11, hex("#6b3f24"));
  finish(t);
}

function armchair(t: Tile): void {
  const s = P.sofa;
  t.roundRect(5, 4, 22, 10, 2, shade(s, -0.08), 0.02);
  t.hline(6, 4, 20, shade(s, 0.2));
  t.rect(9, 13, 14, 13, s, 0.02);
  t.hline(9, 13, 14, shade(s, -0.25));
  t.hline(9, 14, 14, shade(s, 0.15));
  t.rect(5, 25, 22, 4, shade(s, -0.28));
  t.roundRect(4, 7, 6, 21, 2, shade(s, 0.06), 0.02);
  t.roundRect(22, 7, 6, 21, 2, shade(s, 0.06), 0.02);
  t.hline(5, 7, 4, shade(s, 0.3));
  t.hline(23, 7, 4, shade(s, 0.3));
  t.vline(9, 9, 18, shade(s, -0.18));
  t.vline(22, 9, 18, shade(s, -0.18));
  t.rect(6, 29, 2, 1, P.metalDark);
  t.rect(24, 29, 2, 1, P.metalDark);
  finish(t);
}

function floorLamp(t: Tile): void {
  // warm glow halo (semi-transparent, not outlined)
  const glow = new Tile(1);
  glow.ellipse(16, 8, 13, 9, withAlpha(hex("#ffe9a8"), 40));
  glow.ellipse(16, 8, 10, 7, withAlpha(hex("#ffe9a8"), 40));
  // base + pole + shade
  t.ellipse(16, 28, 6, 2, P.metalDark);
  t.hline(12, 27, 8, shade(P.metalDark, 0.3));
  t.rect(15, 11, 2, 17, P.brass);
  t.vline(15, 11, 17, shade(P.brass, 0.3));
  for (let y = 2; y < 12; y++) {
    const half = 4 + Math.floor((y - 2) / 2);
    t.rect(16 - half, y, half * 2, 1, y < 4 ? shade(P.lampShade, 0.3) : P.lampShade);
  }
  t.hline(7, 11, 18, shade(P.lampShade, -0.2));
  finish(t);
  // composite: glow behind the lamp
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      if (t.alpha(x, y) !== 0) continue;
      const g = glow.get(x, y);
      if (g[3] > 0) t.px(x, y, g);
    }
  }
}

function tv(t: Tile): void {
  // wall-mounted flat screen
  t.rect(1, 6, 30, 18, hex("#1d1f26"));
  t.hline(1, 6, 30, hex("#3a3e4a"));
  for (let y = 8; y < 22; y++) {
    for (let x = 3; x < 29; x++) t.px(x, y, mix(hex("#3a5ba8"), hex("#6a3fa0"), (x - 3) / 26 * 0.6 + (y - 8) / 14 * 0.4));
  }
  // a video call grid on screen
  const faces = [hex("#f2c39a"), hex("#b57f56"), hex("#e8b48a"), hex("#8a5a3c")];
  for (let k = 0; k < 4; k++) {
    const gx = 4 + (k % 2) * 12;
    const gy = 9 + Math.floor(k / 2) * 6;
    t.rect(gx, gy, 11, 5, withAlpha(hex("#ffffff"), 40));
    t.ellipse(gx + 5.5, gy + 2, 1.5, 1.5, faces[k]!);
    t.rect(gx + 3, gy + 4, 5, 1, hex("#2d3550"));
  }
  t.px(28, 22, hex("#5ad87a")); // power led
  t.rect(13, 24, 6, 1, hex("#2a2c33"));
  finish(t);
}

// ---------------------------------------------------------------------------

const DRAWERS: ReadonlyArray<readonly [number, (t: Tile) => void]> = [
  [TILE_IDS.wood, woodFloor],
  [TILE_IDS.carpet, (t) => carpet(t, P.carpet)],
  [TILE_IDS.meetingCarpet, (t) => carpet(t, P.meeting)],
  [TILE_IDS.rug, rug],
  [TILE_IDS.kitchenTiles, kitchenTiles],
  [TILE_IDS.hallway, hallway],
  [TILE_IDS.doormat, doormat],
  [TILE_IDS.grass, grass],
  [TILE_IDS.wallTop, wallTop],
  [TILE_IDS.wallFace, wallFace],
  [TILE_IDS.wallWindow, wallWindow],
  [TILE_IDS.wallPicture, wallPicture],
  [TILE_IDS.stage, stage],
  [TILE_IDS.deskLeft, deskLeft],
  [TILE_IDS.deskRight, deskRight],
  [TILE_IDS.chair, chair],
  [TILE_IDS.plant, plant],
  [TILE_IDS.meetingTable, meetingTable],
  [TILE_IDS.sofaLeft, sofaLeftHalf],
  [TILE_IDS.whiteboard, whiteboard],
  [TILE_IDS.bookshelf, bookshelf],
  [TILE_IDS.coffeeCounter, coffeeCounter],
  [TILE_IDS.waterCooler, waterCooler],
  [TILE_IDS.coffeeTable, coffeeTable],
  [TILE_IDS.counter, counter],
  [TILE_IDS.armchair, armchair],
  [TILE_IDS.floorLamp, floorLamp],
  [TILE_IDS.tv, tv],
];

function blit(png: PNG, id: number, t: Tile): void {
  const ox = (id % COLUMNS) * TILE;
  const oy = Math.floor(id / COLUMNS) * TILE;
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      const s = (y * TILE + x) * 4;
      const d = ((oy + y) * png.width + ox + x) * 4;
      for (let k = 0; k < 4; k++) png.data[d + k] = t.data[s + k]!;
    }
  }
}

export function drawTileset(): PNG {
  const png = new PNG({ width: COLUMNS * TILE, height: TILE_ROWS * TILE });
  png.data.fill(0);
  const tiles = new Map<number, Tile>();
  for (const [id, draw] of DRAWERS) {
    const t = new Tile(id);
    draw(t);
    tiles.set(id, t);
  }
  // the sofa's right half is the mirror image of the left half
  tiles.set(TILE_IDS.sofaRight, tiles.get(TILE_IDS.sofaLeft)!.flipX());
  // flipping also mirrors the drop shadow; redo it so light comes from one side
  const right = tiles.get(TILE_IDS.sofaRight)!;
  for (let i = 0; i < right.data.length; i += 4) if (right.data[i + 3]! < 200) right.data.fill(0, i, i + 4);
  right.dropShadow();
  for (const [id, t] of tiles) blit(png, id, t);
  return png;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const out = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "shared", "maps", "office-tiles.png");
  const png = drawTileset();
  writeFileSync(out, PNG.sync.write(png, { colorType: 6 }));
  console.log(`wrote ${out} (${png.width}×${png.height})`);
}
