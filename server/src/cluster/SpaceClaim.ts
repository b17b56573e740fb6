/**
 * One room per space, also in a race (SPEC SE3, CL1). Colyseus serialises concurrent
 * `joinOrCreate`s for one space only while a room's creation takes under its create lock (0.5 s);
 * on a busy machine two processes then each open a room for the same space. So a room opening a
 * space claims it in presence while it opens (Redis in a cluster: one atomic increment), then
 * holds a lease on it while it lives (refreshed; it expires 5 s after its process dies); a room
 * opening the space checks that nobody holds the lease and no other room is listed. A room that
 * loses either way refuses with SPACE_OPENING, and the matchmaker's front (app.ts) retries the
 * join, which then finds the winner's room.
 */
import { matchMaker, ServerError, type Presence } from "@colyseus/core";
import { JoinErrorCode } from "../../../shared/codes.ts";

/** A creation claim outlives a creator that died mid-create by at most this long (long: an overloaded machine may take seconds to open a space). */
const CLAIM_TTL_S = 30;
/** A room's lease outlives its process (kill -9) by at most this long; the live room refreshes it. */
const LEASE_TTL_S = 5;
const REFRESH_MS = 1500;

export class SpaceClaim {
  private held = false;

  private constructor(private readonly presence: Presence, private readonly key: string, private readonly leaseKey: string) {}

  /** Claims `spaceId` for a room being created; throws SPACE_OPENING when another creation holds it. */
  static async take(presence: Presence, spaceId: string): Promise<SpaceClaim> {
    const claim = new SpaceClaim(presence, `plaza:opening:${spaceId}`, `plaza:room-of:${spaceId}`);
    const n = await presence.hincrbyex(claim.key, "n", 1, CLAIM_TTL_S);
    claim.held = true;
    if (n > 1) {
      await claim.release();
      throw opening();
    }
    return claim;
  }

  /** Throws SPACE_OPENING when another room holds the space's lease or is listed open for it. */
  async checkNoOtherRoom(roomName: string, spaceId: string, roomId: string): Promise<void> {
    const owner: unknown = await this.presence.get(this.leaseKey);
    if (typeof owner === "string" && owner !== "" && owner !== roomId) throw opening();
    const rooms = await matchMaker.query({ name: roomName, spaceId } as Record<string, unknown>);
    if (rooms.some((r) => r.roomId !== roomId && !r.locked)) throw opening();
  }

  /**
   * The room's lease on the space while it lives: set now, refreshed every REFRESH_MS, deleted by
   * the returned stop (onDispose). Only the owner writes it, so it expires LEASE_TTL_S after a
   * process dies however many joins are waiting. Presence errors are ignored (it then expires).
   */
  async lease(roomId: string): Promise<() => Promise<void>> {
    const key = this.leaseKey;
    await this.presence.setex(key, roomId, LEASE_TTL_S);
    const timer = setInterval(() => { void Promise.resolve(this.presence.setex(key, roomId, LEASE_TTL_S)).catch(() => {}); }, REFRESH_MS);
    timer.unref();
    let ended: Promise<void> | undefined;
    return () => {
      clearInterval(timer);
      ended ??= Promise.resolve(this.presence.get(key))
        .then(async (owner: unknown) => { if (owner === roomId) await this.presence.del(key); })
        .catch(() => {});
      return ended;
    };
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.presence.hincrbyex(this.key, "n", -1, CLAIM_TTL_S);
  }
}

/** The refusal's words are its identity too: a room created for another process (IPC) reaches the asker with its message only. */
const OPENING = "this space is opening on another process: joining it there";

function opening() {
  return new ServerError(JoinErrorCode.SPACE_OPENING, OPENING);
}

function isOpening(err: unknown): boolean {
  const e = err as { code?: number; message?: string } | undefined;
  return e?.code === JoinErrorCode.SPACE_OPENING || e?.message === OPENING;
}

const RETRYING = Symbol("plaza.retryJoinsWhileOpening");

/**
 * Wraps the matchmaker's HTTP front so a join that lost the race to open a space is retried, with
 * backoff (50 ms doubling, at most 500 ms apart), until it finds the winner's room; bounded by
 * `deadlineMs` (the winner's creation outlasting that is a store far too slow to serve anyone).
 * Clients never see SPACE_OPENING before then.
 */
export function retryJoinsWhileOpening(deadlineMs = 30_000, firstDelayMs = 50): void {
  const controller = matchMaker.controller as { invokeMethod: ((...args: unknown[]) => Promise<unknown>) & { [RETRYING]?: true } };
  if (controller.invokeMethod[RETRYING]) return; // the matchmaker is one per process
  const invoke = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async (...args: unknown[]) => {
    const deadline = Date.now() + deadlineMs;
    for (let i = 0; ; i++) {
      try {
        return await invoke(...args);
      } catch (err) {
        if (!isOpening(err) || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(500, firstDelayMs * 2 ** i)));
      }
    }
  };
  controller.invokeMethod[RETRYING] = true;
}
