/**
 * Undo and redo in build mode (SPEC BM9): per person, through the same edit path and rules as any
 * edit, and aware of other builders.
 *
 * Every edit of yours that the room stored is remembered with what it replaced. Undo does not
 * rewind the space: it sends a new edit that puts back what your edit changed — and only if
 * nobody changed that thing since (each step names the revision your edit produced, so the room
 * refuses it with `conflict` otherwise, and paint is restored only on tiles that still show your
 * paint). Redo sends your edit again on the same terms. Re-creating something (undo of a remove,
 * redo of a place) gives it a new id; later steps that named the old one follow it.
 *
 * Pure: content in, build operations out; the caller sends them and reports the answers.
 */
import type { SpaceMap } from "../../../shared/map.ts";
import { WORLD_LIMITS, type BuildOp, type Paint, type Rot, type Thing, type WorldContent, type Zone, type SpawnPoint } from "../../../shared/world.ts";

/** How many of your edits (gestures) can be undone. */
export const HISTORY_LIMIT = 100;

/**
 * A stable name for an entity across re-creations (ids change when something is re-created), and
 * the revision it has if nobody but you touched it since (re-created things start again at 1).
 */
interface Handle { id: string; rev: number }

type Shape =
  | { type: "thing"; kind: Thing["kind"]; x: number; y: number; rot: Rot }
  | { type: "zone"; kind: Zone["kind"]; name: string; x: number; y: number; w: number; h: number }
  | { type: "spawn"; x: number; y: number };

/** One stored edit, as both directions. */
type Change =
  /** Something appeared (place, zone, spawn): backwards removes it, forwards re-creates it. */
  | { type: "create"; handle: Handle; shape: Shape }
  /** Something went (remove): backwards re-creates it, forwards removes it again. */
  | { type: "delete"; handle: Handle; shape: Shape }
  /** Moved/turned: `from`/`to` are the op coordinates. */
  | { type: "move"; handle: Handle; from: { x: number; y: number; rot: Rot }; to: { x: number; y: number; rot: Rot } }
  /** Paint: per tile index, the paint before and after (undefined = bare). */
  | { type: "paint"; tiles: Array<{ i: number; before: Paint | undefined; after: Paint | undefined }> };

/** What one gesture (a click, a drag, a paint stroke) changed: undone and redone together. */
export interface Entry { gesture: number; changes: Change[] }

/** An operation the caller sends for an undo/redo step, and how to learn from its answer. */
export interface Step {
  op: BuildOp;
  /** Call with the room's ok answer (`created` is the new id of something re-created). */
  done(created: string | undefined): void;
}

export type Plan = { ok: true; steps: Step[] } | { ok: false; message: string };

export class EditHistory {
  private readonly undos: Entry[] = [];
  private redos: Entry[] = [];
  private readonly handles = new Map<string, Handle>();

  constructor(private readonly base: () => SpaceMap) {}

  get canUndo(): boolean { return this.undos.length > 0; }
  get canRedo(): boolean { return this.redos.length > 0; }

  /**
   * Call when sending an edit of yours: reads what it will replace from the content you see now
   * (cheap: only the entities and tiles the edit names). Hand the result to `record` once the room
   * has stored the edit.
   */
  capture(op: BuildOp, before: WorldContent): Captured {
    const width = this.base().width;
    switch (op.op) {
      case "remove": {
        const cur = find(before, op.id);
        return { op, shape: cur ? shapeOf(cur) : undefined };
      }
      case "move": {
        const cur = find(before, op.id);
        return { op, from: cur ? { x: cur.x, y: cur.y, rot: "rot" in cur ? cur.rot : 0 } : undefined };
      }
      case "paint": {
        const seen = new Set<number>();
        const tiles: Array<{ i: number; before: Paint | undefined; after: Paint | undefined }> = [];
        for (const [x, y] of op.tiles) {
          const i = y * width + x;
          if (seen.has(i)) continue;
          seen.add(i);
          const was = before.paint.get(i);
          const after = op.paint === "erase" ? undefined : op.paint;
          if (was !== after) tiles.push({ i, before: was, after });
        }
        return { op, tiles };
      }
      case "claim":
        return { op, deskRev: before.things.get(op.id)?.rev };
      default:
        return { op };
    }
  }

