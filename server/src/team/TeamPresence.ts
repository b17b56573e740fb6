/**
 * A team's "who is online, and where" across all its spaces and processes, and team-wide
 * announcements (SPEC TP1–TP6), over Colyseus's Presence: LocalPresence for one process, Redis
 * with REDIS_URL. Nothing here knows about rooms or HTTP; rooms talk to it through TeamRoomLink.
 *
 * Expiry (TP3). An entry is one field of one hash per team, `plaza:team:<teamId>:online`
 * (sessionId → JSON with the processId of the room's process). It is listed only while that
 * process's heartbeat (plaza:load, written every HEARTBEAT_MS by cluster/load.ts for placement)
 * is fresh, i.e. younger than HEARTBEAT_STALE_INTERVALS intervals — the same rule that decides
 * whether a process may receive new rooms, so "dead for placement" and "gone from the team list"
 * never disagree. Chosen over one hash per process with a TTL refreshed by a timer because
 *  - it adds no writes: the heartbeat exists already; per-process TTL hashes would need a refresh
 *    per team per process every interval, and a lister would first have to learn every process id;
 *  - listing is two reads (the team's hash, the heartbeats) whatever the number of processes;
 *  - LocalPresence's `expire` does not expire hashes, so TTLs would only work on Redis.
 * Entries of a dead process are then deleted by whoever lists, once that process has been silent
 * for GC_AFTER_MS (much longer than the listing rule, so a process that stalled for a few
 * seconds and comes back does not lose its people for good).
 *
 * Announcements are published on `plaza:team:<teamId>:announce`; each process subscribes once
 * per team however many of the team's rooms it hosts, and relays to those rooms.
 */
import type { Presence } from "@colyseus/core";
import { HEARTBEAT_KEY, HEARTBEAT_MS, HEARTBEAT_STALE_INTERVALS, parseHeartbeat, type Heartbeat } from "../cluster/placement.ts";
import { ANNOUNCEMENT_MAX } from "../../../shared/api.ts";
import type { Role } from "../../../shared/authz.ts";
import { debugRoom, logger } from "../log.ts";

/** One person in one of the team's spaces, as a room reported them. */
export interface TeamEntry {
  sessionId: string;
  /** Always set for entries rooms write (only people with a role are listed, TP1). */
  userId: string | null;
  name: string;
  spaceId: string;
  spaceName: string;
  /** Colyseus's id of the process hosting the room (its heartbeat keeps the entry alive). */
  processId: string;
  /** ms since epoch, the writer's clock. */
  since: number;
}

export interface Announcement { from: string; text: string; at: number }

/** Most people a listing returns (TP2); `total` says how many there were. */
export const TEAM_ONLINE_LISTED = 500;
/** Most entries kept per team: beyond, people are not added (a join never fails for this). */
export const TEAM_ONLINE_STORED = 2000;
/** An entry whose process has been silent this long is deleted by the next listing. */
export const GC_AFTER_MS = 60_000;
/** Listings of one team are shared for this long on one process (panels poll every ~10 s). */
export const LIST_CACHE_MS = 1000;
/** TP5: announcements per team per minute, across all processes (counted by the rate limits, http/limits.ts). */
export const ANNOUNCEMENTS_PER_MINUTE = 5;

export const teamOnlineKey = (teamId: string) => `plaza:team:${teamId}:online`;
export const teamAnnounceChannel = (teamId: string) => `plaza:team:${teamId}:announce`;

export interface TeamListing { entries: TeamEntry[]; total: number }

/**
 * Which entries to list and which to delete, given the heartbeats. Pure: no clock, no I/O.
 * Listed: entries of this process (`self`), or of a process with a fresh heartbeat. Deleted:
 * unreadable fields, and entries whose process has been silent (stale heartbeat, or none and the
 * entry is old) for `gcAfterMs`. Listed entries are deduplicated (one per person per space: the
 * earliest), sorted by space name then name, and cut at `max`.
 */
