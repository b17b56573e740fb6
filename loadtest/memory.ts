/**
 * `npm run bench:memory`: what a Plaza process holds in memory idle and per connected walker.
 *
 * For each setup (embedded default; ANALYTICS_EMBEDDED=off; a real PostgreSQL instead of PGlite)
 * it starts the server as a child, waits for /readyz, samples its resident set for a few seconds,
 * then connects walkers (cumulatively, e.g. 200 then 1,000) who walk, and samples again. It prints
 * the idle RSS, the RSS with N walkers, MB per walker, and where the idle memory sits: the
 * resident part of the WebAssembly memories (PGlite's PostgreSQL heap, one per instance), the
 * rest of the anonymous memory (V8 heaps, compiled code, malloc arenas), and the mapped node
 * binary — read from /proc/<pid>/smaps (Linux only).
 *
 * The server runs as `npm start` runs it (the bundle, its node flags and environment: SPEC OP17);
 * `--source` runs the TypeScript through tsx instead, as the tests do.
 *
 * Options: --setups default,no-analytics,postgres  --walkers 200,1000  --sample-s 5  --settle-s 5  --source
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { Client } from "@colyseus/sdk";
import { startLocalPostgres, postgresBinDir, type LocalPostgres } from "../server/src/cluster/postgresServer.ts";
import { LOOK_COUNT } from "../shared/looks.ts";
import { mapFacts, mulberry32, type MapFacts } from "./behaviour.ts";
import { fetchSpaceMap, joinBot, type Bot } from "./bot.ts";
import { sleep, startServerChild, type ServerChild } from "./serverProcess.ts";

const MB = 1024 * 1024;
const SETUPS = ["default", "no-analytics", "postgres"] as const;
type Setup = (typeof SETUPS)[number];
/** Joins in flight at once: fast, without the join queue itself showing up as memory. */
const JOIN_BATCH = 20;
/** A refused or timed-out join is tried again; after this many failures in all, the run goes on with fewer. */
const MAX_FAILED_JOINS = 200;
const TICK_MS = 50;
/** A loaded machine (tests running beside) can take a minute to start a server; this is a bound only. */
const START_TIMEOUT_MS = 180_000;

/** Resident memory of a process by kind, in bytes, from /proc/<pid>/smaps. */
export interface MemoryBreakdown { rss: number; wasm: number; wasmMemories: number; anon: number; nodeBinary: number; files: number }

/**
 * Classifies smaps entries. A WebAssembly memory shows as a read-write anonymous mapping followed
 * at once by its guard reservation (---p, gigabytes): that is how V8 lays out a 32-bit wasm
 * memory on 64-bit Linux. Pure: takes the file's text.
 */
export function classifySmaps(text: string): MemoryBreakdown {
  type Entry = { start: bigint; end: bigint; perms: string; name: string; rss: number };
  const entries: Entry[] = [];
  for (const line of text.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) { entries.push({ start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perms: head[3], name: head[4], rss: 0 }); continue; }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && entries.length > 0) entries[entries.length - 1].rss = Number(rss[1]) * 1024;
  }
  const out: MemoryBreakdown = { rss: 0, wasm: 0, wasmMemories: 0, anon: 0, nodeBinary: 0, files: 0 };
  entries.forEach((e, i) => {
    out.rss += e.rss;
    const next = entries[i + 1];
    const guard = next && next.start === e.end && next.perms.startsWith("---") && next.name === "" && next.end - next.start >= 1n << 30n;
    if (e.name === "" && e.perms.startsWith("rw") && guard) { out.wasm += e.rss; out.wasmMemories++; }
    else if (e.name === "" || e.name.startsWith("[")) out.anon += e.rss;
    else if (/\/bin\/node$/.test(e.name)) out.nodeBinary += e.rss;
    else out.files += e.rss;
  });
  return out;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** Median RSS over `seconds` (twice a second). */
