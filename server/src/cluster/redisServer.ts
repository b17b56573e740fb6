/**
 * A throwaway redis-server on 127.0.0.1:<free port>, no persistence: for `npm run cluster` without
 * --redis and for the cluster tests. Bounded startup and shutdown.
 */
import { spawn, spawnSync } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "../net/freePort.ts";

export interface LocalRedis {
  url: string;
  port: number;
  /** The redis-server process (tests pause it with SIGSTOP to make Redis hang). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export function redisServerInstalled(): boolean {
  const r = spawnSync("redis-server", ["--version"], { stdio: "ignore", timeout: 5000 });
  return r.status === 0;
}


/** One PING over a raw socket; true on +PONG. */
export function pingRedis(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => { sock.destroy(); resolve(ok); };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once("error", () => done(false));
    sock.once("connect", () => sock.write("PING\r\n"));
    sock.once("data", (b) => done(b.toString().startsWith("+PONG")));
  });
}

export async function startLocalRedis(opts: { startTimeoutMs?: number; port?: number } = {}): Promise<LocalRedis> {
  // A given port: a restart of a stopped server where its clients expect it (tests of recovery).
  const port = opts.port ?? (await freePort());
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (b: Buffer) => { tail = (tail + b.toString()).slice(-2000); };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = false;
  const exit = new Promise<void>((r) => child.once("exit", () => { exited = true; r(); }));
  child.once("error", (err) => { tail += String(err); exited = true; });
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const ok = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    if (!ok) child.kill("SIGKILL");
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`redis-server exited during startup:\n${tail}`);
    if (await pingRedis(port, 500)) return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`redis-server did not answer on 127.0.0.1:${port}:\n${tail}`);
}
