/**
 * Who talks to whom (SPEC PX1–PX8): pure functions from positions, private areas, spotlights and
 * statuses to each person's conversation peers (mutual links) and spotlight links (one-way, from
 * the speaker to listeners). The room runs them a few times a second and tells each client only
 * its own links; signaling is relayed only along these links. No clock, no I/O.
 */
import { CONVERSATION_CAP, SPOTLIGHT_MAX, SPOTLIGHT_VIDEO_MAX, TALK_RADIUS } from "./constants.ts";
import type { SpotlightInfo, Status } from "./protocol.ts";
import { holdRank } from "./hysteresis.ts";
import { chebyshev } from "./grid.ts";

export interface Presence {
  id: string;
  x: number;
  y: number;
  status: Status;
  /** Name of the private area the person stands in, if any. */
  area?: string;
  /** Name of the spotlight (map layer `spotlights`) the person stands on, if any (PX7). */
  spotlight?: string;
  /** Stands in a silent zone (MP7): starts no proximity conversation there (PX10). */
  silent?: boolean;
}

export interface ProximityOptions {
  radius: number;
  cap: number;
  /**
   * Each person's peers from the previous run (PX9): a link holds one tile past the radius, and a
   * linked person ranks one tile nearer (winning ties), so people at the edge do not flap in and
   * out of a call as they shuffle.
   */
  previous?: { get(id: string): readonly string[] | undefined };
}

const DEFAULTS: ProximityOptions = { radius: TALK_RADIUS, cap: CONVERSATION_CAP };

const byId = (a: Presence, b: Presence) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byDistanceThenId = (me: Presence) => (a: Presence, b: Presence) => chebyshev(me, a) - chebyshev(me, b) || byId(a, b);

/**
 * People bucketed by tile for the conversation search, which looks at a few tiles around each
 * person: a flat grid over the people's bounding box, each tile the head of a chain through `next`.
 */
class TileIndex {
  private readonly x0: number;
  private readonly y0: number;
  private readonly w: number;
  private readonly h: number;
  private readonly head: Int32Array;
  private readonly next: Int32Array;

  constructor(readonly people: readonly Presence[]) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const p of people) { x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y); }
    this.x0 = people.length ? x0 : 0;
    this.y0 = people.length ? y0 : 0;
    this.w = people.length ? x1 - x0 + 1 : 0;
    this.h = people.length ? y1 - y0 + 1 : 0;
    this.head = new Int32Array(this.w * this.h).fill(-1);
    this.next = new Int32Array(people.length);
    people.forEach((p, i) => {
      const t = (p.y - this.y0) * this.w + (p.x - this.x0);
      this.next[i] = this.head[t];
      this.head[t] = i;
    });
  }

  /** Adds who stands on tile (x, y) to `near` (not `me`; only the `linked`, when given). */
  take(me: Presence, x: number, y: number, near: Presence[], linked: readonly string[] | undefined) {
    const tx = x - this.x0, ty = y - this.y0;
    if (tx < 0 || ty < 0 || tx >= this.w || ty >= this.h) return;
    for (let i = this.head[ty * this.w + tx]; i >= 0; i = this.next[i]) {
      const o = this.people[i];
      if (o !== me && (!linked || linked.includes(o.id))) near.push(o);
    }
  }

  /** Adds who stands on the square ring at Chebyshev distance r around `me`. */
  ring(me: Presence, r: number, near: Presence[], linked: readonly string[] | undefined) {
    for (let dx = -r; dx <= r; dx++) { this.take(me, me.x + dx, me.y - r, near, linked); this.take(me, me.x + dx, me.y + r, near, linked); }
    for (let dy = -r + 1; dy <= r - 1; dy++) { this.take(me, me.x - r, me.y + dy, near, linked); this.take(me, me.x + r, me.y + dy, near, linked); }
  }
}

/**
 * Each person's peers, sorted by id. Links are symmetric: a appears in b's peers iff b appears in
 * a's. Everyone in the input has an entry (possibly empty).
 */
export function conversationPeers(people: readonly Presence[], opts: ProximityOptions = DEFAULTS): Map<string, string[]> {
  const keep = Math.max(0, opts.cap - 1);
  const candidates = new Map<string, string[]>();
  const open = people.filter((p) => p.status !== "dnd"); // PX1

  // PX2: everyone in the same private area, whatever the distance.
  const byArea = new Map<string, Presence[]>();
  for (const p of open) if (p.area !== undefined) (byArea.get(p.area) ?? byArea.set(p.area, []).get(p.area)!).push(p);
  for (const members of byArea.values()) {
    for (const me of members) candidates.set(me.id, nearest(me, members, keep, undefined));
  }

  // PX3/PX4: outside private areas, people within the radius (bucketed by tile for speed).
  // PX10: nobody in a silent zone talks by proximity, nor is found by someone outside it.
  const tiles = new TileIndex(open.filter((p) => p.area === undefined && !p.silent));
  const near: Presence[] = [];
  for (const me of tiles.people) {
    // Square rings outward, stopping after the ring in which `keep` were found: the nearest
    // `keep` (by distance, then id) all lie within it, so a dense crowd costs its first rings,
    // not everyone within the radius (a 1,000-person hotspot made this quadratic).
    const linked = opts.previous?.get(me.id);
    near.length = 0;
    tiles.take(me, me.x, me.y, near, undefined);
    let r = 1;
    for (; r <= opts.radius && near.length < keep; r++) tiles.ring(me, r, near, undefined);
    // PX9: a linked person one ring further ranks with this ring (and wins its ties), so scan it.
    if (linked?.length && r <= opts.radius + 1) tiles.ring(me, r, near, linked);
    candidates.set(me.id, nearest(me, near, keep, linked?.length ? linked : undefined));
  }

  // PX5: keep a link only when both sides chose each other, so links are symmetric and capped.
  const result = new Map<string, string[]>();
  for (const p of people) {
    const mine = candidates.get(p.id);
    const mutual = mine ? mine.filter((o) => candidates.get(o)!.includes(p.id)) : [];
    result.set(p.id, mutual.length > 1 ? mutual.sort() : mutual);
  }
  return result;
}

