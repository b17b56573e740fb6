/**
 * Interest management off (SPEC IM5, `PLAZA_INTEREST=off`): every client gets one shared view
 * holding every avatar FINE, encoded once per patch. The benchmark's comparison baseline: nothing
 * to refresh, no cells to change, no crowd tiers.
 */
import { FINE, type Avatar, type PositionTag } from "../../../shared/state.ts";
import type { Visibility } from "./AvatarVisibility.ts";
import { AvatarView, type ViewHolder } from "./AvatarView.ts";

export class SharedVisibility implements Visibility {
  readonly mode = "off" as const;
  readonly switches = 0;
  readonly viewCount = 1;
  private readonly everyone = new AvatarView();
  private readonly avatars = new Map<string, Avatar>();
  /** Everyone, FINE: what every client is shown. */
  private readonly members = new Map<string, PositionTag>();

  join(id: string, avatar: Avatar, holder: ViewHolder) {
    this.avatars.set(id, avatar);
    avatar.cx = avatar.x;
    avatar.cy = avatar.y;
    this.members.set(id, FINE);
    this.everyone.add(avatar, FINE);
    this.everyone.assignTo(holder);
  }

  /** Colyseus copies the old client's view to the new one: it has the shared view already. */
  rebind() {}

  /** Everyone sees every step; the coarse tile is never sent. */
  moved() {}

  leave(id: string) {
    const avatar = this.avatars.get(id);
    if (!avatar) return;
    this.avatars.delete(id);
    this.members.delete(id);
    this.everyone.remove(avatar);
  }

  tick() {}
  patched() {}
  setPatchMs() {}
  setFine() {}

  visibleTo(id: string): ReadonlyMap<string, PositionTag> | undefined {
    return this.avatars.has(id) ? this.members : undefined;
  }
}
