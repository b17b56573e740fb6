/**
 * The stage through a real Janus started here on loopback (SPEC SF9–SF14): Ada steps onto the
 * office stage and three listener pages hear her through the SFU (bytes flowing on each one's
 * subscription); the video plan (one video place here) gives one listener her camera and the
 * others her voice alone; Cy and Dee, talking to each other, keep their own call and hear the
 * stage ducked while Bob, alone, hears it at full volume; Ada's screen share reaches the listener
 * with video; someone outside the space gets nowhere with crafted Janus requests, and a listener
 * who left cannot come back with their old token. Screenshots: test-output/stage-sfu-*.png.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { FAKE_MEDIA_ARGS, OUT, useBrowserWorld } from "./browserHarness.ts";
import { enterSpace, newPage } from "./a11yHelpers.ts";
import { fakeScreen } from "./fakeScreen.ts";
import { janusOrSkip, janusOutsider, startJanus, type LocalJanus } from "../../server/test/janus.ts";
import { chebyshev, type Tile } from "../../shared/grid.ts";
import { areaAt, parseTiledMap, spotlightAt, type SpaceMap } from "../../shared/map.ts";
import { findPath } from "../../shared/pathfinding.ts";
import type { StageAssignment } from "../../shared/protocol.ts";
import { until } from "../../shared/testing/wait.ts";
import { STAGE_DUCKED_VOLUME } from "../src/av/sfu/stage.ts";

const SPACE = "stage-sfu";
const ready = janusOrSkip("the SFU stage tests");

interface SfuStat { peer: string; state: string; bytesReceived: number; bytesSent: number }
interface Hooks {
  self: string;
  pose(): Tile | undefined;
  walkable(x: number, y: number): boolean;
  av: { stagePlace(): StageAssignment | null; stageStats(): Promise<SfuStat[]>; stats(): Promise<SfuStat[]>; toggleScreen(): Promise<void> };
}
interface Nav { minimapPoint(x: number, y: number): { x: number; y: number } }
type W = { __plaza: Hooks; __plazaNav: Nav };

const server: Record<string, unknown> = {};
let janus: LocalJanus | undefined;
beforeAll(async () => {
  if (!ready) return;
  janus = await startJanus();
  // One video place, so that three listeners show both halves of the plan (SF11).
  Object.assign(server, { JANUS_URLS: janus.url, JANUS_STAGE_VIDEO_MAX: 1 });
}, 90_000);
afterAll(async () => { await janus?.stop(); });
const world = useBrowserWorld(FAKE_MEDIA_ARGS, server);

let map: SpaceMap;
beforeAll(async () => {
  if (ready) map = parseTiledMap(await (await fetch(`${world.server.url}/api/spaces/${SPACE}/map`)).json());
});

const pages: Page[] = [];
afterEach(async () => { await Promise.all(pages.splice(0).map((p) => p.context().close().catch(() => {}))); });

async function enter(name: string): Promise<Page> {
  const page = await newPage(world.browser);
  pages.push(page);
  await page.addInitScript(fakeScreen, ["All-hands — from the stage", "Roadmap: the stage through Janus"]);
  await enterSpace(page, world.server.url, SPACE, name);
  return page;
}

const hook = <T,>(p: Page, fn: (h: Hooks) => T | Promise<T>) => p.evaluate(`(${fn.toString()})(window.__plaza)`) as Promise<T>;
const idOf = (p: Page) => hook(p, (h) => h.self);
const poseOf = (p: Page) => hook(p, (h) => h.pose()!);
const placeOf = (p: Page) => hook(p, (h) => h.av.stagePlace());
const stageStats = (p: Page) => hook(p, (h) => h.av.stageStats());
const meshStats = (p: Page) => hook(p, (h) => h.av.stats());
const stageVolume = (p: Page) => p.evaluate(() => (document.querySelector(".av-stage .av-spotlight video") as HTMLVideoElement | null)?.volume ?? null);

/** Waits until `probe` answers what `ok` wants; returns that answer (a bound, not a timing assertion). */
async function poll<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 60_000): Promise<T> {
  let last: T | undefined;
  await until(async () => ok((last = await probe())), what, ms, 250);
  return last!;
}

