/**
 * The benchmark's report (bench.ts): the figures of a run and of the whole bench (the server's from
 * its /metrics scrapes), the table printed for a person, and the JSON file. What each figure means: loadtest/README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { RunnableScenario } from "./behaviour.ts";
import { mean } from "./meter.ts";
import { histogramQuantile, type MetricsSample } from "./serverProcess.ts";

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
  /** `--map`: "office" (the small office) or the template the space was made from. */
  map: string;
  memory: MemoryFigures;
  /** The all-hands arrivals (scenario allhands), else null. */
  allHands: AllHandsFigures | null;
  /** Each bot process (this one, or every --processes child): its ELU over the window and CPU % (100 = a core). */
  processes: { pid: number; eluMean: number | null; cpuPercent: number | null }[];
}

/** The server's memory: RSS before anyone joined, the most in the window, and the difference per person. */
export interface MemoryFigures {
  rssIdleMB: number | null;
  rssFullMB: number | null;
  /** (rssFullMB − rssIdleMB) ÷ the most people connected at once (ccuReached: bots, plus an all-hands' walkers). */
  perWalkerMB: number | null;
  /** ANALYTICS_EMBEDDED as the server ran ("auto" when unset; "unknown" with --url). */
  analyticsEmbedded: string;
}

/** `--scenario allhands`: walkers already in the space while `arrivals` join within `rampS`. */
export interface AllHandsFigures {
  walkers: number;
  arrivals: number;
  rampS: number;
  joinsPerS: number | null;
  /** Joins of the arrivals only: joinOrCreate called → start tile. */
  joinMs: Quantiles & { max: number | null };
  arrivalsJoined: number;
  /** After the ramp's end, until every arrival's join was answered. */
  settleS: number;
  /** The base walkers' echo from the first arrival until every arrival was answered: all samples together… */
  walkerEchoMs: LatencyFigures;
  /** …and per walker: the worst walker's p99, and the median walker's. */
  worstWalkerEchoP99Ms: number | null;
  medianWalkerEchoP99Ms: number | null;
  walkersMeasured: number;
  /** The server over the arrivals. */
  server: RunFigures["server"];
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
  /** Bot processes: 0 = the bots ran in the bench process itself; N = --processes N children. */
  botProcesses: number;
  /** All-hands: the walkers in the space before the arrivals (0 in other scenarios). */
  walkers: number;
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

export const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : null);

/** The server's figures from the /metrics scrapes in the window (and the last one before it). */
export function serverFigures(scrapes: MetricsSample[], windowStart: number, windowEnd: number): RunFigures["server"] {
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
  return {
    eluMean: mean(elus),
    eluMax: maxOf(elus),
    cpuPercent,
    rssMB: rss.length ? Math.max(...rss) / 1024 / 1024 : null,
    patchMs,
    ccuMax: maxOf(ccus),
    movesRejected: before && last ? last.movesRejected - before.movesRejected : null,
    scrapes: inWindow.length,
  };
}

/** Writes the report as JSON, making its directory if needed. */
export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, JSON.stringify(report, null, 2) + "\n");
}

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
    ["server RSS MB idle / full, MB per walker", `${f(r.memory.rssIdleMB)} / ${f(r.memory.rssFullMB)}, ${f(r.memory.perWalkerMB, 3)} (ANALYTICS_EMBEDDED=${r.memory.analyticsEmbedded})`],
    ...allHandsRows(r.allHands),
  ];
}

function allHandsRows(a: AllHandsFigures | null): [string, string][] {
  if (!a) return [];
  return [
    ["all-hands: walkers + arrivals (joins/s)", `${a.walkers} + ${a.arrivals} over ${f(a.rampS)} s (${f(a.joinsPerS)}/s), ${a.arrivalsJoined} joined, settled ${f(a.settleS)} s after`],
    ["all-hands: arrivals' join ms p50 / p99 / max", `${f(a.joinMs.p50)} / ${f(a.joinMs.p99)} / ${f(a.joinMs.max)}`],
    ["all-hands: walkers' echo p99 worst / median walker", `${f(a.worstWalkerEchoP99Ms)} / ${f(a.medianWalkerEchoP99Ms)} (${a.walkersMeasured} walkers)`],
    ["all-hands: walkers' echo ms p50 / p99 / max (n)", `${f(a.walkerEchoMs.p50)} / ${f(a.walkerEchoMs.p99)} / ${f(a.walkerEchoMs.max)} (${a.walkerEchoMs.samples})`],
    ["all-hands: server ELU mean / max, CPU %", `${f(a.server.eluMean, 2)} / ${f(a.server.eluMax, 2)}, ${f(a.server.cpuPercent)}`],
  ];
}

export function formatReport(report: BenchReport): string {
  const on = rows(report);
  const off = report.compare ? rows(report.compare.interestOff) : undefined;
  const w0 = Math.max(...on.map(([k]) => k.length));
  const w1 = Math.max(14, ...on.map(([, v]) => v.length));
  const lines = [
    `Plaza bench: ${report.scenario}, ${report.walkers > 0 ? `${report.walkers} walkers + ` : ""}${report.bots} bots on the ${report.map} map, ${report.durationS} s measured after a ${report.rampS} s ramp (window ${f(report.windowS)} s), seed ${report.seed}, ${report.observers} observers, ${report.decodeAll ? "every bot decodes state" : "only observers decode state"}`,
    `machine: ${report.machine.cpus} × ${report.machine.model}, node ${report.machine.node}`,
    `server: ${report.placement.server}`,
    `bots:   ${report.placement.bots}${report.botProcesses > 0 ? `, in ${report.botProcesses} child processes (pids ${report.processes.map((p) => p.pid).join(", ")})` : ""}`,
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
