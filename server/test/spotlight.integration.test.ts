/**
 * The spotlight with real clients (SPEC PX7–PX8, AV2): whoever walks onto a spotlight tile is
 * linked one-way to everyone else in the space — private areas included, do-not-disturb excluded —
 * and signaling is relayed along those links only while they last.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { parseTiledMap } from "../../shared/map.ts";
import { catalogOf, joinAs, sleep, startTestServer, until, walkTo, type TestRoom } from "./harness.ts";
import { type ServerMessages, peersFromWire, type PeersUpdate } from "../../shared/protocol.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

// Spawns on the left, a 2×2 stage on the right (15+ tiles away), a private room below the spawns.
const TMJ = asciiTiledMap([
  "######################",
  "#S.S...............**#",
  "#..................**#",
  "#....................#",
  "#PPP.................#",
  "######################",
]);
const MAP = parseTiledMap(TMJ);

let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(TMJ) }); });
afterAll(async () => { await server?.close(); });

type Tracked = TestRoom & { peerLists: PeersUpdate[]; signals: ServerMessages["signal"][] };

async function join(space: string, name: string): Promise<Tracked> {
  const r = (await joinAs(server, space, name)) as Tracked;
  r.peerLists = [];
  r.signals = [];
  r.onMessage("peers", (w: ServerMessages["peers"]) => r.peerLists.push(peersFromWire(w)));
  r.onMessage("signal", (m: ServerMessages["signal"]) => r.signals.push(m));
  return r;
}
const last = (r: Tracked) => r.peerLists.at(-1);

async function notPeerDrops(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text.split("\n").filter((l) => l.startsWith("plaza_messages_dropped_total") && l.includes('reason="not_peer"')).reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

describe("PX7–PX8 spotlight over the wire", () => {
  it("the person on the stage is heard by everyone not on DND, one way; stepping off ends it", { timeout: 30_000 }, async () => {
    const speaker = await join("stage-1", "Speaker");
    const far = await join("stage-1", "Far");
    const roomy = await join("stage-1", "Roomy");
    const quiet = await join("stage-1", "Quiet");
    quiet.send("status", { status: "dnd" });
    await walkTo(roomy, MAP, 2, 4); // in the private area "Room"
    await until(() => last(roomy)?.area === "Room", "Roomy is in the private room");

    await walkTo(speaker, MAP, 19, 1);
    const [s, f, r, q] = [selfOf(speaker), selfOf(far), selfOf(roomy), selfOf(quiet)];
    await until(() => last(speaker)?.speaking.length === 2, "the speaker sends to two listeners");
    expect([...last(speaker)!.speaking].sort()).toEqual([f, r].sort());
    expect(last(speaker)!.listening).toBeNull();
    await until(() => last(far)?.listening === s && last(roomy)?.listening === s, "Far and Roomy (in a private area) listen");
    for (const m of [last(speaker)!, last(far)!, last(roomy)!]) expect(m.spotlight).toEqual({ speaker: s, listeners: 2, audioOnly: false });
    expect(last(far)!.speaking).toEqual([]);
    expect(last(far)!.peers).not.toContain(s); // one-way, not a conversation
    // Quiet (DND) is told who is on the spotlight but does not listen.
    await until(() => last(quiet)?.spotlight?.speaker === s, "Quiet hears about the spotlight");
    expect(last(quiet)!.listening).toBeNull();

    // AV2: offers go speaker → listener, answers come back; DND Quiet cannot signal the speaker.
    speaker.send("signal", { to: f, kind: "offer", data: "v=0 offer" });
    await until(() => far.signals.length === 1, "Far gets the offer");
    expect(far.signals[0]).toEqual({ from: s, kind: "offer", data: "v=0 offer" });
    far.send("signal", { to: s, kind: "answer", data: "v=0 answer" });
    await until(() => speaker.signals.length === 1, "the speaker gets the answer");
    expect(speaker.signals[0]).toEqual({ from: f, kind: "answer", data: "v=0 answer" });
    // Listeners are linked to the speaker only, not to each other.
    const drops = await notPeerDrops();
    quiet.send("signal", { to: s, kind: "offer", data: "v=0 intruder" });
    far.send("signal", { to: r, kind: "offer", data: "v=0 sideways" });
    // Counted when handled instead of relayed: once both are counted, neither went anywhere.
    await until(async () => (await notPeerDrops()) >= drops + 2, "both refused signals counted");
    expect(await notPeerDrops()).toBe(drops + 2);
    expect(speaker.signals).toHaveLength(1);
    expect(roomy.signals).toHaveLength(0);

    // A second person on the stage does not take the spotlight from the first (PX7 incumbent).
    await walkTo(far, MAP, 20, 2);
    await sleep(500);
    expect(last(speaker)!.spotlight?.speaker).toBe(s);
    // Far, now next to the speaker, hears them in the conversation instead of as a listener (PX8).
    await until(() => last(far)?.peers.includes(s) === true && last(far)?.listening === null, "Far becomes a conversation peer");
    expect(last(speaker)!.speaking).toEqual([r]);
    expect(last(speaker)!.spotlight).toEqual({ speaker: s, listeners: 2, audioOnly: false });

    // Stepping off the stage: Far (still on it) takes over; then Far leaves and nobody speaks.
    await walkTo(speaker, MAP, 10, 2);
    await until(() => last(roomy)?.spotlight?.speaker === f, "Far, still on the stage, takes the spotlight");
    await walkTo(far, MAP, 10, 3);
    await until(() => last(roomy)?.spotlight === null && last(roomy)?.listening === null, "nobody on the stage: no spotlight");
    await until(() => last(far)?.speaking.length === 0, "Far speaks to nobody any more");
    const after = await notPeerDrops();
    far.send("signal", { to: r, kind: "offer", data: "v=0 stale" }); // the link is gone
    await until(async () => (await notPeerDrops()) >= after + 1, "the stale signal counted");
    expect(await notPeerDrops()).toBe(after + 1);
    expect(roomy.signals).toHaveLength(0);
  });
});
