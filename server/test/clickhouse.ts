/**
 * Test harness: a real ClickHouse server (Debian's clickhouse-server, 18.16 here) as a child
 * process on free loopback ports, with a temp directory and a minimal generated config. stop()
 * and start() simulate an outage on the same ports and data; dispose() kills it and removes the
 * directory. Every wait is bounded.
 *
 * The server runs in a non-UTC timezone on purpose: Plaza's analytics must not depend on it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../src/net/freePort.ts";
import { sleep } from "../../shared/testing/wait.ts";

export interface TestClickHouse {
  /** http://127.0.0.1:<port> */
  url: string;
  dir: string;
  /** Stops the server, by default like a crash (SIGKILL); graceful: SIGTERM (18.16 then takes ~8 s). Data stays. */
  stop(opts?: { graceful?: boolean }): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
  /** Plain HTTP query → response text (for assertions that avoid the code under test). */
  sql(query: string): Promise<string>;
  dispose(): Promise<void>;
}

const CANDIDATES = [process.env.CLICKHOUSE_SERVER_BIN, "clickhouse-server", "/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"];

/**
 * The clickhouse-server binary, or null when it is not installed (tests then skip, saying why).
 * Under CI (CI=true) a missing binary is an error: .ci/run installs it, so a skip there would hide
 * a broken install.
 */
export function clickHouseBinary(): string | null {
  for (const c of CANDIDATES) {
    if (!c) continue;
    if (c.includes("/") ? existsSync(c) : spawnSync("sh", ["-c", `command -v ${c}`]).status === 0) return c;
  }
  if (process.env.CI === "true") throw new Error("CI: clickhouse-server is not installed (.ci/run should have installed it)");
  return null;
}


function configXml(dir: string, httpPort: number, tcpPort: number, timezone: string): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/log/clickhouse-server.log</log>
    <errorlog>${dir}/log/clickhouse-server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <timezone>${timezone}</timezone>
  <mlock_executable>false</mlock_executable>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default>
  </quotas>
</yandex>
`;

export async function startClickHouse(opts: { timezone?: string; startTimeoutMs?: number } = {}): Promise<TestClickHouse> {
  const bin = clickHouseBinary();
  if (!bin) throw new Error("clickhouse-server not found (apt-get install clickhouse-server, or set CLICKHOUSE_SERVER_BIN)");
  const dir = mkdtempSync(join(tmpdir(), "plaza-clickhouse-"));
  for (const d of ["log", "data", "tmp", "user_files", "format_schemas"]) mkdirSync(join(dir, d), { recursive: true });
  const [httpPort, tcpPort] = [await freePort(), await freePort()];
  const config = join(dir, "config.xml");
  writeFileSync(config, configXml(dir, httpPort, tcpPort, opts.timezone ?? "Asia/Kolkata"));
  writeFileSync(join(dir, "users.xml"), USERS_XML);
  const url = `http://127.0.0.1:${httpPort}`;
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;

  let child: ChildProcess | null = null;
  const killOnExit = () => child?.kill("SIGKILL");
  process.once("exit", killOnExit);

  const ping = async () => {
    try {
      const r = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
      return r.ok;
    } catch {
      return false;
    }
  };

  async function start() {
    if (child) return;
    let stderr = "";
    const c = spawn(bin!, [`--config-file=${config}`], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    c.stderr!.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
    child = c;
    const exited = new Promise<number | null>((r) => c.once("exit", (code) => r(code)));
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (await ping()) return;
      const code = await Promise.race([exited, sleep(100).then(() => undefined)]);
      if (code !== undefined) {
        child = null;
        throw new Error(`clickhouse-server exited (${code}) while starting: ${stderr}`);
      }
      if (Date.now() > deadline) {
        c.kill("SIGKILL");
        child = null;
        throw new Error(`clickhouse-server did not answer /ping within ${startTimeoutMs} ms: ${stderr}`);
      }
    }
  }

  async function stop({ graceful = false } = {}) {
    const c = child;
    if (!c) return;
    child = null;
    const exited = new Promise<void>((r) => (c.exitCode !== null ? r() : c.once("exit", () => r())));
    c.kill(graceful ? "SIGTERM" : "SIGKILL");
    const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    url,
    dir,
    stop,
    start,
    async sql(query: string) {
      const r = await fetch(url, { method: "POST", body: query, signal: AbortSignal.timeout(10_000) });
      const text = await r.text();
      if (!r.ok) throw new Error(text);
      return text;
    },
    async dispose() {
      await stop();
      process.off("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
