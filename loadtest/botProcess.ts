/**
 * `--processes N`: the bench's bots split over N child processes, each with its own event loop
 * (and, on a machine with the cores for it, its own core), driven from the bench process over the
 * IPC channel. Each child owns the slots i with i % N === its index, runs them as a Crowd
 * (crowd.ts) and sends its raw samples back at the end; the bench merges them. Without
 * `--processes` the bench runs one Crowd in its own process (LocalCrowd): same interface.
 *
 * This file is both: the parent's side (ProcessCrowds) and, run as a script, a child.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mapFacts } from "./behaviour.ts";
import { fetchSpaceMap } from "./bot.ts";
import { Crowd, type CrowdPlan, type CrowdSamples } from "./crowd.ts";
import { sleep } from "./serverProcess.ts";

/** How the bench drives a crowd, in one process or spread over several. */
export interface CrowdDriver {
  /** Joins slots [from, to) over `rampMs` from now; `arrivals` marks an all-hands ramp. */
  joinPhase(from: number, to: number, rampMs: number, arrivals: boolean): void;
  endArrivals(): void;
  /** First joins answered so far, and bots connected now (children: as last reported). */
  readonly settled: number;
  readonly connected: number;
  openWindow(): void;
  closeWindow(): void;
  /** Everyone leaves; the raw samples of every share. */
  finish(): Promise<CrowdSamples[]>;
}

export class LocalCrowd implements CrowdDriver {
  private constructor(private readonly crowd: Crowd) {}

  static async start(plan: CrowdPlan): Promise<LocalCrowd> {
    const facts = mapFacts(await fetchSpaceMap(plan.base, plan.spaceId));
    return new LocalCrowd(new Crowd(plan, facts));
  }

  joinPhase(from: number, to: number, rampMs: number, arrivals: boolean) { this.crowd.joinPhase(from, to, rampMs, arrivals); }
  endArrivals() { this.crowd.endArrivals(); }
  get settled() { return this.crowd.firstJoinsSettled; }
  get connected() { return this.crowd.connected; }
  openWindow() { this.crowd.openWindow(); }
  closeWindow() { this.crowd.closeWindow(); }
  async finish() {
    await this.crowd.leaveAll();
    return [this.crowd.samples()];
  }
}

type ToChild =
  | { kind: "start"; plan: CrowdPlan }
  | { kind: "join"; from: number; to: number; rampMs: number; arrivals: boolean }
  | { kind: "endArrivals" }
  | { kind: "open" }
  | { kind: "close" }
  | { kind: "finish" };

type FromChild =
  | { kind: "ready" }
  | { kind: "progress"; settled: number; connected: number }
  | { kind: "samples"; samples: CrowdSamples }
  | { kind: "failed"; message: string };

const PROGRESS_MS = 200;
/** Starting: tsx compiles the bot code in each child; a bound, not a figure. */
const CHILD_START_MS = 60_000;
const FINISH_MS = 60_000;

interface Child { proc: ChildProcess; settled: number; connected: number; samples?: CrowdSamples; failed?: string; exited: boolean }

export class ProcessCrowds implements CrowdDriver {
  private constructor(private readonly children: Child[]) {}

  /** Forks `count` children, each owning its share of `plan`'s slots; resolves once all are ready. */
  static async start(plan: Omit<CrowdPlan, "share">, count: number): Promise<ProcessCrowds> {
    const script = fileURLToPath(import.meta.url);
    const children: Child[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 0; index < count; index++) {
      const proc = fork(script, ["--child"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced" });
      const child: Child = { proc, settled: 0, connected: 0, exited: false };
      children.push(child);
      proc.on("exit", () => { child.exited = true; });
      proc.on("message", (m: FromChild) => {
        if (m.kind === "progress") { child.settled = m.settled; child.connected = m.connected; }
        else if (m.kind === "samples") child.samples = m.samples;
        else if (m.kind === "failed") child.failed = m.message;
      });
      ready.push(new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bot process ${index} did not start within ${CHILD_START_MS} ms`)), CHILD_START_MS);
        proc.on("message", (m: FromChild) => {
          if (m.kind === "ready") { clearTimeout(timer); resolve(); }
          if (m.kind === "failed") { clearTimeout(timer); reject(new Error(`bot process ${index}: ${m.message}`)); }
        });
        proc.on("exit", (code) => { clearTimeout(timer); reject(new Error(`bot process ${index} exited (${code}) before it was ready`)); });
      }));
      send(child, { kind: "start", plan: { ...plan, share: { index, count } } });
    }
    const crowds = new ProcessCrowds(children);
    try {
      await Promise.all(ready);
    } catch (err) {
      crowds.kill();
      throw err;
    }
    return crowds;
  }

  joinPhase(from: number, to: number, rampMs: number, arrivals: boolean) { this.all({ kind: "join", from, to, rampMs, arrivals }); }
  endArrivals() { this.all({ kind: "endArrivals" }); }
  get settled() { return this.children.reduce((s, c) => s + c.settled, 0); }
  get connected() { return this.children.reduce((s, c) => s + c.connected, 0); }
  openWindow() { this.all({ kind: "open" }); }
  closeWindow() { this.all({ kind: "close" }); }

  async finish(): Promise<CrowdSamples[]> {
    this.all({ kind: "finish" });
    const deadline = Date.now() + FINISH_MS;
    while (Date.now() < deadline && this.children.some((c) => !c.samples && !c.failed && !c.exited)) await sleep(100);
    this.kill();
    const failed = this.children.map((c, i) => (c.samples ? undefined : `bot process ${i}: ${c.failed ?? "sent no samples"}`)).filter(Boolean);
    if (failed.length) throw new Error(failed.join("; "));
    return this.children.map((c) => c.samples!);
  }

  private all(m: ToChild) { for (const c of this.children) send(c, m); }

  private kill() { for (const c of this.children) if (!c.exited) c.proc.kill("SIGTERM"); }
}

function send(child: Child, m: ToChild) {
  if (!child.exited && child.proc.connected) child.proc.send(m);
}

/** A child: builds its Crowd on "start", obeys the parent, reports progress and, at the end, its samples. */
function runChild() {
  let crowd: Crowd | undefined;
  const reply = (m: FromChild) => process.send?.(m);
  const progress = setInterval(() => { if (crowd) reply({ kind: "progress", settled: crowd.firstJoinsSettled, connected: crowd.connected }); }, PROGRESS_MS);
  // The parent gone (killed, crashed) means this share is over too.
  process.on("disconnect", () => process.exit(0));
  process.on("message", (m: ToChild) => {
    void (async () => {
      switch (m.kind) {
        case "start":
          crowd = new Crowd(m.plan, mapFacts(await fetchSpaceMap(m.plan.base, m.plan.spaceId)));
          return reply({ kind: "ready" });
        case "join": return crowd?.joinPhase(m.from, m.to, m.rampMs, m.arrivals);
        case "endArrivals": return crowd?.endArrivals();
        case "open": return crowd?.openWindow();
        case "close": return crowd?.closeWindow();
        case "finish":
          clearInterval(progress);
          if (crowd) {
            reply({ kind: "progress", settled: crowd.firstJoinsSettled, connected: crowd.connected });
            await crowd.leaveAll();
            reply({ kind: "samples", samples: crowd.samples() });
          }
          setTimeout(() => process.exit(0), 100);
      }
    })().catch((err: unknown) => reply({ kind: "failed", message: err instanceof Error ? err.message : String(err) }));
  });
}

if (process.argv.includes("--child") && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runChild();
