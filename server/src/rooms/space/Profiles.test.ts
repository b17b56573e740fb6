import { describe, expect, it } from "vitest";
import { Person, SpaceState } from "../../../../shared/state.ts";
import { PROFILE_BURST, PROFILE_REFILL_MS, Profiles } from "./Profiles.ts";

function setup() {
  const state = new SpaceState();
  state.people.set("a", Object.assign(new Person(), { name: "Ana", look: 0 }));
  return { state, profiles: new Profiles(state), seat: { session: "a", name: "Ana" } };
}

describe("UX15 profile in place", () => {
  it("changes the roster entry and the seat's name together", () => {
    const { state, profiles, seat } = setup();
    expect(profiles.change(seat, { name: "Ana B", look: 3 }, 0)).toBe("changed");
    expect(state.people.get("a")).toMatchObject({ name: "Ana B", look: 3 });
    expect(seat.name).toBe("Ana B");
  });

  it("allows a burst, then one change per refill; sending the same again costs nothing", () => {
    const { profiles, seat } = setup();
    for (let i = 1; i <= PROFILE_BURST; i++) expect(profiles.change(seat, { name: `Ana ${i}`, look: 0 }, 0)).toBe("changed");
    expect(profiles.change(seat, { name: `Ana ${PROFILE_BURST}`, look: 0 }, 0)).toBe("unchanged");
    expect(profiles.change(seat, { name: "Too soon", look: 0 }, 1)).toBe("too_soon");
    expect(seat.name).toBe(`Ana ${PROFILE_BURST}`);
    expect(profiles.change(seat, { name: "Later", look: 0 }, PROFILE_REFILL_MS + 1)).toBe("changed");
  });

  it("someone not in the roster changes nothing", () => {
    const { profiles } = setup();
    expect(profiles.change({ session: "zz", name: "Z" }, { name: "Q", look: 1 }, 0)).toBe("absent");
  });
});
