/**
 * The bench's history: every CLI run appends one line of JSON (its key figures) to
 * loadtest/history.jsonl, a file in the repository, and the printed report ends with a table
 * comparing this run with the last recorded run of the same scenario, crowd and map.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BenchReport } from "./benchReport.ts";

export const HISTORY_FILE = fileURLToPath(new URL("./history.jsonl", import.meta.url));

/** One line of the history. `figures` are numbers (or null when the run could not measure them). */
export interface HistoryEntry {
  startedAt: string;
  commit: string | null;
  scenario: string;
  bots: number;
  walkers: number;
  map: string;
  interest: string;
  durationS: number;
  rampS: number;
  botProcesses: number;
  machine: string;
  figures: Record<string, number | null>;
}

/** The figures a history line keeps, by the name the comparison table shows; lower is better unless said. */
const FIGURES: { name: string; of: (r: BenchReport) => number | null | undefined; higherIsBetter?: boolean }[] = [
  { name: "joins ok %", of: (r) => r.joinSuccessRate * 100, higherIsBetter: true },
  { name: "join ms p99", of: (r) => r.joinMs.p99 },
  { name: "echo ms p50", of: (r) => r.echoMs.p50 },
  { name: "echo ms p99", of: (r) => r.echoMs.p99 },
  { name: "remote ms p99", of: (r) => r.remoteMs.p99 },
  { name: "down kB/s per client", of: (r) => r.downKBps.mean },
  { name: "in view within 2 tiles %", of: (r) => (r.viewCoverage.within2 === null ? null : r.viewCoverage.within2 * 100), higherIsBetter: true },
  { name: "server ELU mean", of: (r) => r.server.eluMean },
  { name: "server CPU %", of: (r) => r.server.cpuPercent },
  { name: "server RSS MB idle", of: (r) => r.memory.rssIdleMB },
  { name: "server RSS MB full", of: (r) => r.memory.rssFullMB },
  { name: "server MB per walker", of: (r) => r.memory.perWalkerMB },
  { name: "all-hands join ms p99", of: (r) => r.allHands?.joinMs.p99 },
  { name: "all-hands worst walker echo p99", of: (r) => r.allHands?.worstWalkerEchoP99Ms },
  { name: "bots ELU mean", of: (r) => r.botsProcess.eluMean },
];

function commitOf(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: fileURLToPath(new URL(".", import.meta.url)), encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] }).trim() || null;
  } catch {
    return null;
  }
}

export function historyEntry(r: BenchReport): HistoryEntry {
  const figures: Record<string, number | null> = {};
  for (const fig of FIGURES) {
    const v = fig.of(r);
    figures[fig.name] = v === undefined || v === null || !Number.isFinite(v) ? null : Number(v.toFixed(4));
  }
  return {
    startedAt: r.startedAt, commit: commitOf(), scenario: r.scenario, bots: r.bots, walkers: r.walkers, map: r.map, interest: r.interest,
    durationS: r.durationS, rampS: r.rampS, botProcesses: r.botProcesses, machine: `${r.machine.cpus} × ${r.machine.model}`, figures,
  };
}

/** The entries of a history file, oldest first; unreadable lines are skipped. */
export function readHistory(path = HISTORY_FILE): HistoryEntry[] {
  if (!existsSync(path)) return [];
  const out: HistoryEntry[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as HistoryEntry;
      if (e && typeof e.scenario === "string" && e.figures) out.push(e);
    } catch {
      // a hand-edited or half-written line: not a run to compare with
    }
  }
  return out;
}

/** The last entry run like `e`: same scenario, bots, walkers, map and interest. */
export function previousRun(history: HistoryEntry[], e: HistoryEntry): HistoryEntry | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    if (h.scenario === e.scenario && h.bots === e.bots && (h.walkers ?? 0) === e.walkers && h.map === e.map && h.interest === e.interest) return h;
  }
  return undefined;
}

export function appendHistory(e: HistoryEntry, path = HISTORY_FILE): void {
  appendFileSync(path, JSON.stringify(e) + "\n");
}

const show = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The comparison table: figure, previous, now, change (%, and whether it is better). Pure. */
export function formatComparison(prev: HistoryEntry | undefined, e: HistoryEntry): string {
  const head = `${e.scenario}, ${e.walkers > 0 ? `${e.walkers} walkers + ` : ""}${e.bots} bots, ${e.map} map, interest ${e.interest}`;
  if (!prev) return `Compared with the previous run (${head}): none recorded yet.`;
  const rows: string[][] = [["figure", `previous (${prev.startedAt.slice(0, 16)}Z${prev.commit ? ` ${prev.commit}` : ""})`, "now", "change"]];
  for (const fig of FIGURES) {
    const a = prev.figures[fig.name];
    const b = e.figures[fig.name];
    if ((a === null || a === undefined) && (b === null || b === undefined)) continue;
    let change = "";
    if (a !== null && a !== undefined && b !== null && b !== undefined && a !== 0) {
      const pct = ((b - a) / Math.abs(a)) * 100;
      const better = fig.higherIsBetter ? pct > 0 : pct < 0;
      change = `${pct >= 0 ? "+" : ""}${pct.toFixed(1)} %${Math.abs(pct) >= 5 ? (better ? " better" : " worse") : ""}`;
    }
    rows.push([fig.name, show(a), show(b), change]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd());
  return [`Compared with the previous run (${head}):`, lines[0], widths.map((w) => "-".repeat(w)).join("  "), ...lines.slice(1)].join("\n");
}
