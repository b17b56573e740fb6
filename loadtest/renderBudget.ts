/**
 * The rendering budget and page weight of the browser client, measured in headless Chromium over
 * the Chrome DevTools Protocol (figures: BENCHMARKS.md "Rendering budget" and "Page weight").
 *
 *   npm run bench:render -- [--seconds 10] [--only idle,crowd,video,weight] [--json out.json]
 *
 * Starts its own server (loadtest/serverProcess.ts, client from client/dist: run `npm run build`
 * first) and one Chromium, then, one scenario at a time:
 *   idle   one person alone in a space, nothing moving: main-thread task time per second and
 *          frames drawn per second (the page's `__plaza.draws()`, or animation-frame callbacks
 *          where the client has no such counter: it then drew one frame per callback);
 *   crowd  the same with 90 bots milling in view (loadtest bots, "hotspot" around the person);
 *   video  the same with 4 other people in one conversation, fake camera and microphone;
 *   weight a first visit at phone size (390×844) over a throttled "fast 3G" network: bytes on the
 *          wire and the time to the first frame of the space.
 * Task time is CDP Performance.getMetrics "TaskDuration" (all main-thread tasks of the page's
 * renderer) over the window, per second of wall time.
 */
import { performance } from "node:perf_hooks";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Client } from "@colyseus/sdk";
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from "playwright-core";
import { botSeed, mapFacts, mulberry32 } from "./behaviour.ts";
import { fetchSpaceMap, joinBot, type Bot } from "./bot.ts";
import { sleep, startServerChild, type ServerChild } from "./serverProcess.ts";

const CHROMIUM_ARGS = [
  "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-quic",
  "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
];
/** Chrome DevTools' "Fast 3G" preset (its figures: 562.5 ms RTT, 1.44 Mbit/s down, 675 kbit/s up). */
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: (1.44e6 / 8), uploadThroughput: (675e3 / 8) };
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const CROWD = 90;
const VIDEO_PEERS = 4;

interface Budget { scenario: string; taskMsPerS: number; scriptMsPerS: number; /** Frames drawn per second. */ framesPerS: number; avatarsDrawn: number; tiles?: number }
interface Weight { transferredKB: number; requests: number; firstFrameMs: number; domContentLoadedMs: number }

const now = () => performance.now();
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** Counts animation-frame callbacks the page runs (installed before any page script). */
const COUNT_FRAMES = () => {
  const w = window as unknown as { __rafRuns: number };
  w.__rafRuns = 0;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => { w.__rafRuns++; cb(t); });
};

/** A person who already chose a name in this tab goes straight into the space (ui/gate.ts). */
const PROFILE = (name: string) => {
  sessionStorage.setItem("plaza.profile", JSON.stringify({ name, look: 3 }));
};

async function person(browser: Browser, base: string, spaceId: string, name: string, viewport = LAPTOP): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport });
  await ctx.addInitScript(COUNT_FRAMES);
  await ctx.addInitScript(PROFILE, name);
  const page = await ctx.newPage();
  await page.goto(`${base}/s/${spaceId}`);
  await page.waitForFunction(() => (window as unknown as { __plaza?: { pose(): unknown } }).__plaza?.pose() !== undefined, null, { timeout: 60_000 });
  return { ctx, page };
}

/** Main-thread task time and frames over `seconds` of one page. */
async function measure(page: Page, cdp: CDPSession, seconds: number): Promise<Omit<Budget, "scenario">> {
  const metrics = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    const get = (n: string) => metrics.find((m) => m.name === n)?.value ?? 0;
    // Frames drawn: the page's counter where it has one (UX5), else animation-frame callbacks run
    // (the client before UX5 drew once per animation frame).
    const frames = await page.evaluate(() => {
      const w = window as unknown as { __rafRuns: number; __plaza?: { draws?: () => number } };
      return w.__plaza?.draws ? w.__plaza.draws() : w.__rafRuns;
    });
    return { task: get("TaskDuration"), script: get("ScriptDuration"), at: now(), frames };
  };
  const a = await metrics();
  await sleep(seconds * 1000);
  const b = await metrics();
  const s = (b.at - a.at) / 1000;
  const avatarsDrawn = await page.evaluate(() => (window as unknown as { __plaza: { drawn(): unknown[] } }).__plaza.drawn().length);
  return { taskMsPerS: round(((b.task - a.task) * 1000) / s), scriptMsPerS: round(((b.script - a.script) * 1000) / s), framesPerS: round((b.frames - a.frames) / s), avatarsDrawn };
}

