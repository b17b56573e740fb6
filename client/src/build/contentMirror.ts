/**
 * The space's editable content as the client sees it: a `WorldContent` (shared/world.ts) mirrored
 * from the synced state, and the map people walk on compiled from it (`compileWorld`, BM7). The
 * state callbacks only raise dirty flags; `refresh` rebuilds at most once per frame, so a burst of
 * patches (someone painting a long stroke) costs one recompile.
 */
import { Callbacks } from "@colyseus/sdk";
import type { SpaceMap } from "../../../shared/map.ts";
import {
  OBJECT_KINDS, PAINTS, ZONE_KINDS, compileWorld, emptyWorld,
  type ObjectKind, type Rot, type WorldContent, type ZoneKind,
} from "../../../shared/world.ts";
import type { SpaceRoom } from "../../../shared/net/typedRoom.ts";

/** The parts of the synced state (shared/state.ts) the mirror reads: structural, so tests pass plain maps. */
interface Each<V> { forEach(cb: (value: V, key: string) => void): void }
export interface SyncedContent {
  contentVersion: number;
  things: Each<{ kind: string; x: number; y: number; rot: number; rev: number; claimName: string; claimedBy: string }>;
  zones: Each<{ kind: string; name: string; x: number; y: number; w: number; h: number; rev: number }>;
  spawnPoints: Each<{ x: number; y: number; rev: number }>;
  paint: Each<number>;
}

/**
 * Synced state → content model. Pure. Entries the client does not understand (a kind from a newer
 * server, a paint index out of range) are left out rather than guessed at.
 */
export function contentFromState(s: SyncedContent): WorldContent {
  const w = emptyWorld();
  w.version = s.contentVersion;
  s.things.forEach((t, id) => {
    if (!(t.kind in OBJECT_KINDS)) return;
    w.things.set(id, {
      id, kind: t.kind as ObjectKind, x: t.x, y: t.y, rot: (t.rot & 3) as Rot, rev: t.rev,
      claimedBy: t.claimedBy || null, claimName: t.claimedBy ? t.claimName || null : null,
    });
  });
  s.zones.forEach((z, id) => {
    if (!(ZONE_KINDS as readonly string[]).includes(z.kind)) return;
    w.zones.set(id, { id, kind: z.kind as ZoneKind, name: z.name, x: z.x, y: z.y, w: z.w, h: z.h, rev: z.rev });
  });
  s.spawnPoints.forEach((p, id) => w.spawns.set(id, { id, x: p.x, y: p.y, rev: p.rev }));
  s.paint.forEach((v, key) => {
    const paint = PAINTS[v - 1];
    const i = Number(key);
    if (paint && Number.isInteger(i) && i >= 0) w.paint.set(i, paint);
  });
  return w;
}

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
