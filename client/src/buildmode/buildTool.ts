/**
 * Build mode's pointer and keyboard logic, without DOM or network: tiles and keys in, build
 * operations and previews out. Nothing here changes the content: an edit shows as a ghost until
 * the room has stored it and the synced state carries it (no optimistic application, so a refused
 * edit leaves nothing behind). Validity is predicted with the room's own rule (`planEdit`), so a
 * ghost is red exactly when the room would refuse it (except for races with other builders).
 */
import { chebyshev, type Tile } from "../../../shared/grid.ts";
import type { SpaceMap } from "../../../shared/map.ts";
import {
  OBJECT_KINDS, WORLD_LIMITS, footprint, planEdit, thingTiles,
  type BuildOp, type Editor, type ObjectKind, type Paint, type Rot, type Thing, type WorldContent, type ZoneKind,
} from "../../../shared/world.ts";

export type Tool =
  | { type: "select" }
  | { type: "object"; kind: ObjectKind }
  | { type: "paint"; paint: Paint | "erase" }
  | { type: "zone"; kind: ZoneKind }
  | { type: "spawn" };

/** A preview drawn over the world: where something would go, red when the room would refuse it. */
export type Ghost =
  | { type: "object"; kind: ObjectKind; x: number; y: number; rot: Rot; invalid: boolean }
  | { type: "zone"; kind: ZoneKind; x: number; y: number; w: number; h: number; invalid: boolean }
  | { type: "spawn"; x: number; y: number; invalid: boolean }
  | { type: "paint"; paint: Paint | "erase"; tiles: Tile[] };

/** What the tool asks its owner to do. `ghost` stays drawn (and `dims` dimmed) until the answer. */
export type BuildAction =
  | { type: "send"; op: BuildOp; ghost?: Ghost; dims?: string }
  | { type: "nameZone"; kind: ZoneKind; x: number; y: number; w: number; h: number }
  /** The room would refuse this (same rule, checked here): say why without a round trip. */
  | { type: "refuse"; message: string };

/** Paint strokes go out at most this often while the button is held (and at once on release). */
export const PAINT_BATCH_MS = 100;

type Drag =
  | { type: "move"; id: string; rev: number; dx: number; dy: number; from: Tile; to: Tile }
  | { type: "zone"; kind: ZoneKind; from: Tile; to: Tile }
  | { type: "paint"; last: Tile };

const sameTile = (a: Tile | undefined, b: Tile | undefined) => a?.x === b?.x && a?.y === b?.y;

/** Depth order of objects (and of avatars among them): lower edge, then things under things. */
export function depthOf(t: Pick<Thing, "kind" | "y" | "rot">): number {
  return t.y + footprint(t.kind, t.rot).h + (OBJECT_KINDS[t.kind].blocks ? 0.001 : 0);
}

/** The topmost object covering a tile. */
export function thingAt(w: WorldContent, t: Tile): Thing | undefined {
  let best: Thing | undefined;
  for (const o of w.things.values()) {
    if (!thingTiles(o).some((p) => p.x === t.x && p.y === t.y)) continue;
    if (!best || depthOf(o) > depthOf(best)) best = o;
  }
  return best;
}

/** What a click in the select tool picks: an object, else a spawn point, else the smallest area. */
export function entityAt(w: WorldContent, t: Tile): string | undefined {
  const thing = thingAt(w, t);
  if (thing) return thing.id;
  for (const s of w.spawns.values()) if (s.x === t.x && s.y === t.y) return s.id;
  let zone: { id: string; size: number } | undefined;
  for (const z of w.zones.values()) {
    if (t.x < z.x || t.y < z.y || t.x >= z.x + z.w || t.y >= z.y + z.h) continue;
    if (!zone || z.w * z.h < zone.size) zone = { id: z.id, size: z.w * z.h };
  }
  return zone?.id;
}

/** Tiles on the line from a to b, a excluded (a fast drag still paints a continuous stroke). */
export function lineTiles(a: Tile, b: Tile): Tile[] {
  const n = chebyshev(a, b);
  const out: Tile[] = [];
  for (let i = 1; i <= n; i++) out.push({ x: Math.round(a.x + ((b.x - a.x) * i) / n), y: Math.round(a.y + ((b.y - a.y) * i) / n) });
  return out;
}

