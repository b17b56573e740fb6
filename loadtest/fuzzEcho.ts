/**
 * What an attack costs the people in a space (SPEC BI4, SE1): one walker's move → ack echo, p50
 * and p99, while the space is quiet and while fuzzers throw `--per-type` payloads at each message
 * type — the real ones and the names that mean something to Colyseus or JavaScript ("*",
 * "__proto__", "", NaN…) — through the SDK and as raw frames (server/test/fuzzFrames.ts). A
 * measurement, not a test: it prints figures (target: fuzzed p99 within 20 % of quiet).
 *
 *   node --import tsx loadtest/fuzzEcho.ts [--per-type 10000] [--fuzzers 32] [--rate 40]
 *        [--rounds 6] [--quiet-steps 600] [--seed 1] [--no-pin] [--control [--frames-per-seat 36]]
 *        [--join-limit 60]  (the server's JOINS_PER_ADDRESS, SE7; unset: lifted like every test server's)
 *        [--url http://127.0.0.1:2567]   (a server you started, e.g. to see its output; it needs
 *                                         PLAZA_AUTO_SPACES=1 and SEATS_PER_ADDRESS raised)
 *
 * Quiet and fuzzed windows alternate (`--rounds` of each), so a machine whose other load drifts
 * during the run weighs on both alike; figures are pooled over the windows of each kind. Fuzz
 * seats send `--rate` frames a second each, a little over the flood guard's 20/s (BI1), so most
 * frames are parsed before the room lets the seat go (BI1/BI2); a seat let go is replaced at once.
 * The fuzzers run in a child process at lower CPU priority, so that their own work delays the
 * walker's event loop as little as possible; with ≥ 2 CPUs and `taskset` the server runs on CPU 0,
 * the walker and the fuzzers on CPU 1.
 *
 * `--control` is the same seat churn and frame rate with nothing hostile in it (every frame a
 * valid `status`, each seat leaving after `--frames-per-seat`, about what a fuzz seat lasts): what
 * joins and leaves alone cost, to tell apart from what the garbage costs. Beside the echo it reads
 * the server's own event-loop delay once a second (/metrics) and, on Linux, how long the server's
 * main thread waited for a CPU another process had (/proc/<pid>/schedstat): on a shared machine
 * that, not the server, is often what a p99 measures.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { setPriority } from "node:os";
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { Client } from "@colyseus/sdk";
import { canPin, pinSelf, scrapeMetrics, startServerChild, sleep, type MetricsSample, type ServerChild } from "./serverProcess.ts";
import { quantile } from "./meter.ts";
import { FUZZER_CLOSE_CODES, FuzzSeat, REAL_TYPES, Walker, frameOfType, mulberry32, type FuzzFrame, type FuzzType } from "../server/test/fuzzFrames.ts";
import { PROTOCOL_VERSION, SPACE_ROOM, STATUSES } from "../shared/protocol.ts";
import { STEP_MS } from "../shared/constants.ts";

const SPACE = "fuzz-echo";
/** A window whose server waited less than this for a CPU (ms per s) was not disturbed by the machine. */
const CLEAN_WAIT_MS = 50;

/** The real types and the special names an attacker tries first. */
export const FUZZ_TYPES: readonly FuzzType[] = [
  ...REAL_TYPES,
  "*", "__proto__", "constructor", "toString", "hasOwnProperty", "_$bmove", "", "x".repeat(1200),
  0, -1, 2 ** 31, { float64: NaN },
];

const typeName = (t: FuzzType) => (typeof t === "object" ? `f64(${t.float64})` : typeof t === "string" ? (t.length > 20 ? `"${t[0]}"×${t.length}` : JSON.stringify(t)) : String(t));

// ---- the fuzz side (a child process) ----

interface FuzzPlan {
  url: string; perType: number; fuzzers: number; rate: number; seed: number;
  /** Control run: the same seat churn and frame rate, but every frame a valid `status` and each seat leaves after framesPerSeat. */
  control: boolean; framesPerSeat: number;
}
interface FuzzProgress {
  /** Frames handed out so far (the window ends when this reaches what the parent allowed). */
  issued: number; sent: number; total: number; seats: number; joinErrors: number;
  closes: Record<string, number>; via: Record<string, number>; perType: Record<string, number>;
}
/** Parent → child: the plan, then how many frames (in all) may be sent so far. */
type ToFuzzer = { plan: FuzzPlan } | { allow: number };
/** Child → parent. */
type FromFuzzer = { ready: true } | { progress: FuzzProgress } | { error: string };

