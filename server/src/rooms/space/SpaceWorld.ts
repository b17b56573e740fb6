/**
 * A space's world as its room holds it (SPEC BM1, BM7): the stored base map, the content built
 * over it, and the two compiled into what people walk on — mirrored, entity by entity, into the
 * synced state (`things`, `zones`, `spawnPoints`, `paint`, `contentVersion`). Knows nothing of
 * Colyseus rooms or the store: changes come in already stored.
 */
import type { SpaceMap, Tile } from "../../../../shared/map.ts";
import { SpaceState, SpawnPoint, Thing, Zone } from "../../../../shared/state.ts";
import { applyChange, compileWorld, deskSpawn, PAINTS, type WorldChange, type WorldContent } from "../../../../shared/world.ts";

export class SpaceWorld {
  /** What people walk on: compileWorld(base, content), recompiled after every change (BM7). */
  map: SpaceMap;

  constructor(readonly base: SpaceMap, private current: WorldContent, private readonly state: SpaceState) {
    this.map = compileWorld(base, current);
    this.mirrorAll();
  }

  get content(): Readonly<WorldContent> {
    return this.current;
  }

  /** Applies a change that is stored already: content, synced state, walkable map. */
  apply(change: WorldChange) {
    applyChange(this.current, change);
    for (const id of change.deletes) this.mirror(id);
    for (const p of change.puts) this.mirror(p.id);
    this.state.contentVersion = this.current.version;
    this.map = compileWorld(this.base, this.current);
  }

  /**
   * Takes the stored content instead of ours (another writer got there first, BM3): whatever the
   * state holds that the new content lacks is deleted, the rest mirrored again.
   */
  replace(content: WorldContent) {
    const st = this.state;
    const ids = new Set([...st.things.keys(), ...st.zones.keys(), ...st.spawnPoints.keys(), ...[...st.paint.keys()].map((k) => `p:${k}`)]);
    this.current = content;
    for (const id of ids) this.mirror(id);
    this.mirrorAll();
  }

  /** Inside the map and not blocked (by walls, paint or objects). */
  walkable(x: number, y: number): boolean {
    return x < this.map.width && y < this.map.height && this.map.blocked[y * this.map.width + x] === 0;
  }

  /** BM5: members appear in front of the desk they claimed. */
  deskSpot(userId: string | null): Tile | undefined {
    if (!userId) return undefined;
    for (const t of this.current.things.values()) {
      if (t.kind === "desk" && t.claimedBy === userId) return deskSpawn(this.map, t) ?? undefined;
    }
    return undefined;
  }

  private mirrorAll() {
    const c = this.current;
    for (const id of c.things.keys()) this.mirror(id);
    for (const id of c.zones.keys()) this.mirror(id);
    for (const id of c.spawns.keys()) this.mirror(id);
    for (const i of c.paint.keys()) this.mirror(`p:${i}`);
    this.state.contentVersion = c.version;
  }

  /** Mirrors one entity of the content into the synced state (added, changed or gone). */
  private mirror(id: string) {
    const st = this.state;
    const c = this.current;
    if (id.startsWith("p:")) {
      const key = id.slice(2);
      const paint = c.paint.get(Number(key));
      if (paint === undefined) st.paint.delete(key);
      else st.paint.set(key, PAINTS.indexOf(paint) + 1);
      return;
    }
    const t = c.things.get(id);
    if (t) {
      const s = st.things.get(id) ?? new Thing();
      Object.assign(s, { kind: t.kind, x: t.x, y: t.y, rot: t.rot, rev: t.rev, claimedBy: t.claimedBy ?? "", claimName: t.claimName ?? "" });
      if (!st.things.has(id)) st.things.set(id, s);
      return;
    }
    st.things.delete(id);
    const z = c.zones.get(id);
    if (z) {
      const s = st.zones.get(id) ?? new Zone();
      Object.assign(s, { kind: z.kind, name: z.name, x: z.x, y: z.y, w: z.w, h: z.h, rev: z.rev });
      if (!st.zones.has(id)) st.zones.set(id, s);
      return;
    }
    st.zones.delete(id);
    const sp = c.spawns.get(id);
    if (sp) {
      const s = st.spawnPoints.get(id) ?? new SpawnPoint();
      Object.assign(s, { x: sp.x, y: sp.y, rev: sp.rev });
      if (!st.spawnPoints.has(id)) st.spawnPoints.set(id, s);
      return;
    }
    st.spawnPoints.delete(id);
  }
}
