/**
 * One measured run of the benchmark (bench.ts) against one server: the crowd of bots joins over the
 * ramp, the window opens once every first join was answered, and for --duration s bandwidth, ELU,
 * latencies and view coverage are sampled; then everyone leaves and the figures are computed.
 */
import { performance } from "node:perf_hooks";
import { Callbacks } from "@colyseus/sdk";
import { avatarTile, type Avatar } from "../shared/state.ts";
import { LOOK_COUNT } from "../shared/looks.ts";
import type { Pose } from "../shared/movement.ts";
import { chebyshev } from "../shared/grid.ts";
import { botSeed, mapFacts, mulberry32, roleFor, type MapFacts } from "./behaviour.ts";
import { fetchSpaceMap, joinBot, type Bot, type BotHooks } from "./bot.ts";
import { JOIN_TIMEOUT_MS, probeBytesPerUpdate } from "./benchProbe.ts";
import { maxOf, serverFigures, type Interest, type LatencyFigures, type RunFigures } from "./benchReport.ts";
import type { BenchOptions } from "./benchRun.ts";
import { bytesOf, KindTally, LatencyRecorder, mean, MeteredClient, quantile } from "./meter.ts";
import { scrapeMetrics, sleep, type MetricsSample } from "./serverProcess.ts";

const KB = 1000;
/** Remote latency counts only observers within this distance (tiles) of the mover. */
const REMOTE_RADIUS_TILES = 10;
const TICK_MS = 25;

export interface RunContext { interest: Interest; index: number; seed: number; observers: number; log: (line: string) => void }

const now = () => performance.now();

