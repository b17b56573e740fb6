/**
 * Access taken away reaches people already seated (SPEC SE4): on an access change about this space
 * or its team (and when a connection comes back), every seat's role is read from the store again.
 * Whoever may no longer enter is revoked (told why, closed; a held seat is freed); a changed role is
 * told in a new `welcome`. One re-check at a time; changes arriving meanwhile get one more pass
 * after it. A store failure changes nothing (the room logs it): nobody is thrown out on a hiccup,
 * and nobody keeps a role they lost once the store answers again. No sockets: the room acts.
 */
import { can, type Role } from "../../../../shared/authz.ts";
import type { AccessChange } from "../../access/AccessEvents.ts";
import type { SpaceDirectory } from "../../access/directory.ts";
import type { SpaceRecord } from "../../store/Store.ts";
import type { Seat } from "./Seats.ts";
import * as metrics from "../../metrics.ts";

export interface AccessHost {
  /** Everyone seated now (held seats too). */
  seats(): Iterable<Seat>;
  /** Still seated? (People may leave while the store answers.) */
  seated(seat: Seat): boolean;
  /** The space is gone: everyone leaves. */
  deleted(): void;
  /** The space as stored now (its visibility, its team). */
  read(space: SpaceRecord): void;
  /** May no longer enter: tell them `message` and close them (a held seat is freed). */
  revoke(seat: Seat, message: string): void;
  /** Their role changed (`seat.role` is the new one). */
  roleChanged(seat: Seat): void;
  /** A re-check failed (nothing changed). */
  failed(err: unknown): void;
}

/** Is this change about this space, or about the team that owns it? */
export function concerns(c: AccessChange, space: Pick<SpaceRecord, "id" | "teamId">): boolean {
  return c.teamId === space.teamId || c.spaceId === space.id;
}

/** What someone who lost access is told. */
export function revokedMessage(space: Pick<SpaceRecord, "visibility">, role: Role | null): string {
  return space.visibility === "private" && role === null
    ? "You no longer have access to this space: ask one of its admins for an invite."
    : "Your access to this space has changed.";
}

export class AccessCheck {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly directory: Pick<SpaceDirectory, "space" | "roleIn">,
    private readonly spaceId: string,
    private readonly host: AccessHost,
  ) {}

  /** Asks for a re-check of every seat (one runs at a time; asked meanwhile, one more follows). */
  request() {
    if (this.running) { this.again = true; return; }
    this.running = this.pass()
      .catch((err: unknown) => this.host.failed(err))
      .finally(() => {
        this.running = undefined;
        if (this.again) { this.again = false; this.request(); }
      });
  }

  /** Resolves once no re-check is running (tests). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pass() {
    const space = await this.directory.space(this.spaceId);
    if (!space) return this.host.deleted();
    this.host.read(space);
    const roles = new Map<string, Role | null>();
    for (const seat of [...this.host.seats()]) {
      let role: Role | null = null;
      if (seat.userId) {
        if (!roles.has(seat.userId)) roles.set(seat.userId, await this.directory.roleIn(space, { userId: seat.userId }));
        role = roles.get(seat.userId) ?? null;
      }
      if (!this.host.seated(seat)) continue; // left meanwhile
      if (!can(role, "space.enter", space.visibility)) {
        metrics.accessRevoked.inc();
        this.host.revoke(seat, revokedMessage(space, role));
        continue;
      }
      if (role !== seat.role) {
        seat.role = role;
        this.host.roleChanged(seat);
      }
    }
  }
}
