/**
 * `npm run bench:ingest [-- --events N]` (default 1,000,000): analytics ingestion benchmark. Starts a throw-away
 * ClickHouse (the test harness), pushes N events through AnalyticsPipeline.track() as fast as the
 * pipeline takes them (the producer pauses while more than half the memory queue is waiting, so
 * nothing is dropped), and prints:
 *  - events/s into ClickHouse (first track() → last row counted in ClickHouse, FINAL);
 *  - the event-loop time one track() adds (synchronous time of the calls / N);
 *  - the longest event-loop stall seen meanwhile.
 * Default configuration (5,000-row batches, 2 s flush). Figures go to BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { AnalyticsPipeline, ANALYTICS_DEFAULTS } from "../server/src/analytics/pipeline.ts";
import type { TrackedEvent } from "../server/src/analytics/events.ts";
import { startClickHouse } from "../server/test/clickhouse.ts";
import { sleep } from "../shared/testing/wait.ts";

const { values: args, positionals } = parseArgs({ options: { events: { type: "string" } }, allowPositionals: true, strict: true });
/** Events pushed through the pipeline (`--events N`, or N alone as before). */
const N = Number(args.events ?? positionals[0] ?? 1_000_000);
if (!Number.isInteger(N) || N < 1) throw new Error("--events takes a whole number of events");
const CHUNK = 1000;

async function main() {
  const ch = await startClickHouse();
  const spoolDir = mkdtempSync(join(tmpdir(), "plaza-ingest-spool-"));
  const p = new AnalyticsPipeline({ ...ANALYTICS_DEFAULTS, clickhouseUrl: ch.url, database: "bench", spoolDir });
  try {
    // Warm up (JIT, connection, migrations) outside the measurement.
    for (let i = 0; i < 10_000; i++) p.track(event(i));
    await p.flush();
    await ch.sql("TRUNCATE TABLE bench.plaza_events");
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
    const [count, unique] = (await ch.sql("SELECT count(), uniqExact(id) FROM bench.plaza_events FINAL")).trim().split("\t").map(Number);
    const s = p.stats();
    const perTrackUs = Number(trackNs) / N / 1000;
    const out = {
      events: N,
      rowsInClickHouse: count,
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
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ClickHouse ${(await ch.sql("SELECT version()")).trim()}`,
    };
    console.log(JSON.stringify(out, null, 2));
    console.log(
      `\nanalytics ingestion: ${out.eventsPerSecond.toLocaleString("en")} events/s into ClickHouse ` +
        `(${N.toLocaleString("en")} events, ${out.seconds} s), track() adds ${out.trackMicroseconds} µs of event-loop time per call, ` +
        `longest event-loop stall ${out.eventLoopMaxMs} ms`,
    );
    if (count !== N || unique !== N) process.exitCode = 1;
  } finally {
    await p.close();
    await ch.dispose();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

function event(i: number): TrackedEvent {
  return { type: "chat_sent", space: `space-${i % 20}`, session: `session-${i % 5000}`, user: `Person ${i % 5000}`, n: i % 200, duration_ms: 0, detail: "nearby", x: i % 48, y: i % 34 };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