export async function measureRun(base: string, opts: BenchOptions, ctx: RunContext): Promise<RunFigures> {
  const facts = mapFacts(await fetchSpaceMap(base, "bench-map"));
  const probe = await probeBytesPerUpdate(base, facts, `bench-probe-${process.pid}-${ctx.index}`, ctx.seed);
  ctx.log(`probe: ${probe.bytes?.toFixed(1) ?? "n/a"} bytes per position update (${probe.updates} updates)`);
  const spaceId = `bench-${opts.scenario}-${process.pid}-${ctx.index}`;
  const crowd = new Crowd(base, opts, ctx, facts, spaceId);

  const t0 = now();
  const rampMs = opts.rampS * 1000;
  const measureStart = t0 + rampMs;
  const ticker = crowd.startTicker(t0, rampMs);
  const scraper = crowd.startScraper();

  ctx.log(`ramping ${opts.bots} joins over ${opts.rampS} s into space ${spaceId}…`);
  await sleep(Math.max(0, measureStart - now()));
  // The window opens once every bot's first join was answered (bounded by the join timeout): a
  // server still sending full states to the ramp's last joiners is not yet in the steady state
  // the figures describe; join latency is reported separately.
  const settleFrom = now();
  while (crowd.firstJoinsSettled < opts.bots && now() - settleFrom < JOIN_TIMEOUT_MS) await sleep(100);
  const settleS = (now() - settleFrom) / 1000;
  crowd.sampleBandwidth(false);
  crowd.eluMark = performance.eventLoopUtilization();
  const cpuMark = process.cpuUsage();
  const windowStart = now();
  crowd.measuring = true;
  const measureEnd = now() + opts.durationS * 1000;
  ctx.log(`measuring for ${opts.durationS} s (${crowd.connected} connected, ${settleS.toFixed(1)} s after the ramp)…`);
  const sampler = setInterval(() => crowd.sampleBandwidth(true), 1000);
  await sleep(Math.max(0, measureEnd - now()));
  clearInterval(sampler);
  crowd.sampleBandwidth(true);
  crowd.measuring = false;
  const windowEnd = now();
  const windowS = (windowEnd - windowStart) / 1000;
  const cpu = process.cpuUsage(cpuMark);
  const botsCpuPercent = ((cpu.user + cpu.system) / 1000 / (windowEnd - windowStart)) * 100;
  // One more scrape so the window's end is covered, then stop everything (bounded).
  await sleep(1100);
  clearInterval(scraper);
  clearInterval(ticker);
  crowd.stopping = true;
  ctx.log("leaving…");
  await crowd.leaveAll();
  return crowd.figures(probe.bytes, { start: windowStart, end: windowEnd, windowS, settleS, botsCpuPercent });
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

/** The measurement window, as measureRun saw it. */
interface RunWindow { start: number; end: number; windowS: number; settleS: number; botsCpuPercent: number }

/**
 * The crowd of one run: a slot per bot (rejoining under a new generation after churn), what the
 * bots' hooks and the observers record, and the samplers. measureRun drives the timeline.
 */
class Crowd {
  readonly echo: LatencyRecorder;
  readonly remote: LatencyRecorder;
  readonly joinMs: number[] = [];
  readonly joinErrors: string[] = [];
  readonly downSamples: number[] = [];
  readonly upSamples: number[] = [];
  readonly eluSamples: number[] = [];
  readonly scrapes: MetricsSample[] = [];
  readonly sendLog = new Map<string, SendLog>();
  attempted = 0; succeeded = 0; connected = 0; ccuReached = 0; unexpected = 0;
  correctionsTotal = 0; correctionsInWindow = 0; clientSeconds = 0; observerBytes = 0; observerUpdates = 0;
  observerSeconds = 0; observerEntered = 0; observerLeft = 0;
  measuring = false; stopping = false; firstJoinsSettled = 0;
  readonly tally = new KindTally(() => this.measuring);
  /** viewCoverage: people within 2 / 5 tiles of observers, and how many of them were in view. */
  readonly near = [0, 0];
  readonly seenNear = [0, 0];
  readonly slots: Slot[];
  readonly pendingJoins = new Set<Promise<void>>();
  private lastSampleAt = 0;
  eluMark = performance.eventLoopUtilization();

  constructor(
    private readonly base: string,
    private readonly opts: BenchOptions,
    private readonly ctx: RunContext,
    private readonly facts: MapFacts,
    private readonly spaceId: string,
  ) {
    this.echo = new LatencyRecorder(200_000, mulberry32(ctx.seed + 11));
    this.remote = new LatencyRecorder(200_000, mulberry32(ctx.seed + 12));
    this.slots = Array.from({ length: opts.bots }, (_, i) => ({
      index: i, generation: 0, bot: undefined, joining: false, observer: i < ctx.observers, lastIn: 0, lastOut: 0, baselineAt: 0,
    }));
  }

  /** Joins spread over the ramp, and each bot's behaviour, every TICK_MS. */
  startTicker(t0: number, rampMs: number): ReturnType<typeof setInterval> {
    const { slots, opts } = this;
    let nextJoin = 0;
    return setInterval(() => {
      const t = now();
      while (nextJoin < slots.length && t >= t0 + (opts.bots > 1 ? (rampMs * nextJoin) / opts.bots : 0)) this.join(slots[nextJoin++]);
      for (const slot of slots) {
        if (slot.bot && !slot.bot.closed && slot.bot.tick(t) === "leave") this.churn(slot);
      }
    }, TICK_MS);
  }

  /** The server's /metrics once a second (one scrape at a time), from now on. */
  startScraper(): ReturnType<typeof setInterval> {
    let scraping = false;
    const scrape = () => {
      if (scraping) return;
      scraping = true;
      void scrapeMetrics(this.base, now).then((s) => { if (s) this.scrapes.push(s); }).finally(() => { scraping = false; });
    };
    const scraper = setInterval(scrape, 1000);
    scrape();
    return scraper;
  }

  private attachObserver(bot: Bot) {
    const cb = Callbacks.get(bot.room);
    cb.onAdd("avatars", (avatar: Avatar, key: string) => {
      if (key === bot.key) return;
      if (this.measuring) this.observerEntered++;
      let last = avatarTile(avatar);
      cb.onChange(avatar, () => {
        const tile = avatarTile(avatar);
        if (!tile || (tile.x === last?.x && tile.y === last.y)) return;
        const at = now();
        const stepped = !tile.coarse && last?.coarse === false;
        last = tile;
        if (!this.measuring) return;
        this.observerUpdates++;
        const me = bot.pose;
        // Remote latency: steps between fine tiles only (a coarse tile is late by design, IM9, and
        // one turning fine shows where the avatar has stood, maybe for a while).
        const sentAt = stepped ? this.sendLog.get(key)?.take(tile.x, tile.y) : undefined;
        if (me && sentAt !== undefined && (tile.x - me.x) ** 2 + (tile.y - me.y) ** 2 <= REMOTE_RADIUS_TILES ** 2) this.remote.add(at - sentAt);
      });
    });
    cb.onRemove("avatars", (_avatar: Avatar, key: string) => {
      if (this.measuring && key !== bot.key) this.observerLeft++;
    });
  }

  private hooksFor(slot: Slot): BotHooks {
    return {
      sent: (b, move, at) => {
        let log = this.sendLog.get(b.key);
        if (!log) { log = new SendLog(); this.sendLog.set(b.key, log); }
        log.set(move.x, move.y, at);
      },
      echoed: (_b, _seq, sentAt, at) => { if (this.measuring) this.echo.add(at - sentAt); },
      corrected: () => { this.correctionsTotal++; if (this.measuring) this.correctionsInWindow++; },
      closed: (b) => {
        if (slot.bot !== b) return; // left on purpose
        slot.bot = undefined;
        this.connected--;
        if (!this.stopping) this.unexpected++;
      },
    };
  }

  private join(slot: Slot) {
    const { opts, ctx } = this;
    slot.joining = true;
    this.attempted++;
    const started = now();
    const generation = slot.generation;
    const settle = () => { if (generation === 0) this.firstJoinsSettled++; };
    const hooks = this.hooksFor(slot);
    const p = joinBot(new MeteredClient(this.base, this.tally), {
      spaceId: this.spaceId,
      name: `bot-${slot.index}${generation > 0 ? `.${generation}` : ""}`,
      look: slot.index % LOOK_COUNT,
      facts: this.facts,
      role: roleFor(opts.scenario, slot.index),
      rng: mulberry32(botSeed(ctx.seed, slot.index, generation)),
      now,
      joinTimeoutMs: JOIN_TIMEOUT_MS,
      hooks,
      decodeState: slot.observer || opts.decodeAll === true,
    }).then(
      async (bot) => {
        this.joinMs.push(now() - started);
        this.succeeded++;
        if (this.stopping) { await bot.leave(); return; }
        const c = bytesOf(bot.room);
        slot.bot = bot;
        slot.lastIn = c?.bytesIn ?? 0;
        slot.lastOut = c?.bytesOut ?? 0;
        slot.baselineAt = now();
        this.connected++;
        this.ccuReached = Math.max(this.ccuReached, this.connected);
        if (slot.observer) this.attachObserver(bot);
      },
      (err: unknown) => {
        if (this.joinErrors.length < 5) this.joinErrors.push(describeError(err));
      },
    ).finally(() => { slot.joining = false; this.pendingJoins.delete(p); settle(); });
    this.pendingJoins.add(p);
  }

  private churn(slot: Slot) {
    const bot = slot.bot;
    if (!bot) return;
    slot.bot = undefined;
    this.connected--;
    slot.generation++;
    void bot.leave().then(() => { if (!this.stopping) this.join(slot); });
  }

  /** Bytes in and out per connected bot since the last sample; `push` records them (in the window). */
  sampleBandwidth(push: boolean) {
    const t = now();
    const dt = (t - this.lastSampleAt) / 1000;
    let live = 0;
    for (const slot of this.slots) {
      const c = slot.bot ? bytesOf(slot.bot.room) : undefined;
      if (!slot.bot || !c) continue;
      live++;
      const full = slot.baselineAt <= this.lastSampleAt; // connected through the whole interval
      if (push && full && dt > 0) {
        this.downSamples.push((c.bytesIn - slot.lastIn) / KB / dt);
        this.upSamples.push((c.bytesOut - slot.lastOut) / KB / dt);
        if (slot.observer) { this.observerBytes += c.bytesIn - slot.lastIn; this.observerSeconds += dt; }
      }
      slot.lastIn = c.bytesIn;
      slot.lastOut = c.bytesOut;
    }
    if (push) this.sampleCoverage();
    if (push && dt > 0) {
      this.clientSeconds += live * dt;
      const e = performance.eventLoopUtilization();
      this.eluSamples.push(performance.eventLoopUtilization(e, this.eluMark).utilization);
      this.eluMark = e;
    }
    this.lastSampleAt = t;
  }

  private sampleCoverage() {
    const { slots, near, seenNear } = this;
    const poses: [string, Pose][] = [];
    for (const slot of slots) {
      const pose = slot.bot?.pose;
      if (pose && !slot.bot!.closed) poses.push([slot.bot!.key, pose]);
    }
    for (const slot of slots) {
      const bot = slot.bot;
      const me = bot?.pose;
      if (!slot.observer || !bot || !me || bot.closed) continue;
      const inView = bot.room.state.avatars;
      for (const [id, p] of poses) {
        if (id === bot.key) continue;
        const d = chebyshev(p, me);
        for (const [i, r] of [2, 5].entries()) {
          if (d > r) continue;
          near[i]++;
          if (inView.has(id)) seenNear[i]++;
        }
      }
    }
  }

  /** Waits for joins in flight, then every bot leaves (both bounded). */
  async leaveAll() {
    await Promise.race([Promise.allSettled([...this.pendingJoins]), sleep(JOIN_TIMEOUT_MS + 1000)]);
    await Promise.race([
      Promise.allSettled(this.slots.map(async (slot) => { const b = slot.bot; slot.bot = undefined; if (b) await b.leave(3000); })),
      sleep(10_000),
    ]);
  }

  figures(bytesPerPositionUpdate: number | null, w: RunWindow): RunFigures {
    const { attempted, succeeded, joinMs, downSamples, upSamples, eluSamples, clientSeconds, near, seenNear, observerSeconds } = this;
    const latency = (r: LatencyRecorder): LatencyFigures => ({ p50: r.quantile(0.5), p99: r.quantile(0.99), samples: r.samples, max: r.max });
    return {
      interest: this.ctx.interest,
      ccuReached: this.ccuReached,
      joinSuccessRate: attempted > 0 ? succeeded / attempted : 0,
      joins: { attempted, succeeded, failed: attempted - succeeded, firstErrors: this.joinErrors },
      joinMs: { p50: quantile(joinMs, 0.5), p99: quantile(joinMs, 0.99) },
      echoMs: latency(this.echo),
      remoteMs: latency(this.remote),
      downKBps: { mean: mean(downSamples), p99: quantile(downSamples, 0.99) },
      downByKind: Object.fromEntries([...this.tally.bytes].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, clientSeconds > 0 ? v / clientSeconds : 0])),
      upKBps: { mean: mean(upSamples), p99: quantile(upSamples, 0.99) },
      server: serverFigures(this.scrapes, w.start, w.end),
      botsProcess: { eluMean: mean(eluSamples), eluMax: maxOf(eluSamples), cpuPercent: w.botsCpuPercent },
      bytesPerPositionUpdate,
      bytesPerPositionUpdateInRun: this.observerUpdates > 0 ? this.observerBytes / this.observerUpdates : null,
      correctionsPerClientPerMin: clientSeconds > 0 ? this.correctionsInWindow / (clientSeconds / 60) : null,
      correctionsTotal: this.correctionsTotal,
      unexpectedDisconnects: this.unexpected,
      windowS: w.windowS,
      settleS: w.settleS,
      viewCoverage: { within2: near[0] > 0 ? seenNear[0] / near[0] : null, within5: near[1] > 0 ? seenNear[1] / near[1] : null },
      viewChurn: { enteredPerS: observerSeconds > 0 ? this.observerEntered / observerSeconds : null, leftPerS: observerSeconds > 0 ? this.observerLeft / observerSeconds : null },
    };
  }
}