export function sortOut(
  raw: Readonly<Record<string, string>>,
  heartbeats: Readonly<Record<string, string>>,
  now: number,
  opts: { self: string; intervalMs?: number; staleIntervals?: number; gcAfterMs?: number; max?: number },
): { listed: TeamEntry[]; total: number; dead: string[] } {
  const fresh = (opts.intervalMs ?? HEARTBEAT_MS) * (opts.staleIntervals ?? HEARTBEAT_STALE_INTERVALS);
  const gcAfter = opts.gcAfterMs ?? GC_AFTER_MS;
  const beats = new Map<string, Heartbeat | undefined>();
  const beatOf = (id: string) => {
    if (!beats.has(id)) beats.set(id, parseHeartbeat(heartbeats[id]));
    return beats.get(id);
  };
  const dead: string[] = [];
  const people = new Map<string, TeamEntry>();
  for (const [field, value] of Object.entries(raw)) {
    const e = parseEntry(field, value);
    if (!e) { dead.push(field); continue; }
    const beat = e.processId === opts.self ? undefined : beatOf(e.processId);
    const silentFor = e.processId === opts.self ? 0 : now - (beat?.at ?? e.since);
    if (silentFor > gcAfter) { dead.push(field); continue; }
    if (e.processId !== opts.self && (!beat || silentFor > fresh)) continue;
    const key = `${e.userId ?? `session:${e.sessionId}`}\n${e.spaceId}`;
    const seen = people.get(key);
    if (!seen || e.since < seen.since) people.set(key, e);
  }
  const all = [...people.values()].sort((a, b) => a.spaceName.localeCompare(b.spaceName) || a.spaceId.localeCompare(b.spaceId) || a.name.localeCompare(b.name));
  return { listed: all.slice(0, opts.max ?? TEAM_ONLINE_LISTED), total: all.length, dead };
}

function parseEntry(sessionId: string, value: string): TeamEntry | undefined {
  try {
    const v = JSON.parse(value) as Partial<TeamEntry>;
    if (typeof v.name !== "string" || typeof v.spaceId !== "string" || typeof v.spaceName !== "string" || typeof v.processId !== "string") return undefined;
    if (typeof v.since !== "number" || !Number.isFinite(v.since) || !(typeof v.userId === "string" || v.userId === null)) return undefined;
    return { sessionId, userId: v.userId, name: v.name, spaceId: v.spaceId, spaceName: v.spaceName, processId: v.processId, since: v.since };
  } catch {
    return undefined;
  }
}

/** An announcement as received from presence (another process may run another version): checked and clipped. */
function parseAnnouncement(data: unknown): Announcement | undefined {
  const a = data as Partial<Announcement> | null;
  if (!a || typeof a.from !== "string" || typeof a.text !== "string" || typeof a.at !== "number") return undefined;
  return { from: a.from.slice(0, 64), text: a.text.slice(0, ANNOUNCEMENT_MAX), at: a.at };
}

export interface TeamPresenceOptions {
  /** This process's id (Colyseus's matchMaker.processId): its own entries are always live. */
  processId: () => string;
  /** Clock (tests). */
  now?: () => number;
  /** Heartbeat interval the processes use (HEARTBEAT_MS). */
  heartbeatMs?: number;
}

export class TeamPresence {
  private readonly now: () => number;
  private readonly listeners = new Map<string, { relay: (data: unknown) => void; fns: Set<(a: Announcement) => void> }>();
  private readonly cache = new Map<string, { at: number; listing: Promise<TeamListing> }>();

