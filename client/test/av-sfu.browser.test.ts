/**
 * SFU meetings through a real Janus and TURN through a real coturn, all started here on loopback
 * (SPEC SF1–SF8): five people who meet (threshold 2 here) go through Janus and each receives every
 * other's media; nobody gets into its Janus room without the token the server handed out, even
 * knowing the room number; an enlarged screen share fills the view; when two leave the three left
 * stay in the same Janus room (SF3); when that Janus is killed the three are moved to the second
 * instance and hear each other again (SF6). The room hands out TURN credentials that connect
 * relay-only through coturn while fresh and not once expired. Screenshots: test-output/sfu-*.png.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { FAKE_MEDIA_ARGS, OUT, useBrowserWorld } from "./browserHarness.ts";
import { janusOrSkip, startJanus, videoroomRequest, type LocalJanus } from "../../server/test/janus.ts";
import { coturnOrSkip, startCoturn, type LocalTurn } from "../../server/test/coturn.ts";
import { turnCredential } from "../../server/src/av/turn.ts";
import { sleep } from "../../shared/testing/wait.ts";

const SPACE = "sfu-office";
const ready = janusOrSkip() && coturnOrSkip();

interface SfuStat { peer: string; state: string; bytesReceived: number; bytesSent: number }
interface Hooks {
  self: string;
  pose(): unknown;
  peers(): string[];
  av: { sfuRoom(): number | null; sfuFeeds(): Record<string, number>; sfuStats(): Promise<SfuStat[]>; stats(): Promise<{ peer: string }[]>; toggleScreen(): Promise<void>; turnServers(): RTCIceServer[] };
}
type W = { __plaza: Hooks };

const server: Record<string, unknown> = {};
/** Two instances: the meeting goes to the first (both empty), and moves to the second when it dies. */
let janus: LocalJanus[] = [];
let turn: LocalTurn | undefined;
beforeAll(async () => {
  if (!ready) return;
  let first: LocalJanus;
  [first, turn] = await Promise.all([startJanus(), startCoturn()]);
  janus = [first, await startJanus()];
  Object.assign(server, { JANUS_URLS: janus.map((j) => j.url).join(","), JANUS_THRESHOLD: 2, TURN_URLS: turn.url, TURN_SECRET: turn.secret, TURN_TTL_S: 600 });
}, 30_000);
afterAll(async () => { await Promise.all([...janus.map((j) => j.stop()), turn?.stop()]); });
const world = useBrowserWorld(FAKE_MEDIA_ARGS, server);

const contexts: BrowserContext[] = [];
afterEach(async () => { await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => {}))); });

/** A readable "screen": a canvas with large text, in place of the OS picker headless Chromium lacks. */
function fakeScreen() {
  navigator.mediaDevices.getDisplayMedia = async () => {
    const c = document.createElement("canvas");
    c.width = 1280; c.height = 720;
    const g = c.getContext("2d")!;
    const draw = () => {
      g.fillStyle = "#fff"; g.fillRect(0, 0, c.width, c.height);
      g.fillStyle = "#111"; g.font = "bold 44px sans-serif";
      ["Q3 plan — shared screen", "1. Ship the SFU meeting view", "2. TURN for every office", `3. Clock ${new Date().toISOString().slice(11, 19)}`]
        .forEach((line, i) => g.fillText(line, 60, 120 + i * 90));
    };
    draw();
    setInterval(draw, 200);
    return c.captureStream(10);
  };
}

async function enter(name: string): Promise<Page> {
  const ctx = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`${name}: page error:`, e.message));
  // The page's plaza:av debug lines (the last 60), printed if the test fails.
  const lines: string[] = [];
  page.on("console", (m) => { if (m.text().startsWith("plaza:av") && lines.push(`${new Date().toISOString().slice(11, 23)} ${m.text()}`) > 60) lines.shift(); });
  onTestFailed(() => console.log(`--- ${name}'s A/V log\n${lines.join("\n")}`));
  await page.addInitScript(() => localStorage.setItem("debug", "plaza:av"));
  await page.addInitScript(fakeScreen);
  await page.goto(`${world.server.url}/s/${SPACE}`);
  await page.fill("#name", name);
  await page.click("button.primary");
  await page.waitForFunction(() => (window as unknown as W).__plaza?.pose() !== undefined, null, { timeout: 20_000 });
  return page;
}

