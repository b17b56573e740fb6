/**
 * One measured run of the benchmark (bench.ts) against one server: the server's idle memory, the
 * space made ready (benchSpace.ts), the 2-client probe, the crowd joining over the ramp (for an
 * all-hands: the base walkers first, then the arrivals), the window opening once every first join
 * was answered, --duration s of sampling, everyone leaving, and the figures computed from the
 * samples of every share of the crowd (one in this process, or one per --processes child).
 */
import { performance } from "node:perf_hooks";
import { mapFacts } from "./behaviour.ts";
import { fetchSpaceMap } from "./bot.ts";
import { JOIN_TIMEOUT_MS, probeBytesPerUpdate } from "./benchProbe.ts";
import { maxOf, serverFigures, type AllHandsFigures, type Interest, type LatencyFigures, type MemoryFigures, type RunFigures } from "./benchReport.ts";
import { walkersOf, type BenchOptions } from "./benchRun.ts";
import { DEFAULT_MAP, prepareSpace } from "./benchSpace.ts";
import { LocalCrowd, ProcessCrowds, type CrowdDriver } from "./botProcess.ts";
import type { CrowdPlan, CrowdSamples, LatencySamples } from "./crowd.ts";
import { mean, quantile } from "./meter.ts";
import { scrapeMetrics, sleep, type MetricsSample } from "./serverProcess.ts";

export interface RunContext {
  interest: Interest; index: number; seed: number; observers: number; log: (line: string) => void;
  /** ANALYTICS_EMBEDDED as the measured server was started ("unknown" for --url). */
  analyticsEmbedded: string;
}

/** All-hands base walkers join at this rate before the arrivals start. */
const BASE_JOINS_PER_S = 100;
/** Between the base walkers settling and the arrivals: they are walking by then. */
const BASE_CALM_MS = 2000;
const MB = 1024 * 1024;

const now = () => performance.now();

/** The server's /metrics once a second (one scrape at a time) until stopped. */
function startScraper(base: string, scrapes: MetricsSample[]): () => void {
  let scraping = false;
  const scrape = () => {
    if (scraping) return;
    scraping = true;
    void scrapeMetrics(base, now).then((s) => { if (s) scrapes.push(s); }).finally(() => { scraping = false; });
  };
  const timer = setInterval(scrape, 1000);
  scrape();
  return () => clearInterval(timer);
}

/** The server's metrics before anyone joined: a few tries with room to answer (a busy machine is slow). */
async function scrapeIdle(base: string): Promise<MetricsSample | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const s = await scrapeMetrics(base, now, 5000);
    if (s?.rssBytes !== undefined) return s;
  }
  return undefined;
}

/** Waits until `driver` has answered `count` first joins, bounded by the join timeout; seconds waited. */
async function settle(driver: CrowdDriver, count: number): Promise<number> {
  const from = now();
  while (driver.settled < count && now() - from < JOIN_TIMEOUT_MS) await sleep(100);
  return (now() - from) / 1000;
}