/** Where a dragged entity lands (never off the top/left edge: coordinates are unsigned). */
function dropAt(drag: Extract<Drag, { type: "move" }>): Tile {
  return { x: Math.max(0, drag.to.x - drag.dx), y: Math.max(0, drag.to.y - drag.dy) };
}

function rectOf(a: Tile, b: Tile) {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x) + 1, h: Math.abs(a.y - b.y) + 1 };
}

export class BuildTool {
  tool: Tool = { type: "select" };
  /** Rotation of the next placed object. */
  rot: Rot = 0;
  /** The selected object, area or spawn point (select tool). */
  selected: string | undefined;
  private hovered: Tile | undefined;
  private drag: Drag | undefined;
  /** Painted in this stroke but not sent yet, and every tile of the stroke so far. */
  private strokeBuffer: Tile[] = [];
  private strokeSeen = new Set<number>();
  private strokeSentAt = 0;
  private ghostMemo: { key: string; ghost: Exclude<Ghost, { type: "paint" }> | undefined } = { key: "", ghost: undefined };

  constructor(
    private readonly base: SpaceMap,
    private readonly content: () => WorldContent,
    private readonly editor: () => Editor,
  ) {}

  setTool(tool: Tool) {
    this.cancel();
    this.tool = tool;
    if (tool.type !== "select") this.selected = undefined;
  }

  /** Drops a drag in progress (Escape, leaving build mode). Returns whether there was one. */
  cancel(): boolean {
    const had = this.drag !== undefined && this.drag.type !== "paint";
    if (this.drag?.type !== "paint") this.drag = undefined;
    return had;
  }

  get dragging(): boolean { return this.drag !== undefined; }

  // ---- pointer ---------------------------------------------------------------------------------

  down(t: Tile, now: number): BuildAction[] {
    this.hovered = t;
    const w = this.content();
    switch (this.tool.type) {
      case "object": {
        const op: BuildOp = { op: "place", kind: this.tool.kind, x: t.x, y: t.y, rot: this.rot };
        return [this.sendIfValid(op, { type: "object", kind: op.kind, x: t.x, y: t.y, rot: this.rot, invalid: false })];
      }
      case "spawn":
        return [this.sendIfValid({ op: "spawn", x: t.x, y: t.y }, { type: "spawn", x: t.x, y: t.y, invalid: false })];
      case "zone":
        this.drag = { type: "zone", kind: this.tool.kind, from: t, to: t };
        return [];
      case "paint":
        this.drag = { type: "paint", last: t };
        this.strokeSeen.clear();
        this.strokeSentAt = now;
        this.addStroke([t]);
        return [];
      case "select": {
        this.selected = entityAt(w, t);
        const e = this.selected ? this.origin(this.selected) : undefined;
        if (e) this.drag = { type: "move", id: e.id, rev: e.rev, dx: t.x - e.x, dy: t.y - e.y, from: t, to: t };
        return [];
      }
    }
  }

  move(t: Tile | undefined, now: number): BuildAction[] {
    this.extend(t);
    return this.tick(now);
  }

  up(t: Tile | undefined, now: number): BuildAction[] {
    // Not `move`: its batch tick could flush the stroke's tail into actions nobody returns.
    if (t) this.extend(t);
    const drag = this.drag;
    this.drag = undefined;
    if (!drag) return [];
    if (drag.type === "paint") return this.flushStroke(now);
    if (drag.type === "zone") return [{ type: "nameZone", kind: drag.kind, ...rectOf(drag.from, drag.to) }];
    if (sameTile(drag.from, drag.to)) return [];
    const ghost = this.movedGhost(drag);
    const e = this.origin(drag.id);
    if (!ghost || !e) return [];
    const at = dropAt(drag);
    return [this.sendIfValid({ op: "move", id: drag.id, rev: drag.rev, x: at.x, y: at.y, rot: e.rot }, { ...ghost, invalid: false }, drag.id)];
  }

