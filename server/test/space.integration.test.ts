/**
 * A real server on a free loopback port and real SDK clients: sharing a space, isolation between
 * spaces, and the movement rules enforced on untrusted input (SPEC MV*, PR*, BI*).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@colyseus/sdk";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { catalogOf, joinAs, sleep, startTestServer, until, untyped, type TestRoom } from "./harness.ts";
import { Dir, PROTOCOL_VERSION, SPACE_ROOM } from "../../shared/protocol.ts";
import { JoinErrorCode, PlazaCloseCode } from "../../shared/codes.ts";
import { STEP_BURST, STEP_MS } from "../../shared/constants.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

// Spawn at (2,1); a wall right below it; open floor to the right.
const MAP = asciiTiledMap([
  "############",
  "#.S........#",
  "#.##########",
  "#..........#",
  "############",
]);

let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(MAP) }); });
afterAll(async () => { await server?.close(); });

const pos = (room: TestRoom, id = selfOf(room)) => {
  const a = room.state.avatars.get(id);
  return a && { x: a.x, y: a.y };
};

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text.split("\n").filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

describe("a shared space", () => {
  it("two people in one space see each other walk; a third in another space sees neither", async () => {
    const ada = await joinAs(server, "acme", "Ada");
    const bob = await joinAs(server, "acme", "Bob");
    const eve = await joinAs(server, "other-co", "Eve");
    expect(ada.roomId).toBe(bob.roomId);
    expect(eve.roomId).not.toBe(ada.roomId);

    await until(() => ada.state.avatars.size === 2 && bob.state.avatars.size === 2, "both see two avatars");
    expect(bob.state.people.get(selfOf(ada))?.name).toBe("Ada");
    const start = pos(bob, selfOf(ada))!;

    ada.send("move", { seq: 1, x: start.x + 1, y: start.y, dir: Dir.RIGHT });
    await until(() => pos(bob, selfOf(ada))?.x === start.x + 1, "Bob sees Ada step right");
    expect(ada.ack).toEqual([1, start.x + 1, start.y, Dir.RIGHT]); // MV7: the mover's ack

    await sleep(100);
    expect(eve.state.avatars.size).toBe(1);
    expect([...eve.state.avatars.keys()]).toEqual([selfOf(eve)]);
    expect([...eve.state.people.keys()]).toEqual([selfOf(eve)]);

    await eve.leave();
    await bob.leave();
    await until(() => ada.state.avatars.size === 1, "Ada sees Bob leave");
    await ada.leave();
  });
});

describe("MV2–MV5 untrusted movement", () => {
  it("refuses a step into a wall, a teleport and a diagonal, and corrects the sender", async () => {
    const hacker = await joinAs(server, "rules-1", "Mallory");
    const watcher = await joinAs(server, "rules-1", "Walter");
    const start = pos(hacker)!;
    hacker.send("move", { seq: 1, x: start.x, y: start.y + 1, dir: Dir.DOWN }); // wall
    hacker.send("move", { seq: 2, x: start.x + 6, y: start.y, dir: Dir.RIGHT }); // teleport
    hacker.send("move", { seq: 3, x: start.x + 1, y: start.y + 1, dir: Dir.RIGHT }); // diagonal
    hacker.send("move", { seq: 4, x: 0, y: 0, dir: Dir.UP }); // far away, into the outer wall
    await until(() => hacker.corrections.length === 4, "four corrections");
    expect(hacker.corrections.map((c) => c.reason)).toEqual(["blocked", "not_adjacent", "not_adjacent", "not_adjacent"]);
    for (const c of hacker.corrections) expect({ x: c.x, y: c.y }).toEqual(start);
    await until(() => hacker.ack?.[0] === 4, "seq 4 acknowledged");
    expect(pos(watcher, selfOf(hacker))).toEqual(start);
    await hacker.leave();
    await watcher.leave();
  });

  it("refuses steps faster than the speed limit (speed hack)", async () => {
    const racer = await joinAs(server, "rules-2", "Speedy");
    const start = pos(racer)!;
    for (let i = 1; i <= 8; i++) racer.send("move", { seq: i, x: start.x + i, y: start.y, dir: Dir.RIGHT });
    await until(() => racer.ack?.[0] === 8, "all 8 processed");
    // The burst is allowed, the rest is refused; each refusal also makes later steps non-adjacent.
    expect(racer.ack![1]).toBe(start.x + STEP_BURST);
    await until(() => pos(racer)!.x === start.x + STEP_BURST, "the synced state agrees");
    expect(racer.corrections[0]).toMatchObject({ seq: STEP_BURST + 1, reason: "too_fast", x: start.x + STEP_BURST });
    await racer.leave();
  });

  it("accepts honest walking at walking pace without a single correction", async () => {
    const walker = await joinAs(server, "rules-3", "Walker");
    const start = pos(walker)!;
    for (let i = 1; i <= 8; i++) {
      walker.send("move", { seq: i, x: start.x + i, y: start.y, dir: Dir.RIGHT });
      await sleep(STEP_MS);
    }
    await until(() => pos(walker)!.x === start.x + 8, "walked 8 tiles");
    expect(walker.corrections).toEqual([]);
    await walker.leave();
  });
});

describe("BI1–BI3 bad input never hurts the room or others", () => {
  it("drops and counts malformed and unknown messages; the sender stays, others are unaffected", async () => {
    const before = await metric("plaza_messages_dropped_total");
    const junk = await joinAs(server, "junk", "Junk");
    const peer = await joinAs(server, "junk", "Peer");
    untyped(junk).send("move", { seq: "x" });
    untyped(junk).send("move", "hello");
    untyped(junk).send("move", { seq: 1, x: 1, y: 1, dir: 1, extra: "field" });
    untyped(junk).send("teleport", { x: 5, y: 5 });
    untyped(junk).send(7 as unknown as string, {});
    await until(() => junk.state.avatars.size === 2, "still two");
    await until(async () => (await metric("plaza_messages_dropped_total")) >= before + 5, "all five dropped and counted");
    expect(await metric("plaza_messages_dropped_total")).toBeGreaterThanOrEqual(before + 5);
    expect(junk.left).toBeUndefined();
    // The room still works for everyone.
    const start = pos(peer)!;
    peer.send("move", { seq: 1, x: start.x + 1, y: start.y, dir: Dir.RIGHT });
    await until(() => pos(junk, selfOf(peer))?.x === start.x + 1, "junk sees peer move");
    await junk.leave();
    await peer.leave();
  });

  it("throttles a flood, then disconnects the flooder with FLOODING; the others stay", async () => {
    const flooder = await joinAs(server, "flood", "Flooder");
    const peer = await joinAs(server, "flood", "Calm");
    const start = pos(flooder)!;
    for (let i = 0; i < 400; i++) flooder.send("move", { seq: (i % 60000) + 1, x: start.x, y: start.y, dir: (i % 4) as Dir });
    await until(() => flooder.left !== undefined, "flooder disconnected");
    expect(flooder.left).toBe(PlazaCloseCode.FLOODING);
    expect(flooder.notices.some((n) => n.code === "throttled")).toBe(true);
    await until(() => peer.state.avatars.size === 1, "peer sees the flooder gone");
    expect(peer.left).toBeUndefined();
    await peer.leave();
  });

  it("refuses oversize frames at the WebSocket layer without affecting the room", async () => {
    const big = await joinAs(server, "big", "Big");
    const peer = await joinAs(server, "big", "Peer");
    untyped(big).send("move", { seq: 1, x: 1, y: 1, dir: 0, pad: "x".repeat(40_000) });
    await until(() => big.left !== undefined, "oversize sender closed");
    expect(big.left).toBe(1009); // WebSocket "message too big"
    await until(() => peer.state.avatars.size === 1, "the oversize sender's avatar is gone, the peer's is not");
    const start = pos(peer)!;
    peer.send("move", { seq: 1, x: start.x + 1, y: start.y, dir: Dir.RIGHT });
    await until(() => pos(peer)!.x === start.x + 1, "room still processes moves");
    await peer.leave();
  });
});

describe("PR1–PR3 joining", () => {
  const tryJoin = async (options: Record<string, unknown>) => {
    try {
      await new Client(server.url).joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId: "acme", name: "Ada", look: 0, ...options });
      return undefined;
    } catch (e) {
      return (e as { code?: number }).code;
    }
  };
  it("refuses an old client, a bad space id and bad options with distinct codes", async () => {
    expect(await tryJoin({ protocol: 0 })).toBe(JoinErrorCode.PROTOCOL_MISMATCH);
    expect(await tryJoin({ spaceId: "../../etc" })).toBe(JoinErrorCode.INVALID_SPACE);
    expect(await tryJoin({ name: "x".repeat(200) })).toBe(JoinErrorCode.INVALID_OPTIONS);
    expect(await tryJoin({ look: -1 })).toBe(JoinErrorCode.INVALID_OPTIONS);
  });
  it("creates an unknown but valid space on first join (SP3)", async () => {
    const r = await joinAs(server, "brand-new-space-7", "First");
    expect(r.state.avatars.size).toBe(1);
    await r.leave();
  });
});

describe("HTTP tier", () => {
  it("serves a space's map, health and metrics; errors are JSON with stable codes", async () => {
    const map = await fetch(`${server.url}/api/spaces/acme/map`);
    expect(map.status).toBe(200);
    expect((await map.json()).width).toBe(12);
    const bad = await fetch(`${server.url}/api/spaces/NOT%20OK/map`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_space_id");
    const missing = await fetch(`${server.url}/api/nope`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("not_found");
    expect((await (await fetch(`${server.url}/api/health`)).json()).ok).toBe(true);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain("plaza_ccu");
    expect(metrics).toContain("plaza_event_loop_utilization");
  });
});
