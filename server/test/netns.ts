/**
 * Several "hosts" on one machine for tests: network namespaces (`ip netns`) on one LAN, a bridge
 * in the root namespace with a veth to each. Names and the /24 are unique per run; everything is
 * removed on stop() and, should the test process die first, on its exit. Only addresses of that
 * LAN are used. Missing `ip` or permission: the caller skips with a warning, except under CI=true.
 *
 *        root namespace: nginx, Redis, PostgreSQL, the test's clients
 *        bridge pzb<id> 10.A.B.1/24  ── relays to Redis and PostgreSQL on 127.0.0.1
 *          ├── veth ── namespace plaza-<id>-1: eth0 10.A.B.11  (host 1)
 *          └── veth ── namespace plaza-<id>-2: eth0 10.A.B.12  (host 2)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes, randomInt } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";
import { REPO_ROOT } from "../../loadtest/serverProcess.ts";
import { sleep } from "../../shared/testing/wait.ts";

/** iproute2's `ip` is in /usr/sbin (or /sbin), which a non-root PATH often lacks. */
const IP = ["/usr/sbin/ip", "/sbin/ip"].find((p) => existsSync(p)) ?? "ip";

function ip(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(IP, args, { encoding: "utf8", timeout: 10_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

function must(args: string[]): string {
  const r = ip(args);
  if (!r.ok) throw new Error(`ip ${args.join(" ")} failed: ${r.out.trim()}`);
  return r.out;
}

/** Can this process make namespaces? Tried for real: a throwaway namespace is added and removed. */
export function netnsAvailable(): { ok: true } | { ok: false; why: string } {
  if (spawnSync(IP, ["-V"], { stdio: "ignore", timeout: 5000 }).status !== 0) return { ok: false, why: "`ip` (iproute2) is not installed" };
  const probe = `plaza-probe-${randomBytes(4).toString("hex")}`;
  const added = ip(["netns", "add", probe]);
  if (!added.ok) return { ok: false, why: `cannot create network namespaces: ${added.out.trim()}` };
  ip(["netns", "del", probe]);
  return { ok: true };
}

/** Whether to run the several-hosts tests: skipped (with a warning) without netns, an error under CI=true. */
export function netnsTestsEnabled(): boolean {
  const r = netnsAvailable();
  if (r.ok) return true;
  if (process.env.CI === "true") throw new Error(`network namespaces unavailable (CI=true): ${r.why}`);
  console.warn(`skipping the several-hosts test: ${r.why}`);
  return false;
}

export interface NetnsHost {
  /** The namespace's name (`ip netns exec <name> …`). */
  ns: string;
  /** Its address on the LAN. */
  address: string;
}

export interface Lan {
  /** The root namespace's address on the LAN: where the hosts reach nginx's peer, Redis and PostgreSQL. */
  gateway: string;
  hosts: NetnsHost[];
  /**
   * Makes a service of the root namespace listening on 127.0.0.1:<port> reachable from the hosts at
   * gateway:<port>, as a database host's interface would be (a TCP relay in this process).
   */
  expose(port: number): Promise<string>;
  stop(): Promise<void>;
}

/** A /24 of 10.0.0.0/8 that no interface or route of this machine uses. */
function unusedSubnet(): string {
  const used = must(["-4", "route", "show", "table", "all"]) + must(["-4", "addr"]);
  for (let i = 0; i < 50; i++) {
    const prefix = `10.${randomInt(100, 250)}.${randomInt(0, 256)}`;
    if (!used.includes(`${prefix}.`)) return prefix;
  }
  throw new Error("no unused 10.x.y.0/24 found");
}

/** Removes what a LAN created; safe to run twice, and for half-made LANs. */
function teardown(bridge: string, namespaces: string[]): void {
  for (const ns of namespaces) {
    // Processes still in the namespace (ours: nothing else is started there) would keep it alive.
    const pids = spawnSync(IP, ["netns", "pids", ns], { encoding: "utf8", timeout: 5000 }).stdout?.trim().split(/\s+/).filter(Boolean) ?? [];
    for (const pid of pids) {
      try { process.kill(Number(pid), "SIGKILL"); } catch { /* gone */ }
    }
    ip(["netns", "del", ns]);
  }
  ip(["link", "del", bridge]);
}

export async function createLan(hostCount: number): Promise<Lan> {
  const id = randomBytes(3).toString("hex");
  const bridge = `pzb${id}`;
  const prefix = unusedSubnet();
  const gateway = `${prefix}.1`;
  const namespaces: string[] = [];
  const cleanup = () => teardown(bridge, namespaces);
  process.once("exit", cleanup);
  const relays: Server[] = [];
  const sockets = new Set<Socket>();
  try {
    must(["link", "add", bridge, "type", "bridge"]);
    must(["addr", "add", `${gateway}/24`, "dev", bridge]);
    must(["link", "set", bridge, "up"]);
    for (let i = 1; i <= hostCount; i++) {
      const ns = `plaza-${id}-${i}`;
      const veth = `pz${id}h${i}`;
      must(["netns", "add", ns]);
      namespaces.push(ns);
      must(["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns]);
      must(["link", "set", veth, "master", bridge, "up"]);
      must(["-n", ns, "addr", "add", `${prefix}.${10 + i}/24`, "dev", "eth0"]);
      must(["-n", ns, "link", "set", "eth0", "up"]);
      must(["-n", ns, "link", "set", "lo", "up"]);
    }
  } catch (err) {
    cleanup();
    process.off("exit", cleanup);
    throw err;
  }
  const hosts = namespaces.map((ns, i) => ({ ns, address: `${prefix}.${11 + i}` }));

  const expose = (port: number) => new Promise<string>((resolve, reject) => {
    const relay = createServer((client) => {
      const upstream = connect({ host: "127.0.0.1", port });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.once("close", () => sockets.delete(s));
        s.on("error", () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    relay.once("error", reject);
    relay.listen(port, gateway, () => resolve(`${gateway}:${port}`));
    relays.push(relay);
  });

  return {
    gateway,
    hosts,
    expose,
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.all(relays.map((r) => new Promise<void>((res) => r.close(() => res()))));
      cleanup();
      process.off("exit", cleanup);
    },
  };
}

export interface HostProcess {
  /** http://<host address>:<port> */
  url: string;
  pid: number | undefined;
  /** Sends a signal and waits (bounded) for the exit. */
  kill(signal: NodeJS.Signals, timeoutMs?: number): Promise<boolean>;
  output(): string;
}

/**
 * `node server/src/main.ts` inside a host's namespace (`ip netns exec` execs it: the pid is the
 * server's), bound to the host's address; waits (bounded) until it answers /api/health there.
 */
export async function startPlazaOn(host: NetnsHost, port: number, env: Record<string, string>): Promise<HostProcess> {
  const child: ChildProcess = spawn(IP, ["netns", "exec", host.ns, process.execPath, "--import", "tsx", "server/src/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), HOST: host.address, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (b: Buffer) => { tail = (tail + b.toString()).slice(-4000); };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  const exit = new Promise<void>((r) => child.once("exit", () => { exited = true; r(); }));
  child.once("error", (err) => { tail += String(err); exited = true; });
  const url = `http://${host.address}:${port}`;
  const kill = async (signal: NodeJS.Signals, timeoutMs = 15_000) => {
    if (exited) return true;
    child.kill(signal);
    return Promise.race([exit.then(() => true), sleep(timeoutMs).then(() => false)]);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`Plaza exited during startup on ${host.ns}:\n${tail}`);
    const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) return { url, pid: child.pid, kill, output: () => tail };
    if (Date.now() > deadline) {
      await kill("SIGKILL", 5000);
      throw new Error(`Plaza did not answer ${url}/api/health on ${host.ns}:\n${tail}`);
    }
    await sleep(150);
  }
}
