/**
 * The crowd of one benchmark run, or this process's share of it (`--processes`, botProcess.ts):
 * a slot per bot (rejoining under a new generation after churn), joins scheduled in phases, each
 * bot's behaviour ticked every TICK_MS, and what the bots and the observers record. It returns
 * raw samples (CrowdSamples); benchMeasure.ts merges those of every share into the figures.
 *
 * Observers (the first `observers` slots, or every bot with `decodeAll`) join with the SDK and
 * decode the synced state; every other bot is a wire bot (wire.ts): a bare socket that counts the
 * bytes of every frame and decodes only its acks.
 */
import { performance } from "node:perf_hooks";
import { Callbacks } from "@colyseus/sdk";
import { avatarTile, type Avatar } from "../shared/state.ts";
import { LOOK_COUNT } from "../shared/looks.ts";
import type { Pose } from "../shared/movement.ts";
import { chebyshev } from "../shared/grid.ts";
import { botSeed, mulberry32, roleFor, type MapFacts, type RunnableScenario } from "./behaviour.ts";
import { joinBot, joinWireBot, SdkBot, type Bot, type BotHooks, type JoinBotOptions } from "./bot.ts";
import { JOIN_TIMEOUT_MS } from "./benchProbe.ts";
import { KindTally, LatencyRecorder, MeteredClient, quantile } from "./meter.ts";
import { sleep } from "./serverProcess.ts";

const KB = 1000;
/** Remote latency counts only observers within this distance (tiles) of the mover. */
const REMOTE_RADIUS_TILES = 10;
const TICK_MS = 25;

const now = () => performance.now();

/** What every share of a crowd is told: the same for all, so slots, roles and seeds agree. */
export interface CrowdPlan {
  base: string;
  spaceId: string;
  scenario: RunnableScenario;
  /** Slots in all (bots, plus the base walkers of an all-hands). */
  total: number;
  /** All-hands: slots below this are the walkers already in the space when the arrivals start. */
  walkers: number;
  seed: number;
  observers: number;
  decodeAll: boolean;
  /** This share owns the slots i with i % count === index. */
  share: { index: number; count: number };
}

/** Latency samples as kept by a LatencyRecorder, mergeable across shares. */
export interface LatencySamples { kept: number[]; count: number; max: number | null }

