/**
 * Doors and knocking with real clients (SPEC NV1–NV6): a meeting room closed from inside keeps
 * outsiders out on the server, a knock rings for the people inside, "let in" opens the door for
 * the knocker and "not now" is told to them; knocks at someone on do-not-disturb, "tell me when
 * free" (once), the knock budget and malformed knocks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { parseTiledMap } from "../../shared/map.ts";
import type { ServerMessages } from "../../shared/protocol.ts";
import { Dir } from "../../shared/protocol.ts";
import { catalogOf, joinAs, startTestServer, untyped, until, walkTo, type TestRoom } from "./harness.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

// Spawns on the top row; the private area "Room" is the 3×2 block of P below them.
const TMJ = asciiTiledMap([
  "##########",
  "#S.S.S...#",
  "#........#",
  "#..PPP...#",
  "#..PPP...#",
  "##########",
]);
const MAP = parseTiledMap(TMJ);

let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(TMJ) }); });
afterAll(async () => { await server?.close(); });

type Knocker = TestRoom & { knocks: ServerMessages["knock"][]; outcomes: ServerMessages["knockOutcome"][]; frees: ServerMessages["free"][] };

async function join(space: string, name: string): Promise<Knocker> {
  const r = (await joinAs(server, space, name)) as Knocker;
  r.knocks = [];
  r.outcomes = [];
  r.frees = [];
  r.onMessage("knock", (m: ServerMessages["knock"]) => r.knocks.push(m));
  r.onMessage("knockOutcome", (m: ServerMessages["knockOutcome"]) => r.outcomes.push(m));
  r.onMessage("free", (m: ServerMessages["free"]) => r.frees.push(m));
  return r;
}

/** One step (or turn) from where the room last placed us; resolves with the room's answer. */
async function step(r: TestRoom, x: number, y: number, dir: number): Promise<"ack" | string> {
  const seq = ((r.ack?.[0] ?? 0) + 1) % 65536;
  const corrections = r.corrections.length;
  r.send("move", { seq, x, y, dir: dir as Dir });
  await until(() => r.ack?.[0] === seq, `answer to move ${seq}`);
  return r.corrections.length > corrections ? r.corrections.at(-1)!.reason : "ack";
}

async function dropped(reason: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text.split("\n").filter((l) => l.startsWith("plaza_messages_dropped_total") && l.includes(`reason="${reason}"`)).reduce((s, l) => s + Number(l.split(" ").pop()), 0);
}

/** Someone inside Room closes it; the other waits outside, right above its door row. */
async function closedRoom(space: string): Promise<{ inside: Knocker; outside: Knocker }> {
  const inside = await join(space, "Ines");
  const outside = await join(space, "Otto");
  await walkTo(inside, MAP, 4, 4);
  await walkTo(outside, MAP, 3, 2);
  inside.send("door", { area: "Room", closed: true });
  await until(() => outside.state.closedRooms.get("Room") === 1, "the room is closed for everyone");
  return { inside, outside };
}

