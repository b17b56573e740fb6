/**
 * The Plaza server as a child process for the benchmark, optionally pinned to one CPU, plus the
 * scraper of its Prometheus /metrics. Everything here is bounded: startup, scrapes and shutdown
 * all have timeouts, and only 127.0.0.1 is ever contacted.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { availableParallelism, tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../server/src/net/freePort.ts";
import { sleep } from "../shared/testing/wait.ts";
import { ensureServerBuilt, SERVE_ENTRY, SERVE_ENV, SERVE_NODE_ARGS } from "../tools/build/server.ts";
export { freePort, sleep };

export const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

export class ServerStartError extends Error {
  override name = "ServerStartError";
}

/** True when `taskset` exists and there are at least two CPUs to keep server and bots apart. */
export function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of this process to `cpu`. Returns false when it could not. */
export function pinSelf(cpu: number): boolean {
  try {
    execFileSync("taskset", ["-a", "-cp", String(cpu), String(process.pid)], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}


export interface ServerChild {
  url: string;
  port: number;
  pid: number | undefined;
  /** Where it runs, for the report. */
  placement: string;
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL: crash, SIGTERM: drain) and waits, bounded, for the exit. */
  kill(signal: NodeJS.Signals, timeoutMs?: number): Promise<boolean>;
  /** The last lines it printed. */
  output(): string;
}

/**
 * How long a child may take to answer /livez: ~4 s on an idle machine (tsx, PGlite), but a
 * test run keeps both cores busy and tests start several at once. A bound, not a timing assertion.
 */
const START_TIMEOUT_MS = 60_000;

/** How a server child is started: `node --import tsx server/src/main.ts` (or the bundle) on 127.0.0.1:<free port>; it is waited for by its own /livez (pid). */
type ChildOptions = {
  pinCpu?: number;
  port?: number;
  env?: Record<string, string | undefined>;
  startTimeoutMs?: number;
  /** Runs what `npm start` runs (the server bundle, with its node flags and environment: OP17) instead of the sources through tsx. */
  built?: boolean;
};

/**
 * A free port can be taken by another test's server between freePort() and the child's listen:
 * the child then exits (EADDRINUSE) while the other server answers on "its" port. The child is
 * known by its pid in /livez; a port it chose itself is chosen again, up to three times.
 */
export async function startServerChild(opts: ChildOptions): Promise<ServerChild> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerChildOnce(opts);
    } catch (err) {
      const lostPort = err instanceof ServerStartError && /EADDRINUSE/.test(err.message);
      if (!lostPort || opts.port !== undefined || attempt >= 3) throw err;
    }
  }
}

async function startServerChildOnce(opts: ChildOptions): Promise<ServerChild> {
  const port = opts.port ?? await freePort();
  // Spaces are created on first join (bots name their own), data in a fresh directory removed on
  // stop() — unless the caller passes PLAZA_DATA_DIR (then it is theirs, e.g. to restart on it).
  const ownDataDir = opts.env?.PLAZA_DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), "plaza-child-")) : null;
  // Bots and test clients all come from 127.0.0.1: the per-address limits (AC5, SE7) are lifted
  // unless the caller sets them.
  if (opts.built) await ensureServerBuilt();
  const env: NodeJS.ProcessEnv = {
    ...process.env, ...(opts.built ? SERVE_ENV : {}), PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", PLAZA_AUTO_SPACES: "1",
    SEATS_PER_ADDRESS: "100000", JOINS_PER_ADDRESS: "1000000", SIGNUPS_PER_ADDRESS: "100000", SIGNIN_MAX_FAILS_PER_ADDRESS: "100000",
    ...(ownDataDir ? { PLAZA_DATA_DIR: ownDataDir } : {}),
  };
  delete env.PLAZA_INTEREST;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const nodeArgs = opts.built ? [...SERVE_NODE_ARGS, SERVE_ENTRY] : ["--import", "tsx", "server/src/main.ts"];
  const pinned = opts.pinCpu !== undefined;
  const child: ChildProcess = pinned
    ? spawn("taskset", ["-c", String(opts.pinCpu), process.execPath, ...nodeArgs], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] })
    : spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (b: Buffer) => { tail = (tail + b.toString("utf8")).slice(-4000); };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited: number | null | undefined;
  const exitPromise = new Promise<void>((resolve) => child.once("exit", (code, signal) => { exited = code ?? (signal ? -1 : 0); resolve(); }));
  child.once("error", (err) => { tail += `\n${String(err)}`; exited = -1; });

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === undefined) {
      child.kill("SIGTERM");
      const done = await Promise.race([exitPromise.then(() => true), sleep(8000).then(() => false)]);
      if (!done) {
        child.kill("SIGKILL");
        await Promise.race([exitPromise, sleep(2000)]);
      }
    }
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? START_TIMEOUT_MS);
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new ServerStartError(`server exited during startup (code ${exited}):\n${tail.trim()}`);
    try {
      const res = await fetch(`${url}/livez`, { signal: AbortSignal.timeout(1000) });
      // Only our child counts: another process may have taken the port first (see above).
      if (res.ok && ((await res.json()) as { pid?: number }).pid === child.pid) {
        const kill = async (signal: NodeJS.Signals, timeoutMs = 15_000) => {
          if (exited !== undefined) return true;
          child.kill(signal);
          return Promise.race([exitPromise.then(() => true), sleep(timeoutMs).then(() => false)]);
        };
        return { url, port, pid: child.pid, kill, output: () => tail, placement: pinned ? `cpu ${opts.pinCpu} (taskset -c ${opts.pinCpu}), pid ${child.pid}` : `unpinned, pid ${child.pid}`, stop };
      }
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  await stop();
  throw new ServerStartError(`server did not answer ${url}/livez within ${opts.startTimeoutMs ?? START_TIMEOUT_MS} ms:\n${tail.trim()}`);
}

