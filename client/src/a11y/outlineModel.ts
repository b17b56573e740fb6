/**
 * The outline of the space as data (SPEC UX10): its rooms (private areas), and in each the
 * conversations and the people standing alone, then the open floor, then the people too far away
 * for this client to see where they stand (IM1). Conversations of others are worked out with the
 * same proximity rules the room uses (shared/proximity.ts) from the avatars in view; my own is the
 * room's word (`peers`). Pure: no DOM, no clock.
 */
import type { Area } from "../../../shared/map.ts";
import { conversationGroups, conversationPeers, type Presence } from "../../../shared/proximity.ts";
import { STATUSES, type Status } from "../../../shared/protocol.ts";
import type { Tile } from "../../../shared/grid.ts";

export interface OutlinePerson { id: string; name: string; status: Status; you: boolean }
export interface OutlineConversation { people: OutlinePerson[]; mine: boolean }
export interface OutlinePlace {
  /** Stable across updates: `room:<name>`, `open` or `far`. */
  key: string;
  name: string;
  kind: "room" | "open" | "far";
  /** Where "walk me to" goes (a room's middle). */
  target?: Tile;
  conversations: OutlineConversation[];
  alone: OutlinePerson[];
  count: number;
}
/** `here`: where I am, as said after "You are" ("in Focus Room 1", "on the open floor"). */
export interface Outline { places: OutlinePlace[]; here: string | undefined; total: number }

export interface OutlineInput {
  selfId: string;
  people: Iterable<[string, { name: string; status: number }]>;
  /** Where someone stands, when known (in view, or my own prediction). */
  tileOf(id: string): Tile | undefined;
  rooms: readonly Area[];
  /** My conversation peers as the room said (PX*). */
  myPeers: readonly string[];
}

const inside = (a: Area, t: Tile) => t.x >= a.x && t.y >= a.y && t.x < a.x + a.width && t.y < a.y + a.height;
const byName = (a: OutlinePerson, b: OutlinePerson) => (a.you ? -1 : b.you ? 1 : a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));

export function outlineOf(input: OutlineInput): Outline {
  const { selfId, rooms } = input;
  const who = new Map<string, OutlinePerson>();
  const where = new Map<string, { tile: Tile; room?: Area }>();
  for (const [id, p] of input.people) {
    who.set(id, { id, name: p.name, status: STATUSES[p.status] ?? "available", you: id === selfId });
    const tile = input.tileOf(id);
    if (tile) where.set(id, { tile, room: rooms.find((r) => inside(r, tile)) });
  }

  // Conversations: mine as the room said; the others worked out from the avatars in view.
  const mine = input.myPeers.length ? [selfId, ...input.myPeers.filter((id) => who.has(id))] : [];
  const taken = new Set(mine);
  const presences: Presence[] = [];
  for (const [id, w] of where) if (!taken.has(id)) presences.push({ id, x: w.tile.x, y: w.tile.y, status: who.get(id)!.status, area: w.room?.name });
  const groups = conversationGroups(conversationPeers(presences));
  if (mine.length) groups.unshift(mine);

  const places = new Map<string, OutlinePlace>();
  const place = (key: string, name: string, kind: OutlinePlace["kind"], target?: Tile) => {
    let p = places.get(key);
    if (!p) places.set(key, (p = { key, name, kind, target, conversations: [], alone: [], count: 0 }));
    return p;
  };
  for (const r of rooms) place(`room:${r.name}`, r.name, "room", { x: r.x + Math.floor(r.width / 2), y: r.y + Math.floor(r.height / 2) });
  const placeOf = (id: string) => {
    const w = where.get(id);
    if (!w) return place("far", "Farther away", "far");
    return w.room ? place(`room:${w.room.name}`, w.room.name, "room") : place("open", "Open floor", "open");
  };

  const inGroup = new Set<string>();
  for (const g of groups) {
    const people = g.map((id) => who.get(id)!).sort(byName);
    const p = placeOf(people[0].id);
    p.conversations.push({ people, mine: g === mine });
    p.count += people.length;
    for (const id of g) inGroup.add(id);
  }
  for (const person of who.values()) {
    if (inGroup.has(person.id)) continue;
    const p = placeOf(person.id);
    p.alone.push(person);
    p.count++;
  }
  const order = { room: 0, open: 1, far: 2 };
  const sorted = [...places.values()].sort((a, b) => order[a.kind] - order[b.kind]);
  for (const p of sorted) {
    p.alone.sort(byName);
    p.conversations.sort((a, b) => (a.mine ? -1 : b.mine ? 1 : byName(a.people[0], b.people[0])));
  }
  const self = where.get(selfId);
  return { places: sorted, here: self ? (self.room ? `in ${self.room.name}` : "on the open floor") : undefined, total: who.size };
}
