/**
 * The seats of one space room: who sits here with which account and role, their flood guard,
 * which seats are held for a dropped connection (RC1, SE9), and how many seats each address holds
 * (SE7). Knows nothing of Colyseus: a held seat is anything that can be cancelled.
 */
import type { Role, Visibility } from "../../../../shared/authz.ts";
import { can } from "../../../../shared/authz.ts";
import type { ServerMessages } from "../../../../shared/protocol.ts";
import { InboundGuard } from "./InboundGuard.ts";
import { VETTED_ROLES } from "./admission.ts";

/** Per-connection bookkeeping that is not synced to anyone. */
export interface Seat {
  readonly session: string;
  /** Account id (null: anonymous visitor of a public space). */
  readonly userId: string | null;
  /** The display name now: chosen at join, changed in place with `profile` (UX15). */
  name: string;
  /** The role at join; edits (AZ4) and access re-checks (SE4) re-read it from the store. */
  role: Role | null;
  /** Frames and messages this connection may still send (BI1, BI2). */
  readonly guard: InboundGuard;
  /** The WebSocket layer closed this connection for an oversize frame: do not hold the seat (BI3). */
  oversize: boolean;
  /** While the connection dropped and the seat is held (RC1): cancel to free it at once. */
  held?: { reject(): void };
}

/** Who is joining, as onAuth found them. */
export interface Joiner {
  session: string;
  userId: string | null;
  role: Role | null;
  name: string;
  address: string;
}

/** Roles whose seats never count against an address's limit (SE7): the team vetted them. */

export class Seats {
  private readonly seats = new Map<string, Seat>();
  /** SE7: seats held per address by people without a member role, and which session counts where. */
  private readonly perAddress = new Map<string, number>();
  private readonly countedAt = new Map<string, string>();

  constructor(private readonly seatsPerAddress: number) {}

  get size(): number { return this.seats.size; }

  get(session: string): Seat | undefined { return this.seats.get(session); }

  /** In the order people sat down. */
  values(): IterableIterator<Seat> { return this.seats.values(); }

  /** Is this session's seat held for a dropped connection (RC1)? */
  isHeld(session: string): boolean { return this.seats.get(session)?.held !== undefined; }

  /**
   * SE9: the same person coming back replaces the seats held for them, never meets them: the seat
   * of the session their resume token names (SE6: a bare session id frees nothing), and any of
   * their account's (another tab, a lost token).
   */
  releaseHeld(resumed: string | undefined, userId: string | null) {
    if (resumed) this.seats.get(resumed)?.held?.reject();
    if (userId) for (const seat of this.seats.values()) if (seat.held && seat.userId === userId) seat.held.reject();
  }

  /**
   * SE7: counts the joiner against its address, unless its role is a member's or above. False
   * (nothing counted) when the address holds its limit already. Counted before anything awaits,
   * so concurrent joins cannot all pass; `leave` gives it back.
   */
  countAddress(j: Joiner): boolean {
    if (j.role !== null && VETTED_ROLES.has(j.role)) return true;
    const held = this.perAddress.get(j.address) ?? 0;
    if (held >= this.seatsPerAddress) return false;
    this.perAddress.set(j.address, held + 1);
    this.countedAt.set(j.session, j.address);
    return true;
  }

  /** Seats a joiner (after countAddress). */
  sit(j: Joiner, now: number): Seat {
    const seat: Seat = { session: j.session, userId: j.userId, name: j.name, role: j.role, guard: new InboundGuard(now), oversize: false };
    this.seats.set(j.session, seat);
    return seat;
  }

  /** A kicked connection stops counting as seated at once; its address is given back at `leave`. */
  unseat(session: string) {
    this.seats.delete(session);
  }

  /** The connection is gone for good (or its join failed): the seat and its address count go. */
  leave(session: string) {
    const address = this.countedAt.get(session);
    if (address !== undefined) {
      this.countedAt.delete(session);
      const n = (this.perAddress.get(address) ?? 1) - 1;
      if (n > 0) this.perAddress.set(address, n);
      else this.perAddress.delete(address);
    }
    this.seats.delete(session);
  }

  /** Seats counted against this address now (tests). */
  countedFrom(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }
}

/** What `welcome` tells a seat about itself (AZ1, SE6); sent at join and whenever its role changes. */
export function welcomeOf(seat: Seat, visibility: Visibility, resume: string): ServerMessages["welcome"] {
  return {
    you: seat.session, userId: seat.userId, role: seat.role, canBuild: can(seat.role, "space.build", visibility), canClaim: can(seat.role, "space.claimDesk", visibility), resume,
  };
}
