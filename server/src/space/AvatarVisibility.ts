/**
 * Turns InterestGrid answers into StateViews (SPEC IM1–IM7).
 *
 * "grid" mode shares views per cell: the map is cut into CELL × CELL-tile cells and every client
 * standing in a cell uses that cell's one StateView, which holds the avatars nearest the cell's
 * centre. Colyseus encodes each distinct view once per patch, so the encode cost follows the
 * number of occupied cells, not the number of clients (a per-client view costs clients × changed
 * avatars per patch: 33 ms of a 50 ms patch at 500 walkers).
 *
 * The hard part is a client changing cells: its decoder holds what the old cell's view has sent,
 * and the new cell's view has its own history. For the one patch of the move the client gets a
 * transition view that already counts what the client holds as visible (no resend), adds what the
 * new cell shows that it lacks, and deletes what it holds that the new cell does not show; it
 * follows the new cell's membership changes during that patch, so after it the client holds
 * exactly what the new cell's view has sent and is moved onto that view (IM7).
 *
 * In a crowd each view holds its farthest avatars COARSE (IM9): a schema view tag selects which of
 * an avatar's position fields the view receives, the tile of every step or a coarse tile refreshed
 * every few tiles. Switching an avatar between the two deletes the old fields on the client, so a
 * decoder knows which one it holds (`avatarTile`).
 *
 * "off" mode gives everyone one shared view holding every avatar (the comparison baseline).
 */
import { ClientState } from "@colyseus/core";
import { $changes, StateView, type ChangeTree } from "@colyseus/schema";
import { COARSE_MS, COARSE_STEP, INTEREST_REFRESH_MS } from "../../../shared/constants.ts";
import { COARSE, FINE, type Avatar, type PositionTag } from "../../../shared/state.ts";
import { capNearest, InterestGrid, tileDistance, type InterestOptions } from "./InterestGrid.ts";

export type InterestMode = "grid" | "off";

/** What the room gives for each client: the object whose `view` Colyseus encodes for. */
export interface ViewHolder {
  view?: StateView;
  /** Colyseus's client state: JOINING until it asked for (and got) its full state. */
  readonly state?: ClientState;
}

export interface VisibilityOptions extends InterestOptions {
  /** Cell edge in tiles; every client in a cell shares its view. */
  cell: number;
  /** Each cell's membership is recomputed once per this many patches (spread evenly). */
  refreshPatches: number;
  /** Patches between sweeps that bring the coarse tile of everyone who moved up to date (IM9). */
  coarsePatches: number;
  /** Of a cell's avatars, this many nearest are held FINE, the rest COARSE (IM9; ≥ max: all fine). */
  fine: number;
  /**
   * Called when a patch would otherwise carry no state change although views have pending
   * membership changes: Colyseus only sends a shared view's own changes to its first client on
   * such patches, so the room must make the patch a regular one (SPEC IM7).
   */
  touch?: () => void;
}

interface Cell {
  readonly key: number;
  readonly cx: number;
  readonly cy: number;
  readonly view: StateView;
  /** Avatars in the view now, with the tag each is held with (changes of this patch included). */
  members: Map<string, PositionTag>;
  /** Avatars in the view as of the last patch sent: what its clients hold. */
  sent: Map<string, PositionTag>;
  /** Clients on this cell (on its view, or on a transition into it). */
  readonly clients: Set<string>;
  /** Transition views into this cell created this patch: they follow its membership changes. */
  readonly followers: Transition[];
  changed: boolean;
}

interface Transition {
  readonly view: StateView;
  readonly members: Map<string, PositionTag>;
  /** What its clients held before it (their old cell's last patch). */
  readonly held: ReadonlyMap<string, PositionTag>;
  readonly viewers: Viewer[];
}

interface Viewer {
  readonly id: string;
  /** The client object (replaced when it reconnects). */
  holder: ViewHolder;
  cell: Cell;
  /** Set for the one patch during which the client moves between cells. */
  transition?: Transition;
  /**
   * The first patch at whose tick the client had its full state. The full state holds the view's
   * pending changes too, so only after that patch does the client hold just what its cell sent,
   * which a transition starts from: until then it does not change cells.
   */
  readyAt?: number;
}

