/**
 * A local PostgreSQL server on 127.0.0.1:<free port> with trust auth: for `npm run cluster` without
 * DATABASE_URL (data kept in a directory you name, reused next time) and for tests (a temp
 * directory, thrown away, durability off for speed). Every wait is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import pg from "pg";
import { freePort } from "../net/freePort.ts";

export interface LocalPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;

/** The directory holding initdb and postgres: from PATH (following symlinks), else Debian's newest. */
export function postgresBinDir(): string | null {
  const dirs: string[] = [];
  const onPath = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  if (onPath.status === 0) dirs.push(dirname(realpathSync(onPath.stdout.trim())));
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => join(debian, v, "bin")));
  }
  return dirs.find((d) => existsSync(join(d, "initdb")) && existsSync(join(d, "postgres"))) ?? null;
}

/**
 * PostgreSQL refuses to run as root. As root, the children run as the `postgres` user (created by
 * Debian's package) through spawn's uid/gid rather than runuser, so signals reach the server itself.
 */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const [u, g] = [id("-u"), id("-g")];
  if (u.status !== 0 || g.status !== 0) throw new Error("running as root and there is no `postgres` user to run PostgreSQL as");
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** Runs a command to completion; rejects with its output on failure or after timeoutMs. */
function run(cmd: string, args: string[], opts: { cwd: string; user?: { uid: number; gid: number }; timeoutMs: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { cwd: opts.cwd, ...opts.user, stdio: ["ignore", "pipe", "pipe"], timeout: opts.timeoutMs });
    let out = "";
    const keep = (b: Buffer) => { out = (out + b.toString()).slice(-4000); };
    c.stdout.on("data", keep);
    c.stderr.on("data", keep);
    c.once("error", reject);
    c.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} failed (${code ?? signal}):\n${out}`)),
    );
  });
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface LocalPostgresOptions {
  /** Keep the cluster here (created on first use, reused after). Default: a temp dir removed on stop. */
  dataDir?: string;
  /** Throwaway data: fsync and synchronous commit off (tests). Default false. */
  fast?: boolean;
  /** Listen here (a restart where clients expect it); default a free port. */
  port?: number;
}

export async function startLocalPostgres(opts: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL (initdb, postgres) is not installed");
  const user = runAs();
  // Also the socket directory (-k): a private one keeps parallel test servers apart.
  const keep = opts.dataDir !== undefined;
  const dir = keep ? resolve(opts.dataDir!) : mkdtempSync(join(tmpdir(), "plaza-pg-"));
  mkdirSync(dir, { recursive: true });
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const port = opts.port ?? (await freePort());
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  let child: ChildProcess | null = null;
  const killOnExit = () => child?.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    const c = child;
    child = null;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((r) => c.once("exit", () => r()));
      c.kill("SIGINT"); // fast shutdown: ends sessions, no waiting for clients
      const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    process.off("exit", killOnExit);
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };

  try {
    if (!existsSync(join(data, "PG_VERSION"))) {
      await run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], {
        cwd: dir, user, timeoutMs: 30_000,
      });
    }
    const c = spawn(join(bin, "postgres"), [
      "-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir,
      ...(opts.fast ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ], { cwd: dir, ...user, stdio: ["ignore", "pipe", "pipe"] });
    child = c;
    let tail = "";
    const keep = (b: Buffer) => { tail = (tail + b.toString()).slice(-4000); };
    c.stdout!.on("data", keep);
    c.stderr!.on("data", keep);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(url))) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`postgres exited during startup:\n${tail}`);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections on 127.0.0.1:${port}:\n${tail}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