  constructor(private readonly presence: Presence, private readonly opts: TeamPresenceOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** TP1: someone with a role entered one of the team's spaces (on this process). */
  async online(teamId: string, entry: TeamEntry): Promise<void> {
    const key = teamOnlineKey(teamId);
    this.cache.delete(teamId);
    if ((await this.presence.hlen(key)) >= TEAM_ONLINE_STORED) {
      debugRoom("team %s: %d people online already, %s not listed", teamId, TEAM_ONLINE_STORED, entry.sessionId);
      return;
    }
    const { sessionId, ...stored } = entry;
    await this.presence.hset(key, sessionId, JSON.stringify(stored));
  }

  /** TP1: they left (or the room closed). */
  async offline(teamId: string, sessionId: string): Promise<void> {
    this.cache.delete(teamId);
    await this.presence.hdel(teamOnlineKey(teamId), sessionId);
  }

  /** TP2/TP3: the team's people on live processes, at most TEAM_ONLINE_LISTED. */
  list(teamId: string): Promise<TeamListing> {
    const now = this.now();
    const hit = this.cache.get(teamId);
    if (hit && now - hit.at < LIST_CACHE_MS) return hit.listing;
    if (this.cache.size > 256) for (const [k, v] of this.cache) if (now - v.at >= LIST_CACHE_MS) this.cache.delete(k);
    const listing = this.read(teamId, now);
    this.cache.set(teamId, { at: now, listing });
    listing.catch(() => this.cache.delete(teamId));
    return listing;
  }

  private async read(teamId: string, now: number): Promise<TeamListing> {
    const key = teamOnlineKey(teamId);
    const [raw, beats] = await Promise.all([this.presence.hgetall(key), this.presence.hgetall(HEARTBEAT_KEY)]);
    const { listed, total, dead } = sortOut(raw ?? {}, beats ?? {}, now, { self: this.opts.processId(), intervalMs: this.opts.heartbeatMs });
    for (const field of dead) void Promise.resolve(this.presence.hdel(key, field)).catch(() => {});
    return { entries: listed, total };
  }

  /** TP4: to every room of the team, on every process. */
  async announce(teamId: string, a: Announcement): Promise<void> {
    await this.presence.publish(teamAnnounceChannel(teamId), { from: a.from, text: a.text.slice(0, ANNOUNCEMENT_MAX), at: a.at });
  }

  /** This process's id, as entries written here carry it. */
  get processId(): string {
    return this.opts.processId();
  }

  /**
   * A room's link (TeamRoomLink). Its subscription to the team's announcements is made in the
   * background: onCreate must stay short (concurrent first joins: SE3), and the SUBSCRIBE
   * round trip completes long before the room's first seat is even reserved.
   */
  forRoom(space: { id: string; teamId: string; name: string }, deliver: (a: Announcement) => void): TeamRoomLink {
    const link = new TeamRoomLink(this, space, deliver);
    void link.start();
    return link;
  }

  /** Calls `fn` with each announcement to the team; resolves, once subscribed, to the unsubscribe. */
  async subscribe(teamId: string, fn: (a: Announcement) => void): Promise<() => void> {
    let l = this.listeners.get(teamId);
    if (!l) {
      const fns = new Set<(a: Announcement) => void>();
      const relay = (data: unknown) => {
        const a = parseAnnouncement(data);
        if (!a) return;
        for (const f of fns) {
          try {
            f({ ...a });
          } catch (err) {
            logger.warn({ err, teamId }, "announcement not delivered to a room");
          }
        }
      };
      l = { relay, fns };
      this.listeners.set(teamId, l);
      try {
        await this.presence.subscribe(teamAnnounceChannel(teamId), relay);
      } catch (err) {
        this.listeners.delete(teamId);
        throw err;
      }
    }
    const entry = l;
    entry.fns.add(fn);
    return () => {
      if (!entry.fns.delete(fn) || entry.fns.size > 0 || this.listeners.get(teamId) !== entry) return;
      this.listeners.delete(teamId);
      void Promise.resolve(this.presence.unsubscribe(teamAnnounceChannel(teamId), entry.relay)).catch(() => {});
    };
  }
}

/**
 * One room's side of TP1 and TP4, so that the room itself needs one line per lifecycle hook:
 * reports who with a role joins and leaves, relays the team's announcements to the room. Writes
 * of one room go out one after another (a quick leave never overtakes its own join), and never
 * delay or fail a join: presence errors are logged only.
 */
export class TeamRoomLink {
  private readonly listed = new Set<string>();
  private writes: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly team: TeamPresence,
    private readonly space: { id: string; teamId: string; name: string },
    private readonly deliver: (a: Announcement) => void,
  ) {}

  /** Subscribes to the team's announcements (never throws; a failure is logged). */
  async start(): Promise<void> {
    try {
      const off = await this.team.subscribe(this.space.teamId, this.deliver);
      if (this.closed) off();
      else this.unsubscribe = off;
    } catch (err) {
      logger.warn({ err, space: this.space.id }, "team announcements unavailable in this room");
    }
  }

  /** onJoin: people with a role in the team are listed; visitors of a public space are not (TP1). */
  joined(sessionId: string, who: { userId: string | null; role: Role | null; name: string }) {
    if (who.role === null || this.closed) return;
    this.listed.add(sessionId);
    const entry: TeamEntry = { sessionId, userId: who.userId, name: who.name, spaceId: this.space.id, spaceName: this.space.name, processId: this.team.processId, since: Date.now() };
    this.queue(() => this.team.online(this.space.teamId, entry));
  }

  /** onLeave. */
  left(sessionId: string) {
    if (!this.listed.delete(sessionId)) return;
    this.queue(() => this.team.offline(this.space.teamId, sessionId));
  }

  /** onDispose: unsubscribe, and take out anyone still listed. */
  close() {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const id of [...this.listed]) this.left(id);
  }

  private queue(write: () => Promise<void>) {
    this.writes = this.writes.then(write).catch((err: unknown) => {
      logger.warn({ err, space: this.space.id }, "team presence not updated");
    });
  }
}
