/**
 * Painted floors and walls: the tileset's own texture code and seeds (shared/art/pixels.ts), so a
 * painted floor matches the base map's tiles pixel for pixel.
 */
import { carpet, grass, hex, kitchenTiles, P, Pixels, SeededTile, wallTop, woodFloor } from "../../../shared/art/pixels.ts";
import { U } from "./objectModel.ts";

/** Paint → [tileset tile id (its PRNG seed), texture]. */
const TEXTURES: Readonly<Record<string, readonly [number, (t: SeededTile) => void]>> = {
  wood: [0, woodFloor],
  carpet: [1, (t) => carpet(t, P.carpet)],
  tiles: [4, kitchenTiles],
  grass: [7, grass],
  wall: [8, wallTop],
};

export function texturePixels(paint: string): Pixels {
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
