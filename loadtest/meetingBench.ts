/**
 * A six-person meeting in headless Chromium with fake camera and microphone, peer-to-peer mesh vs
 * through Janus (figures: BENCHMARKS.md "Meetings through Janus").
 *
 *   npm run bench:meeting -- [--people 6] [--seconds 10] [--only mesh,janus] [--json out.json]
 *
 * Per mode it starts its own server (loadtest/serverProcess.ts; client from client/dist: run
 * `npm run build` first), for `janus` also a Janus on loopback (server/test/janus.ts), and one
 * Chromium. The people enter the space one after another and each walks (arrow keys, tile by tile)
 * into the office map's "Meeting Room", a private area: in `janus` mode that is a meeting on
 * Janus (SF1), in `mesh` mode (no JANUS_URLS) a peer-to-peer conversation. Printed:
 *   join      per arrival, the time from stepping into the room to receiving media (inbound RTP
 *             bytes, audio and video together: the fake devices start both at once) from every
 *             person already there; the last arrival joins a room of people - 1;
 *   upstream  with everyone in, bytes sent per second per page (outbound-rtp over all its
 *             connections: one upload to Janus, or one per peer in the mesh), over `seconds`;
 *   cpu       Chromium's CPU time over the same window (every process of the browser: renderers,
 *             GPU and network services), per page (total / people) in % of one core, and Janus's.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";
import { parseTiledMap, type Area } from "../shared/map.ts";
import type { Tile, Walkable } from "../shared/grid.ts";
import { findPath } from "../shared/pathfinding.ts";
import { startJanus, type LocalJanus } from "../server/test/janus.ts";
import { REPO_ROOT, sleep, startServerChild, type ServerChild } from "./serverProcess.ts";

const CHROMIUM_ARGS = [
  "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-quic",
  "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
];
const ROOM = "Meeting Room";
const CLOCK_TICKS = 100; // USER_HZ on Linux (getconf CLK_TCK)

interface Stat { peer: string; state: string; bytesReceived: number; bytesSent: number }
interface Hooks {
  self: string;
  pose(): Tile | undefined;
  walkable(x: number, y: number): boolean;
  av: { sfuStats(): Promise<Stat[]>; stats(): Promise<Stat[]> };
}
type W = { __plaza: Hooks };

interface Result {
  mode: string;
  people: number;
  /** Per arrival after the first: ms from entering the room to media from everyone already there. */
  joinMs: number[];
  upstreamKBps: number[];
  chromiumCpuPctPerPage: number;
  janusCpuPct?: number;
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** Every process: its parent, name and CPU ticks so far (user + system), from /proc. */
function processes(): { pid: number; ppid: number; comm: string; ticks: number }[] {
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.push({ pid: Number(name), ppid: Number(f[1]), comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), ticks: Number(f[11]) + Number(f[12]) });
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/** CPU ticks of the processes `pick` chooses among our own children, and of all their descendants. */
function cpuTicks(pick: (p: { pid: number; comm: string }) => boolean): number {
  const all = processes();
  const todo = all.filter((p) => p.ppid === process.pid && pick(p)).map((p) => p.pid);
  let sum = 0;
  while (todo.length) {
    const pid = todo.pop()!;
    for (const p of all) {
      if (p.pid === pid) sum += p.ticks;
      if (p.ppid === pid) todo.push(p.pid);
    }
  }
  return sum;
}

/** The walkable grid as the page sees it (walls, furniture), for planning its steps. */
async function walkableOf(page: Page, width: number, height: number): Promise<Walkable> {
  const flags = await page.evaluate(({ width, height }) => {
    const out: number[] = [];
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.push((window as unknown as W).__plaza.walkable(x, y) ? 0 : 1);
    return out;
  }, { width, height });
  return { width, height, blocked: Uint8Array.from(flags) };
}

const pose = (page: Page) => page.evaluate(() => (window as unknown as W).__plaza.pose()!);

