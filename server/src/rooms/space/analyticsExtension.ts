/**
 * AN1: a space room's analytics events, as one extension. Session start/end and space enter/leave
 * (visit length), room created/disposed, conversations (start/end, from the room's links), chat
 * sent (scope and length, never the text), emotes, status changes, kicks; occupancy sampled every
 * PRESENCE_SAMPLE_S as people per occupied tile, with a heartbeat (AN7); who joined which
 * conversation, and whether from inside the space's team (PV3, cross-team encounters). People are
 * their account id, never their name (PV1); people who opted out, or a space that did, leave no
 * events and are not in the samples (PV6). Every call to the port is synchronous and O(1): a slow
 * or absent analytics database never delays a room.
 */
import { chTime, PRESENCE_SAMPLE_S, type AnalyticsPort, type TrackedEvent } from "../../analytics/events.ts";
import { ConversationTracker } from "./ConversationTracker.ts";
import { occupancySample } from "./occupancy.ts";
import type { ChatMessage } from "../../../../shared/protocol.ts";
import type { Arrival, Departure, SpaceRoomContext, SpaceRoomExtension, SpaceRoomExtensionFactory } from "./extension.ts";

/** A person seated here whose events are recorded: account id ('' without one), inside the team or not. */
interface Recorded { user: string; outside: boolean }

export function analyticsExtension(port: AnalyticsPort, clock: () => number = Date.now): SpaceRoomExtensionFactory {
  return (room) => new RoomAnalytics(port, room, clock);
}

class RoomAnalytics implements SpaceRoomExtension {
  private readonly createdAt: number;
  private readonly joinedAt = new Map<string, number>();
  private readonly conversations: ConversationTracker;
  private readonly people = new Map<string, Recorded>();
  /** Each recorded person's conversation, as last reported. */
  private readonly inConversation = new Map<string, string>();

  constructor(private readonly port: AnalyticsPort, private readonly room: SpaceRoomContext, private readonly now: () => number) {
    this.createdAt = now();
    this.conversations = new ConversationTracker(room.roomId);
    this.track({ type: "room_created" });
    room.every(PRESENCE_SAMPLE_S * 1000, () => this.sampleOccupancy());
  }

  onJoin(who: Arrival) {
    if (this.port.records && !this.port.records(this.room.spaceId, who.userId)) return;
    this.people.set(who.session, { user: who.userId ?? "", outside: who.role === null || who.role === "guest" });
    this.joinedAt.set(who.session, this.now());
    const e = { session: who.session, user: who.userId ?? "", x: who.x, y: who.y, detail: who.client };
    this.track({ type: "session_start", ...e });
    this.track({ type: "space_enter", ...e });
  }

  onLeave(who: Departure) {
    const joined = this.joinedAt.get(who.session);
    if (joined === undefined) return; // its join had failed: no session to end
    this.joinedAt.delete(who.session);
    const user = this.people.get(who.session)?.user ?? "";
    this.people.delete(who.session);
    this.inConversation.delete(who.session);
    const e = { session: who.session, user, x: who.x, y: who.y, duration_ms: this.now() - joined };
    this.track({ type: "space_leave", ...e });
    this.track({ type: "session_end", detail: String(who.code ?? ""), ...e });
  }

  onConversations(peers: ReadonlyMap<string, readonly string[]>) {
    const change = this.conversations.update(peers, this.now());
    for (const c of change.started) this.track({ type: "conversation_start", n: c.people, detail: c.id });
    for (const c of change.ended) this.track({ type: "conversation_end", n: c.maxPeople, duration_ms: c.durationMs, detail: c.id });
    for (const [session, id] of this.conversations.members()) {
      const who = this.people.get(session);
      if (!who || this.inConversation.get(session) === id) continue;
      this.inConversation.set(session, id);
      this.track({ type: "conversation_join", session, user: who.user, detail: id, n: who.outside ? 1 : 0 });
    }
  }

  // Chat: the scope and the length, never the text (PV1).
  onChat(m: ChatMessage) {
    const who = this.people.get(m.from);
    if (who) this.track({ type: "chat_sent", session: m.from, user: who.user, detail: m.scope, n: m.text.length });
  }

  onEmote(session: string, emote: string, at: { x: number; y: number }) {
    const who = this.people.get(session);
    if (who) this.track({ type: "emote", session, user: who.user, detail: emote, x: at.x, y: at.y });
  }

  onStatus(session: string, _name: string, status: string) {
    const who = this.people.get(session);
    if (who) this.track({ type: "status_change", session, user: who.user, detail: status });
  }

  onKick(session: string, code: number) {
    const who = this.people.get(session);
    if (who) this.track({ type: "error", session, user: who.user, detail: `kicked:${code}` });
  }

  onDispose() {
    for (const c of this.conversations.endAll(this.now())) this.track({ type: "conversation_end", n: c.maxPeople, duration_ms: c.durationMs, detail: c.id });
    this.track({ type: "room_disposed", duration_ms: this.now() - this.createdAt });
  }

  /** Fills in the room's fields (AN1). */
  private track(e: Partial<TrackedEvent> & Pick<TrackedEvent, "type">) {
    this.port.track({ space: this.room.spaceId, session: "", user: "", n: 0, duration_ms: 0, detail: "", x: 0, y: 0, ...e });
  }

  /** AN1: people per occupied tile (those recorded); AN7: the room's heartbeat, while anyone is recorded here. */
  private sampleOccupancy() {
    const tiles = [...this.room.avatars()].filter(([session]) => this.people.has(session)).map(([, t]) => t);
    if (tiles.length === 0) return;
    const ts = chTime(this.now());
    this.port.sample(occupancySample(this.room.spaceId, ts, tiles));
    this.track({ type: "room_alive", ts, n: tiles.length });
  }
}