  /** Sends the paint gathered so far when a batch is due (call every frame). */
  tick(now: number): BuildAction[] {
    if (this.drag?.type !== "paint" || now - this.strokeSentAt < PAINT_BATCH_MS) return [];
    return this.flushStroke(now);
  }

  // ---- keys ------------------------------------------------------------------------------------

  /** R: turn the object about to be placed, or the selected one (an edit like any other). */
  rotate(): BuildAction[] {
    if (this.tool.type === "object") { this.rot = ((this.rot + 1) % 4) as Rot; this.ghostMemo.key = ""; return []; }
    if (this.tool.type !== "select" || !this.selected || this.drag) return [];
    const w = this.content();
    const thing = w.things.get(this.selected);
    if (thing) {
      const rot = ((thing.rot + 1) % 4) as Rot;
      return [this.sendIfValid(
        { op: "move", id: thing.id, rev: thing.rev, x: thing.x, y: thing.y, rot },
        { type: "object", kind: thing.kind, x: thing.x, y: thing.y, rot, invalid: false }, thing.id,
      )];
    }
    const zone = w.zones.get(this.selected);
    if (zone) {
      return [this.sendIfValid(
        { op: "move", id: zone.id, rev: zone.rev, x: zone.x, y: zone.y, rot: 1 },
        { type: "zone", kind: zone.kind, x: zone.x, y: zone.y, w: zone.h, h: zone.w, invalid: false }, zone.id,
      )];
    }
    return [];
  }

  /** Delete/Backspace: remove the selection. */
  remove(): BuildAction[] {
    if (!this.selected || this.drag) return [];
    const e = this.origin(this.selected);
    this.selected = undefined;
    return e ? [{ type: "send", op: { op: "remove", id: e.id, rev: e.rev }, dims: e.id }] : [];
  }

  // ---- what to draw ----------------------------------------------------------------------------

  /** The live preview: the ghost under the pointer or of the drag, and the selection. */
  preview(): { ghosts: Ghost[]; selected?: string; dims?: string } {
    const w = this.content();
    if (this.selected && !this.origin(this.selected)) this.selected = undefined; // removed by someone
    const ghosts: Ghost[] = [];
    const drag = this.drag;
    if (drag?.type === "move") {
      const g = sameTile(drag.from, drag.to) ? undefined : this.movedGhost(drag);
      if (g) ghosts.push(g);
      return { ghosts, selected: this.selected, dims: g ? drag.id : undefined };
    }
    if (drag?.type === "zone") {
      const r = rectOf(drag.from, drag.to);
      ghosts.push({ type: "zone", kind: drag.kind, ...r, invalid: w.zones.size >= WORLD_LIMITS.zones });
    } else if (this.hovered && (this.tool.type === "object" || this.tool.type === "spawn")) {
      const g = this.hoverGhost(this.hovered);
      if (g) ghosts.push(g);
    } else if (this.hovered && this.tool.type === "paint" && !drag) {
      ghosts.push({ type: "paint", paint: this.tool.paint, tiles: [this.hovered] });
    }
    if (drag?.type === "paint" && this.tool.type === "paint" && this.strokeBuffer.length) {
      ghosts.push({ type: "paint", paint: this.tool.paint, tiles: this.strokeBuffer.slice() });
    }
    return { ghosts, selected: this.tool.type === "select" ? this.selected : undefined };
  }

  // ---- internals -------------------------------------------------------------------------------

  /** The pointer is over `t` (or off the map): the drag follows it, a stroke gathers the tiles. */
  private extend(t: Tile | undefined) {
    this.hovered = t;
    if (!t || !this.drag) return;
    if (this.drag.type === "paint") {
      if (!sameTile(t, this.drag.last)) this.addStroke(lineTiles(this.drag.last, t));
      this.drag.last = t;
    } else {
      this.drag.to = t;
    }
  }

  private origin(id: string): { id: string; rev: number; x: number; y: number; rot: Rot } | undefined {
    const w = this.content();
    const t = w.things.get(id);
    if (t) return t;
    const z = w.zones.get(id);
    if (z) return { id, rev: z.rev, x: z.x, y: z.y, rot: 0 };
    const s = w.spawns.get(id);
    return s ? { id, rev: s.rev, x: s.x, y: s.y, rot: 0 } : undefined;
  }

