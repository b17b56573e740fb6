/**
 * The headless benchmark: starts a Plaza server as a child process (or uses --url), runs N bots
 * (in this process, or in --processes children; observers on the SDK, the rest on a bare socket:
 * wire.ts), and prints + writes latency, bandwidth, memory and server-load figures, then compares
 * them with the previous recorded run (benchHistory.ts).
 *
 *   npm run bench -- --scenario walkers --bots 200 --duration 30 --ramp 10
 *                    [--url http://127.0.0.1:2567] [--compare] [--json out.json]
 *                    [--seed 1] [--observers 25] [--decode-all] [--no-pin]
 *                    [--map event-floor] [--walkers 200] [--processes N] [--no-history]
 *
 * Timeline of one run: start server → idle memory → the space (--map) → 2-client probe (bytes per
 * position update) → joins ramped over --ramp s (allhands: --walkers first, then the arrivals) → --duration s of measurement (the window every rate and latency comes from) →
 * everyone leaves → server stopped. With --compare the same run is repeated against a server
 * started with PLAZA_INTEREST=off. With ≥ 2 CPUs and `taskset`, the server runs on CPU 0 and
 * this process (the bots) on CPU 1. What each figure means: loadtest/README.md.
 *
 * This file is the CLI; the runner is benchRun.ts, one measured run benchMeasure.ts (its probe
 * benchProbe.ts), the report benchReport.ts.
 */
import { parseArgs } from "node:util";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseScenario, ScenarioUnavailableError } from "./behaviour.ts";
import { formatReport } from "./benchReport.ts";
import { appendHistory, formatComparison, historyEntry, HISTORY_FILE, previousRun, readHistory } from "./benchHistory.ts";
import { runBench, stopLiveServers, type BenchOptions } from "./benchRun.ts";
import { ServerStartError } from "./serverProcess.ts";

export { runBench, stopLiveServers, type BenchOptions } from "./benchRun.ts";
export {
  BYTES_PER_UPDATE_METHOD, formatReport,
  type BenchReport, type Interest, type LatencyFigures, type Quantiles, type RunFigures,
} from "./benchReport.ts";

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
      map: { type: "string", default: "office" },
      walkers: { type: "string" },
      processes: { type: "string", default: "0" },
      "no-history": { type: "boolean", default: false },
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
    map: values.map,
    walkers: values.walkers !== undefined ? Number(values.walkers) : undefined,
    processes: Number(values.processes),
    historyPath: values["no-history"] ? undefined : HISTORY_FILE,
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
    if (opts.historyPath) {
      const entry = historyEntry(report);
      console.log(`\n${formatComparison(previousRun(readHistory(opts.historyPath), entry), entry)}`);
      appendHistory(entry, opts.historyPath);
      console.log(`\nappended to ${relative(process.cwd(), opts.historyPath)}`);
    }
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