async function budget(browser: Browser, base: string, scenario: string, seconds: number, around?: (spaceId: string) => Promise<() => Promise<number | void>>): Promise<Budget> {
  const spaceId = `render-${scenario}-${process.pid}`;
  const cleanup = around ? await around(spaceId) : undefined;
  const { ctx, page } = await person(browser, base, spaceId, "Measured");
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
  if (scenario === "video") {
    // Every peer's camera playing in a tile (bounded: a busy machine may take a while to connect).
    await page.waitForFunction((n) => [...document.querySelectorAll<HTMLVideoElement>(".av-tile:not(.av-self) video")].filter((v) => v.readyState >= 2).length >= n, VIDEO_PEERS, { timeout: 60_000 }).catch(() => undefined);
  }
  await sleep(3000); // fade-ins, first patches, connections settle
  const tiles = await page.evaluate(() => [...document.querySelectorAll<HTMLVideoElement>(".av-tile:not(.av-self) video")].filter((v) => v.readyState >= 2).length);
  const m = await measure(page, cdp, seconds);
  await ctx.close();
  await cleanup?.();
  return { scenario, ...m, ...(scenario === "video" ? { tiles } : {}) };
}

/** 90 bots milling around the hotspot, which is where the measured person is walked to first. */
async function crowdAround(base: string) {
  return async (spaceId: string) => {
    const facts = mapFacts(await fetchSpaceMap(base, spaceId));
    const bots: Bot[] = [];
    let stop = false;
    for (let i = 0; i < CROWD; i++) {
      bots.push(await joinBot(new Client(base), {
        spaceId, name: `bot${i}`, look: i % 8, facts, role: "hotspot", rng: mulberry32(botSeed(7, i)), now, decodeState: false,
      }));
    }
    const ticker = setInterval(() => { if (!stop) for (const b of bots) b.tick(now()); }, 25);
    return async () => {
      stop = true;
      clearInterval(ticker);
      await Promise.all(bots.map((b) => b.leave()));
    };
  };
}

/** Four more people with fake cameras in the same spot: one conversation of five. */
function videoAround(browser: Browser, base: string) {
  return async (spaceId: string) => {
    const others: { ctx: BrowserContext }[] = [];
    for (let i = 0; i < VIDEO_PEERS; i++) others.push(await person(browser, base, spaceId, `Peer ${i + 1}`, { width: 640, height: 480 }));
    return async () => { for (const o of others) await o.ctx.close(); };
  };
}

/** A first visit at phone size over fast 3G: bytes on the wire, time to the first frame of the space. */
async function weight(browser: Browser, base: string): Promise<Weight> {
  const ctx = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  await ctx.addInitScript(PROFILE, "Phone");
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  let bytes = 0;
  let requests = 0;
  cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; requests++; });
  await page.goto(`${base}/s/weight-${process.pid}`, { waitUntil: "commit" });
  // The first frame: the scene has drawn (the own avatar at least), timed from navigation start.
  const firstFrameMs = await (await page.waitForFunction(() => {
    const p = (window as unknown as { __plaza?: { drawn(): unknown[] } }).__plaza;
    return p && p.drawn().length > 0 ? performance.now() : false;
  }, null, { timeout: 120_000, polling: 50 })).jsonValue() as number;
  const domContentLoadedMs = await page.evaluate(() => (performance as unknown as { getEntriesByType(t: string): { domContentLoadedEventEnd: number }[] }).getEntriesByType("navigation")[0].domContentLoadedEventEnd);
  await sleep(500);
  await ctx.close();
  return { transferredKB: round(bytes / 1000), requests, firstFrameMs: Math.round(firstFrameMs), domContentLoadedMs: Math.round(domContentLoadedMs) };
}

async function main() {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, only: { type: "string", default: "idle,crowd,video,weight" }, json: { type: "string" } } });
  const seconds = Number(values.seconds);
  const only = new Set(values.only!.split(","));
  let server: ServerChild | undefined;
  let browser: Browser | undefined;
  try {
    server = await startServerChild({});
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
    const budgets: Budget[] = [];
    const log = (b: Budget) => { budgets.push(b); console.log(JSON.stringify(b)); };
    if (only.has("idle")) log(await budget(browser, server.url, "idle", seconds));
    if (only.has("crowd")) log(await budget(browser, server.url, "crowd", seconds, await crowdAround(server.url)));
    if (only.has("video")) log(await budget(browser, server.url, "video", seconds, videoAround(browser, server.url)));
    const w = only.has("weight") ? await weight(browser, server.url) : undefined;
    if (w) console.log(JSON.stringify({ scenario: "weight", ...w }));
    console.log("\n| scenario | main-thread task ms/s | script ms/s | frames drawn/s | avatars drawn |\n|---|---|---|---|---|");
    for (const b of budgets) console.log(`| ${b.scenario}${b.tiles !== undefined ? ` (${b.tiles} video tiles)` : ""} | ${b.taskMsPerS} | ${b.scriptMsPerS} | ${b.framesPerS} | ${b.avatarsDrawn} |`);
    if (w) console.log(`\nphone, fast 3G, cold cache: ${w.transferredKB} kB in ${w.requests} requests, DOMContentLoaded ${w.domContentLoadedMs} ms, first frame ${w.firstFrameMs} ms`);
    if (values.json) writeFileSync(values.json, JSON.stringify({ budgets, weight: w }, null, 2));
  } finally {
    await browser?.close();
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
