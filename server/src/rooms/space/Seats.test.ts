import { describe, expect, it } from "vitest";
import { Seats, welcomeOf, type Joiner } from "./Seats.ts";

const visitor = (session: string, address = "1.2.3.4"): Joiner => ({ session, userId: null, role: null, name: session, address });

describe("Seats (SE7, SE9, RC1)", () => {
  it("SE7 visitors and guests from one address hold at most the limit; members are never counted; a freed seat is reusable", () => {
    const seats = new Seats(2);
    expect(seats.countAddress(visitor("a"))).toBe(true);
    expect(seats.countAddress({ ...visitor("b"), userId: "g", role: "guest" })).toBe(true);
    expect(seats.countAddress(visitor("c"))).toBe(false);
    expect(seats.countAddress(visitor("d", "5.6.7.8"))).toBe(true); // another address
    for (const role of ["member", "builder", "admin", "owner"] as const) expect(seats.countAddress({ ...visitor(`m-${role}`), userId: role, role })).toBe(true);
    expect(seats.countedFrom("1.2.3.4")).toBe(2);
    seats.leave("a");
    expect(seats.countedFrom("1.2.3.4")).toBe(1);
    expect(seats.countAddress(visitor("e"))).toBe(true);
    seats.leave("m-owner"); // never counted: gives nothing back
    expect(seats.countedFrom("1.2.3.4")).toBe(2);
  });

  it("SE7 a kicked seat stops being seated at once but gives its address back only when it has left", () => {
    const seats = new Seats(1);
    const j = visitor("a");
    seats.countAddress(j);
    seats.sit(j, 0);
    seats.unseat("a");
    expect(seats.get("a")).toBeUndefined();
    expect(seats.countAddress(visitor("b"))).toBe(false);
    seats.leave("a");
    expect(seats.countAddress(visitor("b"))).toBe(true);
  });

  it("SE9 a re-join frees the held seat of its resumed session and the held seats of its account, nothing else", () => {
    const seats = new Seats(20);
    const freed: string[] = [];
    const hold = (session: string, userId: string | null) => {
      const s = seats.sit({ ...visitor(session), userId }, 0);
      s.held = { reject: () => freed.push(session) };
    };
    hold("old-tab", null);
    hold("ann-1", "ann");
    hold("bob-1", "bob");
    seats.sit({ ...visitor("ann-live"), userId: "ann" }, 0); // connected: not held, never freed
    expect(seats.isHeld("old-tab")).toBe(true);
    expect(seats.isHeld("ann-live")).toBe(false);
    seats.releaseHeld("old-tab", "ann");
    expect(freed.sort()).toEqual(["ann-1", "old-tab"]);
    seats.releaseHeld(undefined, null);
    expect(freed).toHaveLength(2);
  });

  it("AZ1 SE6 welcome says who you are here, what you may do, and your resume token", () => {
    const seats = new Seats(20);
    const seat = seats.sit({ ...visitor("s"), userId: "u", role: "builder" }, 0);
    expect(welcomeOf(seat, "private", "s.mac")).toEqual({ you: "s", userId: "u", role: "builder", canBuild: true, canClaim: true, resume: "s.mac" });
    seat.role = null;
    expect(welcomeOf(seat, "public", "s.mac")).toMatchObject({ role: null, canBuild: false, canClaim: false });
    expect([...seats.values()].map((s) => s.session)).toEqual(["s"]);
  });
});
