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
/** PX9: someone already linked ranks one tile nearer and before a newcomer at the same rank. */
const byRankThenId = (me: Presence, linked: readonly string[]) => {
  const rank = (o: Presence) => holdRank(chebyshev(me, o), linked.includes(o.id));
  return (a: Presence, b: Presence) => rank(a) - rank(b) || byId(a, b);
};

/**
 * Each person's peers, sorted by id. Links are symmetric: a appears in b's peers iff b appears in
 * a's. Everyone in the input has an entry (possibly empty).
 */
export function conversationPeers(people: readonly Presence[], opts: ProximityOptions = DEFAULTS): Map<string, string[]> {
  const keep = Math.max(0, opts.cap - 1);
  const candidates = new Map<string, Presence[]>();
  const open = people.filter((p) => p.status !== "dnd"); // PX1

  // PX2: everyone in the same private area, whatever the distance.
  const byArea = new Map<string, Presence[]>();
  for (const p of open) if (p.area !== undefined) (byArea.get(p.area) ?? byArea.set(p.area, []).get(p.area)!).push(p);
  for (const members of byArea.values()) {
    for (const me of members) candidates.set(me.id, members.filter((o) => o !== me).sort(byDistanceThenId(me)).slice(0, keep));
  }

  // PX3/PX4: outside private areas, people within the radius (bucketed by tile for speed).
  // PX10: nobody in a silent zone talks by proximity, nor is found by someone outside it.
  const outside = open.filter((p) => p.area === undefined && !p.silent);
  const cells = new Map<number, Presence[]>();
  const key = (x: number, y: number) => y * 65536 + x;
  for (const p of outside) (cells.get(key(p.x, p.y)) ?? cells.set(key(p.x, p.y), []).get(key(p.x, p.y))!).push(p);
  for (const me of outside) {
    // Square rings outward, stopping after the ring in which `keep` were found: the nearest
    // `keep` (by distance, then id) all lie within it, so a dense crowd costs its first rings,
    // not everyone within the radius (a 1,000-person hotspot made this quadratic).
    const linked = opts.previous?.get(me.id);
    const near: Presence[] = [];
    let onlyLinked = false;
    const take = (x: number, y: number) => {
      const c = cells.get(key(x, y));
      if (c) for (const o of c) if (o !== me && (!onlyLinked || linked!.includes(o.id))) near.push(o);
    };
    const ring = (r: number) => {
      for (let dx = -r; dx <= r; dx++) { take(me.x + dx, me.y - r); take(me.x + dx, me.y + r); }
      for (let dy = -r + 1; dy <= r - 1; dy++) { take(me.x - r, me.y + dy); take(me.x + r, me.y + dy); }
    };
    take(me.x, me.y);
    let r = 1;
    for (; r <= opts.radius && near.length < keep; r++) ring(r);
    // PX9: a linked person one ring further ranks with this ring (and wins its ties), so scan it.
    if (linked?.length && r <= opts.radius + 1) { onlyLinked = true; ring(r); }
    candidates.set(me.id, linked?.length ? near.sort(byRankThenId(me, linked)).slice(0, keep) : near.sort(byDistanceThenId(me)).slice(0, keep));
  }

  // PX5: keep a link only when both sides chose each other, so links are symmetric and capped.
  const chosen = new Map<string, Set<string>>();
  for (const [id, list] of candidates) chosen.set(id, new Set(list.map((p) => p.id)));
  const result = new Map<string, string[]>();
  for (const p of people) {
    const mine = chosen.get(p.id);
    result.set(p.id, mine ? [...mine].filter((o) => chosen.get(o)?.has(p.id)).sort() : []);
  }
  return result;
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