  /**
   * The room stored an edit of yours (`created`: the id it gave a new entity). Consecutive edits
   * of one gesture merge into one entry. A new edit clears what could be redone.
   */
  record(gesture: number, captured: Captured, created: string | undefined): void {
    const change = this.changeOf(captured, created);
    if (!change) return;
    this.redos = [];
    const last = this.undos.at(-1);
    if (last && last.gesture === gesture) last.changes.push(change);
    else this.undos.push({ gesture, changes: [change] });
    if (this.undos.length > HISTORY_LIMIT) this.undos.shift();
  }

  /** The steps that undo your last gesture against the content now, or why it cannot be undone. */
  undo(now: WorldContent): Plan {
    return this.plan(this.undos, this.redos, now, "back");
  }

  redo(now: WorldContent): Plan {
    return this.plan(this.redos, this.undos, now, "forward");
  }

  /** Forget everything (left the space). */
  clear(): void {
    this.undos.length = 0;
    this.redos = [];
    this.handles.clear();
  }

  private plan(from: Entry[], to: Entry[], now: WorldContent, dir: "back" | "forward"): Plan {
    const entry = from.at(-1);
    if (!entry) return { ok: false, message: dir === "back" ? "nothing to undo" : "nothing to redo" };
    // Last change first when going back.
    const changes = dir === "back" ? [...entry.changes].reverse() : entry.changes;
    const steps: Step[] = [];
    for (const c of changes) {
      const made = this.stepsFor(c, now, dir);
      if (typeof made === "string") {
        // Someone else changed it: this entry cannot be replayed; drop it so the next one can.
        from.pop();
        return { ok: false, message: made };
      }
      steps.push(...made);
    }
    from.pop();
    if (steps.length === 0) return { ok: false, message: "someone else changed all of it since: nothing to do" };
    to.push(entry);
    return { ok: true, steps };
  }

  private stepsFor(c: Change, now: WorldContent, dir: "back" | "forward"): Step[] | string {
    const changedSince = "someone else changed it since: not undone";
    const changedMsg = dir === "back" ? changedSince : "someone else changed it since: not redone";
    switch (c.type) {
      case "create":
      case "delete": {
        const removing = (c.type === "create") === (dir === "back");
        if (removing) {
          const cur = find(now, c.handle.id);
          if (!cur) return dir === "back" ? "it was already removed" : "it is already gone";
          if (cur.rev !== c.handle.rev) return changedMsg;
          return [{ op: { op: "remove", id: c.handle.id, rev: cur.rev }, done: () => {} }];
        }
        return [{
          op: createOp(c.shape),
          done: (created) => {
            if (!created) return;
            this.retarget(c.handle, created);
            c.handle.rev = 1;
          },
        }];
      }
      case "move": {
        const cur = find(now, c.handle.id);
        if (!cur) return "it was removed by someone else";
        if (cur.rev !== c.handle.rev) return changedMsg;
        const target = dir === "back" ? c.from : c.to;
        // Areas turn by swapping sides (rot 1 or 3 swaps); turning back swaps again.
        const rot = isZone(now, c.handle.id) ? c.to.rot : target.rot;
        return [{
          op: { op: "move", id: c.handle.id, rev: cur.rev, x: target.x, y: target.y, rot },
          done: () => { c.handle.rev = cur.rev + 1; },
        }];
      }
      case "paint": {
        const width = this.base().width;
        const groups = new Map<Paint | "erase", Array<[number, number]>>();
        for (const t of c.tiles) {
          const [want, expect] = dir === "back" ? [t.before, t.after] : [t.after, t.before];
          if (now.paint.get(t.i) !== expect) continue;
          const key = want ?? "erase";
          let list = groups.get(key);
          if (!list) groups.set(key, (list = []));
          list.push([t.i % width, Math.floor(t.i / width)]);
        }
        // Tiles repainted by someone else since keep their paint; if that is all of them, the
        // entry as a whole has nothing left to do (plan says so).
        const steps: Step[] = [];
        for (const [paint, tiles] of groups) {
          for (let k = 0; k < tiles.length; k += WORLD_LIMITS.paintPerEdit) {
            steps.push({ op: { op: "paint", paint, tiles: tiles.slice(k, k + WORLD_LIMITS.paintPerEdit) }, done: () => {} });
          }
        }
        return steps;
      }
    }
  }

