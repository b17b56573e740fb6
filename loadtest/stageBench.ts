/**
 * The stage through Janus under a growing audience (BENCHMARKS.md "Meetings through Janus: the
 * stage"), measured with real pages: one speaker on the office stage (fake camera and microphone)
 * and N listener pages, each standing on its own (no conversations of their own), for each N of
 * `--steps` while the machine holds (every listener receiving within the bound).
 *
 *   npm run bench:stage -- [--steps 4,8,12] [--seconds 15] [--video-max 50] [--json out.json]
 *
 * Starts its own Janus (loopback, as the tests do) and Plaza server (client from client/dist: run
 * `npm run build` first), one Chromium. Per step, over `--seconds`: CPU of the Janus process, of
 * Chromium (all its processes: every page, the speaker's included) and of the Plaza server, from
 * /proc; what each listener receives from Janus and what the speaker sends to it (inbound-rtp /
 * outbound-rtp bytes of the stage connections). The projection per listener is Janus's CPU and
 * egress divided by the listeners.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startJanus } from "../server/test/janus.ts";
import { chebyshev, type Tile } from "../shared/grid.ts";
import { areaAt, parseTiledMap, spotlightAt, type SpaceMap } from "../shared/map.ts";
import { findPath } from "../shared/pathfinding.ts";
import { until } from "../shared/testing/wait.ts";
import { sleep, startServerChild } from "./serverProcess.ts";

const { values: args } = parseArgs({
  options: {
    steps: { type: "string", default: "4,8,12" },
    seconds: { type: "string", default: "15" },
    "video-max": { type: "string", default: "50" },
    json: { type: "string" },
  },
});
const STEPS = args.steps.split(",").map(Number).filter((n) => n > 0);
const SECONDS = Number(args.seconds);
const SPACE = `stage-bench-${process.pid}`;
const CHROMIUM_ARGS = [
  "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-quic",
  "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required",
];
const CLOCK_TICKS = 100; // USER_HZ on Linux
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

interface Stat { peer: string; state: string; bytesReceived: number; bytesSent: number }
type W = { __plaza: { self: string; pose(): Tile | undefined; av: { stageStats(): Promise<Stat[]> } }; __plazaNav: { minimapPoint(x: number, y: number): { x: number; y: number } } };

/** CPU seconds (user + system) of a process, and of all its descendants with `tree`. */
function cpuSeconds(pid: number, tree = false): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone meanwhile
    }
  }
  const within = (p: number): boolean => p === pid || (tree && p > 1 && stats.has(p) && within(stats.get(p)!.ppid));
  let ticks = 0;
  for (const [p, s] of stats) if (within(p)) ticks += s.ticks;
  return ticks / CLOCK_TICKS;
}

/** Chromium's processes: everything under this process but the server and Janus children. */
const chromiumCpu = (exclude: number[]) => cpuSeconds(process.pid, true) - cpuSeconds(process.pid) - exclude.reduce((sum, pid) => sum + cpuSeconds(pid, true), 0);

async function person(browser: Browser, base: string, name: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript((n) => sessionStorage.setItem("plaza.profile", JSON.stringify({ name: n, look: 2 })), name);
  const page = await ctx.newPage();
  await page.goto(`${base}/s/${SPACE}`);
  await page.waitForFunction(() => (window as unknown as W).__plaza?.pose() !== undefined, null, { timeout: 120_000 });
  return { ctx, page };
}

/** Walks a page to a tile by clicking the map overview, again whenever the avatar stops short. */
async function walkTo(page: Page, t: Tile) {
  const at = await page.evaluate(([x, y]) => (window as unknown as W).__plazaNav.minimapPoint(x, y), [t.x, t.y] as const);
  let last = "";
  let stillSince = 0;
  await page.mouse.click(at.x, at.y);
  await until(async () => {
    const p = await page.evaluate(() => (window as unknown as W).__plaza.pose()!);
    const here = `${p.x},${p.y}`;
    if (here === `${t.x},${t.y}`) return true;
    if (here !== last) [last, stillSince] = [here, Date.now()];
    else if (Date.now() - stillSince > 2000) { await page.mouse.click(at.x, at.y); stillSince = Date.now(); }
    return false;
  }, `walk to ${t.x},${t.y}`, 120_000, 250);
}

