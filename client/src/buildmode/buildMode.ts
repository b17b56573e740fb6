/**
 * Build mode in the space view: the palette, pointer and keys on the map turned into edits
 * (buildTool), each sent with a ref (buildClient) and shown as a pending ghost until the room
 * answers. The answer needs no handling when it is ok (the synced state already carries the
 * change); a refusal is told in words and the ghost goes, leaving exactly what is stored.
 */
import type { SpaceMap, Tile } from "../../../shared/map.ts";
import { WORLD_LIMITS, type BuildOp, type Editor, type WorldContent, type ZoneKind } from "../../../shared/world.ts";
import { BuildPanel } from "../ui/buildPanel.ts";
import { el } from "../ui/dom.ts";
import type { BuildOverlay } from "../render/world.ts";
import { BuildTool, type BuildAction, type Ghost, type Tool } from "./buildTool.ts";
import type { BuildClient, Built } from "./buildClient.ts";
import { EditHistory, type Plan } from "./history.ts";
import { copySelection, pasteOps, type Clipboard } from "./clipboard.ts";

export interface BuildModeDeps {
  /** The space view's root: the palette and the name prompt go in here. */
  view: HTMLElement;
  base: SpaceMap;
  content: () => WorldContent;
  editor: () => Editor;
  client: BuildClient;
  tileAt(cssX: number, cssY: number): Tile | undefined;
  screenOf(t: Tile): { x: number; y: number };
  toast(text: string): void;
  /** Entered or left build mode. */
  changed(active: boolean): void;
}

/** A refusal as a sentence: the room's message starts lower-case (it is also used mid-sentence). */
export function refusalText(b: Extract<Built, { ok: false }>): string {
  return b.message ? b.message[0].toUpperCase() + b.message.slice(1) : `Not applied (${b.code})`;
}

interface Pending {
  ghost?: Ghost;
  dims?: string;
  /** An undo/redo step: not recorded as a new edit of yours. */
  replay?: boolean;
  /** Answered ok: shown until the synced content reaches this version (the patch may trail the answer). */
  until?: number;
  answeredAt?: number;
}

/** A stored edit whose patch has not arrived after this long stops being shown as pending anyway. */
const PATCH_WAIT_MS = 3000;

export class BuildMode {
  active = false;
  readonly tool: BuildTool;
  private readonly panel: BuildPanel;
  private readonly pending = new Map<number, Pending>();
  private prompt: HTMLFormElement | undefined;
  /** The area being named: shown until it is created or cancelled. */
  private zoneDraft: Ghost | undefined;
  /** R/Delete pressed while the selection's last edit is still in flight: done after it lands. */
  private deferred: Array<"rotate" | "remove"> = [];
  private pointerId: number | undefined;
  /** BM9: your stored edits, for undo/redo; edits of one gesture (a drag, a stroke) go together. */
  readonly history: EditHistory;
  private gesture = 0;
  /** An undo/redo still being sent: the next waits for it (steps name revisions). */
  private replaying: Promise<void> | undefined;
  private clipboard: Clipboard | undefined;
  /** The tile under the pointer (where Ctrl+V pastes). */
  private hover: { x: number; y: number } | undefined;

  constructor(private readonly d: BuildModeDeps) {
    this.tool = new BuildTool(d.base, d.content, d.editor);
    this.history = new EditHistory(() => d.base);
    this.panel = new BuildPanel({
      tool: (t) => this.setTool(t),
      rotate: () => this.intent("rotate"),
      remove: () => this.intent("remove"),
      undo: () => void this.undo(),
      redo: () => void this.redo(),
      close: () => this.toggle(false),
    });
    this.panel.root.hidden = true;
    d.view.append(this.panel.root);
    this.setTool({ type: "select" });
  }

  toggle(on = !this.active) {
    if (on === this.active) return;
    this.active = on;
    this.panel.root.hidden = !on;
    if (!on) {
      // A stroke still being painted is sent as far as it got; a drag is dropped.
      if (this.tool.tool.type === "paint") this.run(this.tool.up(undefined, performance.now()));
      this.tool.cancel();
      this.tool.selected = undefined;
      this.deferred = [];
      this.closePrompt();
    }
    this.d.changed(on);
  }

  setTool(t: Tool) {
    this.deferred = [];
    this.tool.setTool(t);
    this.closePrompt();
    this.panel.setTool(t);
  }

  /** One edit on its own (desk claims, `__plaza.build`): its own gesture for undo. */
  edit(op: BuildOp): Promise<Built> {
    this.gesture++;
    return this.send(op);
  }