  /** The handle of `id`, whose revision is now `rev` (after an edit of yours). */
  private handle(id: string, rev: number): Handle {
    let h = this.handles.get(id);
    if (!h) this.handles.set(id, (h = { id, rev }));
    h.rev = rev;
    return h;
  }

  private retarget(h: Handle, id: string): void {
    this.handles.delete(h.id);
    h.id = id;
    this.handles.set(id, h);
  }

  private changeOf(c: Captured, created: string | undefined): Change | undefined {
    const op = c.op;
    switch (op.op) {
      case "place":
        return created ? { type: "create", handle: this.handle(created, 1), shape: { type: "thing", kind: op.kind, x: op.x, y: op.y, rot: op.rot } } : undefined;
      case "zone":
        return created ? { type: "create", handle: this.handle(created, 1), shape: { type: "zone", kind: op.kind, name: op.name, x: op.x, y: op.y, w: op.w, h: op.h } } : undefined;
      case "spawn":
        return created ? { type: "create", handle: this.handle(created, 1), shape: { type: "spawn", x: op.x, y: op.y } } : undefined;
      case "remove":
        return c.shape ? { type: "delete", handle: this.handle(op.id, op.rev), shape: c.shape } : undefined;
      case "move":
        return c.from ? { type: "move", handle: this.handle(op.id, op.rev + 1), from: c.from, to: { x: op.x, y: op.y, rot: op.rot } } : undefined;
      case "paint":
        return c.tiles && c.tiles.length > 0 ? { type: "paint", tiles: c.tiles } : undefined;
      case "claim": {
        // Not building, nothing to undo; but your own claim must not look like someone else's change.
        const h = this.handles.get(op.id);
        if (h && c.deskRev !== undefined) h.rev = c.deskRev + 1;
        return undefined;
      }
    }
  }
}

/** What an edit replaces, read when it was sent (EditHistory.capture). */
export interface Captured {
  op: BuildOp;
  shape?: Shape;
  from?: { x: number; y: number; rot: Rot };
  tiles?: Array<{ i: number; before: Paint | undefined; after: Paint | undefined }>;
  deskRev?: number;
}

type Found = (Thing & { kind: Thing["kind"] }) | Zone | SpawnPoint;

function find(w: WorldContent, id: string): Found | undefined {
  return w.things.get(id) ?? w.zones.get(id) ?? w.spawns.get(id);
}

function isZone(w: WorldContent, id: string): boolean {
  return w.zones.has(id);
}

function shapeOf(e: Found): Shape {
  if ("kind" in e && "rot" in e) return { type: "thing", kind: e.kind, x: e.x, y: e.y, rot: e.rot };
  if ("name" in e) return { type: "zone", kind: e.kind, name: e.name, x: e.x, y: e.y, w: e.w, h: e.h };
  return { type: "spawn", x: e.x, y: e.y };
}

function createOp(s: Shape): BuildOp {
  if (s.type === "thing") return { op: "place", kind: s.kind, x: s.x, y: s.y, rot: s.rot };
  if (s.type === "zone") return { op: "zone", kind: s.kind, name: s.name, x: s.x, y: s.y, w: s.w, h: s.h };
  return { op: "spawn", x: s.x, y: s.y };
}