export class AvatarVisibility {
  private readonly grid: InterestGrid;
  private readonly avatars = new Map<string, Avatar>();
  private readonly viewers = new Map<string, Viewer>();
  private readonly cells = new Map<number, Cell>();
  private readonly everyone = new StateView();
  private readonly cols: number;
  /** Avatars removed since the last patch: a client holding one waits a patch before switching. */
  private readonly departed = new Set<string>();
  private readonly transitions: Transition[] = [];
  /** Transition views ready for reuse (see release). */
  private readonly pool: StateView[] = [];
  private patch = 0;
  private cursor = 0;
  /** Cell switches since construction (metrics, tests). */
  switches = 0;

  constructor(readonly mode: InterestMode, private readonly width: number, private readonly height: number, private readonly opts: VisibilityOptions) {
    this.grid = new InterestGrid(width, height);
    this.cols = Math.ceil(width / opts.cell);
  }

  /** Registers a newcomer (its avatar already in the state's map) and gives its client a view. */
  join(id: string, avatar: Avatar, holder: ViewHolder) {
    this.avatars.set(id, avatar);
    avatar.cx = avatar.x;
    avatar.cy = avatar.y;
    if (this.mode === "off") {
      this.everyone.add(avatar, FINE);
      holder.view = this.everyone;
      return;
    }
    this.grid.place(id, avatar.x, avatar.y);
    const cell = this.cellOrCreate(this.cellKeyAt(avatar.x, avatar.y));
    const viewer: Viewer = { id, holder, cell };
    this.viewers.set(id, viewer);
    cell.clients.add(id);
    // The newcomer is shown to its own cell at once (the cell's refresh applies the crowd cap).
    this.show(cell, id, FINE);
    holder.view = cell.view;
  }

  /**
   * The client reconnected as a new object (Colyseus copies the old one's view to it): views are
   * assigned to this one from now on.
   */
  rebind(id: string, holder: ViewHolder) {
    const v = this.viewers.get(id);
    if (!v) return;
    v.holder = holder;
    v.readyAt = undefined; // it gets a new full state
    holder.view = v.transition?.view ?? v.cell.view;
  }

  moved(id: string, x: number, y: number) {
    const avatar = this.avatars.get(id);
    if (this.mode !== "grid" || !avatar) return;
    this.grid.place(id, x, y);
    if (Math.max(Math.abs(x - avatar.cx), Math.abs(y - avatar.cy)) >= COARSE_STEP) { avatar.cx = x; avatar.cy = y; }
  }

  /** Call before the avatar is deleted from the state's map (a view can only delete an attached entry). */
  leave(id: string) {
    const avatar = this.avatars.get(id);
    if (!avatar) return;
    this.avatars.delete(id);
    if (this.mode === "off") {
      this.everyone.remove(avatar);
      return;
    }
    this.grid.remove(id);
    const viewer = this.viewers.get(id);
    if (viewer) {
      this.viewers.delete(id);
      viewer.cell.clients.delete(id);
      if (viewer.transition) {
        const t = viewer.transition;
        t.viewers.splice(t.viewers.indexOf(viewer), 1);
      }
    }
    for (const cell of this.cells.values()) this.hide(cell, id, avatar);
    for (const t of this.transitions) {
      if (t.members.delete(id)) unshow(t.view, avatar);
    }
    this.departed.add(id);
  }