/** Walks with the arrow keys, one tile at a time, re-planning from where the avatar is. */
async function walk(page: Page, grid: Walkable, goal: Tile): Promise<void> {
  for (let steps = 0; steps < 400; steps++) {
    const at = await pose(page);
    if (at.x === goal.x && at.y === goal.y) return;
    const next = findPath(grid, at, goal)[0];
    if (!next) throw new Error(`no path from ${at.x},${at.y} to ${goal.x},${goal.y}`);
    const key = next.x > at.x ? "ArrowRight" : next.x < at.x ? "ArrowLeft" : next.y > at.y ? "ArrowDown" : "ArrowUp";
    await page.keyboard.down(key);
    await page.waitForFunction((a) => { const p = (window as unknown as W).__plaza.pose()!; return p.x !== a.x || p.y !== a.y; }, at, { timeout: 10_000, polling: 20 }).catch(() => undefined);
    await page.keyboard.up(key);
  }
  throw new Error(`did not reach ${goal.x},${goal.y}`);
}

/** Per peer: bytes received and sent, over the mesh links or the Janus connections. */
const statsOf = (page: Page, mode: string) => page.evaluate(async (sfu) => {
  const av = (window as unknown as W).__plaza.av;
  return sfu ? av.sfuStats() : av.stats();
}, mode === "janus");

async function hearsEveryone(page: Page, mode: string, others: string[]): Promise<boolean> {
  const stats = await statsOf(page, mode);
  return others.every((o) => stats.some((s) => s.peer === o && s.state === "connected" && s.bytesReceived > 0));
}