  /** Sends one edit; the promise is the room's answer. */
  send(op: BuildOp, show: Pending = {}): Promise<Built> {
    const captured = show.replay ? undefined : this.history.capture(op, this.d.content());
    const gesture = this.gesture;
    const { ref, answer } = this.d.client.edit(op);
    const entry: Pending = { ...show };
    this.pending.set(ref, entry);
    this.panel.setPending(this.pending.size);
    return answer.then((b) => {
      if (b.ok && this.d.content().version < b.version) {
        entry.until = b.version;
        entry.answeredAt = performance.now();
      } else {
        this.pending.delete(ref);
      }
      this.panel.setPending(this.pending.size);
      if (!b.ok) this.d.toast(refusalText(b));
      else if (captured) this.history.record(gesture, captured, b.created);
      return b;
    });
  }

  /** Ctrl+Z: puts back what your last gesture changed, unless someone changed it since (BM9). */
  undo(): Promise<void> {
    return this.replay(() => this.history.undo(this.d.content()), "Undone");
  }

  /** Ctrl+Shift+Z / Ctrl+Y. */
  redo(): Promise<void> {
    return this.replay(() => this.history.redo(this.d.content()), "Redone");
  }

  private replay(plan: () => Plan, said: string): Promise<void> {
    const run = async () => {
      const p = plan();
      if (!p.ok) { this.d.toast(p.message[0]!.toUpperCase() + p.message.slice(1)); return; }
      for (const step of p.steps) {
        const b = await this.send(step.op, { replay: true });
        if (!b.ok) return; // refused (told by send); the rest would build on it
        step.done(b.created);
      }
      this.d.toast(said);
    };
    const next = (this.replaying ?? Promise.resolve()).then(run);
    this.replaying = next.finally(() => { if (this.replaying === next) this.replaying = undefined; });
    return next;
  }

  /** Ctrl+C: the selection (an object, area or spawn point) to paste elsewhere. */
  private copy(): boolean {
    const sel = this.tool.selected;
    if (!sel) return false;
    this.clipboard = copySelection(this.d.content(), sel);
    if (this.clipboard) this.d.toast("Copied: Ctrl+V pastes it where the pointer is");
    return this.clipboard !== undefined;
  }

  /** Ctrl+V: a copy where the pointer is (or beside the original), as one undoable gesture. */
  private paste(): void {
    if (!this.clipboard) { this.d.toast("Nothing copied yet: select something and press Ctrl+C"); return; }
    this.gesture++;
    for (const op of pasteOps(this.clipboard, this.hover)) void this.send(op);
  }

  // ---- input (the space view forwards these while build mode is on) ---------------------------

  pointerDown(e: PointerEvent) {
    if (e.button !== 0) return;
    const t = this.d.tileAt(e.offsetX, e.offsetY);
    if (!t) return;
    this.gesture++;
    this.closePrompt();
    this.pointerId = e.pointerId;
    (e.target as Element).setPointerCapture?.(e.pointerId);
    this.run(this.tool.down(t, performance.now()));
  }

  pointerMove(e: PointerEvent) {
    const t = this.d.tileAt(e.offsetX, e.offsetY);
    this.hover = t;
    this.run(this.tool.move(t, performance.now()));
  }

  pointerUp(e: PointerEvent) {
    if (e.pointerId !== this.pointerId) return;
    this.pointerId = undefined;
    this.run(this.tool.up(this.d.tileAt(e.offsetX, e.offsetY), performance.now()));
  }

  pointerLeave() {
    if (!this.tool.dragging) this.tool.move(undefined, performance.now());
  }