  /** Called once per patch, before it is encoded: cell moves, then a slice of cell refreshes. */
  tick() {
    if (this.mode === "off") return;
    this.patch++;
    // 1. Last patch's transitions are over: their clients now hold what their cell has sent.
    for (const t of this.transitions.splice(0)) {
      for (const v of t.viewers) { v.transition = undefined; v.holder.view = v.cell.view; }
      this.release(t);
    }
    for (const cell of this.cells.values()) cell.followers.length = 0;
    // 2. Clients that walked out of their cell (with one tile of slack against flicker) move.
    const pairs = new Map<string, Transition>();
    for (const v of this.viewers.values()) {
      if (v.readyAt === undefined && v.holder.state !== ClientState.JOINING) v.readyAt = this.patch;
      const a = this.avatars.get(v.id)!;
      if (this.distanceToCell(v.cell, a.x, a.y) <= 1) continue;
      if (v.readyAt === undefined || v.readyAt === this.patch) continue;
      if (this.holdsDeparted(v.cell)) continue; // stay a patch longer: the old view deletes it
      const to = this.cellOrCreate(this.cellKeyAt(a.x, a.y));
      const key = `${v.cell.key}>${to.key}`;
      let t = pairs.get(key);
      if (!t) {
        t = this.transition(v.cell.sent, to);
        pairs.set(key, t);
      }
      v.cell.clients.delete(v.id);
      v.cell = to;
      to.clients.add(v.id);
      v.transition = t;
      t.viewers.push(v);
      v.holder.view = t.view;
      this.switches++;
    }
    // 3. Coarse tiles of those that moved catch up (IM9), then a slice of the cells is refreshed
    // (every cell once per refreshPatches patches).
    if (this.patch % this.opts.coarsePatches === 0) {
      for (const a of this.avatars.values()) if (a.cx !== a.x || a.cy !== a.y) { a.cx = a.x; a.cy = a.y; }
    }
    const keys = [...this.cells.keys()];
    const slice = Math.ceil(keys.length / this.opts.refreshPatches);
    for (let i = 0; i < slice && keys.length > 0; i++) {
      if (this.cursor >= keys.length) this.cursor = 0;
      const cell = this.cells.get(keys[this.cursor++]);
      if (cell) this.refresh(cell);
    }
    // 4. Cells nobody stands in are dropped (a fresh one is built when someone arrives).
    let pending = this.transitions.length > 0;
    for (const [key, cell] of this.cells) {
      if (cell.clients.size === 0) {
        cell.view.dispose();
        this.cells.delete(key);
      } else if (cell.view.changes.size > 0) pending = true;
    }
    if (pending) this.opts.touch?.();
  }

  /** Called once the patch went out: every cell's clients now hold its members. */
  patched() {
    if (this.mode === "off") return;
    for (const cell of this.cells.values()) {
      if (cell.changed) { cell.sent = new Map(cell.members); cell.changed = false; }
      // Nobody received this view's changes (its clients all came in through transitions, which
      // carried the same membership): drop them rather than replay them later.
      let arriving = 0;
      for (const t of cell.followers) arriving += t.viewers.length;
      if (cell.clients.size === arriving) cell.view.changes.clear();
    }
    this.departed.clear();
  }

  /** Ids visible to one client, each with the tag it holds it with (tests and metrics). */
  visibleTo(id: string): ReadonlyMap<string, PositionTag> | undefined {
    const v = this.viewers.get(id);
    return v ? (v.transition?.members ?? v.cell.members) : undefined;
  }

  /** The patch interval changed (a crowded space patches less often): keep the periods in ms. */
  setPatchMs(patchMs: number) {
    this.opts.refreshPatches = Math.max(1, Math.round(INTEREST_REFRESH_MS / patchMs));
    this.opts.coarsePatches = Math.max(1, Math.round(COARSE_MS / patchMs));
  }

  /** How many of each cell's avatars are held FINE (IM9: fewer in a crowd); cells follow at their next refresh. */
  setFine(n: number) {
    this.opts.fine = n;
  }

  /** Distinct views encoded per patch (metrics): occupied cells plus this patch's transitions. */
  get viewCount(): number {
    return this.mode === "off" ? 1 : this.cells.size + this.transitions.length;
  }

  private holdsDeparted(cell: Cell): boolean {
    if (this.departed.size === 0) return false;
    for (const id of this.departed) if (cell.sent.has(id)) return true;
    return false;
  }

