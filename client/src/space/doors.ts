/**
 * Doors as this client sees them (NV1, NV2): the closed meeting rooms (synced `closedRooms`), the
 * passes "let in" gave me, and the map I may walk given both — the same rule the room applies
 * (shared/doors.ts), so prediction and click-to-walk go around a closed room instead of bumping
 * into it. The walkable map is rebuilt only when something it depends on changed, so path caches
 * keyed by the map object stay warm.
 */
import { doorsWalkable, KNOCK_PASS_MS, roomAt } from "../../../shared/doors.ts";
import type { SpaceMap, Tile } from "../../../shared/map.ts";

export class DoorView {
  private closed = new Set<string>();
  private readonly passes = new Map<string, number>();
  private cache: { map: SpaceMap; inside: string | undefined; key: string; walkable: SpaceMap } | undefined;

  get closedRooms(): ReadonlySet<string> { return this.closed; }

  /** The synced closed rooms changed. */
  setClosed(names: Iterable<string>): void {
    this.closed = new Set(names);
  }

  /** "Let in" (NV4): the room's door is open to me for a while (the server keeps the real clock). */
  grantPass(room: string, now: number): void {
    this.passes.set(room, now + KNOCK_PASS_MS);
  }

  /** The closed room at a tile that is closed to someone standing at `at`, if any. */
  closedTo(map: SpaceMap, tile: Tile, at: Tile | undefined, now: number): string | undefined {
    const room = roomAt(map, tile.x, tile.y)?.name;
    if (!room || !this.closed.has(room) || this.hasPass(room, now)) return undefined;
    return at && roomAt(map, at.x, at.y)?.name === room ? undefined : room;
  }

  /** The map as I may walk it, standing at `at`. */
  walkable(map: SpaceMap, at: Tile | undefined, now: number): SpaceMap {
    if (this.closed.size === 0) return map;
    const inside = at ? roomAt(map, at.x, at.y)?.name : undefined;
    const passes = new Set([...this.passes].filter(([, until]) => now < until).map(([room]) => room));
    const key = [...this.closed].sort().join("\n") + "\u0000" + [...passes].sort().join("\n");
    const c = this.cache;
    if (c && c.map === map && c.inside === inside && c.key === key) return c.walkable;
    const walkable = doorsWalkable(map, this.closed, at, passes);
    this.cache = { map, inside, key, walkable };
    return walkable;
  }

  private hasPass(room: string, now: number): boolean {
    return (this.passes.get(room) ?? 0) > now;
  }
}
