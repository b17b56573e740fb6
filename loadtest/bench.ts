/**
 * The headless benchmark: starts a Plaza server as a child process (or uses --url), runs N bots
 * in this process with the SDK, and prints + writes latency, bandwidth and server-load figures.
 *
 *   npm run bench -- --scenario walkers --bots 200 --duration 30 --ramp 10
 *                    [--url http://127.0.0.1:2567] [--compare] [--json out.json]
 *                    [--seed 1] [--observers 25] [--decode-all] [--no-pin]
 *
 * Timeline of one run: start server → 2-client probe (bytes per position update) → joins ramped
 * over --ramp s → --duration s of measurement (the window every rate and latency comes from) →
 * everyone leaves → server stopped. With --compare the same run is repeated against a server
 * started with PLAZA_INTEREST=off. With ≥ 2 CPUs and `taskset`, the server runs on CPU 0 and
 * this process (the bots) on CPU 1. What each figure means: loadtest/README.md.
 */
import { parseArgs } from "node:util";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus, availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { Callbacks } from "@colyseus/sdk";
import { avatarTile, type Avatar } from "../shared/state.ts";
import { LOOK_COUNT } from "../shared/looks.ts";
import { dirOfDelta, type Pose } from "../shared/movement.ts";
import { chebyshev, isWalkable } from "../shared/grid.ts";
import { botSeed, mapFacts, mulberry32, parseScenario, roleFor, ScenarioUnavailableError, type MapFacts, type RunnableScenario } from "./behaviour.ts";
import { fetchSpaceMap, joinBot, type Bot, type BotHooks } from "./bot.ts";
import { bytesOf, KindTally, LatencyRecorder, mean, MeteredClient, quantile } from "./meter.ts";
import {
  canPin, histogramQuantile, pinSelf, scrapeMetrics, ServerStartError, sleep, startServerChild,
  type MetricsSample, type ServerChild,
} from "./serverProcess.ts";

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
}

/** Interest management of the measured server: PLAZA_INTEREST as started, or unknown with --url. */
export type Interest = "grid" | "off" | "external";

export interface Quantiles { p50: number | null; p99: number | null }
export interface LatencyFigures extends Quantiles { samples: number; max: number | null }

/** Figures of one run (one server). */
export interface RunFigures {
  interest: Interest;
  ccuReached: number;
  joinSuccessRate: number;
  joins: { attempted: number; succeeded: number; failed: number; firstErrors: string[] };
  joinMs: Quantiles;
  echoMs: LatencyFigures;
  remoteMs: LatencyFigures;
  downKBps: { mean: number | null; p99: number | null };
  /** Downstream bytes per client per second by frame kind (patch, ack, peers…), headers included. */
  downByKind: Record<string, number>;
  upKBps: { mean: number | null; p99: number | null };
  server: {
    eluMean: number | null; eluMax: number | null; cpuPercent: number | null; rssMB: number | null;
    patchMs: Quantiles | null; ccuMax: number | null; movesRejected: number | null; scrapes: number;
  };
  botsProcess: { eluMean: number | null; eluMax: number | null; cpuPercent: number | null };
  bytesPerPositionUpdate: number | null;
  bytesPerPositionUpdateInRun: number | null;
  correctionsPerClientPerMin: number | null;
  /** Corrections received over the whole run, ramp and teardown included. */
  correctionsTotal: number;
  unexpectedDisconnects: number;
  windowS: number;
  /**
   * Of the people standing within 2 (and 5) tiles of an observer, the share in its decoded state,
   * sampled once a second over the window (positions: each bot's own prediction, so someone who
   * stepped into range a moment ago may count as missing even with interest off). Null without
   * observers.
   */
  viewCoverage: { within2: number | null; within5: number | null };
  /**
   * Avatars entering and leaving an observer's decoded view per second (mean over observers in the
   * window): the churn that interest management adds, each entry a whole avatar on the wire.
   */
  viewChurn: { enteredPerS: number | null; leftPerS: number | null };
  /** Seconds between the ramp's end and the window's start: waiting for every first join's answer. */
  settleS: number;
}

