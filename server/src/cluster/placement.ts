/**
 * Where a new space room goes (CL2). Pure: no clock, no I/O — the caller passes `now` and the
 * heartbeats it read from presence.
 */

/** One process's heartbeat as published under HEARTBEAT_KEY (processId → JSON). */
export interface Heartbeat {
  /** Event-loop utilisation over the last interval, 0..1. */
  elu: number;
  /** Clients connected to this process's rooms. */
  ccu: number;
  /** Rooms alive on this process. */
  rooms: number;
  /** Date.now() of the process when it wrote the heartbeat. */
  at: number;
}

/** Presence hash holding every live process's heartbeat. */
export const HEARTBEAT_KEY = "plaza:load";
/** How often each process publishes its heartbeat. */
export const HEARTBEAT_MS = 2000;
/** A heartbeat older than this many intervals means the process is dead, stuck or gone. */
export const HEARTBEAT_STALE_INTERVALS = 3;

/**
 * The load score of a process: lower is better.
 *
 * elu is the direct measure of how busy the event loop is (a 0.9 process answers every patch,
 * move and join late), so it dominates. ccu / 1000 adds what ELU measures late: people who just
 * joined a room but have not moved yet cost little now and a lot soon. At ~1000 CCU per process
 * (SPACE_MAX_CLIENTS' default, about where one Node process saturates with interest management)
 * the term reaches 1.0, the same weight as a fully busy loop; with both idle it breaks the tie
 * toward the emptier process. Room count is deliberately absent: an empty room costs nothing.
 */
export function processScore(h: Pick<Heartbeat, "elu" | "ccu">): number {
  const elu = Number.isFinite(h.elu) ? Math.min(Math.max(h.elu, 0), 1) : 1;
  const ccu = Number.isFinite(h.ccu) ? Math.max(h.ccu, 0) : 0;
  return elu + ccu / 1000;
}

/** Parses one heartbeat field; undefined when it is not a well-formed heartbeat. */
export function parseHeartbeat(raw: string | undefined | null): Heartbeat | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<Heartbeat>;
    if ([v.elu, v.ccu, v.rooms, v.at].every((n) => typeof n === "number" && Number.isFinite(n))) return v as Heartbeat;
  } catch {
    // not JSON: ignore the field
  }
  return undefined;
}

/**
 * Scores closer than this to the best count as equal. Heartbeats are up to HEARTBEAT_MS old, so
 * strictly "the lowest" would send every room created in one interval to the same process (a
 * herd); spreading them over the near-best processes avoids that while a busy one (ELU 0.9 vs 0.1)
 * is still never chosen.
 */
export const SCORE_TIE_MARGIN = 0.05;
/**
 * Added to a process's score for each room this process sent it after the heartbeat being read
 * (the heartbeat cannot show it yet), so a burst of new spaces does not all land on one process.
 */
export const PENDING_ROOM_PENALTY = 0.02;

/**
 * Picks a healthy process with the lowest score (any within SCORE_TIE_MARGIN of it, chosen by
 * `random`), or undefined when none is known (the caller then falls back to Colyseus's default).
 * `candidates`, when given, restricts the choice to those process ids (Colyseus's own list of
 * processes accepting rooms: a draining process removes itself from it). Pure given `random`.
 */
export function pickProcess(
  heartbeats: Readonly<Record<string, string | Heartbeat>>,
  now: number,
  opts: {
    intervalMs?: number;
    staleIntervals?: number;
    candidates?: Iterable<string>;
    random?: () => number;
    /** Times (ms) at which this process sent a new room to each process. */
    placedAt?: Readonly<Record<string, readonly number[]>>;
  } = {},
): string | undefined {
  const maxAge = (opts.intervalMs ?? HEARTBEAT_MS) * (opts.staleIntervals ?? HEARTBEAT_STALE_INTERVALS);
  const allowed = opts.candidates ? new Set(opts.candidates) : undefined;
  const healthy: { id: string; score: number }[] = [];
  for (const [id, raw] of Object.entries(heartbeats)) {
    if (allowed && !allowed.has(id)) continue;
    const h = typeof raw === "string" ? parseHeartbeat(raw) : raw;
    if (!h || now - h.at > maxAge || h.at - now > maxAge) continue;
    const pending = (opts.placedAt?.[id] ?? []).filter((t) => t >= h.at).length;
    healthy.push({ id, score: processScore(h) + pending * PENDING_ROOM_PENALTY });
  }
  if (healthy.length === 0) return undefined;
  const best = Math.min(...healthy.map((p) => p.score));
  const near = healthy.filter((p) => p.score <= best + SCORE_TIE_MARGIN).sort((a, b) => (a.id < b.id ? -1 : 1));
  const r = opts.random?.() ?? 0;
  return near[Math.min(near.length - 1, Math.floor(r * near.length))].id;
}