export async function measureRun(base: string, opts: BenchOptions, ctx: RunContext): Promise<RunFigures> {
  const map = opts.map ?? DEFAULT_MAP;
  const idle = await scrapeIdle(base);
  const spaceId = `bench-${opts.scenario}-${process.pid}-${ctx.index}`;
  await prepareSpace(base, map, spaceId);
  const probeSpace = `bench-probe-${process.pid}-${ctx.index}`;
  const probe = await probeBytesPerUpdate(base, mapFacts(await fetchSpaceMap(base, probeSpace)), probeSpace, ctx.seed);
  ctx.log(`probe: ${probe.bytes?.toFixed(1) ?? "n/a"} bytes per position update (${probe.updates} updates)`);

  const walkers = walkersOf(opts);
  const total = walkers + opts.bots;
  const plan: Omit<CrowdPlan, "share"> = {
    base, spaceId, scenario: opts.scenario, total, walkers, seed: ctx.seed, observers: ctx.observers, decodeAll: opts.decodeAll === true,
  };
  const processes = opts.processes ?? 0;
  const driver: CrowdDriver = processes > 0 ? await ProcessCrowds.start(plan, processes) : await LocalCrowd.start({ ...plan, share: { index: 0, count: 1 } });
  const scrapes: MetricsSample[] = idle ? [idle] : [];
  const stopScraper = startScraper(base, scrapes);

  let arrivals: { start: number; end: number; settleS: number } | undefined;
  if (walkers > 0) {
    const baseRampMs = (walkers / BASE_JOINS_PER_S) * 1000;
    ctx.log(`${walkers} walkers join over ${(baseRampMs / 1000).toFixed(1)} s into space ${spaceId}…`);
    driver.joinPhase(0, walkers, baseRampMs, false);
    await sleep(baseRampMs);
    await settle(driver, walkers);
    await sleep(BASE_CALM_MS);
    ctx.log(`all-hands: ${opts.bots} arrivals over ${opts.rampS} s…`);
    const start = now();
    driver.joinPhase(walkers, total, opts.rampS * 1000, true);
    await sleep(opts.rampS * 1000);
    const settleS = await settle(driver, total);
    driver.endArrivals();
    arrivals = { start, end: now(), settleS };
  } else {
    ctx.log(`ramping ${opts.bots} joins over ${opts.rampS} s into space ${spaceId}…`);
    driver.joinPhase(0, total, opts.rampS * 1000, false);
    await sleep(opts.rampS * 1000);
  }
  // The window opens once every bot's first join was answered (bounded by the join timeout): a
  // server still sending full states to the ramp's last joiners is not yet in the steady state
  // the figures describe; join latency is reported separately.
  const settleS = arrivals ? arrivals.settleS : await settle(driver, total);
  const windowStart = now();
  driver.openWindow();
  ctx.log(`measuring for ${opts.durationS} s (${driver.connected} connected, ${settleS.toFixed(1)} s after the ramp)…`);
  await sleep(opts.durationS * 1000);
  driver.closeWindow();
  const windowEnd = now();
  // One more scrape so the window's end is covered.
  await sleep(1100);
  stopScraper();
  ctx.log("leaving…");
  const samples = await driver.finish();

  const window = { start: windowStart, end: windowEnd, windowS: (windowEnd - windowStart) / 1000, settleS };
  const figures = computeFigures(samples, scrapes, probe.bytes, window, ctx.interest);
  figures.memory = memoryFigures(idle, figures.server.rssMB, figures.ccuReached, ctx.analyticsEmbedded);
  if (arrivals) figures.allHands = allHandsFigures(samples, scrapes, walkers, opts, arrivals);
  figures.map = map;
  figures.processes = samples.map((s) => ({ pid: s.process.pid, eluMean: mean(s.process.eluSamples), cpuPercent: s.process.cpuPercent }));
  return figures;
}

function memoryFigures(idle: MetricsSample | undefined, fullMB: number | null, people: number, analyticsEmbedded: string): MemoryFigures {
  const idleMB = idle?.rssBytes !== undefined ? idle.rssBytes / MB : null;
  return {
    rssIdleMB: idleMB,
    rssFullMB: fullMB,
    perWalkerMB: idleMB !== null && fullMB !== null && people > 0 ? (fullMB - idleMB) / people : null,
    analyticsEmbedded,
  };
}