describe("NV doors and knocks over the wire", () => {
  it("NV1 NV2 a closed room blocks outsiders on the server; only people inside may close or open it", async () => {
    const { inside, outside } = await closedRoom("nv-door");
    expect(await step(outside, 3, 3, Dir.DOWN)).toBe("closed");
    outside.send("door", { area: "Room", closed: false });
    await until(() => outside.notices.some((n) => n.code === "door_refused"), "an outsider may not open it");
    expect(outside.state.closedRooms.get("Room")).toBe(1);
    // Those inside move freely within it and may leave.
    expect(await step(inside, 3, 4, Dir.LEFT)).toBe("ack");
    inside.send("door", { area: "Room", closed: false });
    await until(() => outside.state.closedRooms.get("Room") === undefined, "opened from inside");
    expect(await step(outside, 3, 3, Dir.DOWN)).toBe("ack");
    await Promise.all([inside.leave(), outside.leave()]);
  });

  it("NV3 NV4 a knock rings inside; 'not now' is told to the knocker, 'let in' lets them through", async () => {
    const { inside, outside } = await closedRoom("nv-knock");
    outside.send("knock", { area: "Room", note: "  quick question about the launch  " });
    await until(() => inside.knocks.length === 1, "the knock rings inside");
    expect(inside.knocks[0]).toMatchObject({ from: selfOf(outside), name: "Otto", note: "quick question about the launch", area: "Room" });
    inside.send("knockAnswer", { id: inside.knocks[0].id, answer: "not_now" });
    await until(() => outside.outcomes.length === 1, "the knocker hears the answer");
    expect(outside.outcomes[0]).toMatchObject({ outcome: "not_now", by: "Ines", area: "Room" });
    expect(await step(outside, 3, 3, Dir.DOWN)).toBe("closed");

    outside.send("knock", { area: "Room", note: "" });
    await until(() => inside.knocks.length === 2, "the second knock rings");
    inside.send("knockAnswer", { id: inside.knocks[1].id, answer: "let_in" });
    await until(() => outside.outcomes.length === 2, "let in");
    expect(outside.outcomes[1]).toMatchObject({ outcome: "let_in", by: "Ines" });
    // A second answer to an answered knock changes nothing.
    inside.send("knockAnswer", { id: inside.knocks[1].id, answer: "not_now" });
    expect(await step(outside, 3, 3, Dir.DOWN)).toBe("ack");
    expect(outside.state.closedRooms.get("Room")).toBe(1); // still closed for everyone else
    expect(outside.outcomes).toHaveLength(2);
    await Promise.all([inside.leave(), outside.leave()]);
  });

  it("NV1 a closed room nobody is in opens again", async () => {
    const { inside, outside } = await closedRoom("nv-empty");
    await walkTo(inside, MAP, 4, 2);
    await until(() => outside.state.closedRooms.get("Room") === undefined, "the empty room opened");
    await Promise.all([inside.leave(), outside.leave()]);
  });

  it("NV6 knocks are rate limited; malformed knocks are dropped and counted, the room goes on", async () => {
    const { inside, outside } = await closedRoom("nv-limit");
    const limited = await dropped("knock_limit");
    for (let i = 0; i < 4; i++) outside.send("knock", { area: "Room", note: `knock ${i}` });
    await until(() => outside.notices.some((n) => n.code === "knock_limit"), "the fourth knock is over budget");
    expect(outside.notices.filter((n) => n.code === "knock_refused")).toHaveLength(2); // already knocking
    expect(await dropped("knock_limit")).toBe(limited + 1);
    expect(inside.knocks).toHaveLength(1);

    const malformed = await dropped("malformed");
    untyped(outside).send("knock", { area: "Room", note: "x".repeat(141) });
    untyped(outside).send("knock", { area: "Room", person: selfOf(inside), note: "both" });
    untyped(outside).send("knockAnswer", { id: "1", answer: "yes" });
    untyped(outside).send("door", { area: "", closed: "no" });
    await until(async () => (await dropped("malformed")) >= malformed + 4, "four malformed messages counted");
    expect(inside.knocks).toHaveLength(1);
    expect(outside.left).toBeUndefined();
    expect(await step(outside, 4, 2, Dir.RIGHT)).toBe("ack"); // still served
    await Promise.all([inside.leave(), outside.leave()]);
  });

  it("NV3 NV5 a knock at someone on do-not-disturb; 'tell me when free' fires once", async () => {
    const busy = await join("nv-dnd", "Dana");
    const asker = await join("nv-dnd", "Eli");
    asker.send("knock", { person: selfOf(busy), note: "lunch?" });
    await until(() => asker.notices.some((n) => n.code === "knock_refused"), "not on DND: just walk up");
    busy.send("status", { status: "dnd" });
    await until(() => asker.state.people.get(selfOf(busy))?.status === 3, "Dana is on DND");
    asker.send("knock", { person: selfOf(busy), note: "lunch?" });
    await until(() => busy.knocks.length === 1, "the knock reaches Dana");
    expect(busy.knocks[0]).toMatchObject({ name: "Eli", note: "lunch?", area: null });
    busy.send("knockAnswer", { id: busy.knocks[0].id, answer: "not_now" });
    await until(() => asker.outcomes.length === 1, "Eli hears the answer");
    expect(asker.outcomes[0]).toMatchObject({ outcome: "not_now", person: selfOf(busy) });

    asker.send("whenFree", { person: selfOf(busy) });
    asker.send("whenFree", { person: selfOf(busy) }); // asking twice still notifies once
    busy.send("status", { status: "busy" }); // not yet available
    busy.send("status", { status: "available" });
    await until(() => asker.frees.length === 1, "Eli hears Dana is free");
    expect(asker.frees[0]).toEqual({ person: selfOf(busy), name: "Dana" });
    busy.send("status", { status: "dnd" });
    busy.send("status", { status: "available" });
    await until(() => asker.state.people.get(selfOf(busy))?.status === 0, "Dana is available again");
    busy.send("emote", { emote: "wave" }); // one more round trip on Dana's connection
    await until(() => asker.state.avatars.get(selfOf(busy))?.emote === 1, "the wave is seen");
    expect(asker.frees).toHaveLength(1);
    await Promise.all([busy.leave(), asker.leave()]);
  });
});
