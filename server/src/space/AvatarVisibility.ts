/**
 * Turns InterestGrid answers into per-client StateViews (SPEC IM1–IM4). In "grid" mode each
 * client has its own view, refreshed once every `refreshPatches` patches (a slice of the clients
 * per patch, so the work is spread evenly). In "off" mode everyone shares one view that
 * holds every avatar: everyone receives everyone, encoded once per patch (the comparison baseline).
 */
import { StateView } from "@colyseus/schema";
import { OWNER_TAG, type Avatar } from "../../../shared/state.ts";
import { InterestGrid, tileDistance, type InterestOptions } from "./InterestGrid.ts";

export type InterestMode = "grid" | "off";

interface Viewer {
  view: StateView;
  visible: Set<string>;
}

export class AvatarVisibility {
  private readonly grid: InterestGrid;
  private readonly avatars = new Map<string, Avatar>();
  private readonly viewers = new Map<string, Viewer>();
  private readonly everyone = new StateView();
  private order: string[] = [];
  private cursor = 0;

  /** @param refreshPatches every viewer is refreshed once per this many ticks (patches). */
  constructor(readonly mode: InterestMode, width: number, height: number, private readonly opts: InterestOptions, private readonly refreshPatches = 5) {
    this.grid = new InterestGrid(width, height);
  }

  /** Registers a newcomer; returns the view to assign to its client. */
  join(id: string, avatar: Avatar): StateView {
    this.avatars.set(id, avatar);
    if (this.mode === "off") {
      // One shared view: everyone gets every field, the owner-only ack included.
      this.everyone.add(avatar);
      this.everyone.add(avatar, OWNER_TAG);
      return this.everyone;
    }
    this.grid.place(id, avatar.x, avatar.y);
    const viewer: Viewer = { view: new StateView(), visible: new Set() };
    this.viewers.set(id, viewer);
    this.order.push(id);
    this.refreshViewer(id, viewer);
    viewer.view.add(avatar, OWNER_TAG); // the input ack, for the owner only (IM6)
    // Others near the newcomer see it at their next refresh (≤ 250 ms).
    return viewer.view;
  }

  moved(id: string, x: number, y: number) {
    if (this.mode === "grid" && this.avatars.has(id)) this.grid.place(id, x, y);
  }

  leave(id: string) {
    const avatar = this.avatars.get(id);
    if (!avatar) return;
    this.avatars.delete(id);
    if (this.mode === "off") {
      this.everyone.remove(avatar);
      return;
    }
    this.grid.remove(id);
    this.viewers.delete(id);
    this.order = this.order.filter((o) => o !== id);
    for (const v of this.viewers.values()) {
      if (v.visible.delete(id)) v.view.remove(avatar);
    }
  }

  /** Called once per patch: refreshes the next slice of viewers. */
  tick() {
    if (this.mode === "off" || this.order.length === 0) return;
    const slice = Math.ceil(this.order.length / this.refreshPatches);
    for (let i = 0; i < slice; i++) {
      if (this.cursor >= this.order.length) this.cursor = 0;
      const id = this.order[this.cursor++];
      const viewer = this.viewers.get(id);
      if (viewer) this.refreshViewer(id, viewer);
    }
  }

  /** Ids visible to one viewer (tests and metrics). */
  visibleTo(id: string): ReadonlySet<string> | undefined {
    return this.viewers.get(id)?.visible;
  }

  private refreshViewer(id: string, viewer: Viewer) {
    const me = this.avatars.get(id)!;
    const { ids, reach } = this.grid.nearby(me.x, me.y, this.opts);
    const next = new Set(ids);
    next.add(id);
    // Hysteresis (IM2): someone already shown stays while within one ring past the reach, so a
    // crowd's edge does not flicker in and out as people shuffle.
    for (const other of viewer.visible) {
      if (next.has(other)) continue;
      const a = this.avatars.get(other);
      if (a && tileDistance(a, me) <= Math.min(reach + 1, this.opts.radius)) next.add(other);
    }
    for (const other of viewer.visible) {
      if (!next.has(other)) viewer.view.remove(this.avatars.get(other)!);
    }
    for (const other of next) {
      if (!viewer.visible.has(other)) viewer.view.add(this.avatars.get(other)!);
    }
    viewer.visible = next;
  }
}