const idOf = (p: Page) => p.evaluate(() => (window as unknown as W).__plaza.self);
const roomOf = (p: Page) => p.evaluate(() => (window as unknown as W).__plaza.av.sfuRoom());
const sfuStats = (p: Page) => p.evaluate(() => (window as unknown as W).__plaza.av.sfuStats());
const meshStats = (p: Page) => p.evaluate(() => (window as unknown as W).__plaza.av.stats());

async function poll<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 40_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what} (last: ${JSON.stringify(last)})`);
    await sleep(250);
    last = await probe();
  }
  return last;
}

/** Every page receives media from every other through Janus, and the bytes keep growing. */
async function everyoneHearsEveryone(pages: Page[], ids: string[]) {
  const received = async (p: Page) => new Map((await sfuStats(p)).map((s) => [s.peer, s.bytesReceived]));
  for (const [i, p] of pages.entries()) {
    const others = ids.filter((_, j) => j !== i);
    await poll(() => sfuStats(p), (s) => others.every((o) => s.some((x) => x.peer === o && x.state === "connected" && x.bytesReceived > 0)), `${ids[i]} receives all via Janus`);
  }
  const before = await Promise.all(pages.map(received));
  await Promise.all(pages.map((p, i) => poll(() => received(p), (now) => ids.filter((_, j) => j !== i).every((o) => now.get(o)! > before[i].get(o)!), `media keeps flowing to ${ids[i]}`)));
}

describe.skipIf(!ready)("SFU meetings and TURN (real Janus and coturn, headless Chromium)", () => {
  it("SF1–SF7: five people meet through Janus; no token, no entry; an enlarged screen share fills the view; two leave and three stay on it; their Janus dies and they move", { timeout: 300_000 }, async () => {
    const names = ["Ada", "Bob", "Cy", "Dee", "Eve"];
    const pages: Page[] = [];
    for (const n of names) pages.push(await enter(n));
    const ids = await Promise.all(pages.map(idOf));
    // They arrive at the entrance together: one conversation group of five, above the threshold (2 here).
    const t0 = Date.now();
    const rooms = await Promise.all(pages.map((p) => poll(() => roomOf(p), (r) => r !== null, "an SFU meeting")));
    expect(new Set(rooms).size).toBe(1);
    await everyoneHearsEveryone(pages, ids);
    console.log(`SF: ${pages.length} people hear each other through Janus ${Date.now() - t0} ms after the meeting was assigned`);
    // SF4: once media flows through Janus, the mesh links are hung up.
    for (const p of pages) await poll(() => meshStats(p), (s) => s.length === 0, "mesh links hung up");

    // SF7: someone not admitted cannot join the room, even knowing its number: Janus refuses without a token.
    // Both instances were empty: the meeting went to the first listed (SF6).
    const [host, other] = janus;
    expect(await videoroomRequest(host.url, { request: "exists", room: rooms[0] })).toMatchObject({ exists: true });
    const adaFeed = (await pages[1].evaluate(() => (window as unknown as W).__plaza.av.sfuFeeds()))[ids[0]];
    expect(adaFeed).toBeGreaterThan(0);
    const listed = await videoroomRequest(host.url, { request: "list" });
    expect((listed?.list as { room: number }[]).map((r) => r.room)).not.toContain(rooms[0]);
    for (const token of [undefined, "guessed-token"]) {
      const asSubscriber = await videoroomRequest(host.url, { request: "join", ptype: "subscriber", room: rooms[0], token, streams: [{ feed: adaFeed }] });
      const asPublisher = await videoroomRequest(host.url, { request: "join", ptype: "publisher", room: rooms[0], token, display: "mallory" });
      // Publishing: JANUS_VIDEOROOM_ERROR_UNAUTHORIZED (not in the allowed list); subscribing: no
      // publisher's private id, which only admitted publishers learn.
      expect(asSubscriber?.videoroom).not.toBe("attached");
      expect(asSubscriber?.error_code).toBeGreaterThan(0);
      expect(asPublisher).toMatchObject({ error_code: 433 });
    }

    // SF5: Ada shares her screen; Bob enlarges it: it fills the window and is readable.
    await pages[0].evaluate(() => (window as unknown as W).__plaza.av.toggleScreen());
    const bob = pages[1];
    const screenTile = bob.locator(`.mv-tile[data-key="${ids[0]}:screen"]`);
    await screenTile.waitFor({ timeout: 40_000 });
    await screenTile.hover();
    await screenTile.locator(".mv-enlarge").click();
    await bob.waitForFunction((key) => {
      const v = document.querySelector(`.mv-tile[data-key="${key}"] video`) as HTMLVideoElement | null;
      return v !== null && v.videoWidth > 0;
    }, `${ids[0]}:screen`, { timeout: 40_000 });
    const box = await screenTile.boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(0.8 * 1280);
    await bob.screenshot({ path: `${OUT}sfu-screen-enlarged.png` });
    await screenTile.locator(".mv-enlarge").click();
    await bob.screenshot({ path: `${OUT}sfu-meeting-grid.png` });

    // SF3: two leave; the three left (at or below the threshold) stay in the same Janus room, with no
    // mesh links coming back, and keep hearing each other.
    await Promise.all(contexts.splice(3, 2).map((c) => c.close()));
    const three = pages.slice(0, 3);
    const threeIds = ids.slice(0, 3);
    await Promise.all(three.map((p, i) => poll(() => sfuStats(p), (s) => s.filter((x) => x.peer !== ids[i]).length === 2, "two feeds left")));
    expect(new Set(await Promise.all(three.map(roomOf)))).toEqual(new Set([rooms[0]]));
    await everyoneHearsEveryone(three, threeIds);
    for (const p of three) expect(await meshStats(p)).toEqual([]);

    // SF6: their Janus dies (SIGKILL); the room makes the meeting again on the other instance and
    // their pages join it there and hear each other again.
    await host.kill();
    const moved = await Promise.all(three.map((p) => poll(() => roomOf(p), (r) => r !== null && r !== rooms[0], "moved to a new Janus room")));
    expect(new Set(moved).size).toBe(1);
    expect(await videoroomRequest(other.url, { request: "exists", room: moved[0] })).toMatchObject({ exists: true });
    await everyoneHearsEveryone(three, threeIds);
  });

  it("SF8: the room hands out TURN credentials; relay-only connects through coturn with them and fails once expired", { timeout: 120_000 }, async () => {
    const page = await enter("Tess");
    const given = await poll(() => page.evaluate(() => (window as unknown as W).__plaza.av.turnServers()), (s) => s.length > 0, "TURN credentials from the room");
    expect(given[0].urls).toEqual([turn!.url]);
    expect(String(given[0].username)).toMatch(/^\d+:/);
    const relayCall = (ice: RTCIceServer) => page.evaluate(async (server) => {
      const cfg: RTCConfiguration = { iceServers: [server], iceTransportPolicy: "relay" };
      const a = new RTCPeerConnection(cfg);
      const b = new RTCPeerConnection(cfg);
      a.onicecandidate = (e) => { if (e.candidate) void b.addIceCandidate(e.candidate); };
      b.onicecandidate = (e) => { if (e.candidate) void a.addIceCandidate(e.candidate); };
      const ch = a.createDataChannel("x");
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription!);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription!);
      const result = await new Promise<string>((resolve) => {
        ch.onopen = () => resolve("connected");
        a.onconnectionstatechange = () => { if (a.connectionState === "failed") resolve("failed"); };
        setTimeout(() => resolve(`timeout (${a.iceGatheringState}, ${a.connectionState})`), 15_000);
      });
      const stats = await a.getStats();
      let relayed = false;
      stats.forEach((s) => { if (s.type === "local-candidate" && s.candidateType === "relay") relayed = true; });
      a.close(); b.close();
      return { result, relayed };
    }, ice);
    const fresh = await relayCall(given[0]);
    expect(fresh).toEqual({ result: "connected", relayed: true });
    const expired = turnCredential({ urls: [turn!.url], secret: turn!.secret, ttlS: 60 }, "tess", Date.now() - 3_600_000);
    const late = await relayCall({ urls: expired.urls, username: expired.username, credential: expired.credential });
    expect(late.result).not.toBe("connected");
    expect(late.relayed).toBe(false);
  });
});