/**
 * FUZZ_TYPES round-robin, `plan.fuzzers` seats at `plan.rate` frames/s each, up to `allowed()`
 * frames in all (the parent opens one window at a time); seats idle while no window is open.
 */
async function runFuzzers(plan: FuzzPlan, allowed: () => number, report: (p: FuzzProgress) => void): Promise<void> {
  const total = plan.perType * FUZZ_TYPES.length;
  const p: FuzzProgress = { issued: 0, sent: 0, total, seats: 0, joinErrors: 0, closes: {}, via: {}, perType: {} };
  const paceMs = 1000 / plan.rate;
  const timer = setInterval(() => report(p), 200);
  const lane = async (i: number) => {
    const rng = mulberry32((plan.seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0);
    let seat: FuzzSeat | undefined;
    let onSeat = 0;
    let consecutiveErrors = 0;
    let due = performance.now();
    while (p.issued < total) {
      if (p.issued >= allowed()) {
        await sleep(20);
        due = performance.now();
        continue;
      }
      if (!seat?.open || (plan.control && onSeat >= plan.framesPerSeat)) {
        if (seat) {
          const closedBy = await waitClosed(seat);
          if (closedBy !== undefined) p.closes[closedBy] = (p.closes[closedBy] ?? 0) + 1;
          await seat.leave();
        }
        try {
          const o = { spaceId: SPACE, name: `Fuzzer ${i}` };
          seat = rng() < 0.7 ? await FuzzSeat.joinSdk(plan.url, o) : await FuzzSeat.joinRaw(plan.url, o, rng() < 0.8);
          consecutiveErrors = 0;
        } catch (e) {
          seat = undefined;
          p.joinErrors++;
          if (++consecutiveErrors > 50) throw new Error(`fuzzer ${i}: 50 joins failed in a row: ${(e as Error).message}`);
          await sleep(100);
          continue;
        }
        p.seats++;
        onSeat = 0;
        due = performance.now();
        continue; // other lanes sent meanwhile: look at the window again
      }
      const type = FUZZ_TYPES[p.issued % FUZZ_TYPES.length];
      p.issued++;
      onSeat++;
      const f: FuzzFrame = plan.control ? { via: "send", type: "status", payload: { status: STATUSES[onSeat % STATUSES.length] } } : frameOfType(type, rng);
      if (seat.deliver(f)) {
        p.sent++;
        p.via[f.via] = (p.via[f.via] ?? 0) + 1;
        const name = plan.control ? "status (valid)" : typeName(type);
        p.perType[name] = (p.perType[name] ?? 0) + 1;
      }
      due += paceMs;
      await sleep(Math.max(0, due - performance.now()));
    }
    if (seat) {
      const closedBy = seat.open ? undefined : await waitClosed(seat);
      if (closedBy !== undefined) p.closes[closedBy] = (p.closes[closedBy] ?? 0) + 1;
      await seat.leave();
    }
  };
  try {
    await Promise.all(Array.from({ length: plan.fuzzers }, (_, i) => lane(i)));
  } finally {
    clearInterval(timer);
  }
  report(p);
}

async function waitClosed(seat: FuzzSeat): Promise<number | undefined> {
  const deadline = performance.now() + 2000;
  while (!seat.open && seat.closed === undefined && performance.now() < deadline) await sleep(5);
  return seat.closed;
}

// ---- the measuring side ----

/** One window of walking: the walker's echoes and what the server did meanwhile. */
interface Window {
  echoes: number[];
  seconds: number;
  /** Worst event-loop delay of the server in each second, ms. */
  loopMaxMs: number[];
  /** Server CPU, in cores; its event-loop utilization; ms per s its main thread waited for a CPU. */
  cpu?: number; elu?: number; cpuWait?: number;
}

/**
 * The server's main thread, from Linux's /proc/<pid>/schedstat: ns on a CPU and ns runnable but
 * waiting for one (another process had it). Undefined off Linux or for a server not started here.
 */
function schedstat(pid: number | undefined): { wait: number; at: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const [, wait] = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(/\s+/).map(Number);
    return { wait, at: performance.now() };
  } catch {
    return undefined;
  }
}

/** The server's event loop since the previous scrape: its longest delay (ms) and its utilization. */
async function serverLoop(url: string): Promise<{ delayMaxMs?: number; elu?: number } | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    const read = (name: string) => { const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text); return m ? Number(m[1]) : undefined; };
    const lag = read("nodejs_eventloop_lag_max_seconds");
    return { delayMaxMs: lag === undefined ? undefined : lag * 1000, elu: read("plaza_event_loop_utilization") };
  } catch {
    return undefined;
  }
}

