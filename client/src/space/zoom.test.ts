/** UX2, UX3: the zoom's whole device pixels and clamp, and the joystick's quarters. Pure. */
import { describe, expect, it } from "vitest";
import { Dir } from "../../../shared/protocol.ts";
import { stickDir } from "./joystick.ts";
import { MAX_CSS_ZOOM, MIN_CSS_ZOOM, Zoom } from "./zoom.ts";

const laptop = { cssWidth: 1280, cssHeight: 800, dpr: 1, tileSize: 32 };
const phone = { cssWidth: 390, cssHeight: 844, dpr: 3, tileSize: 32 };

describe("UX3 zoom", () => {
  it("is fitted until the person zooms, then a whole number of device pixels", () => {
    const z = new Zoom();
    expect(z.scale(laptop)).toBe(1.5); // 1.5 CSS px fitted
    expect(z.scale(phone)).toBe(3); // the shorter side (390 px) fits 1 CSS px
    for (const v of [laptop, phone]) for (let i = 0; i < 20; i++) { z.by(1.07, v); expect(Number.isInteger(z.scale(v))).toBe(true); }
  });

  it("steps by at least one device pixel, stays within the clamp, and 0 fits again", () => {
    let changes = 0;
    const z = new Zoom(() => changes++);
    const first = z.scale(phone);
    z.step(1, phone);
    expect(z.scale(phone)).toBeGreaterThan(first);
    for (let i = 0; i < 30; i++) z.step(1, phone);
    expect(z.scale(phone)).toBe(MAX_CSS_ZOOM * phone.dpr);
    for (let i = 0; i < 60; i++) z.step(-1, phone);
    expect(z.scale(phone)).toBe(Math.ceil(MIN_CSS_ZOOM * phone.dpr));
    z.by(0.001, laptop);
    expect(z.scale(laptop)).toBe(1);
    z.reset();
    expect(z.scale(phone)).toBe(first);
    expect(z.chosen).toBe(false);
    expect(changes).toBeGreaterThan(0);
  });

  it("ignores nonsense factors", () => {
    const z = new Zoom();
    for (const f of [0, -1, NaN, Infinity]) z.by(f, laptop);
    expect(z.chosen).toBe(false);
  });
});

describe("UX2 joystick", () => {
  it("points to one of four quarters beyond the dead zone", () => {
    expect(stickDir(0, 1)).toBe(Dir.RIGHT);
    expect(stickDir(90, 1)).toBe(Dir.UP);
    expect(stickDir(180, 0.8)).toBe(Dir.LEFT);
    expect(stickDir(270, 0.5)).toBe(Dir.DOWN);
    expect(stickDir(44, 1)).toBe(Dir.RIGHT);
    expect(stickDir(46, 1)).toBe(Dir.UP);
    expect(stickDir(359, 1)).toBe(Dir.RIGHT);
    expect(stickDir(90, 0.1)).toBeUndefined();
    expect(stickDir(NaN, 1)).toBeUndefined();
  });
});
