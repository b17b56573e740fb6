/**
 * Several Janus instances (SPEC SF6) with two real Janus processes on loopback: two meetings land
 * on the two instances (least loaded first); after one is killed (SIGKILL, as a crash), its meeting
 * is made again on the other and its members are told the new room and new tokens, with which
 * they get in there; the meeting on the surviving instance is left alone. The browser side of the
 * same move (pages re-joining and hearing each other again) is in client/test/av-sfu.browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import type { SfuAssignment } from "../../shared/protocol.ts";
import { catalogOf, joinAs, startTestServer, until, type TestRoom } from "./harness.ts";
import { janusOrSkip, startJanus, videoroomRequest, type LocalJanus } from "./janus.ts";
import { HEALTH_MS } from "../src/av/JanusPool.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

// One spawn and a small floor: whoever enters is in one conversation with everyone else there.
const TMJ = asciiTiledMap([
  "#######",
  "#S....#",
  "#.....#",
  "#######",
]);

const ready = janusOrSkip("the Janus failover tests");
let janus: LocalJanus[] = [];
let server: PlazaProcess;
beforeAll(async () => {
  if (!ready) return;
  janus = await Promise.all([startJanus(), startJanus()]);
  // Threshold 1: a pair is a meeting, so two spaces of two make two meetings.
  server = await startTestServer({ maps: catalogOf(TMJ), JANUS_URLS: janus.map((j) => j.url).join(","), JANUS_THRESHOLD: 1 });
}, 30_000);
afterAll(async () => {
  await server?.close();
  await Promise.all(janus.map((j) => j.stop()));
});

type Member = TestRoom & { sfu: (SfuAssignment | null)[] };

async function enter(space: string, name: string): Promise<Member> {
  const r = (await joinAs(server, space, name)) as Member;
  r.sfu = [];
  r.onMessage("av", (m: { sfu?: SfuAssignment | null }) => { if (m.sfu !== undefined) r.sfu.push(m.sfu); });
  return r;
}
const current = (m: Member) => m.sfu.at(-1) ?? null;
const joinAsPublisher = (a: SfuAssignment, token = a.token) =>
  videoroomRequest(a.url, { request: "join", ptype: "publisher", room: a.room, id: a.id, token, display: "test" });

describe.skipIf(!ready)("SF6 several Janus instances (two real Janus processes)", () => {
  it("meetings go to the least-loaded instance; a killed instance's meeting is made again on the other and its members get in there", { timeout: 90_000 }, async () => {
    const [ann, ben] = [await enter("sfu-east", "Ann"), await enter("sfu-east", "Ben")];
    await until(() => current(ann) !== null && current(ben) !== null, "Ann and Ben are in a meeting", 15_000);
    const [cat, dan] = [await enter("sfu-west", "Cat"), await enter("sfu-west", "Dan")];
    await until(() => current(cat) !== null && current(dan) !== null, "Cat and Dan are in a meeting", 15_000);

    const east = current(ann)!;
    const west = current(cat)!;
    expect(current(ben)).toMatchObject({ url: east.url, room: east.room });
    expect(current(dan)).toMatchObject({ url: west.url, room: west.room });
    // Least loaded: the second meeting goes to the instance without one.
    expect(new Set([east.url, west.url])).toEqual(new Set(janus.map((j) => j.url)));
    expect(await joinAsPublisher(east)).toMatchObject({ videoroom: "joined", room: east.room });

    const dead = janus.find((j) => j.url === east.url)!;
    const alive = janus.find((j) => j !== dead)!;
    const killedAt = Date.now();
    await dead.kill();
    await until(() => current(ann)?.url === alive.url && current(ben)?.url === alive.url, "Ann and Ben are told the meeting moved", 4 * HEALTH_MS + 10_000);
    console.log(`SF6: members told the new Janus room ${Date.now() - killedAt} ms after the instance was killed (pings every ${HEALTH_MS} ms)`);

    const moved = current(ann)!;
    expect(moved.room).not.toBe(east.room);
    expect(current(ben)).toMatchObject({ url: alive.url, room: moved.room });
    expect(moved.token).not.toBe(east.token);
    // Each member's publisher id is in everyone's feeds list (the browsers subscribe by it).
    expect(Object.keys(moved.feeds).sort()).toEqual([selfOf(ann), selfOf(ben)].sort());
    expect(current(ben)!.feeds).toEqual(moved.feeds);
    // The new token opens the new room; the old one does not (tokens are per room, SF7).
    expect(await joinAsPublisher(moved)).toMatchObject({ videoroom: "joined", room: moved.room });
    expect(await joinAsPublisher(moved, east.token)).toMatchObject({ error_code: 433 });
    // The meeting on the surviving instance is left as it was.
    expect(current(cat)).toEqual(west);
    expect(cat.sfu).toHaveLength(1);

    // Once a meeting, a group stays one (SF3); a third person joins it on its new instance.
    const eve = await enter("sfu-east", "Eve");
    await until(() => current(eve)?.room === moved.room, "Eve joins the moved meeting", 15_000);
    expect(current(eve)!.url).toBe(alive.url);
    for (const r of [ann, ben, cat, dan, eve]) await r.leave();
  });
});
