/**
 * Keys and the pointer in the space view, turned into intents: walking (held keys, click to walk:
 * MV6), build mode (B, and clicks and keys while it is on), a desk's popover (BM5), chat (Enter)
 * and emotes (1–6). Nothing here decides a move: the walk controller does.
 */
import type { Tile } from "../../../shared/map.ts";
import { Dir, EMOTES, type Emote } from "../../../shared/protocol.ts";
import type { WorldContent } from "../../../shared/world.ts";
import { thingAt } from "../buildmode/buildTool.ts";
import type { BuildMode } from "../buildmode/buildMode.ts";
import type { DeskPopover } from "../buildmode/deskClaim.ts";
import type { WorldRenderer } from "../render/world.ts";
import { bindJoystick } from "./joystick.ts";
import { keyBelongsToControl } from "../a11y/keys.ts";
import type { Move, WalkController } from "./walk.ts";

const KEY_DIRS: Record<string, Dir> = {
  ArrowUp: Dir.UP, KeyW: Dir.UP, ArrowDown: Dir.DOWN, KeyS: Dir.DOWN,
  ArrowLeft: Dir.LEFT, KeyA: Dir.LEFT, ArrowRight: Dir.RIGHT, KeyD: Dir.RIGHT,
};

export interface InputDeps {
  canvas: HTMLCanvasElement;
  renderer: WorldRenderer;
  walk: WalkController;
  build: BuildMode;
  desk: DeskPopover;
  chat: { focusInput(): void };
  content(): WorldContent;
  /** What this person may do here (`welcome`). */
  may(): { canBuild: boolean; canClaim: boolean };
  move(m: Move): void;
  emote(e: Emote): void;
  /** Walking by key or click stopped following someone; `announce`: say so. */
  stoppedFollowing(announce: boolean): void;
  /** A click set out for `t` (`ok`: there is a way): closed rooms offer a knock (NV3, NV9). */
  walked?(t: Tile, ok: boolean): void;
  /** Something the next frame shows changed (UX5: frames are drawn on demand). */
  redraw(): void;
}

/** A direction pressed, by key or joystick (MV6): walks that way, stops following. */
function pressDir(d: InputDeps, dir: Dir): void {
  const { move, stoppedFollowing } = d.walk.press(dir, performance.now());
  if (stoppedFollowing) d.stoppedFollowing(true);
  if (move) d.move(move);
  d.redraw();
}

const isTyping = (e: Event) => e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;

/** The keys of the whole page (window listeners); returns a function that removes them. */
export function bindKeys(d: InputDeps): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (keyBelongsToControl(e)) return; // UX12: Enter on a button presses it; dialogs keep their keys
    if (isTyping(e)) {
      if (e.key === "Escape") (e.target as HTMLElement).blur();
      return;
    }
    if (d.build.active && d.build.key(e)) { e.preventDefault(); return; }
    if (e.code === "KeyB" && d.may().canBuild && !e.ctrlKey && !e.metaKey && !e.altKey) { d.build.toggle(); return; }
    if (e.key === "Escape" && d.desk.openDesk) { d.desk.close(); return; }
    if (e.key === "Enter") { e.preventDefault(); d.chat.focusInput(); return; }
    const n = Number(e.key);
    if (Number.isInteger(n) && n >= 1 && n <= EMOTES.length) { d.emote(EMOTES[n - 1]); return; }
    const dir = KEY_DIRS[e.code];
    if (dir === undefined) return;
    e.preventDefault();
    pressDir(d, dir);
  };
  const onKeyUp = (e: KeyboardEvent) => {
    const dir = KEY_DIRS[e.code];
    if (dir !== undefined) d.walk.release(dir);
    d.redraw();
  };
  const onBlur = () => d.walk.releaseAll();
  window.addEventListener("keydown", onKeyDown);
  window.addEventListener("keyup", onKeyUp);
  window.addEventListener("blur", onBlur);
  return () => {
    window.removeEventListener("keydown", onKeyDown);
    window.removeEventListener("keyup", onKeyUp);
    window.removeEventListener("blur", onBlur);
  };
}

/**
 * The pointer on the map (canvas listeners: they go with the canvas). In build mode a press edits
 * (and may drag); otherwise a click walks there. Returns the hovered tile, read every frame.
 */
export function bindPointer(d: InputDeps): { hover(): Tile | undefined } {
  const { canvas, renderer, build, desk, walk } = d;
  let hover: Tile | undefined;
  canvas.addEventListener("pointermove", (e) => {
    const was = hover;
    hover = renderer.tileAt(e.offsetX, e.offsetY);
    if (build.active) build.pointerMove(e);
    if (build.active || was?.x !== hover?.x || was?.y !== hover?.y) d.redraw();
  });
  canvas.addEventListener("pointerleave", () => { hover = undefined; if (build.active) build.pointerLeave(); d.redraw(); });
  canvas.addEventListener("pointerdown", (e) => { if (build.active) build.pointerDown(e); d.redraw(); });
  canvas.addEventListener("pointerup", (e) => { if (build.active) build.pointerUp(e); d.redraw(); });
  canvas.addEventListener("click", (e) => {
    d.redraw();
    if (build.active) return;
    const t = renderer.tileAt(e.offsetX, e.offsetY);
    if (!t || !walk.placed) return;
    if (walk.unfollow()) d.stoppedFollowing(false);
    // A desk: say whose it is and offer to claim it (BM5); walking up to it happens too.
    const thing = thingAt(d.content(), t);
    if (thing?.kind === "desk" && (d.may().canClaim || thing.claimedBy)) desk.open(thing.id);
    else desk.close();
    d.walked?.(t, walk.walkTo(t));
  });
  return { hover: () => hover };
}

/** The touch joystick (UX2) in `zone`: the same presses and releases as the arrow keys. */
export function bindTouch(d: InputDeps, zone: HTMLElement): () => void {
  return bindJoystick({
    zone,
    press: (dir) => pressDir(d, dir),
    release: (dir) => { d.walk.release(dir); d.redraw(); },
  });
}