export interface BenchReport extends Omit<RunFigures, "interest"> {
  scenario: RunnableScenario;
  bots: number;
  durationS: number;
  rampS: number;
  seed: number;
  observers: number;
  /** Every bot decoded the state (--decode-all); otherwise only the observers did. */
  decodeAll: boolean;
  startedAt: string;
  machine: { cpus: number; model: string; node: string };
  placement: { server: string; bots: string };
  interest: Interest;
  bytesPerPositionUpdateMethod: string;
  compare: null | {
    interestOff: RunFigures;
    /** off ÷ on: above 1 means interest management helps. */
    ratios: { downKBpsMean: number | null; echoP99: number | null };
  };
}

export const BYTES_PER_UPDATE_METHOD =
  "2-client probe in its own space before the run: one client takes 20 steps 250 ms apart, the other counts received frame bytes (payload + WebSocket header) minus its idle baseline, divided by the position changes it saw. bytesPerPositionUpdateInRun: observers' received bytes in the window ÷ remote position changes they saw (includes own echoes, joins/leaves).";

const KB = 1000;
/** Remote latency counts only observers within this distance (tiles) of the mover. */
const REMOTE_RADIUS_TILES = 10;
const JOIN_TIMEOUT_MS = 15_000;
const TICK_MS = 25;

/** Child servers alive right now, so an interrupted CLI run still stops them. */
const liveServers = new Set<ServerChild>();

export async function stopLiveServers(): Promise<void> {
  await Promise.all([...liveServers].map((s) => s.stop()));
}

