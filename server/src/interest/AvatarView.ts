/**
 * Everything interest management needs from `@colyseus/schema` and Colyseus's client state, in
 * one place: a StateView holding avatars with view tags (IM9), and the few internals the shared
 * cell views rely on (IM7). The rest of the interest code speaks of avatars and tags only.
 *
 * Colyseus encodes each distinct StateView once per patch and writes it to every client whose
 * `view` it is; a view's queued `changes` are what it sends next. The internals used:
 *  - a view holds an avatar with a tag: the tag selects which position fields it receives (FINE:
 *    `x, y, dir`; COARSE: `cx, cy`), and removing one tag deletes those fields on its clients;
 *  - a view can be marked as holding an avatar without queueing anything (`hold`): for a client
 *    that holds it already, or a fresh view nobody holds anything through;
 *  - a view can be emptied for reuse without disposing it (`reset`): dispose() clears the view's
 *    bit on every tree of the state (all avatars, people and content).
 */
import { ClientState } from "@colyseus/core";
import { $changes, StateView, type ChangeTree } from "@colyseus/schema";
import { COARSE, FINE, type Avatar, type PositionTag } from "../../../shared/state.ts";

/** What the room gives for each client: the object whose `view` Colyseus encodes for. */
export interface ViewHolder {
  view?: StateView;
  /** Colyseus's client state: JOINING until it asked for (and got) its full state. */
  readonly state?: ClientState;
}

/** Whether the client has asked for (and so got) its full state (IM7: only then may it change cell). */
export function hasFullState(holder: ViewHolder): boolean {
  return holder.state !== ClientState.JOINING;
}

/** One StateView of avatars, each held with one position tag. */
export class AvatarView {
  private readonly view = new StateView();

  /** The clients of `holder` are encoded this view from the next patch on. */
  assignTo(holder: ViewHolder) {
    holder.view = this.view;
  }

  /** Sends the avatar with the fields of `tag`. */
  add(avatar: Avatar, tag: PositionTag) {
    this.view.add(avatar, tag);
  }

  /** Deletes the avatar on this view's clients. */
  remove(avatar: Avatar) {
    this.view.remove(avatar);
  }

  /** Deletes the avatar on this view's clients and clears its tag (a later add may bring it with the other tag). */
  hide(avatar: Avatar) {
    this.view.remove(avatar);
    this.view.removeTag(treeOf(avatar), FINE | COARSE);
  }

  /** Deletes only the fields of `tag` on this view's clients (the decoded avatar stays). */
  removeFields(avatar: Avatar, tag: PositionTag) {
    this.view.remove(avatar, tag);
  }

  /**
   * Switches the position fields the view holds an avatar with (IM9): deletes the old tag's fields
   * on its clients, then sends the new tag's, without re-adding the avatar to the map.
   */
  retag(avatar: Avatar, had: PositionTag, tag: PositionTag) {
    this.view.remove(avatar, had);
    this.view.add(avatar, tag, false);
  }

  /** Counts the avatar as held with `tag` by this view's clients without sending anything. */
  hold(avatar: Avatar, tag: PositionTag) {
    markHeld(this.view, avatar);
    this.view.addTag(treeOf(avatar), tag);
  }

  /** Whether the view has changes queued for its next encode. */
  get pending(): boolean {
    return this.view.changes.size > 0;
  }

  /** Forgets the queued changes (nobody will be sent them). */
  discardPending() {
    this.view.changes.clear();
  }

  /**
   * Empties a used view for reuse: unmarks just the avatars it held (the state root and the
   * avatars map stay visible, as for every view) and forgets its queued changes.
   */
  reset(held: Iterable<Avatar>) {
    for (const avatar of held) {
      const tree = treeOf(avatar);
      if (tree) { this.view.unmarkVisible(tree); this.view.removeTag(tree, FINE | COARSE); }
    }
    this.view.changes.clear();
  }

  dispose() {
    this.view.dispose();
  }
}

function treeOf(avatar: Avatar): ChangeTree {
  return (avatar as unknown as Record<symbol, ChangeTree>)[$changes]!;
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
