/**
 * A space's world as its room holds it (SPEC BM1, BM7): the stored base map, the content built
 * over it, and the two compiled into what people walk on — mirrored, entity by entity, into the
 * synced state (`things`, `zones`, `spawnPoints`, `paint`, `contentVersion`). Knows nothing of
 * Colyseus rooms or the store: changes come in already stored.
 */
import { mirrorContent, mirrorEntity, syncedIds } from "../../../../shared/content.ts";
import { isWalkable, type Tile } from "../../../../shared/grid.ts";
import type { SpaceMap } from "../../../../shared/map.ts";
import type { SpaceState } from "../../../../shared/state.ts";
import { applyChange, compileWorld, deskSpawn, type WorldChange, type WorldContent } from "../../../../shared/world.ts";

export class SpaceWorld {
  /** What people walk on: compileWorld(base, content), recompiled after every change (BM7). */
  map: SpaceMap;

  constructor(readonly base: SpaceMap, private current: WorldContent, private readonly state: SpaceState) {
    this.map = compileWorld(base, current);
    mirrorContent(state, current);
  }

  get content(): Readonly<WorldContent> {
    return this.current;
  }

  /** Applies a change that is stored already: content, synced state, walkable map. */
  apply(change: WorldChange) {
    applyChange(this.current, change);
    for (const id of change.deletes) mirrorEntity(this.state, this.current, id);
    for (const p of change.puts) mirrorEntity(this.state, this.current, p.id);
    this.state.contentVersion = this.current.version;
    this.map = compileWorld(this.base, this.current);
  }

  /**
   * Takes the stored content instead of ours (another writer got there first, BM3): whatever the
   * state holds that the new content lacks is deleted, the rest mirrored again.
   */
  replace(content: WorldContent) {
    const ids = syncedIds(this.state);
    this.current = content;
    for (const id of ids) mirrorEntity(this.state, content, id);
    mirrorContent(this.state, content);
  }

  /** Inside the map and not blocked (by walls, paint or objects). */
  walkable(x: number, y: number): boolean {
    return isWalkable(this.map, x, y);
  }

  /** BM5: members appear in front of the desk they claimed. */
  deskSpot(userId: string | null): Tile | undefined {
    if (!userId) return undefined;
    for (const t of this.current.things.values()) {
      if (t.kind === "desk" && t.claimedBy === userId) return deskSpawn(this.map, t) ?? undefined;
    }
    return undefined;
  }
}
