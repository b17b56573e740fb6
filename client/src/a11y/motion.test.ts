import { afterEach, describe, expect, it } from "vitest";
import { Glide } from "../render/motion.ts";
import { motionPreference } from "./motion.ts";

afterEach(() => { motionPreference.reduced = false; });

describe("UX13 reduced motion", () => {
  it("avatars snap to their new tile instead of gliding", () => {
    const g = new Glide(0, 0, 0);
    g.target(1, 0, 1000);
    expect(g.at(1010)).toMatchObject({ moving: true });
    motionPreference.reduced = true;
    g.target(2, 0, 2000);
    expect(g.at(2000)).toEqual({ x: 2, y: 0, moving: false });
  });

  it("avatars appear and disappear without fading", () => {
    motionPreference.reduced = true;
    const g = new Glide(0, 0, 1000);
    expect(g.opacity(1000)).toBe(1);
    g.leave(2000);
    expect(g.opacity(2000)).toBe(0);
  });
});
