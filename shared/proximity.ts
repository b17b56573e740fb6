/**
 * Who talks to whom (SPEC PX1–PX6): one pure function from positions, private areas and statuses
 * to each person's conversation peers. The room runs it a few times a second and tells each
 * client only its own peers; signaling is relayed only along these links. No clock, no I/O.
 */
import { CONVERSATION_CAP, TALK_RADIUS } from "./constants.ts";
import type { Status } from "./protocol.ts";

export interface Presence {
  id: string;
  x: number;
  y: number;
  status: Status;
  /** Name of the private area the person stands in, if any. */
  area?: string;
}

export interface ProximityOptions {
  radius: number;
  cap: number;
}

const DEFAULTS: ProximityOptions = { radius: TALK_RADIUS, cap: CONVERSATION_CAP };

const dist = (a: Presence, b: Presence) => Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y));
const byDistanceThenId = (me: Presence) => (a: Presence, b: Presence) => dist(me, a) - dist(me, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

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
  const outside = open.filter((p) => p.area === undefined);
  const cells = new Map<number, Presence[]>();
  const key = (x: number, y: number) => y * 65536 + x;
  for (const p of outside) (cells.get(key(p.x, p.y)) ?? cells.set(key(p.x, p.y), []).get(key(p.x, p.y))!).push(p);
  for (const me of outside) {
    const near: Presence[] = [];
    for (let dy = -opts.radius; dy <= opts.radius; dy++) {
      for (let dx = -opts.radius; dx <= opts.radius; dx++) {
        const c = cells.get(key(me.x + dx, me.y + dy));
        if (c) for (const o of c) if (o !== me) near.push(o);
      }
    }
    candidates.set(me.id, near.sort(byDistanceThenId(me)).slice(0, keep));
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