/** One set of latency samples out of every share's (their reservoirs together). */
function mergeLatency(parts: LatencySamples[]): LatencyFigures {
  const kept = parts.flatMap((p) => p.kept);
  const maxes = parts.map((p) => p.max).filter((m): m is number => m !== null);
  return { p50: quantile(kept, 0.5), p99: quantile(kept, 0.99), samples: parts.reduce((s, p) => s + p.count, 0), max: maxOf(maxes) };
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

function allHandsFigures(samples: CrowdSamples[], scrapes: MetricsSample[], walkers: number, opts: BenchOptions, a: { start: number; end: number; settleS: number }): AllHandsFigures {
  const joins = samples.flatMap((s) => s.joinMs.ramp);
  const perWalker = samples.flatMap((s) => s.walkerRampP99);
  return {
    walkers,
    arrivals: opts.bots,
    rampS: opts.rampS,
    joinsPerS: opts.rampS > 0 ? opts.bots / opts.rampS : null,
    joinMs: { p50: quantile(joins, 0.5), p99: quantile(joins, 0.99), max: maxOf(joins) },
    arrivalsJoined: joins.length,
    settleS: a.settleS,
    walkerEchoMs: mergeLatency(samples.map((s) => s.rampEcho)),
    worstWalkerEchoP99Ms: maxOf(perWalker),
    medianWalkerEchoP99Ms: quantile(perWalker, 0.5),
    walkersMeasured: perWalker.length,
    server: serverFigures(scrapes, a.start, a.end),
  };
}

function computeFigures(samples: CrowdSamples[], scrapes: MetricsSample[], bytesPerPositionUpdate: number | null, w: { start: number; end: number; windowS: number; settleS: number }, interest: Interest): RunFigures {
  const total = (pick: (s: CrowdSamples) => number) => sum(samples.map(pick));
  const attempted = total((s) => s.attempted);
  const succeeded = total((s) => s.succeeded);
  const joinMs = samples.flatMap((s) => [...s.joinMs.base, ...s.joinMs.ramp]);
  const downSamples = samples.flatMap((s) => s.downSamples);
  const upSamples = samples.flatMap((s) => s.upSamples);
  const clientSeconds = total((s) => s.clientSeconds);
  const byKind = new Map<string, number>();
  for (const s of samples) for (const [k, v] of Object.entries(s.downByKind)) byKind.set(k, (byKind.get(k) ?? 0) + v);
  const near = [0, 1].map((i) => total((s) => s.near[i]));
  const seenNear = [0, 1].map((i) => total((s) => s.seenNear[i]));
  const observerSeconds = total((s) => s.observerSeconds);
  const observerUpdates = total((s) => s.observerUpdates);
  const eluSamples = samples.flatMap((s) => s.process.eluSamples);
  const cpus = samples.map((s) => s.process.cpuPercent).filter((c): c is number => c !== null);
  return {
    interest,
    ccuReached: total((s) => s.ccuReached),
    joinSuccessRate: attempted > 0 ? succeeded / attempted : 0,
    joins: { attempted, succeeded, failed: attempted - succeeded, firstErrors: samples.flatMap((s) => s.joinErrors).slice(0, 5) },
    joinMs: { p50: quantile(joinMs, 0.5), p99: quantile(joinMs, 0.99) },
    echoMs: mergeLatency(samples.map((s) => s.echo)),
    remoteMs: mergeLatency(samples.map((s) => s.remote)),
    downKBps: { mean: mean(downSamples), p99: quantile(downSamples, 0.99) },
    downByKind: Object.fromEntries([...byKind].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, clientSeconds > 0 ? v / clientSeconds : 0])),
    upKBps: { mean: mean(upSamples), p99: quantile(upSamples, 0.99) },
    server: serverFigures(scrapes, w.start, w.end),
    // Per bot process: ELU of each, CPU summed (100 = one core).
    botsProcess: { eluMean: mean(eluSamples), eluMax: maxOf(eluSamples), cpuPercent: cpus.length ? sum(cpus) : null },
    bytesPerPositionUpdate,
    bytesPerPositionUpdateInRun: observerUpdates > 0 ? total((s) => s.observerBytes) / observerUpdates : null,
    correctionsPerClientPerMin: clientSeconds > 0 ? total((s) => s.correctionsInWindow) / (clientSeconds / 60) : null,
    correctionsTotal: total((s) => s.correctionsTotal),
    unexpectedDisconnects: total((s) => s.unexpected),
    windowS: w.windowS,
    settleS: w.settleS,
    viewCoverage: { within2: near[0] > 0 ? seenNear[0] / near[0] : null, within5: near[1] > 0 ? seenNear[1] / near[1] : null },
    viewChurn: {
      enteredPerS: observerSeconds > 0 ? total((s) => s.observerEntered) / observerSeconds : null,
      leftPerS: observerSeconds > 0 ? total((s) => s.observerLeft) / observerSeconds : null,
    },
    map: DEFAULT_MAP,
    memory: memoryFigures(undefined, null, 0, "unknown"),
    allHands: null,
    processes: [],
  };
}
