/**
 * The stage's server side against a real Janus on loopback, with SDK clients and no browsers
 * (SPEC SF9, SF10, SF14): with Janus answering, nobody gets mesh spotlight links and the speaker
 * is given a private stage room of its own that opens only with the token it was handed; stepping
 * off destroys that room; with Janus gone, the spotlight falls back to the mesh links of PX8.
 * Media through the stage: client/test/stage-sfu.browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { parseTiledMap } from "../../shared/map.ts";
import { peersFromWire, type PeersUpdate, type ServerMessages, type StageAssignment } from "../../shared/protocol.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";
import type { PlazaProcess } from "../src/app.ts";
import { catalogOf, joinAs, startTestServer, until, walkTo, type TestRoom } from "./harness.ts";
import { janusOrSkip, janusOutsider, startJanus, type LocalJanus } from "./janus.ts";

// Spawns on the left, a 2×2 stage on the right, far from them.
const TMJ = asciiTiledMap([
  "######################",
  "#S.S...............**#",
  "#..................**#",
  "######################",
]);
const MAP = parseTiledMap(TMJ);
const ready = janusOrSkip("the stage's Janus test");

let janus: LocalJanus | undefined;
let server: PlazaProcess;
beforeAll(async () => {
  if (!ready) return;
  janus = await startJanus();
  server = await startTestServer({ maps: catalogOf(TMJ), JANUS_URLS: janus.url });
}, 90_000); // a bound: both start in seconds, but the whole suite shares two cores
afterAll(async () => { await server?.close(); await janus?.stop(); });

type Tracked = TestRoom & { links: PeersUpdate[]; stage: (StageAssignment | null)[] };

async function join(name: string): Promise<Tracked> {
  const r = (await joinAs(server, "stage-janus", name)) as Tracked;
  r.links = [];
  r.stage = [];
  r.onMessage("peers", (w: ServerMessages["peers"]) => r.links.push(peersFromWire(w)));
  r.onMessage("av", (m: ServerMessages["av"]) => { if (m.stage !== undefined) r.stage.push(m.stage); });
  return r;
}
const last = (r: Tracked) => r.links.at(-1);

describe.skipIf(!ready)("SF9–SF14 the stage's room on Janus", () => {
  it("no mesh spotlight links; a private room for the speaker, its token only; gone when they step off; the mesh again without Janus", { timeout: 90_000 }, async () => {
    const [ada, bob, cy] = [await join("Ada"), await join("Bob"), await join("Cy")];
    await walkTo(ada, MAP, 19, 1);
    await until(() => last(bob)?.spotlight?.speaker === selfOf(ada) && last(cy)?.spotlight?.speaker === selfOf(ada), "everyone is told Ada is on the spotlight", 15_000);
    // SF9: through the SFU: no one-way mesh links, everyone counted.
    expect(last(ada)).toMatchObject({ speaking: [], listening: null, spotlight: { speaker: selfOf(ada), listeners: 2, audioOnly: false } });
    expect(last(bob)!.listening).toBeNull();

    // SF10: Ada is given the stage room as its speaker, and it is nobody else's to open.
    await until(() => ada.stage.at(-1) != null, "Ada's place on the stage", 15_000);
    const place = ada.stage.at(-1)!;
    expect(place).toMatchObject({ speaker: selfOf(ada), video: true, url: janus!.url, feeds: { [selfOf(ada)]: place.id } });
    const outsider = await janusOutsider(janus!.url);
    expect(await outsider.list()).not.toContain(place.room);
    expect(await outsider.ask({ request: "join", ptype: "publisher", room: place.room, token: "guessed" })).toMatchObject({ error_code: 433 });
    expect(await outsider.ask({ request: "join", ptype: "publisher", room: place.room, id: place.id, token: place.token })).toMatchObject({ videoroom: "joined", id: place.id });

    // SF14: Ada steps off: she is told, and the room is gone from Janus.
    await walkTo(ada, MAP, 15, 1);
    await until(() => ada.stage.at(-1) === null, "Ada told she is off the stage", 15_000);
    await until(async () => (await outsider.now({ request: "exists", room: place.room })).exists === false, "the stage's room destroyed", 15_000);

    // SF9: without an answering Janus, the spotlight is the mesh again (PX8).
    await janus!.stop();
    janus = undefined;
    await walkTo(ada, MAP, 19, 1);
    await until(() => last(bob)?.listening === selfOf(ada) && last(cy)?.listening === selfOf(ada), "mesh spotlight links once Janus is gone", 30_000);
    expect([...last(ada)!.speaking].sort()).toEqual([selfOf(bob), selfOf(cy)].sort());
    await Promise.all([ada, bob, cy].map((r) => r.leave()));
  });
});