async function sampleRss(pid: number, seconds: number): Promise<number> {
  const xs: number[] = [];
  const end = performance.now() + seconds * 1000;
  do { xs.push(rssOf(pid)); await sleep(500); } while (performance.now() < end);
  return median(xs);
}

interface MainHeap { heapUsed: number; heapTotal: number; external: number }

async function mainHeap(server: ServerChild): Promise<MainHeap | undefined> {
  const res = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
  if (!res?.ok) return undefined;
  const text = await res.text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? NaN);
  return { heapUsed: read("nodejs_heap_size_used_bytes"), heapTotal: read("nodejs_heap_size_total_bytes"), external: read("nodejs_external_memory_bytes") };
}

async function waitReady(url: string, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${url}/readyz did not answer within ${timeoutMs} ms`);
}

/** Walkers in one space: joined in batches, walking until `stop`. */
export class Walkers {
  readonly bots: Bot[] = [];
  failed = 0;
  readonly errors: string[] = [];
  private readonly ticker = setInterval(() => { const t = performance.now(); for (const b of this.bots) b.tick(t); }, TICK_MS);

  constructor(private readonly url: string, private readonly spaceId: string, private readonly facts: MapFacts) {}

  async growTo(n: number) {
    while (this.bots.length < n && this.failed < MAX_FAILED_JOINS) {
      const batch = Math.min(JOIN_BATCH, n - this.bots.length);
      const base = this.bots.length + this.failed;
      const joins = Array.from({ length: batch }, (_, k) => joinBot(new Client(this.url), {
        spaceId: this.spaceId, name: `mem-${base + k}`, look: (base + k) % LOOK_COUNT, facts: this.facts, role: "walker",
        rng: mulberry32(1000 + base + k), now: () => performance.now(), joinTimeoutMs: 30_000, decodeState: false,
      }));
      for (const r of await Promise.allSettled(joins)) {
        if (r.status === "fulfilled") this.bots.push(r.value);
        else {
          this.failed++;
          if (this.errors.length < 3) this.errors.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
        }
      }
    }
  }

  async stop() {
    clearInterval(this.ticker);
    await Promise.allSettled(this.bots.map((b) => b.leave()));
  }
}

export interface SetupFigures {
  setup: Setup;
  idleRss: number;
  idle: MemoryBreakdown;
  heap: MainHeap | undefined;
  withWalkers: { n: number; joined: number; rss: number }[];
}

async function measureSetup(setup: Setup, walkerCounts: number[], sampleS: number, settleS: number, built: boolean, log: (s: string) => void): Promise<SetupFigures> {
  let pg: LocalPostgres | undefined;
  if (setup === "postgres") {
    if (!postgresBinDir()) throw new Error("PostgreSQL is not installed: apt-get install postgresql, or leave out the postgres setup");
    pg = await startLocalPostgres({ fast: true });
  }
  // Measured on a restart: `npm start` usually opens data it made before (a fresh data directory
  // is created from a seed first, which is a one-off).
  const dataDir = mkdtempSync(join(tmpdir(), "plaza-memory-"));
  const env = { PLAZA_DATA_DIR: dataDir, ...(setup === "no-analytics" ? { ANALYTICS_EMBEDDED: "off" } : {}), ...(pg ? { DATABASE_URL: pg.url } : {}) };
  const first = await startServerChild({ env, startTimeoutMs: START_TIMEOUT_MS, built });
  await waitReady(first.url, START_TIMEOUT_MS).finally(() => first.stop());
  const server = await startServerChild({ env, startTimeoutMs: START_TIMEOUT_MS, built });
  try {
    const pid = server.pid!;
    await waitReady(server.url, START_TIMEOUT_MS);
    await sleep(settleS * 1000);
    const idleRss = await sampleRss(pid, sampleS);
    const idle = classifySmaps(readFileSync(`/proc/${pid}/smaps`, "utf8"));
    const heap = await mainHeap(server);
    log(`${setup}: idle ${(idleRss / MB).toFixed(0)} MB RSS (wasm ${(idle.wasm / MB).toFixed(0)} MB in ${idle.wasmMemories}, other anonymous ${(idle.anon / MB).toFixed(0)} MB, node binary ${(idle.nodeBinary / MB).toFixed(0)} MB), main heap ${heap ? (heap.heapUsed / MB).toFixed(0) : "?"} MB used, external ${heap ? (heap.external / MB).toFixed(0) : "?"} MB`);
    const withWalkers: SetupFigures["withWalkers"] = [];
    if (walkerCounts.length > 0) {
      const spaceId = `memory-${process.pid}`;
      const walkers = new Walkers(server.url, spaceId, mapFacts(await fetchSpaceMap(server.url, spaceId, 120_000)));
      try {
        for (const n of walkerCounts) {
          await walkers.growTo(n);
          await sleep(settleS * 1000);
          const rss = await sampleRss(pid, sampleS);
          withWalkers.push({ n, joined: walkers.bots.length, rss });
          if (walkers.errors.length > 0) log(`${setup}: ${walkers.failed} joins failed, e.g. ${walkers.errors.join("; ")}\n${server.output().slice(-1500)}`);
          log(`${setup}: ${walkers.bots.length}/${n} walkers ${(rss / MB).toFixed(0)} MB RSS, ${((rss - idleRss) / MB / walkers.bots.length).toFixed(3)} MB per walker`);
        }
      } finally {
        await walkers.stop();
      }
    }
    return { setup, idleRss, idle, heap, withWalkers };
  } finally {
    await server.stop();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(all: SetupFigures[]): string {
  const mb = (b: number) => (b / MB).toFixed(0);
  const counts = all[0]?.withWalkers.map((w) => w.n) ?? [];
  const cells = (xs: string[]) => `| ${xs.join(" | ")} |`;
  const lines = [
    cells(["setup", "idle RSS MB", "wasm memories MB (n)", "other anonymous MB", "node binary MB", "main heap used MB", ...counts.map((n) => `RSS with ${n} MB (MB per walker)`)]),
    cells(Array.from({ length: 6 + counts.length }, () => "---")),
  ];
  for (const f of all) {
    const per = f.withWalkers.map((w) => `${mb(w.rss)} (${((w.rss - f.idleRss) / MB / Math.max(1, w.joined)).toFixed(3)}${w.joined < w.n ? `, ${w.joined} joined` : ""})`);
    lines.push(cells([f.setup, mb(f.idleRss), `${mb(f.idle.wasm)} (${f.idle.wasmMemories})`, mb(f.idle.anon), mb(f.idle.nodeBinary), f.heap ? mb(f.heap.heapUsed) : "?", ...per]));
  }
  return lines.join("\n");
}

async function main() {
  const { values } = parseArgs({
    options: {
      setups: { type: "string", default: SETUPS.join(",") },
      walkers: { type: "string", default: "200,1000" },
      "sample-s": { type: "string", default: "5" },
      "settle-s": { type: "string", default: "5" },
      source: { type: "boolean", default: false },
    },
  });
  const setups = values.setups.split(",").filter(Boolean);
  for (const s of setups) if (!(SETUPS as readonly string[]).includes(s)) throw new Error(`unknown setup ${s} (one of ${SETUPS.join(", ")})`);
  const walkers = values.walkers.split(",").filter(Boolean).map(Number).sort((a, b) => a - b);
  if (walkers.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--walkers takes positive integers, e.g. 200,1000`);
  const sampleS = Number(values["sample-s"]);
  const settleS = Number(values["settle-s"]);
  const all: SetupFigures[] = [];
  for (const s of setups as Setup[]) all.push(await measureSetup(s, walkers, sampleS, settleS, !values.source, (l) => console.log(l)));
  console.log(`\n${report(all)}`);
  process.exit(0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