  private valid(op: BuildOp): boolean {
    return planEdit(this.base, this.content(), op, this.editor(), () => "preview").ok;
  }

  /**
   * Sends what the room would accept; refuses locally what it would refuse for the content we
   * see. A conflict is never predicted here (the rev is the one we saw): the room decides those.
   */
  private sendIfValid(op: BuildOp, ghost: Ghost, dims?: string): BuildAction {
    const plan = planEdit(this.base, this.content(), op, this.editor(), () => "preview");
    if (!plan.ok && plan.code !== "conflict" && plan.code !== "not_found") return { type: "refuse", message: plan.message };
    return { type: "send", op, ghost, dims };
  }

  /** Hover ghost for place/spawn, memoised: planEdit copies the collision grid, so not every frame. */
  private hoverGhost(t: Tile): Exclude<Ghost, { type: "paint" }> | undefined {
    const tool = this.tool;
    const key = `${tool.type}:${tool.type === "object" ? tool.kind : ""}:${this.rot}:${t.x},${t.y}:${this.content().version}`;
    if (key === this.ghostMemo.key) return this.ghostMemo.ghost;
    let ghost: Exclude<Ghost, { type: "paint" }> | undefined;
    if (tool.type === "object") {
      const op: BuildOp = { op: "place", kind: tool.kind, x: t.x, y: t.y, rot: this.rot };
      ghost = { type: "object", kind: tool.kind, x: t.x, y: t.y, rot: this.rot, invalid: !this.valid(op) };
    } else if (tool.type === "spawn") {
      ghost = { type: "spawn", x: t.x, y: t.y, invalid: !this.valid({ op: "spawn", x: t.x, y: t.y }) };
    }
    this.ghostMemo = { key, ghost };
    return ghost;
  }

  private movedGhost(drag: Extract<Drag, { type: "move" }>): Exclude<Ghost, { type: "paint" }> | undefined {
    const e = this.origin(drag.id);
    if (!e) return undefined;
    const { x, y } = dropAt(drag);
    const key = `move:${drag.id}:${e.rev}:${x},${y}:${this.content().version}`;
    if (key === this.ghostMemo.key) return this.ghostMemo.ghost;
    const invalid = !this.valid({ op: "move", id: drag.id, rev: e.rev, x, y, rot: e.rot });
    const w = this.content();
    const t = w.things.get(drag.id);
    const z = w.zones.get(drag.id);
    const ghost: Exclude<Ghost, { type: "paint" }> = t
      ? { type: "object", kind: t.kind, x, y, rot: t.rot, invalid }
      : z ? { type: "zone", kind: z.kind, x, y, w: z.w, h: z.h, invalid } : { type: "spawn", x, y, invalid };
    this.ghostMemo = { key, ghost };
    return ghost;
  }

  private addStroke(tiles: Tile[]) {
    if (this.tool.type !== "paint") return;
    const paint = this.tool.paint;
    const w = this.content();
    for (const t of tiles) {
      if (t.x < 0 || t.y < 0 || t.x >= this.base.width || t.y >= this.base.height) continue;
      const i = t.y * this.base.width + t.x;
      if (this.strokeSeen.has(i)) continue;
      this.strokeSeen.add(i);
      // Already looks like that: nothing to store.
      if (paint === "erase" ? !w.paint.has(i) : w.paint.get(i) === paint) continue;
      this.strokeBuffer.push(t);
    }
  }

  private flushStroke(now: number): BuildAction[] {
    this.strokeSentAt = now;
    if (this.tool.type !== "paint" || this.strokeBuffer.length === 0) { this.strokeBuffer = []; return []; }
    const paint = this.tool.paint;
    const out: BuildAction[] = [];
    for (let i = 0; i < this.strokeBuffer.length; i += WORLD_LIMITS.paintPerEdit) {
      const tiles = this.strokeBuffer.slice(i, i + WORLD_LIMITS.paintPerEdit);
      out.push({ type: "send", op: { op: "paint", paint, tiles: tiles.map((t) => [t.x, t.y] as [number, number]) }, ghost: { type: "paint", paint, tiles } });
    }
    this.strokeBuffer = [];
    return out;
  }
}
