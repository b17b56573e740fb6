/** A seeded PRNG returning floats in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: tiny, fast, deterministic; same seed, same sequence. The load-test bots choose goals
 * with it and the pixel art (shared/art/pixels.ts) draws its texture noise with it.
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
