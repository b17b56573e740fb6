import { describe, expect, it } from "vitest";
import { outlineOf, type OutlineInput } from "./outlineModel.ts";

const room = { name: "Focus Room 1", kind: "private", x: 0, y: 0, width: 4, height: 4 };

function input(at: Record<string, [number, number] | undefined>, myPeers: string[] = [], status: Record<string, number> = {}): OutlineInput {
  return {
    selfId: "me",
    people: Object.keys(at).map((id) => [id, { name: id === "me" ? "Me" : id.toUpperCase(), status: status[id] ?? 0 }] as [string, { name: string; status: number }]),
    tileOf: (id) => (at[id] ? { x: at[id]![0], y: at[id]![1] } : undefined),
    rooms: [room],
    myPeers,
  };
}

const names = (ps: { name: string }[]) => ps.map((p) => p.name);

describe("UX10 outline of the space", () => {
  it("rooms first (even empty), then the open floor, then people too far to see", () => {
    const o = outlineOf(input({ me: [20, 20], ana: [1, 1], bo: [40, 40], cy: undefined }));
    expect(o.places.map((p) => `${p.name}:${p.count}`)).toEqual(["Focus Room 1:1", "Open floor:2", "Farther away:1"]);
    expect(o.places[0].target).toEqual({ x: 2, y: 2 });
    expect(o.here).toBe("on the open floor");
    expect(o.total).toBe(4);
  });

  it("people near each other form a conversation; mine is the room's word and comes first", () => {
    const o = outlineOf(input({ me: [20, 20], ana: [21, 20], bo: [30, 30], cy: [31, 30], di: [50, 50] }, ["ana"]));
    const open = o.places.find((p) => p.kind === "open")!;
    expect(open.conversations.map((c) => [c.mine, names(c.people)])).toEqual([[true, ["Me", "ANA"]], [false, ["BO", "CY"]]]);
    expect(names(open.alone)).toEqual(["DI"]);
  });

  it("everyone in a room talks together; do-not-disturb stands alone", () => {
    const o = outlineOf(input({ me: [20, 20], ana: [0, 0], bo: [3, 3], cy: [1, 3] }, [], { cy: 3 }));
    const r = o.places[0];
    expect(r.conversations.map((c) => names(c.people))).toEqual([["ANA", "BO"]]);
    expect(r.alone.map((p) => [p.name, p.status])).toEqual([["CY", "dnd"]]);
  });
});
