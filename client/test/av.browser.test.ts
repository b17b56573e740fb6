/**
 * Proximity audio/video in real (headless Chromium) pages with fake camera and microphone: two
 * people who walk up to each other get a WebRTC connection that carries media, lose it when one
 * walks away, and someone inside a private area is not connected to people outside it
 * (PX2/PX3, AV1–AV4). Someone on the office stage is heard across the space over a one-way
 * connection (PX7–PX8). Screenshots are saved to test-output/av-*.png and spotlight-*.png.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { FAKE_MEDIA_ARGS, OUT, useBrowserWorld } from "./browserHarness.ts";
import { chebyshev, isWalkable, type Tile } from "../../shared/grid.ts";
import { parseTiledMap, areaAt, spotlightAt, type SpaceMap } from "../../shared/map.ts";
import { findPath } from "../../shared/pathfinding.ts";
import { TALK_RADIUS } from "../../shared/constants.ts";
import { sleep } from "../../shared/testing/wait.ts";
import type { PeerStats } from "../src/av/conversation.ts";

const SPACE = "av-office";

interface AvHooks {
  self: string;
  pose(): { x: number; y: number; dir: number } | undefined;
  avatars(): { id: string; x: number; y: number; name: string }[];
  screenOf(x: number, y: number): { x: number; y: number };
  walkable(x: number, y: number): boolean;
  peers(): string[];
  av: { stats(): Promise<PeerStats[]>; mediaState(): { mic: boolean; cam: boolean; screen: boolean } };
}
/** Cast inside page.evaluate (those callbacks run in the browser: no Node-side helpers there). */
type W = { __plaza: AvHooks };

const world = useBrowserWorld(FAKE_MEDIA_ARGS);
let map: SpaceMap;

beforeAll(async () => {
  const res = await fetch(`${world.server.url}/api/spaces/${SPACE}/map`);
  map = parseTiledMap(await res.json());
});

/** Each test's browser contexts: closed after it, so its calls and fake cameras stop loading the machine. */
const contexts: BrowserContext[] = [];
afterEach(async () => { await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => {}))); });

async function enter(name: string, space = SPACE, opts: { denyMedia?: boolean } = {}): Promise<Page> {
  const ctx = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`${name}: page error:`, e.message));
  if (opts.denyMedia) {
    // What the browser does when the user (or a policy) blocks camera and microphone.
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    });
  }
  // By link: the space's page asks for a name (and look), then enters.
  await page.goto(`${world.server.url}/s/${space}`);
  await page.fill("#name", name);
  await page.click("button.primary");
  await page.waitForFunction(() => (window as unknown as { __plaza?: { pose(): unknown } }).__plaza?.pose() !== undefined, null, { timeout: 15_000 });
  return page;
}

const pose = (page: Page) => page.evaluate(() => (window as unknown as W).__plaza.pose()!);
const peersOf = (page: Page) => page.evaluate(() => (window as unknown as W).__plaza.peers());
const statsOf = (page: Page) => page.evaluate(() => (window as unknown as W).__plaza.av.stats());
const idOf = (page: Page) => page.evaluate(() => (window as unknown as W).__plaza.self);