async function run(browser: Browser, mode: string, people: number, seconds: number): Promise<Result> {
  let janus: LocalJanus | undefined;
  let server: ServerChild | undefined;
  const contexts: Awaited<ReturnType<Browser["newContext"]>>[] = [];
  try {
    if (mode === "janus") janus = await startJanus();
    server = await startServerChild({ env: { JANUS_URLS: janus?.url, LOG_LEVEL: "warn" }, startTimeoutMs: 180_000 });
    const map = parseTiledMap(JSON.parse(readFileSync(`${REPO_ROOT}shared/maps/office.tmj`, "utf8")));
    const room: Area = map.areas.find((a) => a.name === ROOM)!;
    const inRoom = (t: Tile) => t.x >= room.x && t.y >= room.y && t.x < room.x + room.width && t.y < room.y + room.height;
    const spaceId = `meeting-${mode}-${process.pid}`;
    const pages: Page[] = [];
    const ids: string[] = [];
    const joinMs: number[] = [];
    let grid: Walkable | undefined;
    let seats: Tile[] = [];
    for (let i = 0; i < people; i++) {
      const ctx = await browser.newContext({ viewport: { width: 960, height: 640 } });
      contexts.push(ctx);
      await ctx.addInitScript((name) => sessionStorage.setItem("plaza.profile", JSON.stringify({ name, look: 1 })), `Person ${i + 1}`);
      const page = await ctx.newPage();
      page.on("crash", () => console.error(`${mode}: person ${i + 1}'s page crashed`));
      page.on("close", () => console.error(`${mode}: person ${i + 1}'s page closed`));
      await page.goto(`${server.url}/s/${spaceId}`);
      // Bounded, generously: on a loaded machine a page with five calls running next to it loads slowly.
      await page.waitForFunction(() => (window as unknown as W).__plaza?.pose() !== undefined, null, { timeout: 180_000 });
      if (!grid) {
        grid = await walkableOf(page, map.width, map.height);
        // Seats: the room's walkable tiles nearest the way in, one per person.
        const from = await pose(page);
        const tiles: { t: Tile; d: number }[] = [];
        for (let y = room.y; y < room.y + room.height; y++) for (let x = room.x; x < room.x + room.width; x++) {
          const d = findPath(grid, from, { x, y }).length;
          if (d > 0) tiles.push({ t: { x, y }, d });
        }
        seats = tiles.sort((a, b) => a.d - b.d).slice(0, people).map((s) => s.t);
      }
      ids.push(await page.evaluate(() => (window as unknown as W).__plaza.self));
      pages.push(page);
      const goal = seats[i];
      const path = findPath(grid, await pose(page), goal);
      // Up to the last tile outside the room, then the first step in starts the clock.
      const door = path.findIndex(inRoom);
      await walk(page, grid, door > 0 ? path[door - 1] : await pose(page));
      await walk(page, grid, path[door]);
      const entered = performance.now();
      const others = ids.slice(0, i);
      void walk(page, grid, goal).catch(() => undefined); // to its seat meanwhile: still in the room
      const deadline = entered + 90_000;
      while (others.length && !(await hearsEveryone(page, mode, others))) {
        if (performance.now() > deadline) throw new Error(`${mode}: person ${i + 1} did not hear everyone in 90 s`);
        await sleep(100);
      }
      if (others.length) joinMs.push(Math.round(performance.now() - entered));
      console.log(`${mode}: person ${i + 1} in the room${others.length ? `, hears the ${others.length} there after ${joinMs.at(-1)} ms` : ""}`);
    }
    // Everyone hears everyone (the mesh links to the last arrival are two-way; Janus too).
    for (const [i, p] of pages.entries()) {
      const others = ids.filter((_, j) => j !== i);
      const deadline = performance.now() + 90_000;
      while (!(await hearsEveryone(p, mode, others))) {
        if (performance.now() > deadline) throw new Error(`${mode}: person ${i + 1} does not hear everyone`);
        await sleep(250);
      }
    }
    await sleep(3000); // connections settle, encoders ramp up
    const sent = async () => Promise.all(pages.map(async (p) => (await statsOf(p, mode)).reduce((n, s) => n + s.bytesSent, 0)));
    const chromiumTicks = () => cpuTicks((p) => p.comm.startsWith("chrom"));
    const janusPid = janus?.pid;
    const janusTicks = () => (janusPid ? cpuTicks((p) => p.pid === janusPid) : 0);
    const [s0, c0, j0, t0] = [await sent(), chromiumTicks(), janusTicks(), performance.now()];
    await sleep(seconds * 1000);
    const [s1, c1, j1, t1] = [await sent(), chromiumTicks(), janusTicks(), performance.now()];
    const wall = (t1 - t0) / 1000;
    const pct = (ticks: number) => round((ticks / CLOCK_TICKS / wall) * 100);
    return {
      mode, people, joinMs,
      upstreamKBps: s1.map((b, i) => round((b - s0[i]) / wall / 1024)),
      chromiumCpuPctPerPage: round(pct(c1 - c0) / people),
      ...(janus ? { janusCpuPct: pct(j1 - j0) } : {}),
    };
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await server?.stop();
    await janus?.stop();
  }
}

async function main() {
  const { values } = parseArgs({ options: { people: { type: "string", default: "6" }, seconds: { type: "string", default: "10" }, only: { type: "string", default: "mesh,janus" }, json: { type: "string" } } });
  const people = Number(values.people);
  const seconds = Number(values.seconds);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const results: Result[] = [];
  try {
    for (const mode of values.only.split(",")) {
      // A mode that fails (a page crashed on an overloaded machine) is reported; the others still run.
      await run(browser, mode, people, seconds).then((r) => { results.push(r); console.log(JSON.stringify(r)); }, (err) => console.error(`${mode} failed:`, err));
    }
  } finally {
    await browser.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\n| mode | people | join: last arrival (ms) | join: median (ms) | upstream per page (KB/s, median; min–max) | Chromium CPU per page (% of a core) | Janus CPU (% of a core) |`);
  console.log(`|---|---|---|---|---|---|---|`);
  for (const r of results) {
    console.log(`| ${r.mode} | ${r.people} | ${r.joinMs.at(-1)} | ${median(r.joinMs)} | ${median(r.upstreamKBps)} (${Math.min(...r.upstreamKBps)}–${Math.max(...r.upstreamKBps)}) | ${r.chromiumCpuPctPerPage} | ${r.janusCpuPct ?? "–"} |`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
}

main().catch((err) => { console.error(err); process.exit(1); });
