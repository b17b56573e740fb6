import { describe, expect, it } from "vitest";
import { FADE_IN_MS, FADE_OUT_MS, Glide, SNAP_TILES } from "./motion.ts";
import { STEP_MS } from "../../../shared/constants.ts";
import { Dir } from "../../../shared/protocol.ts";

describe("MV8 remote avatars glide, never jump", () => {
  it("moves from one tile to the next over one step's time", () => {
    const g = new Glide(2, 2);
    g.target(3, 2, 1000);
    expect(g.at(1000)).toMatchObject({ x: 2, y: 2, moving: true });
    expect(g.at(1000 + STEP_MS / 2).x).toBeCloseTo(2.5);
    expect(g.at(1000 + STEP_MS)).toEqual({ x: 3, y: 2, moving: false });
  });
  it("continues from where it is drawn when a new target arrives mid-glide", () => {
    const g = new Glide(0, 0);
    g.target(1, 0, 0);
    g.target(2, 0, STEP_MS / 2);
    expect(g.at(STEP_MS / 2).x).toBeCloseTo(0.5);
    const mid = g.at(STEP_MS);
    expect(mid.x).toBeGreaterThan(0.5);
    expect(mid.x).toBeLessThan(2);
  });
  it("catches up on a backlog within two steps' time", () => {
    const g = new Glide(0, 0);
    g.target(4, 0, 0);
    expect(g.at(2 * STEP_MS)).toEqual({ x: 4, y: 0, moving: false });
    expect(g.at(STEP_MS).x).toBeCloseTo(2);
  });
  it("shows a far jump (spawn, reconnect) at once", () => {
    const g = new Glide(0, 0);
    g.target(SNAP_TILES + 5, 0, 0);
    expect(g.at(0)).toEqual({ x: SNAP_TILES + 5, y: 0, moving: false });
  });
});

describe("IM4 avatars fade in and out of view", () => {
  it("fades in after coming into view, out after leaving it, then is gone", () => {
    const g = new Glide(1, 1, 1000);
    expect(g.opacity(1000)).toBe(0);
    expect(g.opacity(1000 + FADE_IN_MS / 2)).toBeCloseTo(0.5);
    expect(g.opacity(1000 + FADE_IN_MS)).toBe(1);
    g.leave(2000);
    expect(g.leaving).toBe(true);
    expect(g.opacity(2000 + FADE_OUT_MS / 2)).toBeCloseTo(0.5);
    expect(g.gone(2000 + FADE_OUT_MS / 2)).toBe(false);
    expect(g.gone(2000 + FADE_OUT_MS)).toBe(true);
  });
  it("leaving while still fading in fades out from where it was, not from full", () => {
    const g = new Glide(1, 1, 0);
    g.leave(FADE_IN_MS / 2);
    expect(g.opacity(FADE_IN_MS / 2)).toBeCloseTo(0.5);
    expect(g.opacity(FADE_IN_MS / 2 + FADE_OUT_MS / 2)).toBeCloseTo(0.25);
  });
  it("coming back while fading out continues from the current opacity (no flicker at a crowd's edge)", () => {
    const g = new Glide(1, 1);
    g.leave(0);
    const at = FADE_OUT_MS * 0.4;
    const before = g.opacity(at);
    g.reenter(at);
    expect(g.leaving).toBe(false);
    expect(g.opacity(at)).toBeCloseTo(before);
    expect(g.opacity(at + FADE_IN_MS)).toBe(1);
    expect(g.gone(at + 10 * FADE_OUT_MS)).toBe(false);
  });
});

describe("IM9 coarse avatars (the far part of a crowd)", () => {
  it("walk to a coarse tile at walking pace, facing the way they go", () => {
    const g = new Glide(0, 0);
    g.target(0, 3, 0, true);
    expect(g.at(STEP_MS).y).toBeCloseTo(1);
    expect(g.at(2 * STEP_MS)).toMatchObject({ moving: true });
    expect(g.at(3 * STEP_MS)).toEqual({ x: 0, y: 3, moving: false });
    expect(g.heading).toBe(Dir.DOWN);
    g.target(-2, 4, 3 * STEP_MS, true);
    expect(g.heading).toBe(Dir.LEFT);
  });
});
