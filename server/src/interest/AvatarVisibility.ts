/**
 * Who receives which avatars (SPEC IM1–IM9): the one interface the room drives interest
 * management through, and the factory that picks its implementation for the mode.
 *
 *  - "grid" (CellVisibility): clients share one view per map cell, holding the avatars nearest
 *    the cell's centre; a client walking into another cell gets a one-patch transition view; in a
 *    crowd the farthest are held COARSE.
 *  - "off" (SharedVisibility, IM5): everyone receives everyone through one shared view.
 *
 * The room calls, per client: join (its avatar already in the state's map), rebind (it
 * reconnected as a new object), moved, leave (before the avatar is deleted from the map: a view
 * can only delete an attached entry); per patch: tick before it is encoded, patched once it went
 * out; and setPatchMs / setFine when a space becomes crowded or stops being so (IM8, IM9).
 */
import type { Avatar, PositionTag } from "../../../shared/state.ts";
import type { ViewHolder } from "./AvatarView.ts";
import { CellVisibility } from "./CellVisibility.ts";
import type { MembershipOptions } from "./CellMembership.ts";
import { SharedVisibility } from "./SharedVisibility.ts";

export type { ViewHolder } from "./AvatarView.ts";

export type InterestMode = "grid" | "off";

export interface VisibilityOptions extends MembershipOptions {
  /** Cell edge in tiles; every client in a cell shares its view. */
  cell: number;
  /** Each cell's membership is recomputed once per this many patches (spread evenly). */
  refreshPatches: number;
  /** Patches between sweeps that bring the coarse tile of everyone who moved up to date (IM9). */
  coarsePatches: number;
  /**
   * Called when a patch would otherwise carry no state change although views have pending
   * membership changes: Colyseus only sends a shared view's own changes to its first client on
   * such patches, so the room must make the patch a regular one (SPEC IM7).
   */
  touch?: () => void;
}

export interface Visibility {
  readonly mode: InterestMode;
  /** Registers a newcomer (its avatar already in the state's map) and gives its client a view. */
  join(id: string, avatar: Avatar, holder: ViewHolder): void;
  /**
   * The client reconnected as a new object (Colyseus copies the old one's view to it): views are
   * assigned to this one from now on.
   */
  rebind(id: string, holder: ViewHolder): void;
  moved(id: string, x: number, y: number): void;
  /** Call before the avatar is deleted from the state's map (a view can only delete an attached entry). */
  leave(id: string): void;
  /** Called once per patch, before it is encoded: cell moves, then a slice of cell refreshes. */
  tick(): void;
  /** Called once the patch went out: every client now holds what its view has sent. */
  patched(): void;
  /** The patch interval changed (a crowded space patches less often): keep the periods in ms. */
  setPatchMs(patchMs: number): void;
  /** How many of each cell's avatars are held FINE (IM9: fewer in a crowd); cells follow at their next refresh. */
  setFine(n: number): void;
  /** Ids visible to one client, each with the tag it holds it with (tests and metrics). */
  visibleTo(id: string): ReadonlyMap<string, PositionTag> | undefined;
  /** Cell switches since construction (metrics, tests). */
  readonly switches: number;
  /** Distinct views encoded per patch (metrics): occupied cells plus this patch's transitions. */
  readonly viewCount: number;
}

/** The implementation for `mode`, chosen once (the room keeps it for its lifetime). */
export function createVisibility(mode: InterestMode, width: number, height: number, opts: VisibilityOptions): Visibility {
  return mode === "off" ? new SharedVisibility() : new CellVisibility(width, height, opts);
}
