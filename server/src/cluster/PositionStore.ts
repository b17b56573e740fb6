/**
 * Last known avatar positions per space, kept in presence (Redis in a cluster) so that a room
 * re-created on another process after a crash or drain can put people back where they were (CL3).
 * Written in one batch per room per interval, never on the move path.
 */
import type { Presence } from "@colyseus/core";
import type { Tile } from "../../../shared/grid.ts";

export interface PositionStore {
  /** Replaces the stored positions of these sessions (one round trip). */
  save(spaceId: string, positions: ReadonlyMap<string, Tile>): Promise<void>;
  /** Forgets one session (it left on purpose). */
  forget(spaceId: string, sessionId: string): Promise<void>;
  /** The stored position of a session of this space, if any. */
  lookup(spaceId: string, sessionId: string): Promise<Tile | undefined>;
}

export const positionsKey = (spaceId: string) => `plaza:pos:${spaceId}`;
/** A space nobody has written to for this long forgets its positions. */
const POSITIONS_TTL_S = 3600;

/** The ioredis client behind RedisPresence (its `pub` connection), when there is one. */
interface BatchingClient {
  multi(): { hset(key: string, data: Record<string, string>): unknown; expire(key: string, s: number): unknown; exec(): Promise<unknown> };
}

export class PresencePositionStore implements PositionStore {
  private readonly batching: BatchingClient | undefined;

  constructor(private readonly presence: Presence) {
    const pub = (presence as unknown as { pub?: Partial<BatchingClient> }).pub;
    this.batching = typeof pub?.multi === "function" ? (pub as BatchingClient) : undefined;
  }

  async save(spaceId: string, positions: ReadonlyMap<string, Tile>): Promise<void> {
    if (positions.size === 0) return;
    const key = positionsKey(spaceId);
    const fields: Record<string, string> = {};
    for (const [id, t] of positions) fields[id] = `${t.x},${t.y}`;
    if (this.batching) {
      const tx = this.batching.multi();
      tx.hset(key, fields);
      tx.expire(key, POSITIONS_TTL_S);
      await tx.exec();
      return;
    }
    // LocalPresence: in memory, so one call per field costs nothing.
    for (const [id, v] of Object.entries(fields)) await this.presence.hset(key, id, v);
  }

  async forget(spaceId: string, sessionId: string): Promise<void> {
    await this.presence.hdel(positionsKey(spaceId), sessionId);
  }

  async lookup(spaceId: string, sessionId: string): Promise<Tile | undefined> {
    const raw = await this.presence.hget(positionsKey(spaceId), sessionId);
    const m = typeof raw === "string" ? /^(\d{1,5}),(\d{1,5})$/.exec(raw) : null;
    return m ? { x: Number(m[1]), y: Number(m[2]) } : undefined;
  }
}

/** How often a room writes its people's positions (at most this much walking is lost in a crash). */
export const POSITIONS_SAVE_MS = 2000;
