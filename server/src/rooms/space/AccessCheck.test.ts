import { describe, expect, it } from "vitest";
import type { Role } from "../../../../shared/authz.ts";
import type { SpaceRecord } from "../../store/Store.ts";
import { AccessCheck, concerns, revokedMessage, type AccessHost } from "./AccessCheck.ts";
import { Seats, type Seat } from "./Seats.ts";

const SPACE = { id: "s", teamId: "t", name: "S", visibility: "private" } as SpaceRecord;

function setup(roles: Map<string, Role | null>, space: SpaceRecord | null = SPACE) {
  const seats = new Seats(20);
  const log: string[] = [];
  const dir = {
    space: async () => space,
    reads: 0,
    fail: false,
    onRead: (_userId: string) => {},
    roleIn: async (_s: SpaceRecord, who: { userId: string } | null) => {
      dir.reads++;
      dir.onRead(who!.userId);
      await Promise.resolve();
      if (dir.fail) throw new Error("store down");
      return roles.get(who!.userId) ?? null;
    },
  };
  const host: AccessHost = {
    seats: () => seats.values(),
    seated: (seat) => seats.get(seat.session) === seat,
    deleted: () => log.push("deleted"),
    read: (s) => log.push(`read ${s.visibility}`),
    revoke: (seat: Seat, message) => { log.push(`revoke ${seat.session}: ${message}`); seats.leave(seat.session); },
    roleChanged: (seat) => log.push(`role ${seat.session} ${seat.role}`),
    failed: (err) => log.push(`failed ${(err as Error).message}`),
  };
  const check = new AccessCheck(dir, "s", host);
  const sit = (session: string, userId: string | null, role: Role | null) => seats.sit({ session, userId, role, name: session, address: "x" }, 0);
  return { check, log, sit, dir, seats };
}

describe("AccessCheck (SE4)", () => {
  it("SE4 whoever may no longer enter is revoked, a changed role is told, the rest is left alone", async () => {
    const roles = new Map<string, Role | null>([["ann", "member"], ["bob", "builder"], ["cy", null]]);
    const { check, log, sit } = setup(roles);
    sit("a1", "ann", "builder");
    sit("a2", "ann", "builder");
    sit("b", "bob", "builder");
    sit("c", "cy", "member");
    check.request();
    await check.settled();
    expect(log).toEqual([
      "read private",
      "role a1 member",
      "role a2 member",
      "revoke c: You no longer have access to this space: ask one of its admins for an invite.",
    ]);
  });

  it("SE4 a deleted space closes everyone; a store failure changes nothing", async () => {
    const gone = setup(new Map(), null);
    gone.sit("a", "ann", "member");
    gone.check.request();
    await gone.check.settled();
    expect(gone.log).toEqual(["deleted"]);

    const down = setup(new Map([["ann", null]]));
    const seat = down.sit("a", "ann", "member");
    down.dir.fail = true;
    down.check.request();
    await down.check.settled();
    expect(down.log).toEqual(["read private", "failed store down"]);
    expect(seat.role).toBe("member");
  });

  it("SE4 one re-check at a time; changes meanwhile get exactly one more pass; someone who left meanwhile is skipped", async () => {
    const { check, log, sit, dir, seats } = setup(new Map([["ann", null], ["bob", "member"]]));
    sit("a", "ann", "member");
    sit("b", "bob", "member");
    dir.onRead = (userId) => { if (userId === "ann") seats.leave("a"); }; // leaves while the store answers
    check.request();
    check.request();
    check.request();
    await check.settled();
    expect(log.filter((l) => l.startsWith("read"))).toHaveLength(2);
    expect(log.filter((l) => l.startsWith("revoke"))).toEqual([]);
    expect(dir.reads).toBe(3); // ann + bob once, then bob again: one role read per account per pass
  });

  it("SE4 an access change concerns the room when it names its space or its team", () => {
    expect(concerns({ teamId: "t" }, SPACE)).toBe(true);
    expect(concerns({ spaceId: "s" }, SPACE)).toBe(true);
    expect(concerns({ teamId: "other" }, SPACE)).toBe(false);
    expect(concerns({ spaceId: "other" }, SPACE)).toBe(false);
    expect(revokedMessage({ visibility: "public" }, null)).toBe("Your access to this space has changed.");
  });
});
