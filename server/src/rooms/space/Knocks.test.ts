import { describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../../../shared/testing/asciiMap.ts";
import { parseTiledMap } from "../../../../shared/map.ts";
import { Avatar, Person, SpaceState } from "../../../../shared/state.ts";
import { KNOCK_PASS_MS, KNOCK_TTL_MS } from "../../../../shared/doors.ts";
import type { ServerMessages } from "../../../../shared/protocol.ts";
import { Knocks } from "./Knocks.ts";
import type { Outbox } from "./Outbox.ts";
import type { Seat } from "./Seats.ts";

const MAP = parseTiledMap(asciiTiledMap(["#######", "#S....#", "#.PPP.#", "#.PPP.#", "#######"]));

function setup() {
  const state = new SpaceState();
  const sent: [string, keyof ServerMessages, unknown][] = [];
  const outbox: Outbox = { send: (to, type, msg) => sent.push([to, type, msg]), broadcast: () => {} };
  const present = new Set<string>();
  const knocks = new Knocks({ state, map: () => MAP, outbox, present: (s) => present.has(s) });
  const put = (id: string, x: number, y: number, status = 0) => {
    state.avatars.set(id, Object.assign(new Avatar(), { x, y, dir: 0 }));
    state.people.set(id, Object.assign(new Person(), { name: id.toUpperCase(), look: 0, status }));
    present.add(id);
  };
  const seat = (session: string) => ({ session, name: session.toUpperCase() }) as Seat;
  const of = (to: string, type: keyof ServerMessages) => sent.filter(([s, t]) => s === to && t === type).map(([, , m]) => m);
  return { state, knocks, put, seat, of };
}

describe("Knocks (NV1–NV5) in-process", () => {
  it("NV4 an unanswered knock expires for the knocker and the card goes for those inside", () => {
    const { knocks, put, seat, of } = setup();
    put("in", 3, 2);
    put("out", 3, 1);
    knocks.door("in", { area: "Room", closed: true });
    knocks.knock(seat("out"), { area: "Room", note: "hi" }, 0);
    expect(of("in", "knock")).toHaveLength(1);
    knocks.tick(KNOCK_TTL_MS - 1);
    expect(of("out", "knockOutcome")).toHaveLength(0);
    knocks.tick(KNOCK_TTL_MS);
    expect(of("out", "knockOutcome")).toEqual([expect.objectContaining({ outcome: "expired", by: null, area: "Room" })]);
    expect(of("in", "knockOutcome")).toHaveLength(1);
  });

  it("NV4 a pass lets its holder through for KNOCK_PASS_MS, then the door is closed to them again", () => {
    const { knocks, put, seat, of } = setup();
    put("in", 3, 2);
    put("out", 3, 1);
    knocks.door("in", { area: "Room", closed: true });
    expect(knocks.mayStep("out", { x: 3, y: 1 }, { x: 3, y: 2 }, 0)).toBe(false);
    knocks.knock(seat("out"), { area: "Room", note: "" }, 0);
    const id = (of("in", "knock")[0] as { id: number }).id;
    knocks.answer(seat("in"), { id, answer: "let_in" }, 1000);
    expect(knocks.mayStep("out", { x: 3, y: 1 }, { x: 3, y: 2 }, 1000 + KNOCK_PASS_MS - 1)).toBe(true);
    knocks.tick(1000 + KNOCK_PASS_MS);
    expect(knocks.mayStep("out", { x: 3, y: 1 }, { x: 3, y: 2 }, 1000 + KNOCK_PASS_MS)).toBe(false);
  });

  it("NV3 NV4 a knocker who leaves ends the knock; so does the last person able to answer", () => {
    const { knocks, put, seat, of, state } = setup();
    put("in", 3, 2);
    put("out", 3, 1);
    put("dnd", 5, 1, 3);
    knocks.door("in", { area: "Room", closed: true });
    knocks.knock(seat("out"), { area: "Room", note: "" }, 0);
    knocks.leave("out");
    expect(of("in", "knockOutcome")).toEqual([expect.objectContaining({ outcome: "gone" })]);
    put("out2", 1, 1);
    knocks.knock(seat("out2"), { person: "dnd", note: "ping" }, 0);
    expect(of("dnd", "knock")).toEqual([expect.objectContaining({ name: "OUT2", note: "ping", area: null })]);
    state.avatars.delete("dnd");
    knocks.leave("dnd");
    expect(of("out2", "knockOutcome")).toEqual([expect.objectContaining({ outcome: "gone", person: "dnd" })]);
  });

  it("NV1 closing mirrors into the synced state; an empty closed room opens at the next tick", () => {
    const { knocks, put, state } = setup();
    put("in", 3, 2);
    knocks.door("in", { area: "Room", closed: true });
    expect(state.closedRooms.get("Room")).toBe(1);
    knocks.tick(0);
    expect(state.closedRooms.get("Room")).toBe(1);
    state.avatars.get("in")!.y = 1;
    knocks.tick(1000);
    expect(state.closedRooms.has("Room")).toBe(false);
    expect(knocks.closedRooms.size).toBe(0);
  });
});
