/**
 * A real Janus (Debian's `janus`) for A/V tests, on free loopback ports with a generated config
 * directory: HTTP API only (no WebSockets, no admin API), VideoRoom only, media on loopback.
 * Missing janus: the caller skips with a warning, except under CI=true where that is an error
 * (.ci/run installs it). Several can run side by side (SF6 tests): each has its own config
 * directory, HTTP port and RTP port range; `kill()` ends one as a crash would (SIGKILL).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../src/net/freePort.ts";
import { until } from "../../shared/testing/wait.ts";

export interface LocalJanus {
  url: string;
  port: number;
  /** The janus process (its CPU time is a benchmark figure). */
  pid: number;
  /** Gone as in a crash: SIGKILL, no goodbye to anyone (SF6 failover tests). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function janusInstalled(): boolean {
  return spawnSync("janus", ["--version"], { stdio: "ignore" }).error === undefined;
}

/** Checks the install (CI: required; else undefined and a warning: the caller skips). */
export function janusOrSkip(what = "the SFU tests"): boolean {
  if (janusInstalled()) return true;
  if (process.env.CI === "true") throw new Error("janus is not installed (CI=true): install it (apt-get install janus)");
  console.warn(`janus not installed: skipping ${what}`);
  return false;
}

const PLUGINS = ["audiobridge", "duktape", "echotest", "lua", "nosip", "recordplay", "sip", "streaming", "textroom", "videocall", "voicemail"];
const TRANSPORTS = ["websockets", "mqtt", "nanomsg", "pfunix", "rabbitmq"];

/** RTP ranges of 100 ports from 20000: instances started by one process never share one. */
let rangeSeq = Math.floor(Math.random() * 400);

/** Ends the child and waits for it (SIGKILL after `graceMs`, or at once with 0). */
async function ended(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill(graceMs ? "SIGTERM" : "SIGKILL");
  const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(t);
}

export async function startJanus(): Promise<LocalJanus> {
  const dir = mkdtempSync(join(tmpdir(), "plaza-janus-"));
  const port = await freePort();
  const rtp = 20000 + (rangeSeq++ % 400) * 100;
  writeFileSync(join(dir, "janus.jcfg"), `
general: { configs_folder = "${dir}", log_to_stdout = true, debug_level = 3, session_timeout = 60, admin_secret = "${Math.random().toString(36).slice(2)}" }
media: { rtp_port_range = "${rtp}-${rtp + 99}" }
nat: { ice_enforce_list = "lo", nice_debug = false }
plugins: { disable = "${PLUGINS.map((p) => `libjanus_${p}.so`).join(",")}" }
transports: { disable = "${TRANSPORTS.map((t) => `libjanus_${t}.so`).join(",")}" }
events: { broadcast = false }
`);
  writeFileSync(join(dir, "janus.transport.http.jcfg"), `
general: { json = "compact", base_path = "/janus", http = true, port = ${port}, ip = "127.0.0.1", https = false }
admin: { admin_http = false }
cors: { }
`);
  writeFileSync(join(dir, "janus.plugin.videoroom.jcfg"), `general: { }\n`);
  const child: ChildProcess = spawn("janus", ["-F", dir, "--log-stdout", "-d", "3"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (b) => { output = (output + b).slice(-8000); });
  child.stderr!.on("data", (b) => { output = (output + b).slice(-8000); });
  const url = `http://127.0.0.1:${port}/janus`;
  try {
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`janus exited (${child.exitCode}): ${output}`);
      return fetch(`${url}/info`).then((r) => r.ok, () => false);
    }, "janus answering", 15_000, 100);
  } catch (err) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url, port, pid: child.pid!,
    kill: () => ended(child, 0),
    stop: async () => {
      await ended(child, 3000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One VideoRoom request sent the way any Janus client could (its own session and handle, no
 * secret): the plugin's answer, synchronous or as the event that follows the ack on the long poll.
 * For tests of who gets in (SF7) and where (SF6).
 */
export async function videoroomRequest(url: string, body: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const post = async (path: string, msg: object) => (await fetch(`${url}${path}`, { method: "POST", body: JSON.stringify({ transaction: Math.random().toString(36).slice(2), ...msg }) })).json();
  const session = await post("", { janus: "create" });
  try {
    const handle = await post(`/${session.data.id}`, { janus: "attach", plugin: "janus.plugin.videoroom" });
    const transaction = Math.random().toString(36).slice(2);
    const sent = await post(`/${session.data.id}/${handle.data.id}`, { janus: "message", body, transaction });
    if (sent.janus === "success") return sent.plugindata?.data;
    for (let i = 0; i < 20; i++) {
      const got = await (await fetch(`${url}/${session.data.id}?maxev=1`)).json();
      for (const e of Array.isArray(got) ? got : [got]) if (e.transaction === transaction) return e.plugindata?.data;
    }
    return undefined;
  } finally {
    await post(`/${session.data.id}`, { janus: "destroy" }).catch(() => {});
  }
}

/**
 * Someone outside Plaza talking to Janus directly (crafted requests, SF7/SF10): their own session
 * and VideoRoom handle; `list` the public rooms, `now` a request answered at once, `ask` one
 * answered later (a join: from the long poll, where Janus sends asynchronous answers).
 */
export async function janusOutsider(url: string) {
  const post = async (path: string, body: object) => (await fetch(`${url}${path}`, { method: "POST", body: JSON.stringify({ transaction: "o", ...body }) })).json();
  const session = (await post("", { janus: "create" })).data.id as number;
  const handle = (await post(`/${session}`, { janus: "attach", plugin: "janus.plugin.videoroom" })).data.id as number;
  /** A request VideoRoom answers at once (list, exists, listparticipants…): its answer. */
  const now = async (body: object): Promise<Record<string, unknown>> => (await post(`/${session}/${handle}`, { janus: "message", body })).plugindata.data;
  return {
    now,
    async list(): Promise<number[]> {
      return ((await now({ request: "list" })).list as { room: number }[]).map((r) => r.room);
    },
    async ask(body: object): Promise<Record<string, unknown> | undefined> {
      const transaction = Math.random().toString(36).slice(2);
      await post(`/${session}/${handle}`, { janus: "message", body, transaction });
      for (let i = 0; i < 20; i++) {
        const got = await (await fetch(`${url}/${session}?maxev=1`)).json();
        for (const e of Array.isArray(got) ? got : [got]) if (e.transaction === transaction) return e.plugindata?.data;
      }
      return undefined;
    },
  };
}