  /** Keys while build mode is on; true when used (R, Delete/Backspace, Escape). */
  key(e: KeyboardEvent): boolean {
    if ((e.ctrlKey || e.metaKey) && !e.altKey) {
      const k = e.key.toLowerCase();
      if (k === "z" && !e.shiftKey) { void this.undo(); return true; }
      if ((k === "z" && e.shiftKey) || k === "y") { void this.redo(); return true; }
      if (k === "c") return this.copy();
      if (k === "v") { this.paste(); return true; }
      return false;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    this.gesture++;
    if (e.code === "KeyR") { this.intent("rotate"); return true; }
    if (e.key === "Delete" || e.key === "Backspace") { this.intent("remove"); return true; }
    if (e.key === "Escape") {
      if (!this.tool.cancel() && this.tool.selected === undefined) this.toggle(false);
      this.tool.selected = undefined;
      return true;
    }
    return false;
  }

  /** Once per frame: paint batches that are due, and what to draw. */
  frame(now: number): BuildOverlay | undefined {
    this.run(this.tool.tick(now));
    const version = this.d.content().version;
    let settled = false;
    for (const [ref, p] of this.pending) {
      if (p.until === undefined || (version < p.until && now - p.answeredAt! < PATCH_WAIT_MS)) continue;
      this.pending.delete(ref);
      settled = true;
    }
    if (settled) this.panel.setPending(this.pending.size);
    const sel = this.tool.selected;
    if (this.deferred.length > 0 && !(sel && this.inFlight(sel))) this.act(this.deferred.shift()!);
    if (!this.active && this.pending.size === 0) return undefined;
    const live = this.active ? this.tool.preview() : { ghosts: [] };
    const dims = new Set<string>();
    const pending: Ghost[] = [];
    for (const p of this.pending.values()) {
      if (p.ghost) pending.push(p.ghost);
      if (p.dims) dims.add(p.dims);
    }
    if (live.dims) dims.add(live.dims);
    this.panel.setSelection(live.selected !== undefined, this.tool.tool);
    this.panel.setHistory(this.history.canUndo, this.history.canRedo);
    if (!this.active) return { active: false, ghosts: [], pending, dims };
    const ghosts = this.zoneDraft ? [...live.ghosts, this.zoneDraft] : live.ghosts;
    return { active: true, ghosts, pending, selected: live.selected, dims };
  }

  // ---- internals -------------------------------------------------------------------------------

  /**
   * Rotate or remove the selection. An edit names the revision it saw, so a second R pressed before
   * the first turn is stored would conflict with our own edit: it waits for the first to land.
   */
  private intent(what: "rotate" | "remove") {
    const sel = this.tool.selected;
    if (this.tool.tool.type === "select" && sel && this.inFlight(sel)) this.deferred.push(what);
    else this.act(what);
  }

  private act(what: "rotate" | "remove") {
    this.run(what === "rotate" ? this.tool.rotate() : this.tool.remove());
  }

  private inFlight(id: string): boolean {
    for (const p of this.pending.values()) if (p.dims === id) return true;
    return false;
  }

  private run(actions: BuildAction[]) {
    for (const a of actions) {
      if (a.type === "send") void this.send(a.op, { ghost: a.ghost, dims: a.dims });
      else if (a.type === "refuse") this.d.toast(a.message[0].toUpperCase() + a.message.slice(1));
      else this.askZoneName(a.kind, { x: a.x, y: a.y, w: a.w, h: a.h });
    }
  }

  /** Names a freshly drawn area in place (a small form by the rectangle, not window.prompt). */
  private askZoneName(kind: ZoneKind, r: { x: number; y: number; w: number; h: number }) {
    this.closePrompt();
    const form = el("form", "zone-prompt");
    const label = el("label");
    label.textContent = kind === "private" ? "Name this private area" : "Name this spotlight";
    const input = el("input");
    input.type = "text";
    input.maxLength = WORLD_LIMITS.zoneNameMax;
    input.placeholder = kind === "private" ? "Meeting room" : "Stage";
    input.required = true;
    const ok = el("button");
    ok.type = "submit";
    ok.textContent = "Create";
    const cancel = el("button", "secondary");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    cancel.onclick = () => this.closePrompt();
    const row = el("div");
    row.append(input, ok, cancel);
    form.append(label, row);
    const ghost: Ghost = { type: "zone", kind, ...r, invalid: false };
    this.zoneDraft = ghost;
    form.onsubmit = (e) => {
      e.preventDefault();
      const name = input.value.trim();
      if (!name) return;
      this.gesture++;
      this.closePrompt();
      void this.send({ op: "zone", kind, ...r, name }, { ghost });
    };
    form.onkeydown = (e) => { if (e.key === "Escape") { e.stopPropagation(); this.closePrompt(); } };
    // Under the rectangle's lower-left corner, kept on screen.
    const at = this.d.screenOf({ x: r.x, y: r.y + r.h });
    form.style.left = `${Math.max(8, Math.min(at.x - 16, this.d.view.clientWidth - 340))}px`;
    form.style.top = `${Math.max(8, Math.min(at.y - 8, this.d.view.clientHeight - 90))}px`;
    this.d.view.append(form);
    this.prompt = form;
    input.focus();
  }

  private closePrompt() {
    this.prompt?.remove();
    this.prompt = undefined;
    this.zoneDraft = undefined;
  }
}