/**
 * Walks there as a person would: a click on the map overview (NV9), again if the avatar stops
 * short (a step refused on a busy machine ends the walk), until it arrives.
 */
async function walkTo(page: Page, t: Tile) {
  const at = await page.evaluate(([x, y]) => (window as unknown as W).__plazaNav.minimapPoint(x, y), [t.x, t.y] as const);
  const here = async () => { const p = await poseOf(page); return `${p.x},${p.y}`; };
  await page.mouse.click(at.x, at.y);
  let last = "";
  let stillSince = 0;
  await until(async () => {
    const now = await here();
    if (now === `${t.x},${t.y}`) return true;
    if (now !== last) [last, stillSince] = [now, Date.now()];
    else if (Date.now() - stillSince > 2000) { await page.mouse.click(at.x, at.y); stillSince = Date.now(); }
    return false;
  }, `walk to ${t.x},${t.y}`, 90_000, 200);
}

/** A free, reachable tile at least `gap` tiles from every one of `others`, outside rooms and the stage. */
function spotAwayFrom(from: Tile, others: Tile[], gap: number): Tile {
  for (let y = 1; y < map.height - 1; y++) {
    for (let x = 1; x < map.width - 1; x++) {
      const t = { x, y };
      if (others.every((o) => chebyshev(o, t) >= gap) && !areaAt(map, x, y) && !spotlightAt(map, x, y) && findPath(map, from, t).length > 0) return t;
    }
  }
  throw new Error("no free spot");
}

/** The bytes each page receives on its stage subscription (the speaker's feed). */
async function stageBytes(p: Page, speaker: string): Promise<number> {
  return (await stageStats(p)).find((s) => s.peer === speaker && s.state === "connected")?.bytesReceived ?? 0;
}

