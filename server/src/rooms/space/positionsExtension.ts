/**
 * CL3/CL4: saved positions for failover and drain, as one extension. Every POSITIONS_SAVE_MS the
 * room's people's tiles go to the PositionStore in one batch (off the move path); someone who
 * leaves on purpose is forgotten, someone leaving because the process drains is kept (they re-join
 * elsewhere); a drain stores everyone once more before they are moved. A re-join with a valid
 * resume token (SE6) is placed at the tile stored for its old session, used once, if walkable.
 */
import type { Tile } from "../../../../shared/grid.ts";
import { POSITIONS_SAVE_MS, type PositionStore } from "../../cluster/PositionStore.ts";
import type { Departure, SpaceRoomContext, SpaceRoomExtension, SpaceRoomExtensionFactory } from "./extension.ts";
import { debugRoom } from "../../log.ts";
import * as metrics from "../../metrics.ts";

export function positionsExtension(store: PositionStore, saveEveryMs = POSITIONS_SAVE_MS): SpaceRoomExtensionFactory {
  return (room) => new SavedPositions(store, room, saveEveryMs);
}

class SavedPositions implements SpaceRoomExtension {
  constructor(private readonly store: PositionStore, private readonly room: SpaceRoomContext, saveEveryMs: number) {
    room.every(saveEveryMs, () => void this.save());
  }

  /** CL3: only the position the server itself stored for that old session in this space. */
  async onResume(oldSession: string): Promise<Tile | undefined> {
    const t = await this.store.lookup(this.room.spaceId, oldSession).catch(() => undefined);
    const walkable = t !== undefined && this.room.walkable(t.x, t.y);
    metrics.resumedJoins.inc({ outcome: walkable ? "restored" : "spawned" });
    if (t) this.store.forget(this.room.spaceId, oldSession).catch(() => {});
    return walkable ? t : undefined;
  }

  onLeave(who: Departure) {
    if (!this.room.draining) this.store.forget(this.room.spaceId, who.session).catch(() => {});
  }

  onDrain(): Promise<void> {
    return this.save();
  }

  /** One batched write of everyone's position; a failure is counted, never thrown. */
  private async save() {
    const positions = new Map<string, Tile>();
    for (const [id, t] of this.room.avatars()) positions.set(id, { x: t.x, y: t.y });
    if (positions.size === 0) return;
    try {
      await this.store.save(this.room.spaceId, positions);
    } catch (err) {
      metrics.positionWriteErrors.inc();
      debugRoom("positions of %s not saved: %o", this.room.spaceId, err);
    }
  }
}