  /** A view that takes a client holding `held` to what `to` shows, without resending what it has. */
  /**
   * Transition views are reused: dispose() clears the view's bit on every tree of the state (all
   * avatars, people and content), while a used transition view is cleared by unmarking just the
   * avatars it showed (the state root and the avatars map stay visible, as for every view).
   */
  private release(t: Transition) {
    // Avatars that left meanwhile were removed from `members` by view.remove, which unmarked them.
    for (const id of t.members.keys()) {
      const avatar = this.avatars.get(id);
      const tree = avatar && treeOf(avatar);
      if (tree) { t.view.unmarkVisible(tree); t.view.removeTag(tree, FINE | COARSE); }
    }
    t.view.changes.clear();
    if (this.pool.length < 64) this.pool.push(t.view);
    else t.view.dispose();
  }

  private transition(held: ReadonlyMap<string, PositionTag>, to: Cell): Transition {
    const view = this.pool.pop() ?? new StateView();
    const t: Transition = { view, members: new Map(to.members), held, viewers: [] };
    for (const [id, tag] of to.members) {
      const avatar = this.avatars.get(id)!;
      const had = held.get(id);
      if (had === undefined) { view.add(avatar, tag); continue; }
      markHeld(view, avatar);
      view.addTag(treeOf(avatar), had);
      if (had !== tag) retag(view, avatar, had, tag);
    }
    for (const id of held.keys()) {
      if (to.members.has(id)) continue;
      const avatar = this.avatars.get(id);
      if (avatar) view.remove(avatar);
    }
    this.transitions.push(t);
    to.followers.push(t);
    return t;
  }

  private refresh(cell: Cell) {
    const centre = { x: this.centreX(cell), y: this.centreY(cell) };
    const { ids, rings, reach } = this.grid.nearby(centre.x, centre.y, this.opts);
    // Candidates: the rings scanned (each id at its ring), plus those already shown one ring
    // further (IM2); those shown within the reach were scanned already.
    const limit = Math.min(reach + 1, this.opts.radius);
    const candidates: [string, number][] = ids.map((id, i) => [id, rings[i]]);
    for (const other of cell.members.keys()) {
      const a = this.avatars.get(other);
      if (!a) continue;
      const d = tileDistance(a, centre);
      if (d > reach && d <= limit) candidates.push([other, d]);
    }
    const chosen = capNearest(candidates, cell.members, this.opts.max);
    // IM9: of those, the nearest `fine` are held FINE; those held FINE already rank two rings
    // nearer, since each switch costs bytes both ways (one ring: 3.94 KB/s at 1,000 walkers, two:
    // 3.79).
    let fine: ReadonlySet<string> | undefined;
    if (chosen.length > this.opts.fine) {
      const ring = new Map(candidates);
      const heldFine = { has: (id: string) => cell.members.get(id) === FINE };
      fine = new Set(capNearest(chosen.map((id) => [id, ring.get(id)!] as const), heldFine, this.opts.fine, 2));
    }
    const next = new Set(chosen);
    for (const other of [...cell.members.keys()]) if (!next.has(other)) this.hide(cell, other, this.avatars.get(other)!);
    for (const other of chosen) {
      const tag = !fine || fine.has(other) ? FINE : COARSE;
      const had = cell.members.get(other);
      if (had === undefined) this.show(cell, other, tag);
      else if (had !== tag) this.retag(cell, other, had, tag);
    }
  }

  private show(cell: Cell, id: string, tag: PositionTag) {
    const avatar = this.avatars.get(id)!;
    cell.members.set(id, tag);
    cell.view.add(avatar, tag);
    cell.changed = true;
    for (const t of cell.followers) {
      const had = t.members.get(id);
      t.members.set(id, tag);
      if (had !== undefined) {
        if (had !== tag) retag(t.view, avatar, had, tag);
        continue;
      }
      // Its clients may have held it with the other tag until the transition deleted it in this
      // same patch: then they keep their decoded object, so the other tag's fields go too.
      const before = t.held.get(id);
      if (before !== undefined && before !== tag) t.view.remove(avatar, before);
      t.view.add(avatar, tag);
    }
  }

  private retag(cell: Cell, id: string, had: PositionTag, tag: PositionTag) {
    const avatar = this.avatars.get(id)!;
    cell.members.set(id, tag);
    retag(cell.view, avatar, had, tag);
    cell.changed = true;
    for (const t of cell.followers) {
      const held = t.members.get(id);
      if (held !== undefined && held !== tag) { t.members.set(id, tag); retag(t.view, avatar, held, tag); }
    }
  }

