/**
 * A space's editable content (shared/world.ts) as it is synced (shared/state.ts), both ways in one
 * place: the room mirrors its content into the state entity by entity (`mirrorEntity`), the client
 * reads the state back into the same content model (`contentFromState`) and compiles the map it
 * walks on from it (BM7). Pure apart from writing the given state.
 *
 * The encoding: entity id → schema entry (`things`, `zones`, `spawnPoints`); a claim's "nobody" is
 * "" (schema strings are never null); a painted tile is `paint[String(index)] = paintCode(paint)`.
 */
import { SpawnPoint as SyncedSpawnPoint, Thing as SyncedThing, Zone as SyncedZone, type SpaceState } from "./state.ts";
import {
  OBJECT_KINDS, PAINTS, ZONE_KINDS, emptyWorld,
  type ObjectKind, type Paint, type Rot, type SpawnPoint, type Thing, type WorldContent, type Zone, type ZoneKind,
} from "./world.ts";

/** A paint's synced code: 1 + its index in PAINTS (0 is never sent). */
export function paintCode(paint: Paint): number {
  return PAINTS.indexOf(paint) + 1;
}

/** The paint a synced code names; undefined for a code this build does not know. */
export function paintOfCode(code: number): Paint | undefined {
  return PAINTS[code - 1];
}

// ---- content → synced state (the room) ----

export function syncedThing(t: Thing) {
  return { kind: t.kind, x: t.x, y: t.y, rot: t.rot, rev: t.rev, claimedBy: t.claimedBy ?? "", claimName: t.claimName ?? "" };
}
export function syncedZone(z: Zone) {
  return { kind: z.kind, name: z.name, x: z.x, y: z.y, w: z.w, h: z.h, rev: z.rev };
}
export function syncedSpawn(s: SpawnPoint) {
  return { x: s.x, y: s.y, rev: s.rev };
}

/** The parts of SpaceState the content lives in. */
export type ContentState = Pick<SpaceState, "things" | "zones" | "spawnPoints" | "paint" | "contentVersion">;

/** Mirrors one entity of `content` into the synced state: added, changed, or deleted when it is gone. */
export function mirrorEntity(state: ContentState, content: WorldContent, id: string): void {
  if (id.startsWith("p:")) {
    const key = id.slice(2);
    const paint = content.paint.get(Number(key));
    if (paint === undefined) state.paint.delete(key);
    else state.paint.set(key, paintCode(paint));
    return;
  }
  // The first collection whose content holds the id gets it; those before it lose any entry.
  if (put(state.things, id, content.things.get(id), SyncedThing, syncedThing)) return;
  if (put(state.zones, id, content.zones.get(id), SyncedZone, syncedZone)) return;
  put(state.spawnPoints, id, content.spawns.get(id), SyncedSpawnPoint, syncedSpawn);
}

interface SyncedMap<S> { get(id: string): S | undefined; has(id: string): boolean; set(id: string, s: S): unknown; delete(id: string): unknown }

/**
 * Writes `entity` into its synced entry (the one there, updated in place, or a new one), or deletes
 * the entry when there is no entity; says whether there was one.
 */
function put<E, S extends object>(synced: SyncedMap<S>, id: string, entity: E | undefined, Entry: new () => S, fields: (e: E) => Partial<S>): boolean {
  if (entity === undefined) {
    synced.delete(id);
    return false;
  }
  const s = synced.get(id) ?? new Entry();
  Object.assign(s, fields(entity));
  if (!synced.has(id)) synced.set(id, s);
  return true;
}

/** Every entity id the synced state holds (to delete what a replacing content lacks). */
export function syncedIds(state: ContentState): Set<string> {
  return new Set([...state.things.keys(), ...state.zones.keys(), ...state.spawnPoints.keys(), ...[...state.paint.keys()].map((k) => `p:${k}`)]);
}

/** Mirrors all of `content` and its version into the synced state (what it lacks is left alone: see `syncedIds`). */
export function mirrorContent(state: ContentState, content: WorldContent): void {
  for (const id of content.things.keys()) mirrorEntity(state, content, id);
  for (const id of content.zones.keys()) mirrorEntity(state, content, id);
  for (const id of content.spawns.keys()) mirrorEntity(state, content, id);
  for (const i of content.paint.keys()) mirrorEntity(state, content, `p:${i}`);
  state.contentVersion = content.version;
}

// ---- synced state → content (the client) ----

/** The parts of the synced state the content is read from: structural, so tests pass plain maps. */
interface Each<V> { forEach(cb: (value: V, key: string) => void): void }
export interface SyncedContent {
  contentVersion: number;
  things: Each<{ kind: string; x: number; y: number; rot: number; rev: number; claimName: string; claimedBy: string }>;
  zones: Each<{ kind: string; name: string; x: number; y: number; w: number; h: number; rev: number }>;
  spawnPoints: Each<{ x: number; y: number; rev: number }>;
  paint: Each<number>;
}

/**
 * Synced state → content model. Entries this build does not understand (a kind from a newer
 * server, a paint code out of range) are left out rather than guessed at.
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
    const paint = paintOfCode(v);
    const i = Number(key);
    if (paint && Number.isInteger(i) && i >= 0) w.paint.set(i, paint);
  });
  return w;
}