/** One scrape of /metrics, reduced to what the benchmark reads. */
export interface MetricsSample {
  /** performance.now() of the bench process when the answer arrived. */
  at: number;
  elu: number | undefined;
  cpuSeconds: number | undefined;
  rssBytes: number | undefined;
  ccu: number | undefined;
  movesRejected: number;
  /** Cumulative bucket counts of plaza_patch_seconds by upper bound (s), if the histogram exists. */
  patchBuckets: Map<number, number> | undefined;
}

/** Parses the Prometheus text format lines the benchmark needs. Pure. */
export function parseMetrics(text: string, at: number): MetricsSample {
  const sample: MetricsSample = { at, elu: undefined, cpuSeconds: undefined, rssBytes: undefined, ccu: undefined, movesRejected: 0, patchBuckets: undefined };
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const [, name, labels = "", raw] = m;
    const value = Number(raw);
    if (!Number.isFinite(value) && raw !== "+Inf") continue;
    switch (name) {
      case "plaza_event_loop_utilization": sample.elu = value; break;
      case "process_cpu_seconds_total": sample.cpuSeconds = value; break;
      case "process_resident_memory_bytes": sample.rssBytes = value; break;
      case "plaza_ccu": sample.ccu = value; break;
      case "plaza_moves_rejected_total": sample.movesRejected += value; break;
      case "plaza_patch_seconds_bucket": {
        const le = /le="([^"]+)"/.exec(labels)?.[1];
        if (le === undefined) break;
        const bound = le === "+Inf" ? Infinity : Number(le);
        sample.patchBuckets ??= new Map();
        // Sum over any other labels (e.g. per room).
        sample.patchBuckets.set(bound, (sample.patchBuckets.get(bound) ?? 0) + value);
        break;
      }
    }
  }
  return sample;
}

export async function scrapeMetrics(baseUrl: string, now: () => number, timeoutMs = 2000): Promise<MetricsSample | undefined> {
  try {
    const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    return parseMetrics(await res.text(), now());
  } catch {
    return undefined;
  }
}

/**
 * Quantile from two cumulative histogram snapshots (the difference is the window), with linear
 * interpolation inside the bucket as Prometheus's histogram_quantile does. Returns seconds.
 */
export function histogramQuantile(q: number, start: Map<number, number> | undefined, end: Map<number, number>): number | undefined {
  const bounds = [...end.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (end.get(b) ?? 0) - (start?.get(b) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] >= rank) {
      const lo = i === 0 ? 0 : bounds[i - 1];
      const hi = bounds[i];
      if (!Number.isFinite(hi)) return lo;
      const below = i === 0 ? 0 : counts[i - 1];
      const inBucket = counts[i] - below;
      return inBucket <= 0 ? hi : lo + ((hi - lo) * (rank - below)) / inBucket;
    }
  }
  return bounds.length > 1 ? bounds[bounds.length - 2] : undefined;
}
