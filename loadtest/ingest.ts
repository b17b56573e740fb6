/**
 * `npm run bench:ingest [-- --events N] [--engine clickhouse|embedded]` (default 1,000,000 events
 * into ClickHouse): analytics ingestion benchmark. Starts a throw-away ClickHouse (the test
 * harness) or the embedded engine (PGlite in its worker, on a temp directory), pushes N events
 * through AnalyticsPipeline.track() as fast as the
 * pipeline takes them (the producer pauses while more than half the memory queue is waiting, so
 * nothing is dropped), and prints:
 *  - events/s into ClickHouse (first track() → last row counted in ClickHouse, FINAL);
 *  - the event-loop time one track() adds (synchronous time of the calls / N);
 *  - the longest event-loop stall seen meanwhile.
 * Default configuration (5,000-row batches, 2 s flush). Figures go to BENCHMARKS.md.
 *
 * `npm run bench:ingest -- --edits [--bots 150] [--seconds 60] [--rounds 2]`: the A/B of "a busy
 * space's events do not slow build-mode edits or joins" (AN6). For each mode it starts a server
 * process, fills a space with bots (`npm run bots`, hotspot: many conversations), then
 * measures, in another space, the acknowledgement time of build edits sent one at a time and the
 * time to join. Three modes (ANALYTICS_EMBEDDED=off, =on, and =on while the busy space's 30-day
 * insights are fetched every second), interleaved `--rounds` times. Prints p50/p95/p99/max of each. The server is pinned to CPU 0 (its worker threads too),
 * the bots to CPU 1.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { Client } from "@colyseus/sdk";
import { AnalyticsPipeline, ANALYTICS_DEFAULTS } from "../server/src/analytics/pipeline.ts";
import { EmbeddedEngine } from "../server/src/analytics/embedded.ts";
import { PROTOCOL_VERSION, SPACE_ROOM, type ServerMessages } from "../shared/protocol.ts";
import { SpaceState } from "../shared/state.ts";
import { REPO_ROOT, startServerChild } from "./serverProcess.ts";
import type { TrackedEvent } from "../server/src/analytics/events.ts";
import { startClickHouse } from "../server/test/clickhouse.ts";
import { sleep } from "../shared/testing/wait.ts";

const { values: args, positionals } = parseArgs({
  options: { events: { type: "string" }, engine: { type: "string" }, edits: { type: "boolean" }, bots: { type: "string" }, seconds: { type: "string" }, rounds: { type: "string" } },
  allowPositionals: true,
  strict: true,
});
/** Events pushed through the pipeline (`--events N`, or N alone as before). */
const N = Number(args.events ?? positionals[0] ?? 1_000_000);
if (!Number.isInteger(N) || N < 1) throw new Error("--events takes a whole number of events");
const CHUNK = 1000;

/** Where the benchmark's rows go: counted, emptied, described. */
interface Target {
  pipeline(spoolDir: string): AnalyticsPipeline;
  truncate(): Promise<void>;
  counts(): Promise<[number, number]>;
  describe(): Promise<string>;
  dispose(): Promise<void>;
}

async function clickHouseTarget(): Promise<Target> {
  const ch = await startClickHouse();
  return {
    pipeline: (spoolDir) => new AnalyticsPipeline({ ...ANALYTICS_DEFAULTS, clickhouseUrl: ch.url, database: "bench", spoolDir }),
    truncate: async () => { await ch.sql("TRUNCATE TABLE bench.plaza_events"); },
    counts: async () => (await ch.sql("SELECT count(), uniqExact(id) FROM bench.plaza_events FINAL")).trim().split("\t").map(Number) as [number, number],
    describe: async () => `ClickHouse ${(await ch.sql("SELECT version()")).trim()}`,
    dispose: () => ch.dispose(),
  };
}

function embeddedTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), "plaza-ingest-embedded-"));
  const engine = new EmbeddedEngine(dir);
  const one = async (sql: string) => (await engine.query<{ c: unknown; u: unknown }>(sql, {}))[0];
  return {
    pipeline: (spoolDir) => new AnalyticsPipeline({ ...ANALYTICS_DEFAULTS, spoolDir }, { warehouse: engine }),
    truncate: async () => { await engine.query("TRUNCATE plaza_events", {}); },
    counts: async () => { const r = await one("SELECT count(*) AS c, count(DISTINCT id) AS u FROM plaza_events"); return [Number(r.c), Number(r.u)]; },
    describe: async () => "embedded engine (PGlite, worker thread, on disk)",
    dispose: async () => { rmSync(dir, { recursive: true, force: true }); }, // the pipeline closed the engine
  };
}

async function ingest() {
  const target = args.engine === "embedded" ? embeddedTarget() : await clickHouseTarget();
  const spoolDir = mkdtempSync(join(tmpdir(), "plaza-ingest-spool-"));
  const p = target.pipeline(spoolDir);
  try {
    // Warm up (JIT, connection, migrations) outside the measurement.
    for (let i = 0; i < 10_000; i++) p.track(event(i));
    await p.flush();
    await target.truncate();
    const base = p.stats();

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    let trackNs = 0n;
    const t0 = performance.now();
    for (let sent = 0; sent < N; ) {
      while (p.stats().queued > ANALYTICS_DEFAULTS.queueMax / 2) await sleep(1);
      const n = Math.min(CHUNK, N - sent);
      const s = process.hrtime.bigint();
      for (let i = 0; i < n; i++) p.track(event(sent + i));
      trackNs += process.hrtime.bigint() - s;
      sent += n;
      await new Promise((r) => setImmediate(r));
    }
    const produced = performance.now() - t0;
    await p.flush();
    const elapsed = performance.now() - t0;
    loop.disable();
    const [count, unique] = await target.counts();
    const s = p.stats();
    const perTrackUs = Number(trackNs) / N / 1000;
    const out = {
      events: N,
      engine: args.engine === "embedded" ? "embedded" : "clickhouse",
      rowsStored: count,
      uniqueIds: unique,
      seconds: +(elapsed / 1000).toFixed(2),
      eventsPerSecond: Math.round(N / (elapsed / 1000)),
      trackMicroseconds: +perTrackUs.toFixed(3),
      producedInSeconds: +(produced / 1000).toFixed(2),
      inserts: s.sent - base.sent,
      dropped: s.dropped - base.dropped,
      spooled: s.spooled - base.spooled,
      eventLoopMaxMs: +(loop.max / 1e6).toFixed(1),
      eventLoopP99Ms: +(loop.percentile(99) / 1e6).toFixed(1),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${await target.describe()}`,
    };
    console.log(JSON.stringify(out, null, 2));
    console.log(
      `\nanalytics ingestion: ${out.eventsPerSecond.toLocaleString("en")} events/s into ${out.engine} ` +
        `(${N.toLocaleString("en")} events, ${out.seconds} s), track() adds ${out.trackMicroseconds} µs of event-loop time per call, ` +
        `longest event-loop stall ${out.eventLoopMaxMs} ms`,
    );
    if (count !== N || unique !== N) process.exitCode = 1;
  } finally {
    await p.close();
    await target.dispose();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

// ---- A/B: edits and joins next to a busy space ------------------------------------------------

const pct = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN; };
const summary = (xs: number[]) => ({ n: xs.length, p50: +pct(xs, 0.5).toFixed(1), p95: +pct(xs, 0.95).toFixed(1), p99: +pct(xs, 0.99).toFixed(1), max: +Math.max(...xs).toFixed(1) });

async function post(url: string, path: string, body: unknown, token?: string) {
  const r = await fetch(url + path, { method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json() as Promise<{ token: string }>;
}

async function editsRun(embedded: "on" | "off", queries: boolean, bots: number, seconds: number) {
  const server = await startServerChild({ pinCpu: 0, env: { ANALYTICS_EMBEDDED: embedded, LOG_LEVEL: "error" } });
  const endpoint = server.url.replace("http", "ws");
  const botsChild = spawn("taskset", ["-c", "1", process.execPath, "--import", "tsx", "loadtest/bots.ts", "--endpoint", endpoint, "--room", "space", "--numClients", String(bots), "--scenario", "hotspot", "--space", "busy", "--delay", "20"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "ignore"] });
  try {
    const { token } = await post(server.url, "/api/auth/signup", { email: `bench-${Date.now()}@example.test`, password: "correct horse battery", name: "Bench" });
    await post(server.url, "/api/spaces", { id: "edit-bench", name: "edit-bench", template: "small-office" }, token);
    await sleep(Math.max(10_000, bots * 40)); // bots joined and walking
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    let queried = 0;
    let querying = queries;
    const queryLoop = (async () => {
      while (querying) {
        await fetch(`${server.url}/api/spaces/busy/insights?from=${monthAgo}&to=${today}`, { headers: { Authorization: `Bearer ${token}` } }).catch(() => undefined);
        queried++;
        await sleep(1000);
      }
    })();
    const joins: number[] = [];
    const edits: number[] = [];
    const until = performance.now() + seconds * 1000;
    let ref = 0;
    while (performance.now() < until) {
      const client = new Client(server.url);
      client.auth.token = token;
      const t0 = performance.now();
      const room = await client.joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId: "edit-bench", name: "Bench", look: 0 }, SpaceState);
      joins.push(performance.now() - t0);
      room.onMessage("*", () => {});
      const acked = new Map<number, () => void>();
      room.onMessage("built", (b: ServerMessages["built"]) => acked.get(b.ref)?.());
      for (let i = 0; i < 40 && performance.now() < until; i++) {
        const r = ++ref;
        const tile = r % 240;
        const t = performance.now();
        await new Promise<void>((resolve) => {
          acked.set(r, resolve);
          room.send("build", { ref: r, op: { op: "paint", paint: r % 480 < 240 ? "wood" : "carpet", tiles: [[tile % 48, Math.floor(tile / 48) + 1]] } });
        });
        edits.push(performance.now() - t);
      }
      await room.leave();
    }
    querying = false;
    await queryLoop;
    return { edits, joins, queried };
  } finally {
    botsChild.kill("SIGTERM");
    await server.stop();
  }
}

async function editsAB() {
  const bots = Number(args.bots ?? 150);
  const seconds = Number(args.seconds ?? 60);
  const rounds = Number(args.rounds ?? 2);
  // Interleaved, so a change in the machine's other load falls on every mode alike.
  const modes = { off: ["off", false], on: ["on", false], "on+queries": ["on", true] } as const;
  const raw: Record<string, { edits: number[]; joins: number[]; queried: number }> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, [embedded, queries]] of Object.entries(modes)) {
      const got = await editsRun(embedded, queries, bots, seconds);
      const acc = (raw[name] ??= { edits: [], joins: [], queried: 0 });
      acc.edits.push(...got.edits);
      acc.joins.push(...got.joins);
      acc.queried += got.queried;
    }
  }
  const runs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, { bots, rounds, edits: summary(v.edits), joins: summary(v.joins), insightsQueries: v.queried }]));
  console.log(JSON.stringify({ ...runs, machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`, loadavg: loadavg().map((l) => +l.toFixed(1)) }, null, 2));
  const line = (k: "edits" | "joins") => Object.entries(runs).map(([name, r]) => `${name}: p50 ${r[k].p50} p95 ${r[k].p95} p99 ${r[k].p99}`).join("  |  ");
  console.log(`\nbuild edit ack ms  ${line("edits")}\njoin ms            ${line("joins")}`);
}

async function main() {
  if (args.edits) await editsAB();
  else await ingest();
}

function event(i: number): TrackedEvent {
  return { type: "chat_sent", space: `space-${i % 20}`, session: `session-${i % 5000}`, user: `Person ${i % 5000}`, n: i % 200, duration_ms: 0, detail: "nearby", x: i % 48, y: i % 34 };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
