/**
 * Grid interest (SPEC IM1, IM2, IM6, IM7, IM9): every client standing in a cell of the map uses
 * that cell's one shared view, which holds the avatars nearest the cell's centre. Colyseus encodes
 * each distinct view once per patch, so the encode cost follows the number of occupied cells, not
 * the number of clients (a per-client view costs clients × changed avatars per patch: 33 ms of a
 * 50 ms patch at 500 walkers).
 *
 * The hard part is a client changing cells: its decoder holds what the old cell's view has sent,
 * and the new cell's view has its own history. For the one patch of the move the client gets a
 * transition view (CellViews.ts) that takes it from the one to the other; after the patch it holds
 * exactly what the new cell's view has sent and is moved onto that view (IM7).
 *
 * Pieces: where cells are (CellGeometry), whom a cell shows (CellMembership), the views and
 * transitions (CellViews), the schema views themselves (AvatarView).
 */
import { COARSE_MS, INTEREST_REFRESH_MS } from "../../../shared/constants.ts";
import { FINE, type Avatar, type PositionTag } from "../../../shared/state.ts";
import type { Visibility, VisibilityOptions } from "./AvatarVisibility.ts";
import { AvatarView, hasFullState, type ViewHolder } from "./AvatarView.ts";
import { CellGeometry } from "./CellGeometry.ts";
import { catchUpCoarse, firstMembers, followCoarse, nextMembers } from "./CellMembership.ts";
import { Cell, Transition, type Viewer } from "./CellViews.ts";
import { InterestGrid } from "./InterestGrid.ts";

/**
 * Used transition views kept for reuse at most. A fresh one costs a view id, and disposing one
 * walks every change tree of the state (schema clears the view's bit everywhere): with 2,000
 * walkers a patch makes ~100 transitions, and a pool of 64 left ~40 disposals per patch, 10 % of
 * the server's CPU (BENCHMARKS "2,000 people"). An empty pooled view costs a few bytes per tree.
 */
const POOL_MAX = 1024;

export class CellVisibility implements Visibility {
  readonly mode = "grid" as const;
  private readonly grid: InterestGrid;
  private readonly geometry: CellGeometry;
  private readonly avatars = new Map<string, Avatar>();
  private readonly viewers = new Map<string, Viewer>();
  private readonly cells = new Map<number, Cell>();
  /** Avatars removed since the last patch: a client holding one waits a patch before switching. */
  private readonly departed = new Set<string>();
  private readonly transitions: Transition[] = [];
  /** Transition views ready for reuse (see release). */
  private readonly pool: AvatarView[] = [];
  private readonly avatarOf = (id: string) => this.avatars.get(id);
  private patch = 0;
  private cursor = 0;
  switches = 0;

  constructor(width: number, height: number, private readonly opts: VisibilityOptions) {
    this.grid = new InterestGrid(width, height);
    this.geometry = new CellGeometry(width, height, opts.cell);
  }

  join(id: string, avatar: Avatar, holder: ViewHolder) {
    this.avatars.set(id, avatar);
    avatar.cx = avatar.x;
    avatar.cy = avatar.y;
    this.grid.place(id, avatar.x, avatar.y);
    const cell = this.cellOrCreate(this.geometry.keyAt(avatar.x, avatar.y));
    const viewer: Viewer = { id, holder, cell };
    this.viewers.set(id, viewer);
    cell.clients.add(id);
    // The newcomer is shown to its own cell at once (the cell's refresh applies the crowd cap).
    cell.show(id, avatar, FINE);
    cell.view.assignTo(holder);
  }

  rebind(id: string, holder: ViewHolder) {
    const v = this.viewers.get(id);
    if (!v) return;
    v.holder = holder;
    v.readyAt = undefined; // it gets a new full state
    (v.transition?.view ?? v.cell.view).assignTo(holder);
  }

  moved(id: string, x: number, y: number) {
    const avatar = this.avatars.get(id);
    if (!avatar) return;
    this.grid.place(id, x, y);
    followCoarse(avatar, x, y);
  }

  leave(id: string) {
    const avatar = this.avatars.get(id);
    if (!avatar) return;
    this.avatars.delete(id);
    this.grid.remove(id);
    const viewer = this.viewers.get(id);
    if (viewer) {
      this.viewers.delete(id);
      viewer.cell.clients.delete(id);
      const t = viewer.transition;
      if (t) t.viewers.splice(t.viewers.indexOf(viewer), 1);
    }
    for (const cell of this.cells.values()) cell.hide(id, avatar);
    for (const t of this.transitions) t.hide(id, avatar);
    this.departed.add(id);
  }

