/**
 * Doors and knocking in one room (SPEC NV1–NV6): meeting rooms that the people inside close and
 * open (mirrored into the synced `closedRooms`), the step rule that keeps outsiders out (NV2, the
 * pure `mayEnter` of shared/doors.ts), knocks on a closed room or at someone on do-not-disturb and
 * their answers, passes through a closed door, and "tell me when free". Time is passed in; who
 * stands where and who is present are read from the synced state and the room; answers go out
 * through the outbox. Knows nothing of Colyseus.
 */
import { KNOCK_BURST, KNOCK_PASS_MS, KNOCK_REFILL_MS, KNOCK_TTL_MS, mayEnter, roomAt } from "../../../../shared/doors.ts";
import { DropReason, NoticeCode } from "../../../../shared/codes.ts";
import type { SpaceMap, Tile } from "../../../../shared/map.ts";
import { STATUSES, type ClientMessages, type KnockOutcome, type Status } from "../../../../shared/protocol.ts";
import type { SpaceState } from "../../../../shared/state.ts";
import type { Outbox } from "./Outbox.ts";
import type { Seat } from "./Seats.ts";
import { TokenBucket } from "./TokenBucket.ts";
import * as metrics from "../../metrics.ts";

export interface KnockDeps {
  state: SpaceState;
  /** The map walked on now (areas may be redrawn in build mode). */
  map(): SpaceMap;
  outbox: Outbox;
  /** Is this session connected to the room now? */
  present(session: string): boolean;
}

interface Pending {
  id: number;
  from: string;
  area: string | null;
  person: string | null;
  /** Who was shown the knock and may answer it. */
  to: Set<string>;
  until: number;
}

const DND = STATUSES.indexOf("dnd");
const AVAILABLE = STATUSES.indexOf("available");

export class Knocks {
  private readonly closed = new Set<string>();
  private readonly pending = new Map<number, Pending>();
  /** Knocker → their one unanswered knock. */
  private readonly knocking = new Map<string, number>();
  /** Session → room name → pass valid until (room clock). */
  private readonly passes = new Map<string, Map<string, number>>();
  /** Busy person → who asked to hear when they are free (NV5). */
  private readonly watchers = new Map<string, Set<string>>();
  private readonly budgets = new Map<string, TokenBucket>();
  private nextId = 1;

  constructor(private readonly d: KnockDeps) {}

  /** The closed rooms' names. */
  get closedRooms(): ReadonlySet<string> { return this.closed; }

  /** NV2: may this session step from `from` onto `to`? (Checked with every move.) */
  mayStep(session: string, from: Tile, to: Tile, now: number): boolean {
    if (this.closed.size === 0) return true;
    return mayEnter(this.d.map(), this.closed, from, to, this.passesOf(session, now));
  }

  /** NV1: someone standing in the room closes or opens it. */
  door(session: string, msg: ClientMessages["door"]) {
    if (this.roomOf(session) !== msg.area) {
      return this.notice(session, NoticeCode.DOOR_REFUSED, "Only people inside a meeting room can close or open it.");
    }
    if (msg.closed === this.closed.has(msg.area)) return;
    this.setClosed(msg.area, msg.closed);
  }

  /** NV3: a knock on a closed room or at someone on do-not-disturb rings for who may answer it. */
  knock(seat: Seat, msg: ClientMessages["knock"], now: number) {
    const from = seat.session;
    if (!this.budgetOf(from, now).take(now)) {
      metrics.countDrop(DropReason.KNOCK_LIMIT);
      return this.notice(from, NoticeCode.KNOCK_LIMIT, "You are knocking too often: wait a little.");
    }
    if (this.knocking.has(from)) return this.refuse(from, "You are already knocking: wait for an answer.");
    let to: string[];
    if (msg.area !== undefined) {
      if (!this.closed.has(msg.area)) return this.refuse(from, `${msg.area} is open: walk in.`);
      to = this.insiders(msg.area).filter((s) => s !== from);
      if (to.length === 0) return this.refuse(from, `Nobody is in ${msg.area} to answer.`);
    } else {
      const p = this.d.state.people.get(msg.person!);
      if (!p || msg.person === from || !this.d.present(msg.person!)) return this.refuse(from, "That person is not here.");
      if (p.status !== DND) return this.refuse(from, `${p.name} is not on do-not-disturb: just walk up.`);
      to = [msg.person!];
    }
    const k: Pending = { id: this.nextId++, from, area: msg.area ?? null, person: msg.person ?? null, to: new Set(to), until: now + KNOCK_TTL_MS };
    this.pending.set(k.id, k);
    this.knocking.set(from, k.id);
    for (const s of to) this.d.outbox.send(s, "knock", { id: k.id, from, name: seat.name, note: msg.note, area: k.area });
  }

