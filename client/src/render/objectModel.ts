/**
 * The model vocabulary of build-mode furniture (objectArt.ts): boxes with a height standing on the
 * floor and flat ellipses (leaves), in a frame of 32 units per tile with the front facing down, and
 * the decals that paint a box's visible faces. Pure data and pixel helpers: no canvas, no clock.
 */
import { shade, type Pixels, type RGBA } from "../../../shared/art/pixels.ts";

/** Design units per tile: models are drawn at 1 unit = 1 px of a 32 px tile. */
export const U = 32;

// ---------------------------------------------------------------------------
// texture noise on objects

/** Position hash in [0, 1) for texture noise on objects (stable whatever the drawing order). */
export function hash01(x: number, y: number, seed: number): number {
  let h = Math.imul(x + 0x9e37, 0x85ebca6b) ^ Math.imul(y + 0x79b9, 0xc2b2ae35) ^ Math.imul(seed, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

// ---------------------------------------------------------------------------
// models

export type Facing = "down" | "left" | "up" | "right";
export const FACING: readonly Facing[] = ["down", "left", "up", "right"];

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Paints the visible faces of a box in screen space: `south` is empty when the box is flat. */
export type Decal = (p: Pixels, top: Rect, south: Rect, facing: Facing) => void;

/**
 * A box in model units: base rectangle (x, y, w, d) in the model's frame (front = +y), standing at
 * elevation z with height h (h = 0: flat, only its top is drawn). `layer` orders things resting on
 * others (drawn after everything of lower layers).
 */
export interface Box {
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
export interface Blob {
  shape: "blob";
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  z: number;
  color: RGBA;
  layer: number;
}

export type Part = Box | Blob;

export interface Model {
  /** Footprint in tiles at rot 0. */
  w: number;
  h: number;
  parts: Part[];
  seed: number;
  /** Looks the same from every side: drawn at rot 0 whatever the rotation. */
  symmetric?: boolean;
}

export function box(x: number, y: number, w: number, d: number, z: number, h: number, top: RGBA, side: RGBA = shade(top, -0.25), extra: Partial<Box> = {}): Box {
  return { shape: "box", x, y, w, d, z, h, top, side, layer: 0, noise: 0.02, ...extra };
}

export function blob(cx: number, cy: number, rx: number, ry: number, z: number, color: RGBA, layer = 1): Blob {
  return { shape: "blob", cx, cy, rx, ry, z, color, layer };
}

/**
 * A panel turned sideways (facing left or right) would show only its edge in a view from the south;
 * like most top-down art we cheat and show its display as a narrow band on the side it faces.
 */
export function sideBand(top: Rect, south: Rect, facing: Facing, width: number): Rect {
  const y = top.y + 1;
  const h = south.y + south.h - 1 - y;
  return { x: facing === "left" ? top.x - width : top.x + top.w, y, w: width, h };
}
