/**
 * Build mode's palette: tools (select/move), objects, floors and walls, areas and spawn points,
 * plus rotate/delete for the selection and a line that says whether every edit is stored. It only
 * shows state and reports clicks; build/buildMode.ts decides what they do.
 */
import { OBJECT_KIND_NAMES, PAINTS, type ZoneKind } from "../../../shared/world.ts";
import { OBJECT_LABELS, PAINT_LABELS, drawPaletteIcon } from "../render/objectArt.ts";
import type { Tool } from "../buildmode/buildTool.ts";
import { el } from "./dom.ts";
import "../buildmode/build.css";

export interface BuildPanelHandlers {
  tool(tool: Tool): void;
  rotate(): void;
  remove(): void;
  undo(): void;
  redo(): void;
  close(): void;
}

const ICON = 28;

/** `data-tool` value of a tool: what tests click and what the panel highlights. */
export function toolKey(t: Tool): string {
  switch (t.type) {
    case "select": return "select";
    case "spawn": return "spawn";
    case "object": return `object:${t.kind}`;
    case "paint": return `paint:${t.paint}`;
    case "zone": return `zone:${t.kind}`;
  }
}

type IconKind = "select" | "erase" | "spawn" | ZoneKind;

/** Icons that are not objects or floors, drawn in the same flat style. */
function drawToolIcon(g: CanvasRenderingContext2D, kind: IconKind, s: number) {
  g.lineJoin = "round";
  g.lineCap = "round";
  switch (kind) {
    case "select": {
      g.fillStyle = "#eef1f7";
      g.strokeStyle = "#1c2230";
      g.lineWidth = 1.5;
      g.beginPath();
      g.moveTo(s * 0.3, s * 0.18); g.lineTo(s * 0.3, s * 0.8); g.lineTo(s * 0.45, s * 0.65);
      g.lineTo(s * 0.58, s * 0.88); g.lineTo(s * 0.68, s * 0.83); g.lineTo(s * 0.56, s * 0.6);
      g.lineTo(s * 0.76, s * 0.6); g.closePath();
      g.fill(); g.stroke();
      return;
    }
    case "erase": {
      g.save();
      g.translate(s / 2, s / 2);
      g.rotate(-Math.PI / 4);
      g.fillStyle = "#e5646e";
      g.fillRect(-s * 0.32, -s * 0.16, s * 0.32, s * 0.32);
      g.fillStyle = "#eef1f7";
      g.fillRect(0, -s * 0.16, s * 0.32, s * 0.32);
      g.strokeStyle = "#1c2230";
      g.lineWidth = 1.5;
      g.strokeRect(-s * 0.32, -s * 0.16, s * 0.64, s * 0.32);
      g.restore();
      return;
    }
    case "spawn": {
      g.fillStyle = "#4fd1c5";
      g.beginPath();
      g.ellipse(s / 2, s * 0.72, s * 0.32, s * 0.14, 0, 0, Math.PI * 2);
      g.fill();
      g.fillStyle = "#eef1f7";
      g.beginPath();
      g.moveTo(s * 0.34, s * 0.2); g.lineTo(s * 0.66, s * 0.2); g.lineTo(s / 2, s * 0.62);
      g.closePath();
      g.fill();
      return;
    }
    case "private":
    case "spotlight": {
      const c = kind === "private" ? "79,209,197" : "242,182,50";
      g.fillStyle = `rgba(${c},0.25)`;
      g.fillRect(s * 0.14, s * 0.2, s * 0.72, s * 0.6);
      g.strokeStyle = `rgb(${c})`;
      g.lineWidth = 1.5;
      g.setLineDash([3, 2]);
      g.strokeRect(s * 0.14, s * 0.2, s * 0.72, s * 0.6);
      g.setLineDash([]);
      if (kind === "spotlight") {
        g.fillStyle = `rgb(${c})`;
        g.beginPath();
        for (let i = 0; i < 10; i++) {
          const r = i % 2 ? s * 0.08 : s * 0.18;
          const a = -Math.PI / 2 + (i * Math.PI) / 5;
          g.lineTo(s / 2 + r * Math.cos(a), s / 2 + r * Math.sin(a));
        }
        g.closePath();
        g.fill();
      }
      return;
    }
  }
}

export class BuildPanel {
  readonly root = el("aside", "build-panel");
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private readonly rotateButton = el("button", "build-action");
  private readonly deleteButton = el("button", "build-action danger");
  private readonly undoButton = el("button", "build-action");
  private readonly redoButton = el("button", "build-action");
  private historyShown = "";
  private readonly hint = el("p", "build-hint");
  private readonly saved = el("p", "build-saved");
  private selectionShown = "";

