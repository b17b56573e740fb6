/**
 * The views of grid interest (SPEC IM6, IM7): one shared view per occupied cell, and the one-patch
 * transition views that take a client from what its old cell sent to what its new cell shows.
 *
 * A cell keeps two memberships: `members`, what its view holds now (this patch's changes
 * included), and `sent`, what it held at the last patch sent, i.e. what its clients hold. A
 * transition made this patch follows its cell's membership changes (`show`, `retag`, `hide`), so
 * after the patch its clients hold exactly what the cell's view has sent and can move onto it.
 */
import type { Avatar, PositionTag } from "../../../shared/state.ts";
import type { AvatarView, ViewHolder } from "./AvatarView.ts";
import type { Tile } from "../../../shared/grid.ts";
import type { Members } from "./CellMembership.ts";

/** Finds a joined avatar by id. */
export type AvatarLookup = (id: string) => Avatar | undefined;

/** One client of grid interest. */
export interface Viewer {
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

export class Cell {
  /** Avatars in the view now, with the tag each is held with (changes of this patch included). */
  readonly members: Members;
  /** Avatars in the view as of the last patch sent: what its clients hold. */
  sent: ReadonlyMap<string, PositionTag>;
  /** Clients on this cell (on its view, or on a transition into it). */
  readonly clients = new Set<string>();
  /** Transition views into this cell created this patch: they follow its membership changes. */
  readonly followers: Transition[] = [];
  private changed = false;

  /**
   * A fresh cell: nobody holds anything through its view, so its first members are marked held
   * without being queued (clients reach it through a transition, or a full state at join).
   */
  constructor(readonly key: number, readonly centre: Tile, readonly view: AvatarView, first: Members, avatarOf: AvatarLookup) {
    this.members = first;
    for (const [id, tag] of first) this.view.hold(avatarOf(id)!, tag);
    this.sent = new Map(first);
  }

  show(id: string, avatar: Avatar, tag: PositionTag) {
    this.members.set(id, tag);
    this.view.add(avatar, tag);
    this.changed = true;
    for (const t of this.followers) t.show(id, avatar, tag);
  }

  retag(id: string, avatar: Avatar, had: PositionTag, tag: PositionTag) {
    this.members.set(id, tag);
    this.view.retag(avatar, had, tag);
    this.changed = true;
    for (const t of this.followers) t.retag(id, avatar, tag);
  }

  hide(id: string, avatar: Avatar) {
    if (!this.members.delete(id)) return;
    this.view.hide(avatar);
    this.changed = true;
    for (const t of this.followers) t.hide(id, avatar);
  }

  /** Whether it holds an avatar in `ids` as of the last patch sent. */
  sentAny(ids: ReadonlySet<string>): boolean {
    for (const id of ids) if (this.sent.has(id)) return true;
    return false;
  }

  /** The patch went out: its clients now hold its members. */
  patched() {
    if (this.changed) { this.sent = new Map(this.members); this.changed = false; }
    // Nobody received this view's changes (its clients all came in through transitions, which
    // carried the same membership): drop them rather than replay them later.
    let arriving = 0;
    for (const t of this.followers) arriving += t.viewers.length;
    if (this.clients.size === arriving) this.view.discardPending();
  }
}

/** For one patch: the view of the clients moving from one cell (holding its `sent`) to another. */
export class Transition {
  readonly members: Members;
  readonly viewers: Viewer[] = [];

  /**
   * Counts what the clients hold as held (no resend), adds what `to` shows that they lack, and
   * deletes what they hold that `to` does not show; then follows `to` for the rest of the patch.
   */
  constructor(readonly view: AvatarView, private readonly held: ReadonlyMap<string, PositionTag>, to: Cell, avatarOf: AvatarLookup) {
    this.members = new Map(to.members);
    for (const [id, tag] of to.members) {
      const avatar = avatarOf(id)!;
      const had = held.get(id);
      if (had === undefined) { view.add(avatar, tag); continue; }
      view.hold(avatar, had);
      if (had !== tag) view.retag(avatar, had, tag);
    }
    for (const id of held.keys()) {
      if (to.members.has(id)) continue;
      const avatar = avatarOf(id);
      if (avatar) view.remove(avatar);
    }
    to.followers.push(this);
  }

  show(id: string, avatar: Avatar, tag: PositionTag) {
    const had = this.members.get(id);
    this.members.set(id, tag);
    if (had !== undefined) {
      if (had !== tag) this.view.retag(avatar, had, tag);
      return;
    }
    // Its clients may have held it with the other tag until the transition deleted it in this
    // same patch: then they keep their decoded object, so the other tag's fields go too.
    const before = this.held.get(id);
    if (before !== undefined && before !== tag) this.view.removeFields(avatar, before);
    this.view.add(avatar, tag);
  }

  retag(id: string, avatar: Avatar, tag: PositionTag) {
    const had = this.members.get(id);
    if (had !== undefined && had !== tag) { this.members.set(id, tag); this.view.retag(avatar, had, tag); }
  }

  hide(id: string, avatar: Avatar) {
    if (this.members.delete(id)) this.view.hide(avatar);
  }
}