  private hide(cell: Cell, id: string, avatar: Avatar) {
    if (!cell.members.delete(id)) return;
    unshow(cell.view, avatar);
    cell.changed = true;
    for (const t of cell.followers) {
      if (t.members.delete(id)) unshow(t.view, avatar);
    }
  }

  private cellOrCreate(key: number): Cell {
    let cell = this.cells.get(key);
    if (cell) return cell;
    const cx = key % this.cols;
    const cy = Math.floor(key / this.cols);
    cell = { key, cx, cy, view: new StateView(), members: new Map(), sent: new Map(), clients: new Set(), followers: [], changed: false };
    this.cells.set(key, cell);
    // Nobody holds anything through a fresh view: its members are marked visible without being
    // queued (clients reach it through a transition, or a full state at join).
    const { ids } = this.grid.nearby(this.centreX(cell), this.centreY(cell), this.opts);
    ids.slice(0, this.opts.max).forEach((id, i) => { // nearest rings first
      const avatar = this.avatars.get(id)!;
      const tag = i < this.opts.fine ? FINE : COARSE;
      cell.members.set(id, tag);
      markHeld(cell.view, avatar);
      cell.view.addTag(treeOf(avatar), tag);
    });
    cell.sent = new Map(cell.members);
    return cell;
  }

  private cellKeyAt(x: number, y: number): number {
    return Math.floor(y / this.opts.cell) * this.cols + Math.floor(x / this.opts.cell);
  }

  private centreX(cell: Cell): number {
    return Math.min(this.width - 1, cell.cx * this.opts.cell + (this.opts.cell >> 1));
  }

  private centreY(cell: Cell): number {
    return Math.min(this.height - 1, cell.cy * this.opts.cell + (this.opts.cell >> 1));
  }

  /** Chebyshev distance from a tile to the cell's rectangle (0 inside). */
  private distanceToCell(cell: Cell, x: number, y: number): number {
    const x0 = cell.cx * this.opts.cell;
    const y0 = cell.cy * this.opts.cell;
    const dx = x < x0 ? x0 - x : x >= x0 + this.opts.cell ? x - (x0 + this.opts.cell - 1) : 0;
    const dy = y < y0 ? y0 - y : y >= y0 + this.opts.cell ? y - (y0 + this.opts.cell - 1) : 0;
    return Math.max(dx, dy);
  }
}

function treeOf(avatar: Avatar): ChangeTree {
  return (avatar as unknown as Record<symbol, ChangeTree>)[$changes]!;
}

/**
 * Switches the position fields a view holds an avatar with (IM9): deletes the old tag's fields on
 * its clients, then sends the new tag's, without re-adding the avatar to the map.
 */
function retag(view: StateView, avatar: Avatar, had: PositionTag, tag: PositionTag) {
  view.remove(avatar, had);
  view.add(avatar, tag, false);
}

/** Deletes an avatar from a view and clears its tag (a later add may bring it with the other tag). */
function unshow(view: StateView, avatar: Avatar) {
  view.remove(avatar);
  view.removeTag(treeOf(avatar), FINE | COARSE);
}

/**
 * Marks an avatar (and the path to it) visible to `view` without queueing anything to send: for
 * a view whose client already holds the avatar, or a fresh cell view nobody holds anything through.
 */
function markHeld(view: StateView, avatar: Avatar) {
  let ref: unknown = avatar;
  while (ref) {
    const tree = (ref as Record<symbol, { parent?: unknown; root?: unknown } | undefined>)[$changes];
    if (!tree) break;
    // A view learns its id (the bit it owns on every tree) on its first add(); markVisible needs
    // it, so bind a fresh view the same way (schema 5.0: StateView#_bindRoot).
    if (view.id === -1) (view as unknown as { _bindRoot(root: unknown): void })._bindRoot(tree.root);
    else if (ref !== avatar && view.isVisible(tree as never)) break; // the rest of the path is too
    view.markVisible(tree as never);
    ref = tree.parent;
  }
}