/** Tiles for listeners: reachable, outside rooms and the stage, farther than talking distance from each other. */
function spreadSpots(map: SpaceMap, from: Tile, avoid: Tile[], n: number): Tile[] {
  const out: Tile[] = [];
  for (let y = 1; y < map.height - 1 && out.length < n; y++) {
    for (let x = 1; x < map.width - 1 && out.length < n; x++) {
      const t = { x, y };
      if ([...avoid, ...out].some((o) => chebyshev(o, t) < 6) || areaAt(map, x, y) || spotlightAt(map, x, y)) continue;
      if (findPath(map, from, t).length > 0) out.push(t);
    }
  }
  if (out.length < n) throw new Error(`only ${out.length} spread-out spots for ${n} listeners`);
  return out;
}

const stageStats = (p: Page) => p.evaluate(() => (window as unknown as W).__plaza.av.stageStats());

async function main() {
  const janus = await startJanus();
  const server = await startServerChild({ env: { JANUS_URLS: janus.url, JANUS_STAGE_VIDEO_MAX: args["video-max"] } });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const rows: Record<string, number>[] = [];
  // Ctrl-C or a kill: the Janus and server children go too.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void Promise.allSettled([browser.close(), server.stop(), janus.stop()]).then(() => process.exit(130)));
  }
  try {
    const map = parseTiledMap(await (await fetch(`${server.url}/api/spaces/${SPACE}/map`)).json());
    const stage = map.spotlights[0];
    if (!stage) throw new Error("the map has no stage");
    const onStage = { x: stage.x + 1, y: stage.y };
    const speaker = await person(browser, server.url, "Speaker");
    const speakerId = await speaker.page.evaluate(() => (window as unknown as W).__plaza.self);
    const spawn = await speaker.page.evaluate(() => (window as unknown as W).__plaza.pose()!);
    await walkTo(speaker.page, onStage);
    const spots = spreadSpots(map, spawn, [onStage, spawn], Math.max(...STEPS));
    const listeners: Page[] = [];
    for (const n of STEPS) {
      // More listeners, each walked to a place of their own.
      const received = async (p: Page) => (await stageStats(p)).find((s) => s.peer === speakerId && s.state === "connected")?.bytesReceived ?? 0;
      try {
        const fresh: Page[] = [];
        for (let i = listeners.length; i < n; i++) fresh.push((await person(browser, server.url, `Listener ${i + 1}`)).page);
        await Promise.all(fresh.map((p, i) => walkTo(p, spots[listeners.length + i])));
        listeners.push(...fresh);
        await until(async () => (await Promise.all(listeners.map(received))).every((b) => b > 0), `${n} listeners receiving`, 90_000, 500);
      } catch (err) {
        // The machine does not hold this many pages (one did not load, walk or connect in time).
        console.log(`${n} listeners: ${(err as Error).message.split("\n")[0]}; stopping here`);
        break;
      }
      await sleep(3000); // keyframes, layers and bitrates settle
      const sent = async () => (await stageStats(speaker.page)).filter((s) => s.peer === speakerId).reduce((sum, s) => sum + s.bytesSent, 0);
      const exclude = [server.pid!, janus.pid!];
      const before = { at: Date.now(), janus: cpuSeconds(janus.pid!), server: cpuSeconds(server.pid!, true), chromium: chromiumCpu(exclude), rx: await Promise.all(listeners.map(received)), tx: await sent() };
      await sleep(SECONDS * 1000);
      const after = { at: Date.now(), janus: cpuSeconds(janus.pid!), server: cpuSeconds(server.pid!, true), chromium: chromiumCpu(exclude), rx: await Promise.all(listeners.map(received)), tx: await sent() };
      const s = (after.at - before.at) / 1000;
      const kbps = (bytes: number) => (bytes * 8) / s / 1000;
      const perListener = after.rx.map((b, i) => kbps(b - before.rx[i]));
      const egress = perListener.reduce((a, b) => a + b, 0);
      const row = {
        listeners: n,
        janusCpuPct: round(((after.janus - before.janus) / s) * 100),
        chromiumCpuPct: round(((after.chromium - before.chromium) / s) * 100),
        serverCpuPct: round(((after.server - before.server) / s) * 100),
        speakerUpKbps: round(kbps(after.tx - before.tx)),
        perListenerKbps: round(egress / n),
        minListenerKbps: round(Math.min(...perListener)),
        janusEgressKbps: round(egress),
        janusCpuPctPerListener: round(((after.janus - before.janus) / s) * 100 / n, 2),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    await janus.stop();
  }
  console.table(rows);
  if (args.json) writeFileSync(args.json, JSON.stringify({ steps: rows, seconds: SECONDS, videoMax: Number(args["video-max"]) }, null, 2));
}

await main();
