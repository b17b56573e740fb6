/**
 * The touch joystick (UX2): a thumb stick at the bottom left of the map on touch screens, drawn
 * and tracked by nipplejs. It is a fourth direction key: pushing it presses the way it points
 * (the walk controller's `press`, exactly what an arrow key does), turning it to another quarter
 * releases the old way and presses the new one, letting go releases it. Movement rules and
 * prediction are the walk controller's (walk.ts over shared/net/predictor.ts), not the stick's.
 */
import { Dir } from "../../../shared/protocol.ts";

/** How far the stick must be pushed (0..1) before it walks. */
export const JOYSTICK_DEAD_ZONE = 0.35;

/**
 * The way a stick pointing at `degrees` (0 = right, counter-clockwise, as nipplejs reports it) with
 * `force` (0..1) walks; undefined inside the dead zone. Pure.
 */
export function stickDir(degrees: number, force: number): Dir | undefined {
  if (!(force >= JOYSTICK_DEAD_ZONE) || !Number.isFinite(degrees)) return undefined;
  const a = ((degrees % 360) + 360) % 360;
  if (a >= 45 && a < 135) return Dir.UP;
  if (a >= 135 && a < 225) return Dir.LEFT;
  if (a >= 225 && a < 315) return Dir.DOWN;
  return Dir.RIGHT;
}

export interface JoystickDeps {
  /** The stick's area (a fixed square at the bottom left of the map). */
  zone: HTMLElement;
  press(dir: Dir): void;
  release(dir: Dir): void;
}

/**
 * Binds a stick in `zone` (nipplejs is loaded then, so screens without touch never fetch it: UX9);
 * returns a function that removes it.
 */
export function bindJoystick(d: JoystickDeps): () => void {
  let held: Dir | undefined;
  let removed = false;
  let destroy = () => undefined as void;
  const hold = (dir: Dir | undefined) => {
    if (dir === held) return;
    if (held !== undefined) d.release(held);
    held = dir;
    if (dir !== undefined) d.press(dir);
  };
  void import("nipplejs").then(({ create }) => {
    if (removed) return;
    const stick = create({
      zone: d.zone, mode: "static", position: { left: "50%", top: "50%" }, size: 96,
      color: { front: "#27b9a7", back: "rgba(38,46,63,0.75)" }, restOpacity: 0.7, fadeTime: 0,
    });
    stick.on("move", (e) => hold(stickDir(e.data.angle.degree, e.data.force)));
    stick.on("end", () => hold(undefined));
    // The stick's code arrives after the page (UX9): say when it takes touches.
    d.zone.dataset.ready = "true";
    destroy = () => stick.destroy();
  });
  return () => {
    removed = true;
    hold(undefined);
    destroy();
  };
}
