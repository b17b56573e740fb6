/**
 * Profiles in place (SPEC UX15): someone changes their display name or look without leaving the
 * space. The roster entry (synced to everyone, IM3) and the seat's name (what their chat is signed
 * with) change together; at most PROFILE_BURST changes at once, then one per PROFILE_REFILL_MS, so
 * a script cannot make the whole space redraw its people list many times a second. Knows nothing
 * of Colyseus; the room's clock is passed in.
 */
import type { ClientMessages } from "../../../../shared/protocol.ts";
import type { SpaceState } from "../../../../shared/state.ts";
import { TokenBucket } from "./TokenBucket.ts";

/** Changes one person may make in a row… */
export const PROFILE_BURST = 3;
/** …and how often one more is allowed after that. */
export const PROFILE_REFILL_MS = 10_000;

export type ProfileAnswer = "changed" | "unchanged" | "too_soon" | "absent";

export class Profiles {
  private readonly budgets = new Map<string, TokenBucket>();

  constructor(private readonly state: SpaceState) {}

  /** Applies a validated change to the roster entry and `seat.name`; the budget is spent only by real changes. */
  change(seat: { session: string; name: string }, msg: ClientMessages["profile"], now: number): ProfileAnswer {
    const person = this.state.people.get(seat.session);
    if (!person) return "absent";
    if (person.name === msg.name && person.look === msg.look) return "unchanged";
    let budget = this.budgets.get(seat.session);
    if (!budget) this.budgets.set(seat.session, (budget = new TokenBucket(PROFILE_BURST, PROFILE_REFILL_MS, now)));
    if (!budget.take(now)) return "too_soon";
    person.name = msg.name;
    person.look = msg.look;
    seat.name = msg.name;
    return "changed";
  }

  leave(session: string): void { this.budgets.delete(session); }
}
