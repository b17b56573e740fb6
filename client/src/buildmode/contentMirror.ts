/**
 * The space's editable content as the client sees it: a `WorldContent` (shared/world.ts) mirrored
 * from the synced state, and the map people walk on compiled from it (`compileWorld`, BM7). The
 * state callbacks only raise dirty flags; `refresh` rebuilds at most once per frame, so a burst of
 * patches (someone painting a long stroke) costs one recompile.
 */
import { Callbacks } from "@colyseus/sdk";
import { contentFromState, type SyncedContent } from "../../../shared/content.ts";
import type { SpaceMap } from "../../../shared/map.ts";
import { compileWorld, emptyWorld, type WorldContent } from "../../../shared/world.ts";
import type { SpaceRoom } from "../../../shared/net/typedRoom.ts";

/** What changed since the last refresh (the renderer redraws its paint cache only for paint). */
export interface ContentChange { paint: boolean; entities: boolean }

export class ContentMirror {
  content: WorldContent = emptyWorld();
  /** The map to walk on, path-find on and look areas up in. A new object after every change. */
  compiled: SpaceMap;
  /** Bumped on every rebuild: cheap "has it changed since I last looked". */
  stamp = 0;
  private dirtyPaint = true;
  private dirtyEntities = true;

  constructor(readonly base: SpaceMap) {
    this.compiled = compileWorld(base, this.content);
  }

  markDirty(what: Partial<ContentChange> = { paint: true, entities: true }) {
    if (what.paint) this.dirtyPaint = true;
    if (what.entities) this.dirtyEntities = true;
  }

  /** Rebuilds from the synced state if anything changed since the last call; says what did. */
  refresh(state: SyncedContent): ContentChange | null {
    if (!this.dirtyPaint && !this.dirtyEntities) return null;
    const change = { paint: this.dirtyPaint, entities: this.dirtyEntities };
    this.dirtyPaint = this.dirtyEntities = false;
    this.content = contentFromState(state);
    this.compiled = compileWorld(this.base, this.content);
    this.stamp++;
    return change;
  }

  /** Raises the dirty flags from the room's state callbacks. Returns a function that stops it. */
  watch(room: SpaceRoom): () => void {
    const cb = Callbacks.get(room);
    const entities = () => this.markDirty({ entities: true });
    const offs: Array<() => void> = [];
    for (const collection of ["things", "zones", "spawnPoints"] as const) {
      offs.push(
        cb.onAdd(collection, (item: object) => { entities(); offs.push(cb.onChange(item, entities)); }),
        cb.onRemove(collection, entities),
      );
    }
    const paint = () => this.markDirty({ paint: true });
    offs.push(cb.onChange("paint", paint), cb.onRemove("paint", paint));
    // Belt and braces: every committed edit bumps the version, whatever it touched.
    offs.push(cb.listen("contentVersion", () => this.markDirty()));
    return () => { for (const off of offs) off(); };
  }
}