/** The raw results of one share (plain data: they cross process boundaries as JSON). */
export interface CrowdSamples {
  echo: LatencySamples;
  remote: LatencySamples;
  /** Join times (ms) of every join by phase: "base" (walkers of an all-hands, or everyone) and "ramp" (arrivals). */
  joinMs: { base: number[]; ramp: number[] };
  joinErrors: string[];
  attempted: number;
  succeeded: number;
  ccuReached: number;
  downSamples: number[];
  upSamples: number[];
  downByKind: Record<string, number>;
  clientSeconds: number;
  correctionsTotal: number;
  correctionsInWindow: number;
  unexpected: number;
  observerBytes: number;
  observerUpdates: number;
  observerSeconds: number;
  observerEntered: number;
  observerLeft: number;
  near: number[];
  seenNear: number[];
  /** All-hands: each base walker's echo p99 over the arrivals (ms), and all their echo samples then. */
  walkerRampP99: number[];
  rampEcho: LatencySamples;
  process: { eluSamples: number[]; cpuPercent: number | null; pid: number };
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
  observer: boolean;
  /** Byte counters at the last bandwidth sample (or at join). */
  lastIn: number;
  lastOut: number;
  baselineAt: number;
  /** All-hands base walker: its echo samples while the arrivals join. */
  rampEcho: number[] | undefined;
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.name}${code !== undefined ? ` ${String(code)}` : ""}: ${err.message || "(no message)"}${cause}`;
}

const samplesOf = (r: LatencyRecorder): LatencySamples => ({ kept: r.keptSamples(), count: r.samples, max: r.max });

export class Crowd {
  private readonly echo: LatencyRecorder;
  private readonly remote: LatencyRecorder;
  private readonly rampEcho: LatencyRecorder;
  private readonly joinMs = { base: [] as number[], ramp: [] as number[] };
  private readonly joinErrors: string[] = [];
  private readonly downSamples: number[] = [];
  private readonly upSamples: number[] = [];
  private readonly eluSamples: number[] = [];
  private readonly sendLog = new Map<string, SendLog>();
  private readonly walkerRampP99: number[] = [];
  private attempted = 0; private succeeded = 0; private ccuReached = 0; private unexpected = 0;
  private correctionsTotal = 0; private correctionsInWindow = 0; private clientSeconds = 0;
  private observerBytes = 0; private observerUpdates = 0; private observerSeconds = 0; private observerEntered = 0; private observerLeft = 0;
  private measuring = false;
  private stopping = false;
  /** All-hands arrivals are joining: base walkers' echoes are kept per walker. */
  private arriving = false;
  connected = 0;
  /** First joins answered (either way): the window opens when every owned slot's first join settled. */
  firstJoinsSettled = 0;
  private readonly tally = new KindTally(() => this.measuring);
  /** viewCoverage: people within 2 / 5 tiles of observers, and how many of them were in view. */
  private readonly near = [0, 0];
  private readonly seenNear = [0, 0];
  private readonly slots: Slot[];
  private readonly pendingJoins = new Set<Promise<void>>();
  private readonly timers: Array<ReturnType<typeof setInterval>> = [];
  private lastSampleAt = 0;
  private eluMark = performance.eventLoopUtilization();
  private cpuMark = process.cpuUsage();
  private windowStartedAt = 0;
  private cpuPercent: number | null = null;
  private sampler: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly plan: CrowdPlan, private readonly facts: MapFacts) {
    this.echo = new LatencyRecorder(200_000, mulberry32(plan.seed + 11));
    this.remote = new LatencyRecorder(200_000, mulberry32(plan.seed + 12));
    this.rampEcho = new LatencyRecorder(200_000, mulberry32(plan.seed + 13));
    const { index, count } = plan.share;
    this.slots = [];
    for (let i = index; i < plan.total; i += count) {
      this.slots.push({ index: i, generation: 0, bot: undefined, observer: plan.decodeAll || i < plan.observers, lastIn: 0, lastOut: 0, baselineAt: 0, rampEcho: undefined });
    }
    this.timers.push(setInterval(() => this.tick(), TICK_MS));
  }

  /** Slots of this share whose index is in [from, to). */
  owned(from: number, to: number): number {
    return this.slots.filter((s) => s.index >= from && s.index < to).length;
  }

  /**
   * Joins the owned slots in [from, to), spread evenly over `rampMs` from now by their place in the
   * whole range (so N shares together keep one even rate). `arrivals` marks an all-hands ramp.
   */
  joinPhase(from: number, to: number, rampMs: number, arrivals: boolean) {
    const t0 = now();
    const n = to - from;
    if (arrivals) {
      this.arriving = true;
      for (const slot of this.slots) if (slot.index < this.plan.walkers) slot.rampEcho = [];
    }
    const due = this.slots.filter((s) => s.index >= from && s.index < to).map((s) => ({ slot: s, at: t0 + (n > 1 ? (rampMs * (s.index - from)) / n : 0) }));
    let next = 0;
    const joiner = setInterval(() => {
      const t = now();
      while (next < due.length && t >= due[next].at) this.join(due[next++].slot, arrivals ? "ramp" : "base");
      if (next >= due.length) clearInterval(joiner);
    }, TICK_MS);
    this.timers.push(joiner);
  }

  /** The arrivals are in: each base walker's echo p99 over them is kept. */
  endArrivals() {
    this.arriving = false;
    for (const slot of this.slots) {
      if (!slot.rampEcho) continue;
      const p99 = quantile(slot.rampEcho, 0.99);
      if (p99 !== null) this.walkerRampP99.push(p99);
      slot.rampEcho = undefined;
    }
  }

  private tick() {
    const t = now();
    for (const slot of this.slots) {
      if (slot.bot && !slot.bot.closed && slot.bot.tick(t) === "leave") this.churn(slot);
    }
  }

  /** Opens the measurement window: bandwidth baselines, ELU and CPU marks, a sample a second. */
  openWindow() {
    this.sampleBandwidth(false);
    this.eluMark = performance.eventLoopUtilization();
    this.cpuMark = process.cpuUsage();
    this.windowStartedAt = now();
    this.measuring = true;
    this.sampler = setInterval(() => this.sampleBandwidth(true), 1000);
  }

  closeWindow() {
    clearInterval(this.sampler);
    this.sampleBandwidth(true);
    this.measuring = false;
    const cpu = process.cpuUsage(this.cpuMark);
    const ms = now() - this.windowStartedAt;
    this.cpuPercent = ms > 0 ? ((cpu.user + cpu.system) / 1000 / ms) * 100 : null;
  }

  private attachObserver(bot: SdkBot) {
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
      echoed: (_b, _seq, sentAt, at) => {
        if (this.measuring) this.echo.add(at - sentAt);
        if (this.arriving && slot.rampEcho) { slot.rampEcho.push(at - sentAt); this.rampEcho.add(at - sentAt); }
      },
      corrected: () => { this.correctionsTotal++; if (this.measuring) this.correctionsInWindow++; },
      closed: (b) => {
        if (slot.bot !== b) return; // left on purpose
        slot.bot = undefined;
        this.connected--;
        if (!this.stopping) this.unexpected++;
      },
    };
  }

  private join(slot: Slot, phase: "base" | "ramp") {
    const { plan } = this;
    this.attempted++;
    const started = now();
    const generation = slot.generation;
    const opts: JoinBotOptions = {
      spaceId: plan.spaceId,
      name: `bot-${slot.index}${generation > 0 ? `.${generation}` : ""}`,
      look: slot.index % LOOK_COUNT,
      facts: this.facts,
      role: roleFor(plan.scenario, slot.index),
      rng: mulberry32(botSeed(plan.seed, slot.index, generation)),
      now,
      joinTimeoutMs: JOIN_TIMEOUT_MS,
      hooks: this.hooksFor(slot),
      decodeState: true,
    };
    const joining: Promise<Bot> = slot.observer ? joinBot(new MeteredClient(plan.base, this.tally), opts) : joinWireBot(plan.base, opts, this.tally);
    const p = joining.then(
      async (bot) => {
        this.joinMs[phase].push(now() - started);
        this.succeeded++;
        if (this.stopping) { await bot.leave(); return; }
        const c = bot.bytes;
        slot.bot = bot;
        slot.lastIn = c?.bytesIn ?? 0;
        slot.lastOut = c?.bytesOut ?? 0;
        slot.baselineAt = now();
        this.connected++;
        this.ccuReached = Math.max(this.ccuReached, this.connected);
        if (bot instanceof SdkBot) this.attachObserver(bot);
      },
      (err: unknown) => {
        if (this.joinErrors.length < 5) this.joinErrors.push(describeError(err));
      },
    ).finally(() => { this.pendingJoins.delete(p); if (generation === 0) this.firstJoinsSettled++; });
    this.pendingJoins.add(p);
  }

  private churn(slot: Slot) {
    const bot = slot.bot;
    if (!bot) return;
    slot.bot = undefined;
    this.connected--;
    slot.generation++;
    void bot.leave().then(() => { if (!this.stopping) this.join(slot, "base"); });
  }

  /** Bytes in and out per connected bot since the last sample; `push` records them (in the window). */
  private sampleBandwidth(push: boolean) {
    const t = now();
    const dt = (t - this.lastSampleAt) / 1000;
    let live = 0;
    for (const slot of this.slots) {
      const c = slot.bot?.bytes;
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

  /** Of the people near each observer (this share's bots only: the others' poses live elsewhere), those in its view. */
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
      if (!(bot instanceof SdkBot) || !me || bot.closed) continue;
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

  /** Stops joining and ticking, waits for joins in flight, then every bot leaves (all bounded). */
  async leaveAll() {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    clearInterval(this.sampler);
    await Promise.race([Promise.allSettled([...this.pendingJoins]), sleep(JOIN_TIMEOUT_MS + 1000)]);
    await Promise.race([
      Promise.allSettled(this.slots.map(async (slot) => { const b = slot.bot; slot.bot = undefined; if (b) await b.leave(3000); })),
      sleep(10_000),
    ]);
  }

  samples(): CrowdSamples {
    return {
      echo: samplesOf(this.echo),
      remote: samplesOf(this.remote),
      joinMs: this.joinMs,
      joinErrors: this.joinErrors,
      attempted: this.attempted,
      succeeded: this.succeeded,
      ccuReached: this.ccuReached,
      downSamples: this.downSamples,
      upSamples: this.upSamples,
      downByKind: Object.fromEntries(this.tally.bytes),
      clientSeconds: this.clientSeconds,
      correctionsTotal: this.correctionsTotal,
      correctionsInWindow: this.correctionsInWindow,
      unexpected: this.unexpected,
      observerBytes: this.observerBytes,
      observerUpdates: this.observerUpdates,
      observerSeconds: this.observerSeconds,
      observerEntered: this.observerEntered,
      observerLeft: this.observerLeft,
      near: this.near,
      seenNear: this.seenNear,
      walkerRampP99: this.walkerRampP99,
      rampEcho: samplesOf(this.rampEcho),
      process: { eluSamples: this.eluSamples, cpuPercent: this.cpuPercent, pid: process.pid },
    };
  }
}
