/**
 * The benchmark's scenario runner (bench.ts): checks the options, places the server and the bots on
 * CPUs, runs the measured run (benchMeasure.ts) against a server it starts as a child process (or
 * --url), once more with PLAZA_INTEREST=off for --compare, and assembles the report.
 */
import { cpus, availableParallelism } from "node:os";
import type { RunnableScenario } from "./behaviour.ts";
import { measureRun, type RunContext } from "./benchMeasure.ts";
import { BYTES_PER_UPDATE_METHOD, writeReport, type BenchReport, type Interest, type RunFigures } from "./benchReport.ts";
import { canPin, pinSelf, startServerChild, type ServerChild } from "./serverProcess.ts";

export interface BenchOptions {
  scenario: RunnableScenario;
  bots: number;
  /** Seconds of measurement after the ramp. */
  durationS: number;
  /** Seconds over which joins are spread. */
  rampS: number;
  /** An already running server (127.0.0.1 only); otherwise one is started as a child process. */
  url?: string;
  /** Repeat the run against a server with PLAZA_INTEREST=off and report off/on ratios. */
  compare?: boolean;
  /** Where to write the JSON report; none when undefined. */
  jsonPath?: string;
  /** Pin server to CPU 0 and this process to CPU 1 when possible (the CLI does; tests don't). */
  pin?: boolean;
  seed?: number;
  /** Bots that decode the synced state and measure remote latency; the rest walk on acks alone. */
  observers?: number;
  /** Every bot decodes the synced state (as a browser does); costs the bots' CPU, not the server's. */
  decodeAll?: boolean;
  /** Progress lines; silent when undefined. */
  log?: (line: string) => void;
  /** "office" (default: the small office, auto-created) or a template id such as "event-floor" (benchSpace.ts). */
  map?: string;
  /** All-hands: people already walking in the space before the --bots arrivals join (default DEFAULT_ALLHANDS_WALKERS). */
  walkers?: number;
  /** Bots in this many child processes (0, the default: in this process). */
  processes?: number;
  /** Append the run to this history file and compare with its previous run (the CLI does; tests don't). */
  historyPath?: string;
}

/** All-hands: people walking in the space before the arrivals, unless `walkers` says otherwise. */
export const DEFAULT_ALLHANDS_WALKERS = 200;

/** The walkers already in the space when the arrivals start: all-hands only. */
export function walkersOf(opts: Pick<BenchOptions, "scenario" | "walkers">): number {
  return opts.scenario === "allhands" ? (opts.walkers ?? DEFAULT_ALLHANDS_WALKERS) : 0;
}

/** Child servers alive right now, so an interrupted CLI run still stops them. */
const liveServers = new Set<ServerChild>();

export async function stopLiveServers(): Promise<void> {
  await Promise.all([...liveServers].map((s) => s.stop()));
}

function assertHttp(url: string) {
  let u: URL;
  try { u = new URL(url); } catch { throw new Error(`--url is not a URL: ${url}`); }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`--url must be http(s)://host:port (got ${u.protocol})`);
}

function checkOptions(opts: BenchOptions) {
  if (!Number.isInteger(opts.bots) || opts.bots < 1 || opts.bots > 5000) throw new Error("--bots must be 1..5000");
  if (!(opts.durationS > 0 && opts.durationS <= 3600)) throw new Error("--duration must be 0..3600 s");
  if (!(opts.rampS >= 0 && opts.rampS <= 600)) throw new Error("--ramp must be 0..600 s");
  if (opts.url) assertHttp(opts.url);
  if (opts.processes !== undefined && !(Number.isInteger(opts.processes) && opts.processes >= 0 && opts.processes <= 64)) throw new Error("--processes must be 0..64");
  if (opts.walkers !== undefined && !(Number.isInteger(opts.walkers) && opts.walkers >= 0 && opts.walkers <= 5000)) throw new Error("--walkers must be 0..5000");
  if (opts.map !== undefined && !/^[a-z0-9-]{1,40}$/.test(opts.map)) throw new Error(`--map must be "office" or a template id (got "${opts.map}")`);
  if (opts.compare && opts.url) throw new Error("--compare starts its own servers (one with PLAZA_INTEREST=off): drop --url");
}

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const log = opts.log ?? (() => undefined);
  checkOptions(opts);
  const seed = (opts.seed ?? 1) >>> 0;
  const observers = Math.min(opts.bots, Math.max(0, opts.observers ?? 25));
  const startedAt = new Date().toISOString();
  // Before pinning: afterwards availableParallelism() reports the affinity mask (1).
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? "unknown", node: process.version };

  const pinning = opts.pin === true && canPin();
  const pinnedSelf = pinning && pinSelf(1);
  const serverCpu = pinnedSelf ? 0 : undefined;
  const botsPlacement = pinnedSelf
    ? `cpu 1 (taskset -a -cp 1), pid ${process.pid}`
    : `unpinned (${availableParallelism()} cpus shared${opts.pin && !pinning ? ": taskset or a 2nd cpu missing" : ""}), pid ${process.pid}`;

  const analyticsEmbedded = opts.url ? "unknown" : (process.env.ANALYTICS_EMBEDDED || "auto");
  const runOne = (interest: Interest, index: number) => runOnce(opts, serverCpu, { interest, index, seed, observers, log, analyticsEmbedded });
  const on = await runOne(opts.url ? "external" : "grid", 0);
  const off = opts.compare ? await runOne("off", 1) : undefined;
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);
  const onFigures = on.figures;
  const report: BenchReport = {
    scenario: opts.scenario,
    bots: opts.bots,
    durationS: opts.durationS,
    rampS: opts.rampS,
    seed,
    observers,
    decodeAll: opts.decodeAll === true,
    startedAt,
    machine,
    botProcesses: opts.processes ?? 0,
    walkers: walkersOf(opts),
    placement: { server: on.serverPlacement, bots: botsPlacement },
    ...onFigures,
    interest: on.figures.interest,
    bytesPerPositionUpdateMethod: BYTES_PER_UPDATE_METHOD,
    compare: off
      ? {
          interestOff: off.figures,
          ratios: {
            downKBpsMean: ratio(off.figures.downKBps.mean, on.figures.downKBps.mean),
            echoP99: ratio(off.figures.echoMs.p99, on.figures.echoMs.p99),
          },
        }
      : null,
  };
  if (opts.jsonPath) writeReport(opts.jsonPath, report);
  return report;
}

/** One measured run against --url, or against a server started for it (stopped after, whatever happens). */
async function runOnce(opts: BenchOptions, serverCpu: number | undefined, ctx: RunContext): Promise<{ figures: RunFigures; serverPlacement: string }> {
  const { interest, log } = ctx;
  let serverPlacement: string;
  let base: string;
  let server: ServerChild | undefined;
  if (opts.url) {
    base = opts.url.replace(/\/$/, "");
    serverPlacement = `external (${base})`;
  } else {
    log(`starting server${interest === "off" ? " with PLAZA_INTEREST=off" : ""}…`);
    server = await startServerChild({ pinCpu: serverCpu, env: interest === "off" ? { PLAZA_INTEREST: "off" } : {} });
    liveServers.add(server);
    base = server.url;
    serverPlacement = server.placement;
  }
  try {
    const figures = await measureRun(base, opts, ctx);
    return { figures, serverPlacement };
  } finally {
    if (server) {
      await server.stop();
      liveServers.delete(server);
    }
  }
}