  tick() {
    this.patch++;
    this.endTransitions();
    this.changeCells();
    // Coarse tiles of those that moved catch up (IM9), then a slice of the cells is refreshed.
    if (this.patch % this.opts.coarsePatches === 0) for (const a of this.avatars.values()) catchUpCoarse(a);
    this.refreshSlice();
    // Cells nobody stands in are dropped (a fresh one is built when someone arrives).
    let pending = this.transitions.length > 0;
    for (const [key, cell] of this.cells) {
      if (cell.clients.size === 0) {
        cell.view.dispose();
        this.cells.delete(key);
      } else if (cell.view.pending) pending = true;
    }
    if (pending) this.opts.touch?.();
  }

  patched() {
    for (const cell of this.cells.values()) cell.patched();
    this.departed.clear();
  }

  visibleTo(id: string): ReadonlyMap<string, PositionTag> | undefined {
    const v = this.viewers.get(id);
    return v ? (v.transition?.members ?? v.cell.members) : undefined;
  }

  setPatchMs(patchMs: number) {
    this.opts.refreshPatches = Math.max(1, Math.round(INTEREST_REFRESH_MS / patchMs));
    this.opts.coarsePatches = Math.max(1, Math.round(COARSE_MS / patchMs));
  }

  setFine(n: number) {
    this.opts.fine = n;
  }

  get viewCount(): number {
    return this.cells.size + this.transitions.length;
  }

  /** Last patch's transitions are over: their clients now hold what their cell has sent. */
  private endTransitions() {
    for (const t of this.transitions.splice(0)) {
      for (const v of t.viewers) { v.transition = undefined; v.cell.view.assignTo(v.holder); }
      this.release(t);
    }
    for (const cell of this.cells.values()) cell.followers.length = 0;
  }

  /** Clients that walked out of their cell (with one tile of slack against flicker) move (IM7). */
  private changeCells() {
    const pairs = new Map<string, Transition>();
    for (const v of this.viewers.values()) {
      if (v.readyAt === undefined && hasFullState(v.holder)) v.readyAt = this.patch;
      const a = this.avatars.get(v.id)!;
      if (this.geometry.distance(v.cell.key, a.x, a.y) <= 1) continue;
      if (v.readyAt === undefined || v.readyAt === this.patch) continue;
      if (v.cell.sentAny(this.departed)) continue; // stay a patch longer: the old view deletes it
      const to = this.cellOrCreate(this.geometry.keyAt(a.x, a.y));
      const key = `${v.cell.key}>${to.key}`;
      let t = pairs.get(key);
      if (!t) {
        t = new Transition(this.pool.pop() ?? new AvatarView(), v.cell.sent, to, this.avatarOf);
        this.transitions.push(t);
        pairs.set(key, t);
      }
      v.cell.clients.delete(v.id);
      v.cell = to;
      to.clients.add(v.id);
      v.transition = t;
      t.viewers.push(v);
      t.view.assignTo(v.holder);
      this.switches++;
    }
  }

  /** Recomputes a slice of the cells, so that every cell is refreshed once per refreshPatches patches (IM2). */
  private refreshSlice() {
    const keys = [...this.cells.keys()];
    const slice = Math.ceil(keys.length / this.opts.refreshPatches);
    for (let i = 0; i < slice && keys.length > 0; i++) {
      if (this.cursor >= keys.length) this.cursor = 0;
      const cell = this.cells.get(keys[this.cursor++]);
      if (cell) this.refresh(cell);
    }
  }

  private refresh(cell: Cell) {
    const next = nextMembers(this.grid, cell.centre, cell.members, this.avatarOf, this.opts);
    for (const id of [...cell.members.keys()]) if (!next.has(id)) cell.hide(id, this.avatars.get(id)!);
    for (const [id, tag] of next) {
      const had = cell.members.get(id);
      if (had === undefined) cell.show(id, this.avatars.get(id)!, tag);
      else if (had !== tag) cell.retag(id, this.avatars.get(id)!, had, tag);
    }
  }

  /**
   * Transition views are reused: a used one is emptied by unmarking just the avatars it showed
   * (avatars that left meanwhile were removed from `members` already).
   */
  private release(t: Transition) {
    const held: Avatar[] = [];
    for (const id of t.members.keys()) {
      const avatar = this.avatars.get(id);
      if (avatar) held.push(avatar);
    }
    t.view.reset(held);
    if (this.pool.length < POOL_MAX) this.pool.push(t.view);
    else t.view.dispose();
  }

  private cellOrCreate(key: number): Cell {
    let cell = this.cells.get(key);
    if (cell) return cell;
    const centre = this.geometry.centre(key);
    cell = new Cell(key, centre, new AvatarView(), firstMembers(this.grid, centre, this.opts), this.avatarOf);
    this.cells.set(key, cell);
    return cell;
  }
}