/** Polls `probe` until `ok` holds; fails after `ms` with the last value (a bound, not a timing assertion). */
async function poll<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 15_000, every = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what} (last: ${JSON.stringify(last)})`);
    await sleep(every);
    last = await probe();
  }
  return last;
}

/**
 * Click-to-walk to `goal`, in legs: each click is on the farthest tile of the path that lies in the
 * middle of the screen (the panels at the edges would take the click), then waits for arrival
 * (or for the avatar to stop short, and plans again). A tile under a panel is stepped onto with
 * the arrow keys.
 */
async function walkTo(page: Page, goal: Tile): Promise<void> {
  for (let leg = 0; leg < 20; leg++) {
    const at = await pose(page);
    if (at.x === goal.x && at.y === goal.y) return;
    const path = findPath(map, at, goal);
    if (path.length === 0) throw new Error(`no path from ${at.x},${at.y} to ${goal.x},${goal.y}`);
    const screens = await page.evaluate((tiles) => tiles.map((t) => (window as unknown as W).__plaza.screenOf(t.x, t.y)), path);
    let i = path.length - 1;
    const safe = (s: { x: number; y: number }) => s.x > 260 && s.x < 940 && s.y > 90 && s.y < 600;
    while (i > 0 && !safe(screens[i])) i--;
    const step = path[i];
    if (safe(screens[i])) {
      await page.mouse.click(screens[i].x, screens[i].y);
    } else {
      // The next tile is under a panel (the map's edge, e.g. the stage): take one step with the keys.
      const key = step.x > at.x ? "ArrowRight" : step.x < at.x ? "ArrowLeft" : step.y > at.y ? "ArrowDown" : "ArrowUp";
      await page.keyboard.down(key);
      // Release as soon as the avatar moves; an overshoot is planned away on the next leg.
      await page.waitForFunction((a) => { const p = (window as unknown as W).__plaza.pose()!; return p.x !== a.x || p.y !== a.y; }, at, { timeout: 15_000 }).catch(() => undefined);
      await page.keyboard.up(key);
    }
    // Arrived, or stopped short (a move refused under load clears the clicked path): re-plan.
    let last = JSON.stringify(await pose(page));
    let still = Date.now();
    for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
      const p = await pose(page);
      if (p.x === step.x && p.y === step.y) break;
      if (JSON.stringify(p) !== last) { last = JSON.stringify(p); still = Date.now(); } else if (Date.now() - still > 1500) break;
      await page.waitForTimeout(50);
    }
  }
  throw new Error(`could not walk to ${goal.x},${goal.y}`);
}

const connectedTo = (peer: string) => (s: PeerStats[]) => s.some((p) => p.peer === peer && p.state === "connected" && p.bytesReceived > 0);

describe("proximity audio/video (browser, fake camera and mic)", () => {
  it("AV1 walking up to someone connects media both ways; walking away hangs up; a private area stays private", { timeout: 180_000 }, async () => {
    const ada = await enter("Ada");
    const bob = await enter("Bob");
    const [adaId, bobId] = [await idOf(ada), await idOf(bob)];

    // Bob walks right next to Ada (spawn points are close, but walk anyway: that is the product).
    const adaAt = await pose(ada);
    const beside = [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, 1]]
      .map(([dx, dy]) => ({ x: adaAt.x + dx, y: adaAt.y + dy }))
      .find((t) => isWalkable(map, t.x, t.y));
    expect(beside).toBeDefined();
    await walkTo(bob, beside!);
    expect(chebyshev(await pose(bob), adaAt)).toBeLessThanOrEqual(TALK_RADIUS);

    await poll(() => peersOf(ada), (p) => p.includes(bobId), "Ada's peers include Bob");
    await poll(() => peersOf(bob), (p) => p.includes(adaId), "Bob's peers include Ada");
    const t0 = Date.now();
    await poll(() => statsOf(ada), connectedTo(bobId), "Ada connected to Bob with media");
    await poll(() => statsOf(bob), connectedTo(adaId), "Bob connected to Ada with media");
    const connectMs = Date.now() - t0;

    // Media keeps flowing: bytes sent and received grow on both sides.
    const pair = async () => [(await statsOf(ada)).find((p) => p.peer === bobId)!, (await statsOf(bob)).find((p) => p.peer === adaId)!];
    const before = await pair();
    const t1 = Date.now();
    const after = await poll(pair, (a) => a.every((p, i) => p?.bytesReceived > before[i].bytesReceived && p.bytesSent > before[i].bytesSent), "media flows both ways");
    const windowMs = Math.max(1, Date.now() - t1);
    for (let i = 0; i < 2; i++) {
      expect(after[i].state).toBe("connected");
      expect(after[i].bytesReceived).toBeGreaterThan(before[i].bytesReceived);
      expect(after[i].bytesSent).toBeGreaterThan(before[i].bytesSent);
    }
    const kbps = (i: number) => Math.round(((after[i].bytesReceived - before[i].bytesReceived) * 8) / windowMs);
    console.log(`AV: connected ${connectMs} ms after both had peers; received Ada ${kbps(0)} kbit/s, Bob ${kbps(1)} kbit/s over ${windowMs} ms`);
    await ada.screenshot({ path: `${OUT}av-ada.png` });
    await bob.screenshot({ path: `${OUT}av-bob.png` });

    // Bob walks away, beyond the talk radius: both sides hang up and drop the connection.
    const here = await pose(bob);
    let away: Tile | undefined;
    for (let r = 6; r <= 12 && !away; r++) {
      for (const [dx, dy] of [[-r, 0], [r, 0], [0, -r], [0, r], [-r, -2], [r, -2]]) {
        const t = { x: here.x + dx, y: here.y + dy };
        if (chebyshev(t, adaAt) >= 6 && await bob.evaluate(({ x, y }) => (window as unknown as W).__plaza.walkable(x, y), t) && findPath(map, here, t).length > 0 && !areaAt(map, t.x, t.y) && !spotlightAt(map, t.x, t.y)) { away = t; break; }
      }
    }
    expect(away).toBeDefined();
    await walkTo(bob, away!);
    await poll(() => peersOf(ada), (p) => !p.includes(bobId), "Ada's peers drop Bob");
    await poll(() => peersOf(bob), (p) => !p.includes(adaId), "Bob's peers drop Ada");
    await poll(() => statsOf(ada), (s) => !s.some((p) => p.peer === bobId), "Ada's connection to Bob closed");
    await poll(() => statsOf(bob), (s) => !s.some((p) => p.peer === adaId), "Bob's connection to Ada closed");

    // Carol goes into Focus Room 1, near its door; Ada stands just outside, within the talk radius.
    const room = map.areas.find((a) => a.name === "Focus Room 1");
    expect(room?.kind).toBe("private");
    const carol = await enter("Carol");
    const carolId = await idOf(carol);
    const start = await pose(carol);
    const inside: Tile[] = [];
    for (let y = room!.y; y < room!.y + room!.height; y++) for (let x = room!.x; x < room!.x + room!.width; x++) {
      if (isWalkable(map, x, y) && findPath(map, start, { x, y }).length > 0) inside.push({ x, y });
    }
    expect(inside.length).toBeGreaterThan(0);
    // Of the inside tiles, the one with a reachable outside tile closest to it.
    let best: { inside: Tile; outside: Tile; d: number } | undefined;
    for (const t of inside) for (let dy = -TALK_RADIUS; dy <= TALK_RADIUS; dy++) for (let dx = -TALK_RADIUS; dx <= TALK_RADIUS; dx++) {
      const o = { x: t.x + dx, y: t.y + dy };
      if (!isWalkable(map, o.x, o.y) || areaAt(map, o.x, o.y)) continue;
      const d = chebyshev(t, o);
      if ((!best || d < best.d) && findPath(map, start, o).length > 0) best = { inside: t, outside: o, d };
    }
    const target = best?.inside ?? inside[0];
    await walkTo(carol, target);
    if (best) await walkTo(ada, best.outside);
    const adaNow = await pose(ada);
    console.log(`AV: Carol in Focus Room 1 at ${target.x},${target.y}; Ada outside at ${adaNow.x},${adaNow.y} (${chebyshev(adaNow, target)} tiles)`);
    // Let the room recompute conversations a few times (every 200 ms), then check: nobody links
    // Carol with the two outside, and she has no connection to either.
    await carol.waitForTimeout(1500);
    for (let i = 0; i < 5; i++) {
      expect(await peersOf(carol)).not.toContain(adaId);
      expect(await peersOf(carol)).not.toContain(bobId);
      expect(await peersOf(ada)).not.toContain(carolId);
      expect(await peersOf(bob)).not.toContain(carolId);
      const mine = await statsOf(carol);
      expect(mine.filter((p) => p.peer === adaId || p.peer === bobId)).toEqual([]);
      await carol.waitForTimeout(200);
    }
    await carol.screenshot({ path: `${OUT}av-carol-private.png` });
  });

  it("AV3 with camera and mic blocked: says how to allow them, and still hears and sees others", { timeout: 90_000 }, async () => {
    const dan = await enter("Dan", "av-blocked", { denyMedia: true });
    const eve = await enter("Eve", "av-blocked");
    const [danId, eveId] = [await idOf(dan), await idOf(eve)];
    const danAt = await pose(dan);
    const beside = [[1, 0], [-1, 0], [0, 1], [0, -1]].map(([dx, dy]) => ({ x: danAt.x + dx, y: danAt.y + dy })).find((t) => isWalkable(map, t.x, t.y));
    await walkTo(eve, beside!);
    await poll(() => statsOf(dan), connectedTo(eveId), "Dan (receive-only) connected to Eve with media");
    await poll(() => statsOf(eve), (s) => s.some((p) => p.peer === danId && p.state === "connected"), "Eve connected to Dan");
    await expect(dan.getByText("Camera/mic blocked — click the camera icon in the address bar to allow").isVisible()).resolves.toBe(true);
    const fromEve = async () => (await statsOf(dan)).find((p) => p.peer === eveId)!;
    const before = await fromEve();
    const after = await poll(fromEve, (p) => p?.bytesReceived > before.bytesReceived, "Dan keeps receiving Eve");
    expect(after.bytesReceived).toBeGreaterThan(before.bytesReceived);
    expect(after.bytesSent).toBe(0); // nothing to send: recvonly
    await dan.screenshot({ path: `${OUT}av-blocked.png` });
  });

  it("PX7 whoever stands on the stage is heard across the space, one way; listening asks for no camera or mic", { timeout: 120_000 }, async () => {
    const ada = await enter("Ada", "av-stage");
    const stage = map.spotlights.find((s) => s.name === "Stage");
    expect(stage).toBeDefined();
    const spot = { x: stage!.x + 1, y: stage!.y };
    await walkTo(ada, spot);
    // Bob arrives once Ada is on the stage, so he has never been in a conversation (no media yet).
    const bob = await enter("Bob", "av-stage");
    const [adaId, bobId] = [await idOf(ada), await idOf(bob)];
    const bobAt = await pose(bob);
    expect(chebyshev(bobAt, spot)).toBeGreaterThan(TALK_RADIUS);

    const t0 = Date.now();
    await poll(() => statsOf(bob), (s) => s.some((p) => p.peer === adaId && p.role === "listen" && p.state === "connected" && p.bytesReceived > 0), "Bob receives Ada from the stage");
    const connectMs = Date.now() - t0;
    expect(await peersOf(bob)).not.toContain(adaId); // not a conversation: a spotlight link
    const link = async () => [(await statsOf(ada)).find((p) => p.peer === bobId)!, (await statsOf(bob)).find((p) => p.peer === adaId)!];
    const before = await link();
    const t1 = Date.now();
    const after = await poll(link, (l) => l[0]?.bytesSent > before[0].bytesSent && l[1]?.bytesReceived > before[1].bytesReceived, "the stage keeps sending to Bob");
    const windowMs = Math.max(1, Date.now() - t1);
    expect(after[0].role).toBe("speak");
    expect(after[0].bytesSent).toBeGreaterThan(before[0].bytesSent);
    expect(after[1].bytesReceived).toBeGreaterThan(before[1].bytesReceived);
    expect(after[1].bytesSent).toBe(0); // one way: the listener sends no media
    expect(await bob.evaluate(() => (window as unknown as W).__plaza.av.mediaState())).toEqual({ mic: false, cam: false, screen: false });
    const kbps = Math.round(((after[1].bytesReceived - before[1].bytesReceived) * 8) / windowMs);
    console.log(`Spotlight: Ada on the stage at ${spot.x},${spot.y}, Bob ${chebyshev(bobAt, spot)} tiles away; connected ${connectMs} ms after the link; Bob receives ${kbps} kbit/s`);

    await expect(bob.locator(".av-spotlight").textContent()).resolves.toContain("Ada · on the spotlight");
    await poll(() => bob.locator(".av-spotlight").evaluate((e) => e.classList.contains("av-novideo")), (v) => !v, "Bob sees Ada's camera");
    await expect(ada.locator(".av-onair").textContent()).resolves.toBe("You are on the spotlight — 1 person hears you");
    await ada.screenshot({ path: `${OUT}spotlight-speaker.png` });
    await bob.screenshot({ path: `${OUT}spotlight-listener.png` });

    // Stepping off the stage ends the broadcast.
    await walkTo(ada, { x: spot.x, y: spot.y - 3 });
    await poll(() => statsOf(bob), (s) => !s.some((p) => p.peer === adaId), "Bob's connection to Ada closed");
    await expect(ada.locator(".av-onair").isVisible()).resolves.toBe(false);
  });
});