function assertLocal(url: string) {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost") throw new Error(`--url must point at 127.0.0.1 (got ${host})`);
}

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const log = opts.log ?? (() => undefined);
  if (!Number.isInteger(opts.bots) || opts.bots < 1 || opts.bots > 5000) throw new Error("--bots must be 1..5000");
  if (!(opts.durationS > 0 && opts.durationS <= 3600)) throw new Error("--duration must be 0..3600 s");
  if (!(opts.rampS >= 0 && opts.rampS <= 600)) throw new Error("--ramp must be 0..600 s");
  if (opts.url) assertLocal(opts.url);
  if (opts.compare && opts.url) throw new Error("--compare starts its own servers (one with PLAZA_INTEREST=off): drop --url");
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

  const runOne = async (interest: Interest, index: number) => {
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
      const figures = await measureRun(base, opts, { interest, index, seed, observers, log });
      return { figures, serverPlacement };
    } finally {
      if (server) {
        await server.stop();
        liveServers.delete(server);
      }
    }
  };

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
  if (opts.jsonPath) {
    mkdirSync(dirname(resolve(opts.jsonPath)), { recursive: true });
    writeFileSync(opts.jsonPath, JSON.stringify(report, null, 2) + "\n");
  }
  return report;
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.name}${code !== undefined ? ` ${String(code)}` : ""}: ${err.message || "(no message)"}${cause}`;
}

/**
 * Recent send times of one bot, by the tile it stepped onto. Other clients never receive an
 * avatar's input `seq` (acks go to the mover only: SPEC MV7), so a remote observer matches a move by
 * where the avatar arrived; walkers rarely revisit a tile within the few seconds kept here.
 */
class SendLog {
  private readonly byTile = new Map<number, number>();
  set(x: number, y: number, at: number) {
    const key = y * 65536 + x;
    this.byTile.delete(key);
    this.byTile.set(key, at);
    if (this.byTile.size > 64) this.byTile.delete(this.byTile.keys().next().value!);
  }
  /** Send time of the step onto (x, y), once: a later arrival on the same tile is a new step. */
  take(x: number, y: number): number | undefined {
    const key = y * 65536 + x;
    const at = this.byTile.get(key);
    this.byTile.delete(key);
    return at;
  }
}

interface Slot {
  index: number;
  generation: number;
  bot: Bot | undefined;
  joining: boolean;
  observer: boolean;
  /** Byte counters at the last bandwidth sample (or at join). */
  lastIn: number;
  lastOut: number;
  baselineAt: number;
}

interface RunContext { interest: Interest; index: number; seed: number; observers: number; log: (line: string) => void }

async function measureRun(base: string, opts: BenchOptions, ctx: RunContext): Promise<RunFigures> {
  const now = () => performance.now();
  const facts = mapFacts(await fetchSpaceMap(base, "bench-map"));
  const probe = await probeBytesPerUpdate(base, facts, `bench-probe-${process.pid}-${ctx.index}`, ctx.seed);
  ctx.log(`probe: ${probe.bytes?.toFixed(1) ?? "n/a"} bytes per position update (${probe.updates} updates)`);
  const spaceId = `bench-${opts.scenario}-${process.pid}-${ctx.index}`;

  const echo = new LatencyRecorder(200_000, mulberry32(ctx.seed + 11));
  const remote = new LatencyRecorder(200_000, mulberry32(ctx.seed + 12));
  const joinMs: number[] = [];
  const joinErrors: string[] = [];
  const downSamples: number[] = [];
  const upSamples: number[] = [];
  const eluSamples: number[] = [];
  const scrapes: MetricsSample[] = [];
  const sendLog = new Map<string, SendLog>();
  let attempted = 0, succeeded = 0, connected = 0, ccuReached = 0, unexpected = 0;
  let correctionsTotal = 0, correctionsInWindow = 0, clientSeconds = 0, observerBytes = 0, observerUpdates = 0;
  let observerSeconds = 0, observerEntered = 0, observerLeft = 0;
  let measuring = false, stopping = false, firstJoinsSettled = 0;
  const tally = new KindTally(() => measuring);
  /** viewCoverage: people within 2 / 5 tiles of observers, and how many of them were in view. */
  const near = [0, 0], seenNear = [0, 0];

  const slots: Slot[] = Array.from({ length: opts.bots }, (_, i) => ({
    index: i, generation: 0, bot: undefined, joining: false, observer: i < ctx.observers, lastIn: 0, lastOut: 0, baselineAt: 0,
  }));
  const pendingJoins = new Set<Promise<void>>();

  const attachObserver = (bot: Bot) => {
    const cb = Callbacks.get(bot.room);
    cb.onAdd("avatars", (avatar: Avatar, key: string) => {
      if (key === bot.sessionId) return;
      if (measuring) observerEntered++;
      let last = avatarTile(avatar);
      cb.onChange(avatar, () => {
        const tile = avatarTile(avatar);
        if (!tile || (tile.x === last?.x && tile.y === last.y)) return;
        const at = now();
        const stepped = !tile.coarse && last?.coarse === false;
        last = tile;
        if (!measuring) return;
        observerUpdates++;
        const me = bot.pose;
        // Remote latency: steps between fine tiles only (a coarse tile is late by design, IM9, and
        // one turning fine shows where the avatar has stood, maybe for a while).
        const sentAt = stepped ? sendLog.get(key)?.take(tile.x, tile.y) : undefined;
        if (me && sentAt !== undefined && (tile.x - me.x) ** 2 + (tile.y - me.y) ** 2 <= REMOTE_RADIUS_TILES ** 2) remote.add(at - sentAt);
      });
    });
    cb.onRemove("avatars", (_avatar: Avatar, key: string) => {
      if (measuring && key !== bot.sessionId) observerLeft++;
    });
  };

  const join = (slot: Slot) => {
    slot.joining = true;
    attempted++;
    const started = now();
    const generation = slot.generation;
    const settle = () => { if (generation === 0) firstJoinsSettled++; };
    const hooks: BotHooks = {
      sent: (b, move, at) => {
        let log = sendLog.get(b.sessionId);
        if (!log) { log = new SendLog(); sendLog.set(b.sessionId, log); }
        log.set(move.x, move.y, at);
      },
      echoed: (_b, _seq, sentAt, at) => { if (measuring) echo.add(at - sentAt); },
      corrected: () => { correctionsTotal++; if (measuring) correctionsInWindow++; },
      closed: (b) => {
        if (slot.bot !== b) return; // left on purpose
        slot.bot = undefined;
        connected--;
        if (!stopping) unexpected++;
      },
    };
    const p = joinBot(new MeteredClient(base, tally), {
      spaceId,
      name: `bot-${slot.index}${generation > 0 ? `.${generation}` : ""}`,
      look: slot.index % LOOK_COUNT,
      facts,
      role: roleFor(opts.scenario, slot.index),
      rng: mulberry32(botSeed(ctx.seed, slot.index, generation)),
      now,
      joinTimeoutMs: JOIN_TIMEOUT_MS,
      hooks,
      decodeState: slot.observer || opts.decodeAll === true,
    }).then(
      async (bot) => {
        joinMs.push(now() - started);
        succeeded++;
        if (stopping) { await bot.leave(); return; }
        const c = bytesOf(bot.room);
        slot.bot = bot;
        slot.lastIn = c?.bytesIn ?? 0;
        slot.lastOut = c?.bytesOut ?? 0;
        slot.baselineAt = now();
        connected++;
        ccuReached = Math.max(ccuReached, connected);
        if (slot.observer) attachObserver(bot);
      },
      (err: unknown) => {
        if (joinErrors.length < 5) joinErrors.push(describeError(err));
      },
    ).finally(() => { slot.joining = false; pendingJoins.delete(p); settle(); });
    pendingJoins.add(p);
  };

  const churn = (slot: Slot) => {
    const bot = slot.bot;
    if (!bot) return;
    slot.bot = undefined;
    connected--;
    slot.generation++;
    void bot.leave().then(() => { if (!stopping) join(slot); });
  };

  // --- timeline ----------------------------------------------------------------------------------
  const t0 = now();
  const rampMs = opts.rampS * 1000;
  const measureStart = t0 + rampMs;
  let nextJoin = 0;
  const ticker = setInterval(() => {
    const t = now();
    while (nextJoin < slots.length && t >= t0 + (opts.bots > 1 ? (rampMs * nextJoin) / opts.bots : 0)) join(slots[nextJoin++]);
    for (const slot of slots) {
      if (slot.bot && !slot.bot.closed && slot.bot.tick(t) === "leave") churn(slot);
    }
  }, TICK_MS);

  let scraping = false;
  const scrape = () => {
    if (scraping) return;
    scraping = true;
    void scrapeMetrics(base, now).then((s) => { if (s) scrapes.push(s); }).finally(() => { scraping = false; });
  };
  const scraper = setInterval(scrape, 1000);
  scrape();

  let lastSampleAt = 0;
  let eluMark = performance.eventLoopUtilization();
  const sampleBandwidth = (push: boolean) => {
    const t = now();
    const dt = (t - lastSampleAt) / 1000;
    let live = 0;
    for (const slot of slots) {
      const c = slot.bot ? bytesOf(slot.bot.room) : undefined;
      if (!slot.bot || !c) continue;
      live++;
      const full = slot.baselineAt <= lastSampleAt; // connected through the whole interval
      if (push && full && dt > 0) {
        downSamples.push((c.bytesIn - slot.lastIn) / KB / dt);
        upSamples.push((c.bytesOut - slot.lastOut) / KB / dt);
        if (slot.observer) { observerBytes += c.bytesIn - slot.lastIn; observerSeconds += dt; }
      }
      slot.lastIn = c.bytesIn;
      slot.lastOut = c.bytesOut;
    }
    if (push) sampleCoverage();
    if (push && dt > 0) {
      clientSeconds += live * dt;
      const e = performance.eventLoopUtilization();
      eluSamples.push(performance.eventLoopUtilization(e, eluMark).utilization);
      eluMark = e;
    }
    lastSampleAt = t;
  };

  function sampleCoverage() {
    const poses: [string, Pose][] = [];
    for (const slot of slots) {
      const pose = slot.bot?.pose;
      if (pose && !slot.bot!.closed) poses.push([slot.bot!.sessionId, pose]);
    }
    for (const slot of slots) {
      const bot = slot.bot;
      const me = bot?.pose;
      if (!slot.observer || !bot || !me || bot.closed) continue;
      const inView = bot.room.state.avatars;
      for (const [id, p] of poses) {
        if (id === bot.sessionId) continue;
        const d = chebyshev(p, me);
        for (const [i, r] of [2, 5].entries()) {
          if (d > r) continue;
          near[i]++;
          if (inView.has(id)) seenNear[i]++;
        }
      }
    }
  }

  ctx.log(`ramping ${opts.bots} joins over ${opts.rampS} s into space ${spaceId}…`);
  await sleep(Math.max(0, measureStart - now()));
  // The window opens once every bot's first join was answered (bounded by the join timeout): a
  // server still sending full states to the ramp's last joiners is not yet in the steady state
  // the figures describe; join latency is reported separately.
  const settleFrom = now();
  while (firstJoinsSettled < opts.bots && now() - settleFrom < JOIN_TIMEOUT_MS) await sleep(100);
  const settleS = (now() - settleFrom) / 1000;
  sampleBandwidth(false);
  eluMark = performance.eventLoopUtilization();
  const cpuMark = process.cpuUsage();
  const windowStart = now();
  measuring = true;
  const measureEnd = now() + opts.durationS * 1000;
  ctx.log(`measuring for ${opts.durationS} s (${connected} connected, ${settleS.toFixed(1)} s after the ramp)…`);
  const sampler = setInterval(() => sampleBandwidth(true), 1000);
  await sleep(Math.max(0, measureEnd - now()));
  clearInterval(sampler);
  sampleBandwidth(true);
  measuring = false;
  const windowEnd = now();
  const windowS = (windowEnd - windowStart) / 1000;
  const cpu = process.cpuUsage(cpuMark);
  const botsCpuPercent = ((cpu.user + cpu.system) / 1000 / (windowEnd - windowStart)) * 100;
  // One more scrape so the window's end is covered, then stop everything (bounded).
  await sleep(1100);
  clearInterval(scraper);
  clearInterval(ticker);
  stopping = true;
  ctx.log("leaving…");
  await Promise.race([Promise.allSettled([...pendingJoins]), sleep(JOIN_TIMEOUT_MS + 1000)]);
  await Promise.race([
    Promise.allSettled(slots.map(async (slot) => { const b = slot.bot; slot.bot = undefined; if (b) await b.leave(3000); })),
    sleep(10_000),
  ]);

  // --- figures -----------------------------------------------------------------------------------
  const inWindow = scrapes.filter((s) => s.at > windowStart + 200 && s.at <= windowEnd + 1200);
  const before = [...scrapes].reverse().find((s) => s.at <= windowStart + 200);
  const last = inWindow[inWindow.length - 1];
  const elus = inWindow.map((s) => s.elu).filter((v): v is number => v !== undefined);
  const rss = inWindow.map((s) => s.rssBytes).filter((v): v is number => v !== undefined);
  const ccus = inWindow.map((s) => s.ccu).filter((v): v is number => v !== undefined);
  const cpuPercent = before?.cpuSeconds !== undefined && last?.cpuSeconds !== undefined && last.at > before.at
    ? ((last.cpuSeconds - before.cpuSeconds) / ((last.at - before.at) / 1000)) * 100 : null;
  let patchMs: Quantiles | null = null;
  if (last?.patchBuckets) {
    const p50 = histogramQuantile(0.5, before?.patchBuckets, last.patchBuckets);
    const p99 = histogramQuantile(0.99, before?.patchBuckets, last.patchBuckets);
    patchMs = { p50: p50 === undefined ? null : p50 * 1000, p99: p99 === undefined ? null : p99 * 1000 };
  }
  const latency = (r: LatencyRecorder): LatencyFigures => ({ p50: r.quantile(0.5), p99: r.quantile(0.99), samples: r.samples, max: r.max });
  const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : null);

  return {
    interest: ctx.interest,
    ccuReached,
    joinSuccessRate: attempted > 0 ? succeeded / attempted : 0,
    joins: { attempted, succeeded, failed: attempted - succeeded, firstErrors: joinErrors },
    joinMs: { p50: quantile(joinMs, 0.5), p99: quantile(joinMs, 0.99) },
    echoMs: latency(echo),
    remoteMs: latency(remote),
    downKBps: { mean: mean(downSamples), p99: quantile(downSamples, 0.99) },
    downByKind: Object.fromEntries([...tally.bytes].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, clientSeconds > 0 ? v / clientSeconds : 0])),
    upKBps: { mean: mean(upSamples), p99: quantile(upSamples, 0.99) },
    server: {
      eluMean: mean(elus),
      eluMax: maxOf(elus),
      cpuPercent,
      rssMB: rss.length ? Math.max(...rss) / 1024 / 1024 : null,
      patchMs,
      ccuMax: maxOf(ccus),
      movesRejected: before && last ? last.movesRejected - before.movesRejected : null,
      scrapes: inWindow.length,
    },
    botsProcess: { eluMean: mean(eluSamples), eluMax: maxOf(eluSamples), cpuPercent: botsCpuPercent },
    bytesPerPositionUpdate: probe.bytes,
    bytesPerPositionUpdateInRun: observerUpdates > 0 ? observerBytes / observerUpdates : null,
    correctionsPerClientPerMin: clientSeconds > 0 ? correctionsInWindow / (clientSeconds / 60) : null,
    correctionsTotal,
    unexpectedDisconnects: unexpected,
    windowS,
    settleS,
    viewCoverage: { within2: near[0] > 0 ? seenNear[0] / near[0] : null, within5: near[1] > 0 ? seenNear[1] / near[1] : null },
    viewChurn: { enteredPerS: observerSeconds > 0 ? observerEntered / observerSeconds : null, leftPerS: observerSeconds > 0 ? observerLeft / observerSeconds : null },
  };
}

/**
 * Bytes one position update costs a watching client: a mover steps back and forth, a watcher
 * counts what it receives (minus its idle baseline) per position change it sees.
 */
async function probeBytesPerUpdate(base: string, facts: MapFacts, spaceId: string, seed: number): Promise<{ bytes: number | null; updates: number }> {
  const now = () => performance.now();
  const common = { spaceId, facts, role: "walker" as const, now, joinTimeoutMs: JOIN_TIMEOUT_MS };
  const mover = await joinBot(new MeteredClient(base), { ...common, name: "probe-mover", look: 0, rng: mulberry32(seed) });
  const watcher = await joinBot(new MeteredClient(base), { ...common, name: "probe-watcher", look: 1, rng: mulberry32(seed + 1) });
  try {
    let updates = 0;
    const seen = watcher.room.state.avatars.get(mover.sessionId);
    let lx = seen?.x ?? -1, ly = seen?.y ?? -1;
    watcher.room.onStateChange(() => {
      const a = watcher.room.state.avatars.get(mover.sessionId);
      if (a && (a.x !== lx || a.y !== ly)) { updates++; lx = a.x; ly = a.y; }
    });
    const counter = bytesOf(watcher.room);
    const home = mover.pose;
    if (!counter || !home) return { bytes: null, updates: 0 };
    const next = [[1, 0], [-1, 0], [0, 1], [0, -1]].map(([dx, dy]) => ({ x: home.x + dx, y: home.y + dy })).find((t) => isWalkable(facts.map, t.x, t.y));
    if (!next) return { bytes: null, updates: 0 };
    await sleep(500);
    const idleFrom = counter.bytesIn, idleAt = now();
    await sleep(1500);
    const idleRate = (counter.bytesIn - idleFrom) / (now() - idleAt);
    const from = counter.bytesIn, at = now(), updatesBefore = updates;
    for (let i = 0; i < 20; i++) {
      const pose = mover.pose;
      if (!pose) break;
      const to = i % 2 === 0 ? next : home;
      const dir = dirOfDelta(to.x - pose.x, to.y - pose.y);
      if (dir !== undefined) mover.sendMove({ x: to.x, y: to.y, dir }, now());
      await sleep(250);
    }
    await sleep(500);
    const observed = updates - updatesBefore;
    const bytes = counter.bytesIn - from - idleRate * (now() - at);
    return { bytes: observed > 0 ? bytes / observed : null, updates: observed };
  } finally {
    await Promise.all([mover.leave(), watcher.leave()]);
  }
}

// --- printing --------------------------------------------------------------------------------------

const pct = (v: number | null) => (v === null ? null : v * 100);
const f = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? "n/a" : v.toFixed(digits));

function rows(r: RunFigures): [string, string][] {
  return [
    ["ccu reached", `${r.ccuReached}`],
    ["joins ok / attempted", `${r.joins.succeeded}/${r.joins.attempted} (${f(r.joinSuccessRate * 100)} %)`],
    ["window opened after the ramp (s)", f(r.settleS)],
    ["in view: people within 2 / 5 tiles (%)", `${f(pct(r.viewCoverage.within2))} / ${f(pct(r.viewCoverage.within5))}`],
    ["view churn: entered / left per s", `${f(r.viewChurn.enteredPerS)} / ${f(r.viewChurn.leftPerS)}`],
    ["join ms p50 / p99", `${f(r.joinMs.p50)} / ${f(r.joinMs.p99)}`],
    ["echo ms p50 / p99 / max (n)", `${f(r.echoMs.p50)} / ${f(r.echoMs.p99)} / ${f(r.echoMs.max)} (${r.echoMs.samples})`],
    ["remote ms p50 / p99 / max (n)", `${f(r.remoteMs.p50)} / ${f(r.remoteMs.p99)} / ${f(r.remoteMs.max)} (${r.remoteMs.samples})`],
    ["down kB/s per client mean / p99", `${f(r.downKBps.mean, 2)} / ${f(r.downKBps.p99, 2)}`],
    ["down B/s per client by kind", Object.entries(r.downByKind).slice(0, 4).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ") || "n/a"],
    ["up kB/s per client mean / p99", `${f(r.upKBps.mean, 2)} / ${f(r.upKBps.p99, 2)}`],
    ["server ELU mean / max", `${f(r.server.eluMean, 2)} / ${f(r.server.eluMax, 2)}`],
    ["server CPU %", f(r.server.cpuPercent)],
    ["server RSS MB (max)", f(r.server.rssMB)],
    ["server patch ms p50 / p99", r.server.patchMs ? `${f(r.server.patchMs.p50, 2)} / ${f(r.server.patchMs.p99, 2)}` : "n/a (no plaza_patch_seconds)"],
    ["server ccu max / moves rejected", `${f(r.server.ccuMax, 0)} / ${f(r.server.movesRejected, 0)}`],
    ["bytes per position update (probe / in run)", `${f(r.bytesPerPositionUpdate)} / ${f(r.bytesPerPositionUpdateInRun)}`],
    ["corrections per client per min (total in run)", `${f(r.correctionsPerClientPerMin, 2)} (${r.correctionsTotal})`],
    ["unexpected disconnects", `${r.unexpectedDisconnects}`],
    ["bots process ELU mean / max, CPU %", `${f(r.botsProcess.eluMean, 2)} / ${f(r.botsProcess.eluMax, 2)}, ${f(r.botsProcess.cpuPercent)}`],
  ];
}

export function formatReport(report: BenchReport): string {
  const on = rows(report);
  const off = report.compare ? rows(report.compare.interestOff) : undefined;
  const w0 = Math.max(...on.map(([k]) => k.length));
  const w1 = Math.max(14, ...on.map(([, v]) => v.length));
  const lines = [
    `Plaza bench: ${report.scenario}, ${report.bots} bots, ${report.durationS} s measured after a ${report.rampS} s ramp (window ${f(report.windowS)} s), seed ${report.seed}, ${report.observers} observers, ${report.decodeAll ? "every bot decodes state" : "only observers decode state"}`,
    `machine: ${report.machine.cpus} × ${report.machine.model}, node ${report.machine.node}`,
    `server: ${report.placement.server}`,
    `bots:   ${report.placement.bots}`,
    "",
  ];
  if (off) lines.push(`${"".padEnd(w0)}  ${`interest ${report.interest}`.padEnd(w1)}  interest off`);
  for (const [i, [k, v]] of on.entries()) lines.push(`${k.padEnd(w0)}  ${off ? `${v.padEnd(w1)}  ${off[i][1]}` : v}`);
  if (report.compare) {
    lines.push("", `off/on ratios: down kB/s mean ${f(report.compare.ratios.downKBpsMean, 2)}, echo p99 ${f(report.compare.ratios.echoP99, 2)}`);
  }
  if (report.joins.firstErrors.length) lines.push("", `join errors (first ${report.joins.firstErrors.length}): ${report.joins.firstErrors.join(" | ")}`);
  return lines.join("\n");
}

// --- CLI -------------------------------------------------------------------------------------------

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: "string", default: "walkers" },
      bots: { type: "string", default: "200" },
      duration: { type: "string", default: "30" },
      ramp: { type: "string", default: "10" },
      url: { type: "string" },
      compare: { type: "boolean", default: false },
      json: { type: "string" },
      seed: { type: "string", default: "1" },
      observers: { type: "string", default: "25" },
      "decode-all": { type: "boolean", default: false },
      "no-pin": { type: "boolean", default: false },
    },
    strict: true,
  });
  const scenario = parseScenario(values.scenario);
  const bots = Number(values.bots);
  return {
    scenario,
    bots,
    durationS: Number(values.duration),
    rampS: Number(values.ramp),
    url: values.url,
    compare: values.compare,
    jsonPath: values.json ?? `bench-output/${scenario}-${bots}.json`,
    pin: !values["no-pin"],
    seed: Number(values.seed),
    observers: Number(values.observers),
    decodeAll: values["decode-all"],
    log: (line) => console.error(`bench: ${line}`),
  };
}

async function main() {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => { void stopLiveServers().finally(() => process.exit(130)); });
  }
  try {
    const report = await runBench(opts);
    console.log(formatReport(report));
    if (opts.jsonPath) console.log(`\nwrote ${opts.jsonPath}`);
    process.exit(0);
  } catch (err) {
    await stopLiveServers();
    if (err instanceof ServerStartError) {
      console.error(`bench: the server failed to start: ${err.message}`);
      process.exit(3);
    }
    if (err instanceof ScenarioUnavailableError) {
      console.error(`bench: ${err.message}`);
      process.exit(2);
    }
    console.error("bench: failed:", err);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main();
}
