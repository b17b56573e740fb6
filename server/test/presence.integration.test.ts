/**
 * Conversations, signaling, chat, status, emotes and locate with real clients (SPEC PX*, AV2,
 * CH*, ST*, LO1).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { parseTiledMap } from "../../shared/map.ts";
import { catalogOf, joinAs, sleep, startTestServer, until, untyped, walkTo, type TestRoom } from "./harness.ts";
import { type ServerMessages, peersFromWire, type PeersUpdate } from "../../shared/protocol.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

const TMJ = asciiTiledMap([
  "################",
  "#S.............#",
  "#..............#",
  "#...#######....#",
  "#...#PPPPP#....#",
  "#...#PPPPP.....#",
  "#...#######....#",
  "################",
]);
const MAP = parseTiledMap(TMJ);

let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(TMJ) }); });
afterAll(async () => { await server?.close(); });

type Tracked = TestRoom & { peerLists: PeersUpdate[]; signals: ServerMessages["signal"][]; chats: ServerMessages["chat"][]; history?: ServerMessages["chatHistory"]; located: ServerMessages["located"][] };

async function join(space: string, name: string): Promise<Tracked> {
  const r = (await joinAs(server, space, name)) as Tracked;
  r.peerLists = [];
  r.signals = [];
  r.chats = [];
  r.located = [];
  r.onMessage("peers", (w: ServerMessages["peers"]) => r.peerLists.push(peersFromWire(w)));
  r.onMessage("signal", (m: ServerMessages["signal"]) => r.signals.push(m));
  r.onMessage("chat", (m: ServerMessages["chat"]) => r.chats.push(m));
  r.onMessage("chatHistory", (m: ServerMessages["chatHistory"]) => { r.history = m; });
  r.onMessage("located", (m: ServerMessages["located"]) => r.located.push(m));
  return r;
}
const peersOf = (r: Tracked) => r.peerLists.at(-1)?.peers ?? [];

// Each test has spaces of its own on the one server: they run concurrently (their walks overlap).
describe.concurrent("PX conversations over the wire", () => {
  it("walking into range connects two people, walking away disconnects them; DND joins nothing", async () => {
    const a = await join("px-1", "A");
    await walkTo(a, MAP, 14, 1);
    const b = await join("px-1", "B"); // spawns at (1,1), 13 tiles away
    await sleep(400);
    expect(peersOf(a)).toEqual([]);
    await walkTo(b, MAP, 11, 1); // 3 tiles: in range
    await until(() => peersOf(a).includes(selfOf(b)) && peersOf(b).includes(selfOf(a)), "connected");
    b.send("status", { status: "dnd" });
    await until(() => peersOf(a).length === 0 && peersOf(b).length === 0, "DND disconnects");
    b.send("status", { status: "available" });
    await until(() => peersOf(a).includes(selfOf(b)), "available again");
    await walkTo(b, MAP, 6, 1);
    await until(() => peersOf(a).length === 0 && peersOf(b).length === 0, "walked apart");
    await a.leave(); await b.leave();
  });

  it("PX2/PX3 a private area connects everyone inside and nobody outside", async () => {
    const a = await join("px-2", "A");
    const b = await join("px-2", "B");
    const c = await join("px-2", "C");
    await Promise.all([walkTo(a, MAP, 5, 4), walkTo(b, MAP, 9, 5), walkTo(c, MAP, 10, 5)]);
    await until(() => peersOf(a).includes(selfOf(b)), "A and B in the room are connected, 4 tiles apart");
    await sleep(400);
    expect(peersOf(a)).toEqual([selfOf(b)]);
    expect(peersOf(c)).toEqual([]); // right outside the door, next to B
    expect(a.peerLists.at(-1)?.area).toBe("Room");
    await a.leave(); await b.leave(); await c.leave();
  });
});

describe.concurrent("AV2 signaling is relayed only within a conversation", () => {
  it("relays to a peer with the true sender; refuses (and counts) signals to anyone else", async () => {
    const a = await join("sig", "A");
    const b = await join("sig", "B");
    await until(() => peersOf(a).includes(selfOf(b)), "A and B connected at the spawn");
    const c = await join("sig", "C");
    await walkTo(c, MAP, 14, 6);
    await until(() => !peersOf(a).includes(selfOf(c)) && !peersOf(b).includes(selfOf(c)), "C is far");
    a.send("signal", { to: selfOf(b), kind: "offer", data: "v=0 sdp" });
    await until(() => b.signals.length === 1, "B gets the offer");
    expect(b.signals[0]).toEqual({ from: selfOf(a), kind: "offer", data: "v=0 sdp" });
    c.send("signal", { to: selfOf(a), kind: "offer", data: "intruder" }); // not a peer
    untyped(c).send("signal", { to: selfOf(a), kind: "offer", data: "x", from: selfOf(b) }); // forged sender: malformed
    c.send("signal", { to: selfOf(b), kind: "answer", data: "y".repeat(13_000) }); // SDP over SIGNAL_MAX: malformed
    await sleep(300);
    expect(a.signals).toEqual([]);
    expect(b.signals.length).toBe(1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/plaza_messages_dropped_total\{reason="not_peer"\} [1-9]/);
    await a.leave(); await b.leave(); await c.leave();
  });
});

describe.concurrent("CH chat", () => {
  it("space messages reach everyone and the last ones greet a latecomer; nearby reaches the conversation; DMs reach one person", async () => {
    const a = await join("chat", "A");
    const b = await join("chat", "B");
    await until(() => peersOf(a).includes(selfOf(b)), "A and B talk");
    const c = await join("chat", "C");
    await walkTo(c, MAP, 14, 6);
    await until(() => !peersOf(a).includes(selfOf(c)), "C out of the conversation");

    a.send("chat", { scope: "space", text: "  hello everyone  " });
    a.send("chat", { scope: "nearby", text: "just us" });
    a.send("chat", { scope: "dm", to: selfOf(c), text: "psst C" });
    await until(() => c.chats.length === 2 && b.chats.length === 2 && a.chats.length === 3, "delivered");
    expect(c.chats.map((m) => m.text)).toEqual(["hello everyone", "psst C"]);
    expect(b.chats.map((m) => m.text)).toEqual(["hello everyone", "just us"]);
    expect(a.chats[0]).toMatchObject({ from: selfOf(a), name: "A", scope: "space" });

    const late = await join("chat", "Late");
    late.send("history", {});
    await until(() => late.history !== undefined, "history");
    expect(late.history!.messages.map((m) => m.text)).toEqual(["hello everyone"]); // never nearby or DMs
    await a.leave(); await b.leave(); await c.leave(); await late.leave();
  });

  it("CH3 a chat flood is limited with a notice; oversize and markup-looking text handled", async () => {
    const a = await join("chat-2", "A");
    const b = await join("chat-2", "B");
    for (let i = 0; i < 12; i++) a.send("chat", { scope: "space", text: `spam ${i}` });
    a.send("chat", { scope: "space", text: "x".repeat(501) });
    await until(() => a.notices.some((n) => n.code === "chat_limit"), "limited");
    await sleep(200);
    expect(b.chats.length).toBe(5); // the burst
    expect(a.left).toBeUndefined();
    await a.leave(); await b.leave();
  });
});

describe.concurrent("ST status, emotes, locate", () => {
  it("status and media flags show in the roster; emotes show over the avatar for viewers; unknown emotes are refused", async () => {
    const a = await join("st", "A");
    const b = await join("st", "B");
    a.send("status", { status: "busy" });
    a.send("media", { mic: true, cam: false, screen: true });
    await until(() => b.state.people.get(selfOf(a))?.status === 1 && b.state.people.get(selfOf(a))?.media === 5, "B sees A busy with mic+screen");
    a.send("emote", { emote: "wave" });
    await until(() => b.state.avatars.get(selfOf(a))?.emote === 1, "B sees the wave");
    untyped(a).send("emote", { emote: "explode" });
    await sleep(100);
    expect(a.left).toBeUndefined();
    await until(() => b.state.avatars.get(selfOf(a))?.emote === 0, "the wave ends", 5000);
    await a.leave(); await b.leave();
  });

  it("LO1 locate answers with the person's tile, or not found", async () => {
    const a = await join("lo", "A");
    const b = await join("lo", "B");
    await walkTo(b, MAP, 3, 2);
    a.send("locate", { id: selfOf(b) });
    a.send("locate", { id: "nobody" });
    await until(() => a.located.length === 2, "answers");
    expect(a.located[0]).toEqual({ id: selfOf(b), found: true, x: 3, y: 2 });
    expect(a.located[1].found).toBe(false);
    await a.leave(); await b.leave();
  });
});
