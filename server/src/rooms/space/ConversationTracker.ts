/**
 * Turns the room's conversation links into conversations with a start, an end and a size, for
 * analytics (AN2). A conversation is a connected group of two or more linked people; when people
 * join or leave it, it continues under the same id (the previous conversation holding most of the
 * new group's members); it ends when fewer than two remain. Time is passed in; no Colyseus.
 */
import { conversationGroups } from "../../../../shared/proximity.ts";

export interface ConversationChange {
  started: { id: string; people: number }[];
  ended: { id: string; maxPeople: number; durationMs: number }[];
}

interface Live { id: string; startedAt: number; maxPeople: number; members: Set<string> }

export class ConversationTracker {
  private live = new Map<string, Live>();
  private byPerson = new Map<string, string>();
  private counter = 0;

  constructor(private readonly prefix: string) {}

  get active(): number { return this.live.size; }

  /** Everyone in a conversation now, with its id. */
  members(): ReadonlyMap<string, string> { return this.byPerson; }

  update(peers: ReadonlyMap<string, readonly string[]>, nowMs: number): ConversationChange {
    const groups = conversationGroups(peers);
    const change: ConversationChange = { started: [], ended: [] };
    const next = new Map<string, Live>();
    const claimed = new Set<string>();
    // Bigger groups pick first, so a split keeps the id with its larger half.
    groups.sort((a, b) => b.length - a.length || (a[0] < b[0] ? -1 : 1));
    for (const members of groups) {
      const votes = new Map<string, number>();
      for (const m of members) {
        const prev = this.byPerson.get(m);
        if (prev && !claimed.has(prev)) votes.set(prev, (votes.get(prev) ?? 0) + 1);
      }
      let heir: Live | undefined;
      for (const [id, n] of votes) {
        const cand = this.live.get(id)!;
        if (!heir || n > votes.get(heir.id)! || (n === votes.get(heir.id)! && cand.startedAt < heir.startedAt)) heir = cand;
      }
      const conv: Live = heir
        ? { ...heir, members: new Set(members), maxPeople: Math.max(heir.maxPeople, members.length) }
        : { id: `${this.prefix}-${++this.counter}`, startedAt: nowMs, maxPeople: members.length, members: new Set(members) };
      if (heir) claimed.add(heir.id);
      else change.started.push({ id: conv.id, people: members.length });
      next.set(conv.id, conv);
    }
    for (const [id, conv] of this.live) {
      if (!next.has(id)) change.ended.push({ id, maxPeople: conv.maxPeople, durationMs: nowMs - conv.startedAt });
    }
    this.live = next;
    this.byPerson = new Map();
    for (const conv of next.values()) for (const m of conv.members) this.byPerson.set(m, conv.id);
    return change;
  }

  /** Ends everything (room disposed). */
  endAll(nowMs: number): ConversationChange["ended"] {
    const ended = [...this.live.values()].map((c) => ({ id: c.id, maxPeople: c.maxPeople, durationMs: nowMs - c.startedAt }));
    this.live.clear();
    this.byPerson.clear();
    return ended;
  }
}