  constructor(private readonly on: BuildPanelHandlers) {
    this.root.setAttribute("aria-label", "Build palette");
    const head = el("header");
    const title = el("h2");
    title.textContent = "Build";
    const close = el("button", "build-close");
    close.textContent = "Done";
    close.title = "Leave build mode (B)";
    close.onclick = () => on.close();
    this.saved.setAttribute("aria-live", "polite");
    const titles = el("div");
    titles.append(title, this.saved);
    head.append(titles, close);
    this.root.append(head);

    // The select tool and what acts on a selection sit together in one row at the top.
    const actions = el("div", "build-actions");
    const select = this.toolButton({ type: "select" }, "Select & move", "select");
    select.classList.add("build-select");
    this.rotateButton.textContent = "⟳ Rotate";
    this.rotateButton.title = "Rotate (R)";
    this.rotateButton.onclick = () => on.rotate();
    this.deleteButton.textContent = "Delete";
    this.deleteButton.title = "Delete the selection (Delete)";
    this.deleteButton.onclick = () => on.remove();
    actions.append(select, this.rotateButton, this.deleteButton);
    this.root.append(actions);
    // BM9: your own edits, undone and redone as new edits (someone else's work is never undone).
    const history = el("div", "build-actions build-history");
    this.undoButton.textContent = "↶ Undo";
    this.undoButton.title = "Undo your last edit (Ctrl+Z)";
    this.undoButton.dataset.action = "undo";
    this.undoButton.onclick = () => on.undo();
    this.redoButton.textContent = "↷ Redo";
    this.redoButton.title = "Redo (Ctrl+Shift+Z or Ctrl+Y)";
    this.redoButton.dataset.action = "redo";
    this.redoButton.onclick = () => on.redo();
    history.append(this.undoButton, this.redoButton);
    this.root.append(history);
    this.setHistory(false, false);

    this.section("Objects", OBJECT_KIND_NAMES.map((kind) => [{ type: "object", kind }, OBJECT_LABELS[kind] ?? kind, kind]));
    this.section("Floors & walls", [
      ...PAINTS.map((paint): [Tool, string, string] => [{ type: "paint", paint }, PAINT_LABELS[paint] ?? paint, paint]),
      [{ type: "paint", paint: "erase" }, "Eraser", "erase"],
    ]);
    this.section("Areas", [
      [{ type: "zone", kind: "private" }, "Private area", "private"],
      [{ type: "zone", kind: "spotlight" }, "Spotlight", "spotlight"],
      [{ type: "spawn" }, "Spawn point", "spawn"],
    ]);
    this.root.append(this.hint);
    this.setPending(0);
  }

  private section(name: string, items: Array<[Tool, string, string]>) {
    const h = el("h3");
    h.textContent = name;
    const grid = el("div", "build-grid");
    for (const [tool, label, icon] of items) grid.append(this.toolButton(tool, label, icon));
    this.root.append(h, grid);
  }

  private toolButton(tool: Tool, label: string, icon: string): HTMLButtonElement {
    const b = el("button", "build-tool");
    b.dataset.tool = toolKey(tool);
    b.title = label;
    b.setAttribute("aria-pressed", "false");
    const c = el("canvas");
    const dpr = window.devicePixelRatio || 1;
    c.width = c.height = Math.round(ICON * dpr);
    const g = c.getContext("2d")!;
    g.scale(dpr, dpr);
    if (tool.type === "object" || (tool.type === "paint" && tool.paint !== "erase")) drawPaletteIcon(g, icon, ICON);
    else drawToolIcon(g, icon as IconKind, ICON);
    const text = el("span");
    text.textContent = label;
    b.append(c, text);
    b.onclick = () => this.on.tool(tool);
    this.buttons.set(b.dataset.tool, b);
    return b;
  }

  setTool(t: Tool) {
    const key = toolKey(t);
    for (const [k, b] of this.buttons) b.setAttribute("aria-pressed", String(k === key));
    this.hint.textContent = {
      select: "Click to select, drag to move. R rotates, Delete removes, Ctrl+C / Ctrl+V copy and paste.",
      object: "Click to place. R rotates before placing.",
      paint: "Click or drag to paint.",
      zone: "Drag a rectangle, then name it.",
      spawn: "Click where people should appear.",
    }[t.type];
    this.selectionShown = "";
    this.setSelection(false, t);
  }

  /** Whether there is something of yours to undo / redo (called every frame: touches the DOM on change only). */
  setHistory(canUndo: boolean, canRedo: boolean) {
    const key = `${canUndo}:${canRedo}`;
    if (key === this.historyShown) return;
    this.historyShown = key;
    this.undoButton.disabled = !canUndo;
    this.redoButton.disabled = !canRedo;
  }

  /** Whether something is selected (enables Delete; Rotate also acts on the tool's ghost). */
  setSelection(selected: boolean, tool: Tool) {
    const key = `${selected}:${tool.type}`;
    if (key === this.selectionShown) return; // called every frame: touch the DOM only on change
    this.selectionShown = key;
    this.deleteButton.disabled = !selected;
    this.rotateButton.disabled = !(tool.type === "object" || (tool.type === "select" && selected));
  }

  /** Edits sent and not yet stored. */
  setPending(n: number) {
    this.saved.textContent = n > 0 ? `Saving ${n} change${n > 1 ? "s" : ""}…` : "All changes saved";
    this.saved.title = n > 0 ? "Sent, waiting for the space to store it" : "Every edit is stored";
    this.saved.classList.toggle("pending", n > 0);
  }
}
