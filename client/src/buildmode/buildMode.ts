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

  constructor(private readonly d: BuildModeDeps) {
    this.tool = new BuildTool(d.base, d.content, d.editor);
    this.panel = new BuildPanel({
      tool: (t) => this.setTool(t),
      rotate: () => this.intent("rotate"),
      remove: () => this.intent("remove"),
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

  /** Sends one edit; the promise is the room's answer (also used by `__plaza.build` and desk claims). */
  send(op: BuildOp, show: Pending = {}): Promise<Built> {
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
      return b;
    });
  }

  // ---- input (the space view forwards these while build mode is on) ---------------------------

  pointerDown(e: PointerEvent) {
    if (e.button !== 0) return;
    const t = this.d.tileAt(e.offsetX, e.offsetY);
    if (!t) return;
    this.closePrompt();
    this.pointerId = e.pointerId;
    (e.target as Element).setPointerCapture?.(e.pointerId);
    this.run(this.tool.down(t, performance.now()));
  }

  pointerMove(e: PointerEvent) {
    this.run(this.tool.move(this.d.tileAt(e.offsetX, e.offsetY), performance.now()));
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
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
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