/** Server CPU use between two scrapes, in cores. */
function serverCpu(a: MetricsSample | undefined, b: MetricsSample | undefined): number | undefined {
  if (!a || !b || a.cpuSeconds === undefined || b.cpuSeconds === undefined) return undefined;
  return (b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000);
}

/** Walks at walking pace while `keepGoing()`, sampling the server once a second. */
async function walkWindow(walker: Walker, keepGoing: () => boolean, url: string, pid: number | undefined): Promise<Window> {
  const from = walker.echoesMs.length;
  const started = performance.now();
  const s0 = schedstat(pid);
  const m0 = await scrapeMetrics(url, () => performance.now());
  const loopMaxMs: number[] = [];
  const elus: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    await serverLoop(url); // both gauges measure from one scrape to the next: start afresh
    while (sampling) {
      await sleep(1000);
      const v = await serverLoop(url);
      if (v?.delayMaxMs !== undefined) loopMaxMs.push(v.delayMaxMs);
      if (v?.elu !== undefined) elus.push(v.elu);
    }
  })();
  while (keepGoing()) {
    const echo = await walker.step();
    await sleep(Math.max(0, STEP_MS - echo));
  }
  sampling = false;
  await sampler;
  const m1 = await scrapeMetrics(url, () => performance.now());
  const s1 = schedstat(pid);
  return {
    echoes: walker.echoesMs.slice(from),
    seconds: (performance.now() - started) / 1000,
    loopMaxMs,
    cpu: serverCpu(m0, m1),
    elu: elus.length ? elus.reduce((a, b) => a + b, 0) / elus.length : undefined,
    cpuWait: s0 && s1 ? (s1.wait - s0.wait) / 1e6 / ((s1.at - s0.at) / 1000) : undefined,
  };
}