describe.skipIf(!ready)("the stage through the SFU (real Janus, headless Chromium)", () => {
  it("SF9–SF14: every listener hears the speaker through Janus; video by plan; ducked under a conversation; screen share; no way in without a token", { timeout: 300_000 }, async () => {
    const [ada, bob, cy, dee] = [await enter("Ada"), await enter("Bob"), await enter("Cy"), await enter("Dee")];
    const [adaId, deeId] = await Promise.all([ada, dee].map(idOf));
    const stage = map.spotlights.find((s) => s.name === "Stage")!;
    const onStage = { x: stage.x + 1, y: stage.y };
    // Bob goes off on his own; Cy and Dee stay together (a conversation of two: the mesh).
    const start = await poseOf(bob);
    const alone = spotAwayFrom(start, [await poseOf(cy), onStage], 8);
    await walkTo(bob, alone);
    await walkTo(ada, onStage);
    await poll(() => meshStats(cy), (s) => s.some((x) => x.peer === deeId && x.state === "connected" && x.bytesReceived > 0), "Cy and Dee talk");

    // SF9/SF12: everyone hears Ada through Janus, and her media keeps flowing to each.
    const t0 = Date.now();
    const listeners = [bob, cy, dee];
    for (const p of listeners) await poll(() => stageBytes(p, adaId), (b) => b > 0, "a listener receives the stage through Janus");
    console.log(`SF: 3 listeners receive the speaker through Janus ${Date.now() - t0} ms after she stood on the stage`);
    const before = await Promise.all(listeners.map((p) => stageBytes(p, adaId)));
    await Promise.all(listeners.map((p, i) => poll(() => stageBytes(p, adaId), (b) => b > before[i], "the stage keeps flowing")));
    const places = await Promise.all(listeners.map(placeOf));
    expect(new Set(places.map((a) => a!.room)).size).toBe(1);
    for (const a of places) expect(a!.speaker).toBe(adaId);
    // No mesh spotlight links: the speaker's browser sends once, to Janus.
    expect((await meshStats(ada)).length).toBe(0);
    expect((await stageStats(ada)).filter((s) => s.peer === adaId && s.bytesSent > 0)).toHaveLength(1);
    await expect(ada.locator(".av-onair").textContent()).resolves.toBe("You are on the spotlight — 3 people hear you");
    // Bob, alone and not talking to anyone since, was told who is on the spotlight.
    await expect(bob.locator(".toast").textContent()).resolves.toBe("Ada is on the spotlight");

    // SF11: one video place; the others hear her voice alone.
    const withVideo = listeners.filter((_, i) => places[i]!.video);
    expect(withVideo).toHaveLength(1);
    const viewer = withVideo[0];
    await poll(() => viewer.locator(".av-spotlight").evaluate((e) => e.classList.contains("av-novideo")), (v) => !v, "the video listener sees Ada's camera");
    await poll(() => viewer.locator(".av-spotlight video").evaluate((v: HTMLVideoElement) => v.videoWidth), (w) => w > 0, "Ada's camera frames are drawn", 30_000);
    for (const p of listeners.filter((x) => x !== viewer)) expect(await p.locator(".av-spotlight").evaluate((e) => e.classList.contains("av-novideo"))).toBe(true);

    // SF13: Cy and Dee, in their own conversation, hear the stage ducked; Bob, alone, at full volume. Their call still flows.
    await poll(() => stageVolume(cy), (v) => v === STAGE_DUCKED_VOLUME, "the stage is ducked for Cy");
    expect(await stageVolume(dee)).toBe(STAGE_DUCKED_VOLUME);
    expect(await stageVolume(bob)).toBe(1);
    const call = async () => (await meshStats(cy)).find((s) => s.peer === deeId)?.bytesReceived ?? 0;
    const callBefore = await call();
    await poll(call, (b) => b > callBefore, "Cy keeps hearing Dee");
    // Bob joins them: his stage is ducked too; back on his own, full again.
    const toCy = findPath(map, alone, await poseOf(cy));
    await walkTo(bob, toCy.at(-2) ?? toCy.at(-1)!);
    await poll(() => stageVolume(bob), (v) => v === STAGE_DUCKED_VOLUME, "Bob in a conversation: the stage ducked");
    await walkTo(bob, alone);
    await poll(() => stageVolume(bob), (v) => v === 1, "Bob alone again: the stage at full volume");

    // SF12: Ada's screen share reaches the listener with video, pinned in the meeting view, and reads enlarged.
    await hook(ada, (h) => h.av.toggleScreen());
    const screenTile = viewer.locator(`.mv-tile[data-key="${adaId}:screen"]`);
    await screenTile.waitFor({ timeout: 60_000 });
    await poll(() => screenTile.locator("video").evaluate((v: HTMLVideoElement) => v.videoWidth), (w) => w > 0, "Ada's screen is drawn", 60_000);
    await viewer.screenshot({ path: `${OUT}stage-sfu-listener.png` });
    await screenTile.hover();
    await screenTile.locator(".mv-enlarge").click();
    expect((await screenTile.boundingBox())!.width).toBeGreaterThanOrEqual(0.8 * 1280);
    await viewer.screenshot({ path: `${OUT}stage-sfu-screen-enlarged.png` });
    await screenTile.locator(".mv-enlarge").click();
    await cy.screenshot({ path: `${OUT}stage-sfu-ducked.png` });
    await ada.screenshot({ path: `${OUT}stage-sfu-speaker.png` });

    // SF10: crafted requests from outside the space: the room is not listed, a subscription to
    // Ada's feed needs a publisher's private id, a join needs a token the server handed out.
    const room = places[0]!.room;
    const outsider = await janusOutsider(janus!.url);
    expect(await outsider.list()).not.toContain(room);
    for (const token of [undefined, "guessed-token"]) {
      const sub = await outsider.ask({ request: "join", ptype: "subscriber", room, token, streams: [{ feed: places[0]!.feeds[adaId] }] });
      expect(sub?.videoroom).not.toBe("attached");
      expect(sub?.error_code).toBeGreaterThan(0);
      expect(await outsider.ask({ request: "join", ptype: "publisher", room, token })).toMatchObject({ error_code: 433 });
    }
    // SF14: Dee leaves the space: her token no longer opens the room.
    const deeToken = places[2]!.token;
    expect(places[2]!.feeds[deeId]).toBeGreaterThan(0);
    await dee.context().close();
    await poll(() => outsider.ask({ request: "join", ptype: "publisher", room, token: deeToken }), (r) => r?.error_code === 433, "Dee's token refused once she left", 30_000);
  });
});
