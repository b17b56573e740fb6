/**
 * A real coturn (Debian's `coturn`, `turnserver`) for TURN tests, on a free loopback port with the
 * TURN REST scheme (use-auth-secret). Missing: skipped with a warning, an error under CI=true.
 */
import { spawn, spawnSync } from "node:child_process";
import { createConnection } from "node:net";
import { freePort } from "../src/net/freePort.ts";
import { until } from "../../shared/testing/wait.ts";

export interface LocalTurn { url: string; secret: string; stop(): Promise<void> }

export function coturnOrSkip(): boolean {
  if (spawnSync("turnserver", ["--version"], { stdio: "ignore" }).error === undefined) return true;
  if (process.env.CI === "true") throw new Error("coturn is not installed (CI=true): install it (apt-get install coturn)");
  console.warn("coturn not installed: skipping the TURN tests");
  return false;
}

export async function startCoturn(secret = "turn-test-secret-0123456789"): Promise<LocalTurn> {
  const port = await freePort();
  const relay = 40000 + Math.floor(Math.random() * 200) * 100;
  const child = spawn("turnserver", [
    "-n", "--listening-ip=127.0.0.1", `--listening-port=${port}`, "--relay-ip=127.0.0.1", `--min-port=${relay}`, `--max-port=${relay + 99}`,
    "--use-auth-secret", `--static-auth-secret=${secret}`, "--realm=plaza.test", "--no-tls", "--no-dtls", "--no-cli",
    "--allow-loopback-peers", "--cli-password=unused", "--log-file=stdout", "--simple-log", "--no-stun-backward-compatibility",
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (b) => { output = (output + b).slice(-8000); });
  child.stderr.on("data", (b) => { output = (output + b).slice(-8000); });
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`turnserver exited (${child.exitCode}): ${output}`);
    return new Promise<boolean>((resolve) => {
      const s = createConnection({ host: "127.0.0.1", port }, () => { s.destroy(); resolve(true); });
      s.on("error", () => resolve(false));
    });
  }, "coturn listening", 10_000, 100);
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`, secret,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