/**
 * The ids of the `keep` best of `others` for `me`, best first: nearest (Chebyshev), ties by id;
 * with `linked` (PX9) someone already linked ranks one tile nearer and before a newcomer at the
 * same rank. A short sorted insert: `others` is a few rings of people, `keep` at most a handful.
 */
function nearest(me: Presence, others: readonly Presence[], keep: number, linked: readonly string[] | undefined): string[] {
  const best: Presence[] = [];
  const ranks: number[] = [];
  for (const o of others) {
    if (o === me) continue;
    const d = chebyshev(me, o);
    const rank = linked ? holdRank(d, linked.includes(o.id)) : d;
    let i = best.length;
    while (i > 0 && (ranks[i - 1] > rank || (ranks[i - 1] === rank && best[i - 1].id > o.id))) i--;
    if (i >= keep) continue;
    best.splice(i, 0, o);
    ranks.splice(i, 0, rank);
    if (best.length > keep) { best.pop(); ranks.pop(); }
  }
  return best.map((p) => p.id);
}

export interface SpotlightOptions extends ProximityOptions {
  /** Most listeners one speaker sends to (SPOTLIGHT_MAX: the speaker uploads once per listener). */
  spotlightMax: number;
  /** Listeners up to which the speaker also sends video (SPOTLIGHT_VIDEO_MAX). */
  videoMax: number;
  /**
   * The speaker of the previous run. While still eligible they keep the spotlight, so two people
   * on one stage do not take turns every time someone else moves.
   */
  incumbent?: string;
}

/** One person's links: conversation peers (mutual) and spotlight links (one-way media). */
export interface Links {
  /** Conversation peers, sorted by id (as `conversationPeers`). */
  peers: string[];
  /** As the speaker: the listeners I send to, nearest first; otherwise empty. */
  speaking: string[];
  /** As a listener: the speaker I receive from; otherwise null. */
  listening: string | null;
}

export interface SpaceLinks {
  links: Map<string, Links>;
  /** The speaker and how many hear them (sent to everyone), or null. */
  spotlight: SpotlightInfo | null;
}

const SPOTLIGHT_DEFAULTS: SpotlightOptions = { ...DEFAULTS, spotlightMax: SPOTLIGHT_MAX, videoMax: SPOTLIGHT_VIDEO_MAX };

/**
 * Conversations (PX1–PX6) plus the spotlight (PX7–PX8). At most one speaker per space: the
 * incumbent if still on a spotlight and not on do-not-disturb, else the eligible person with the
 * smallest id. Every other person not on do-not-disturb and not already the speaker's conversation
 * peer (who hears them anyway) is a candidate listener; the `spotlightMax` nearest (Chebyshev,
 * ties by id) listen, wherever they stand — private areas included. Pure and deterministic.
 */
export function spaceLinks(people: readonly Presence[], opts: SpotlightOptions = SPOTLIGHT_DEFAULTS): SpaceLinks {
  const peers = conversationPeers(people, opts);
  const links = new Map<string, Links>();
  for (const p of people) links.set(p.id, { peers: peers.get(p.id) ?? [], speaking: [], listening: null });

  const onStage = people.filter((p) => p.spotlight !== undefined && p.status !== "dnd"); // PX7
  const speaker = onStage.find((p) => p.id === opts.incumbent) ?? onStage.reduce<Presence | undefined>((best, p) => (!best || p.id < best.id ? p : best), undefined);
  if (!speaker) return { links, spotlight: null };

  const hearsAnyway = new Set(peers.get(speaker.id));
  const listeners = people
    .filter((p) => p !== speaker && p.status !== "dnd" && !hearsAnyway.has(p.id))
    .sort(byDistanceThenId(speaker))
    .slice(0, Math.max(0, opts.spotlightMax)); // PX8
  links.get(speaker.id)!.speaking = listeners.map((p) => p.id);
  for (const l of listeners) links.get(l.id)!.listening = speaker.id;
  return {
    links,
    spotlight: { speaker: speaker.id, listeners: listeners.length + hearsAnyway.size, audioOnly: listeners.length > opts.videoMax },
  };
}

/** The conversations: groups of two or more linked by `peers` (connected components), each sorted. Pure. */
export function conversationGroups(peers: ReadonlyMap<string, readonly string[]>): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const [start, list] of peers) {
    if (seen.has(start) || list.length === 0) continue;
    const group: string[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const id = stack.pop()!;
      group.push(id);
      for (const o of peers.get(id) ?? []) if (!seen.has(o)) { seen.add(o); stack.push(o); }
    }
    if (group.length >= 2) out.push(group.sort());
  }
  return out;
}