/** Windows of one kind pooled: all echoes and loop delays; time-weighted server figures. */
function pooled(ws: Window[]): Window {
  const seconds = ws.reduce((a, w) => a + w.seconds, 0);
  const weighted = (k: "cpu" | "elu" | "cpuWait") => (ws.every((w) => w[k] !== undefined) && seconds > 0 ? ws.reduce((a, w) => a + w[k]! * w.seconds, 0) / seconds : undefined);
  return { echoes: ws.flatMap((w) => w.echoes), seconds, loopMaxMs: ws.flatMap((w) => w.loopMaxMs), cpu: weighted("cpu"), elu: weighted("elu"), cpuWait: weighted("cpuWait") };
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${v.toFixed(1)} ms`);
const pct = (v: number | undefined) => (v === undefined ? "–" : `${(v * 100).toFixed(0)} %`);
const perS = (v: number | undefined) => (v === undefined ? "–" : `${v.toFixed(0)} ms/s`);
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : null);

/** A server of someone else's (--url): loopback only, not started or stopped here. */
function externalServer(url: string): Pick<ServerChild, "url" | "placement" | "output" | "stop"> {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost") throw new Error(`--url must point at 127.0.0.1 (got ${host})`);
  return { url: url.replace(/\/$/, ""), placement: `external (${url})`, output: () => "(external server: see its own output)", stop: async () => undefined };
}

interface MeasureOptions {
  perType: number; fuzzers: number; rate: number; rounds: number; quietSteps: number; seed: number;
  pin: boolean; control: boolean; framesPerSeat: number; url?: string;
  /** JOINS_PER_ADDRESS for the server (SE7); unset: lifted, as for every test server. */
  joinLimit?: number;
}

async function measure(opts: MeasureOptions) {
  const pinned = opts.pin && !opts.url && canPin() && pinSelf(1);
  const server = opts.url
    ? externalServer(opts.url)
    : await startServerChild({ pinCpu: pinned ? 0 : undefined, env: { SEATS_PER_ADDRESS: "100000", LOG_LEVEL: "fatal", ...(opts.joinLimit ? { JOINS_PER_ADDRESS: String(opts.joinLimit) } : {}) } });
  const pid = opts.url ? undefined : (server as ServerChild).pid;
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await server.stop();
  };
  process.once("SIGINT", () => { void cleanup().finally(() => process.exit(130)); });
  try {
    const total = opts.perType * FUZZ_TYPES.length;
    console.log(`fuzzEcho: server ${server.placement}; walker and fuzzers ${pinned ? "on cpu 1" : "unpinned"}`);
    console.log(opts.control
      ? `CONTROL run: ${total} valid \`status\` frames, ${opts.fuzzers} seats at ${opts.rate}/s each, each seat leaving after ${opts.framesPerSeat} (join churn without garbage)`
      : `fuzz plan: ${FUZZ_TYPES.length} types × ${opts.perType} payloads = ${total} frames, ${opts.fuzzers} seats at ${opts.rate}/s each (seed ${opts.seed})`);
    console.log(`${opts.rounds} rounds of a quiet window (${Math.ceil(opts.quietSteps / opts.rounds)} moves) then a fuzzed one (${Math.ceil(total / opts.rounds)} frames), then a last quiet window`);
    const walker = await Walker.join(server.url, SPACE, "Walker");
    const roomId = walker.room.roomId;

    child = fork(fileURLToPath(import.meta.url), ["--fuzz-child"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let progress: FuzzProgress | undefined;
    let fuzzError: string | undefined;
    const ready = new Promise<void>((res) => child!.once("message", () => res()));
    child.on("message", (m: FromFuzzer) => {
      if ("progress" in m) progress = m.progress;
      if ("error" in m) fuzzError = m.error;
    });
    child.once("exit", (code) => { if (!progress || progress.issued < total) fuzzError ??= `fuzz process exited (${code})`; });
    await ready;
    const toChild = (m: ToFuzzer) => child!.send(m);
    toChild({ plan: { url: server.url, perType: opts.perType, fuzzers: opts.fuzzers, rate: opts.rate, seed: opts.seed, control: opts.control, framesPerSeat: opts.framesPerSeat } });

    for (let i = 0; i < 20; i++) { await walker.step(); await sleep(STEP_MS); } // warm-up, not counted
    const quietWindows: Window[] = [];
    const fuzzWindows: Window[] = [];
    const quietWindow = async () => {
      let n = 0;
      quietWindows.push(await walkWindow(walker, () => n++ < Math.ceil(opts.quietSteps / opts.rounds), server.url, pid));
    };
    const started = performance.now();
    let fuzzSeconds = 0;
    for (let r = 1; r <= opts.rounds; r++) {
      await quietWindow();
      const allow = Math.min(total, Math.ceil((total * r) / opts.rounds));
      toChild({ allow });
      fuzzWindows.push(await walkWindow(walker, () => fuzzError === undefined && (progress?.issued ?? 0) < allow, server.url, pid));
      if (fuzzError) throw new Error(`fuzzing stopped: ${fuzzError}`);
      const [q, f] = [quietWindows.at(-1)!, fuzzWindows.at(-1)!];
      fuzzSeconds += f.seconds;
      console.log(`  round ${r}: quiet p99 ${ms(quantile(q.echoes, 0.99))} (cpu wait ${perS(q.cpuWait)}), fuzzed p99 ${ms(quantile(f.echoes, 0.99))} (cpu wait ${perS(f.cpuWait)}); ${progress?.sent ?? 0}/${total} frames, ${progress?.seats ?? 0} seats, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    await quietWindow();
    await until(() => child!.exitCode !== null, 10_000); // its last seats left, its last report sent

    // BI4: the room and its people are unharmed.
    const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, (e) => String(e));
    const fresh = await new Client(server.url).joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId: SPACE, name: "Newcomer", look: 0, client: "bot" });
    fresh.onMessage("*", () => undefined);
    const sameRoom = fresh.roomId === roomId;
    await fresh.leave();

    const p = progress!;
    const rows = [["quiet", pooled(quietWindows)], ["fuzzed", pooled(fuzzWindows)]] as const;
    console.log("");
    console.log("pooled   moves   echo p50   echo p99   echo max   server cpu   server elu   cpu wait   loop delay, worst per s: p50 / max");
    for (const [name, w] of rows) {
      console.log(`${name.padEnd(8)} ${String(w.echoes.length).padStart(5)}   ${ms(quantile(w.echoes, 0.5)).padStart(8)}   ${ms(quantile(w.echoes, 0.99)).padStart(8)}   ${ms(max(w.echoes)).padStart(8)}   ${pct(w.cpu).padStart(10)}   ${pct(w.elu).padStart(10)}   ${perS(w.cpuWait).padStart(8)}   ${ms(quantile(w.loopMaxMs, 0.5))} / ${ms(max(w.loopMaxMs))}`);
    }
    console.log("(cpu wait: ms per second the server's main thread was ready to run but another process had its CPU)");
    const [q, f] = rows.map(([, w]) => ({ p50: quantile(w.echoes, 0.5), p99: quantile(w.echoes, 0.99) }));
    const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);
    const r99 = ratio(f.p99, q.p99);
    console.log(`fuzzed/quiet: p50 × ${ratio(f.p50, q.p50)?.toFixed(2) ?? "–"}, p99 × ${r99?.toFixed(2) ?? "–"} (target p99 ≤ × 1.20: ${r99 !== null && r99 <= 1.2 ? "met" : "NOT met"})`);
    // The same, over the rounds where the machine left the server's CPU alone in both windows.
    const clean = quietWindows.slice(0, fuzzWindows.length).map((qw, i) => [qw, fuzzWindows[i]] as const)
      .filter(([qw, fw]) => qw.cpuWait !== undefined && fw.cpuWait !== undefined && qw.cpuWait < CLEAN_WAIT_MS && fw.cpuWait < CLEAN_WAIT_MS);
    if (pid !== undefined) {
      const cq = quantile(pooled(clean.map(([qw]) => qw)).echoes, 0.99);
      const cf = quantile(pooled(clean.map(([, fw]) => fw)).echoes, 0.99);
      console.log(`rounds with cpu wait < ${CLEAN_WAIT_MS} ms/s in both windows: ${clean.length} of ${fuzzWindows.length}${clean.length ? `; there quiet p99 ${ms(cq)}, fuzzed p99 ${ms(cf)}, × ${ratio(cf, cq)?.toFixed(2) ?? "–"}` : ""}`);
    }
    console.log(`fuzz: ${p.sent} frames in ${fuzzSeconds.toFixed(0)} s of fuzzed windows (${(p.sent / fuzzSeconds).toFixed(0)}/s) on ${p.seats} seats (${p.joinErrors} failed joins); by path ${JSON.stringify(p.via)}`);
    const unexpected = Object.keys(p.closes).filter((c) => !FUZZER_CLOSE_CODES.has(Number(c)));
    console.log(`seats let go with ${JSON.stringify(p.closes)}${unexpected.length ? ` — UNEXPECTED: ${unexpected.join(", ")}` : ""}`);
    console.log(`per type: ${Object.entries(p.perType).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    console.log(`after: /healthz ${health}, walker ${walker.left === undefined ? "still seated, every move acked" : `let go (${walker.left})`}, newcomer ${sameRoom ? "joined the same room" : `got another room (${fresh.roomId} ≠ ${roomId})`}`);
    await walker.leave();
  } catch (e) {
    console.error(`fuzzEcho failed: ${(e as Error).message}`);
    console.error(`server output (tail):\n${server.output().slice(-2000)}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond() && performance.now() < deadline) await sleep(20);
}

/** The child: waits for its plan, then fuzzes window by window as the parent allows. */
function fuzzChild() {
  try { setPriority(10); } catch { /* not allowed here: run at normal priority */ }
  let allowed = 0;
  const send = (m: FromFuzzer) => process.send!(m);
  process.on("message", (m: ToFuzzer) => {
    if ("allow" in m) allowed = m.allow;
    else {
      runFuzzers(m.plan, () => allowed, (progress) => send({ progress })).then(
        () => process.disconnect(),
        (e: Error) => { send({ error: e.message }); process.disconnect(); },
      );
    }
  });
  send({ ready: true });
}

async function main() {
  if (process.argv.includes("--fuzz-child")) return fuzzChild();
  const { values } = parseArgs({
    options: {
      "per-type": { type: "string", default: "10000" },
      fuzzers: { type: "string", default: "32" },
      rate: { type: "string", default: "40" },
      rounds: { type: "string", default: "6" },
      "quiet-steps": { type: "string", default: "600" },
      seed: { type: "string", default: "1" },
      "no-pin": { type: "boolean", default: false },
      control: { type: "boolean", default: false },
      "frames-per-seat": { type: "string", default: "36" },
      url: { type: "string" },
      "join-limit": { type: "string" },
    },
  });
  const int = (name: string, v: string, lo: number, hi: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new Error(`--${name} must be an integer in ${lo}..${hi}`);
    return n;
  };
  await measure({
    perType: int("per-type", values["per-type"]!, 1, 1_000_000),
    fuzzers: int("fuzzers", values.fuzzers!, 1, 500),
    rate: int("rate", values.rate!, 1, 10_000),
    rounds: int("rounds", values.rounds!, 1, 100),
    quietSteps: int("quiet-steps", values["quiet-steps"]!, 10, 100_000),
    seed: int("seed", values.seed!, 0, 2 ** 32 - 1),
    pin: !values["no-pin"],
    control: values.control!,
    framesPerSeat: int("frames-per-seat", values["frames-per-seat"]!, 1, 1_000_000),
    url: values.url,
    joinLimit: values["join-limit"] === undefined ? undefined : int("join-limit", values["join-limit"], 1, 1_000_000),
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