  /** NV4: one of those shown the knock answers; the first answer counts. */
  answer(seat: Seat, msg: ClientMessages["knockAnswer"], now: number) {
    const k = this.pending.get(msg.id);
    if (!k || !k.to.has(seat.session)) return; // answered by someone else already, or not theirs
    if (msg.answer === "let_in" && k.area !== null) {
      const mine = this.passes.get(k.from) ?? this.passes.set(k.from, new Map()).get(k.from)!;
      mine.set(k.area, now + KNOCK_PASS_MS);
    }
    this.end(k, msg.answer, seat.name);
  }

  /** NV5: tell `session` once when `person` is available. */
  whenFree(session: string, msg: ClientMessages["whenFree"]) {
    const p = this.d.state.people.get(msg.person);
    if (!p || msg.person === session) return this.refuse(session, "That person is not here.");
    if (p.status === AVAILABLE) return this.refuse(session, `${p.name} is available now.`);
    (this.watchers.get(msg.person) ?? this.watchers.set(msg.person, new Set()).get(msg.person)!).add(session);
  }

  /** ST1 changed someone's status: those waiting for them to be free hear it, once (NV5). */
  statusChanged(session: string, status: Status) {
    if (status !== "available") return;
    const waiting = this.watchers.get(session);
    if (!waiting) return;
    this.watchers.delete(session);
    const name = this.d.state.people.get(session)?.name ?? "";
    for (const w of waiting) this.d.outbox.send(w, "free", { person: session, name });
  }

  /** Once a second: knocks expire, passes run out, a closed room nobody is in opens again (NV1, NV4). */
  tick(now: number) {
    for (const k of this.pending.values()) if (now >= k.until) this.end(k, "expired", null);
    for (const [session, mine] of this.passes) {
      for (const [room, until] of mine) if (now >= until) mine.delete(room);
      if (mine.size === 0) this.passes.delete(session);
    }
    if (this.closed.size === 0) return;
    const occupied = new Set<string>();
    for (const session of this.d.state.avatars.keys()) {
      const room = this.roomOf(session);
      if (room) occupied.add(room);
    }
    for (const room of [...this.closed]) if (!occupied.has(room)) this.setClosed(room, false);
  }

  /** Someone left: their knocks end, knocks they were to answer lose them, their watches go. */
  leave(session: string) {
    for (const k of this.pending.values()) {
      if (k.from === session) this.end(k, "gone", null);
      else if (k.to.delete(session) && k.to.size === 0) this.end(k, "gone", null);
    }
    this.watchers.delete(session);
    for (const w of this.watchers.values()) w.delete(session);
    this.passes.delete(session);
    this.budgets.delete(session);
  }

  private end(k: Pending, outcome: KnockOutcome, by: string | null) {
    this.pending.delete(k.id);
    if (this.knocking.get(k.from) === k.id) this.knocking.delete(k.from);
    const msg = { id: k.id, outcome, by, area: k.area, person: k.person };
    for (const s of new Set([k.from, ...k.to])) this.d.outbox.send(s, "knockOutcome", msg);
  }

  private setClosed(room: string, closed: boolean) {
    if (closed) { this.closed.add(room); this.d.state.closedRooms.set(room, 1); }
    else { this.closed.delete(room); this.d.state.closedRooms.delete(room); }
  }

  /** The meeting room this session's avatar stands in, if any. */
  private roomOf(session: string): string | undefined {
    const a = this.d.state.avatars.get(session);
    return a ? roomAt(this.d.map(), a.x, a.y)?.name : undefined;
  }

  /** Connected people standing in the room. */
  private insiders(room: string): string[] {
    return [...this.d.state.avatars.keys()].filter((s) => this.d.present(s) && this.roomOf(s) === room);
  }

  private passesOf(session: string, now: number): ReadonlySet<string> {
    const mine = this.passes.get(session);
    if (!mine) return EMPTY;
    return new Set([...mine].filter(([, until]) => now < until).map(([room]) => room));
  }

  private budgetOf(session: string, now: number): TokenBucket {
    let b = this.budgets.get(session);
    if (!b) { b = new TokenBucket(KNOCK_BURST, KNOCK_REFILL_MS, now); this.budgets.set(session, b); }
    return b;
  }

  private refuse(session: string, message: string) {
    this.notice(session, NoticeCode.KNOCK_REFUSED, message);
  }

  private notice(session: string, code: NoticeCode, message: string) {
    this.d.outbox.send(session, "notice", { code, message });
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** The room's handlers of the NV messages (MessageReceiver spreads them into its map). */
export function knockHandlers(knocks: Knocks, now: () => number) {
  return {
    knock: (seat: Seat, msg: ClientMessages["knock"]) => knocks.knock(seat, msg, now()),
    knockAnswer: (seat: Seat, msg: ClientMessages["knockAnswer"]) => knocks.answer(seat, msg, now()),
    door: (seat: Seat, msg: ClientMessages["door"]) => knocks.door(seat.session, msg),
    whenFree: (seat: Seat, msg: ClientMessages["whenFree"]) => knocks.whenFree(seat.session, msg),
  };
}
