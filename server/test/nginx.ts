/**
 * Debian's nginx in front of real Plaza processes, for the deploy tests: the shipped site
 * (deploy/nginx/plaza.conf) with only its example names, addresses, ports and certificate paths
 * substituted, a self-signed certificate made at test time, and SDK clients that join through it.
 * Missing nginx: the caller skips with a warning, except under CI=true where that is an error
 * (.ci/run installs it).
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { fileURLToPath } from "node:url";
import { Client } from "@colyseus/sdk";
import { SpaceState } from "../../shared/state.ts";
import { PROTOCOL_VERSION, SPACE_ROOM } from "../../shared/protocol.ts";
import { isMoveCode, prepareForFailover, rejoinSpace } from "../../shared/net/resume.ts";
import { asSpaceRoom, ignore, listen, learnSelf, selfOf } from "../../shared/net/typedRoom.ts";
import { freePort } from "../src/net/freePort.ts";
import { sleep, until, type TestRoom } from "./harness.ts";

export const SHIPPED_SITE = fileURLToPath(new URL("../../deploy/nginx/plaza.conf", import.meta.url));
/** The example process addresses of the shipped site, in process order (p1, p2). */
const EXAMPLE_PROCESSES = ["127.0.0.1:2567", "127.0.0.1:2568"];

/** Debian's nginx is in /usr/sbin, which a non-root PATH often lacks. */
const NGINX = existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

export function nginxInstalled(): boolean {
  return spawnSync(NGINX, ["-v"], { stdio: "ignore", timeout: 5000 }).status === 0;
}

/** Whether to run the nginx tests: skipped (with a warning) when nginx is missing, an error under CI=true. */
export function nginxTestsEnabled(): boolean {
  if (nginxInstalled()) return true;
  if (process.env.CI === "true") throw new Error("nginx is not installed (CI=true): install it (apt-get install nginx)");
  console.warn("nginx not installed: skipping the deploy tests (apt-get install nginx)");
  return false;
}

export interface SiteSettings {
  /** host:port of each Plaza process, in order: the first is /p1/, the second /p2/. */
  processes: string[];
  /** Where nginx listens (instead of 80 / 443 on every interface). */
  host: string;
  httpPort: number;
  httpsPort: number;
  cert: string;
  key: string;
  acmeDir: string;
}

/**
 * The shipped site with the example values replaced, each replacement required to apply: if the
 * shipped file changes shape, this fails instead of quietly testing something else. Pure.
 */
export function renderSite(shipped: string, s: SiteSettings): string {
  if (s.processes.length !== EXAMPLE_PROCESSES.length) throw new Error(`the shipped site routes ${EXAMPLE_PROCESSES.length} processes`);
  const swaps: [string, string][] = [
    ["listen 80;", `listen ${s.host}:${s.httpPort};`],
    ["listen [::]:80;", ""],
    ["listen 443 ssl;", `listen ${s.host}:${s.httpsPort} ssl;`],
    ["listen [::]:443 ssl;", ""],
    ["https://$host$request_uri", `https://$host:${s.httpsPort}$request_uri`],
    ["/etc/letsencrypt/live/plaza.example.org/fullchain.pem", s.cert],
    ["/etc/letsencrypt/live/plaza.example.org/privkey.pem", s.key],
    ["/var/www/letsencrypt", s.acmeDir],
    ...EXAMPLE_PROCESSES.map((from, i): [string, string] => [` ${from}`, ` ${s.processes[i]}`]),
  ];
  let out = shipped;
  for (const [from, to] of swaps) {
    if (!out.includes(from)) throw new Error(`deploy/nginx/plaza.conf no longer contains "${from}": update server/test/nginx.ts`);
    out = out.split(from).join(to);
  }
  return out;
}

/** A self-signed certificate for 127.0.0.1 and localhost (openssl), valid one day. */
export function selfSignedCertificate(dir: string): { cert: string; key: string; pem: string } {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const r = spawnSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=plaza-test",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert,
  ], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr || r.error}`);
  return { cert, key, pem: readFileSync(cert, "utf8") };
}

/**
 * Makes this process's TLS clients (fetch, the SDK's WebSocket) trust `pem` besides the usual
 * roots: the certificate is still verified, name included. Vitest runs each file in its own process.
 */
export function trustCertificate(pem: string): void {
  setDefaultCACertificates([...getCACertificates("default"), pem]);
}

export interface TestNginx {
  /** https://127.0.0.1:<port> */
  url: string;
  httpUrl: string;
  httpsPort: number;
  /** The site nginx runs (the rendered shipped file). */
  site: string;
  stop(): Promise<void>;
  output(): string;
}

/** Free ports for nginx, chosen before the processes start (their PUBLIC_ADDRESS names the HTTPS one). */
export async function nginxPorts(): Promise<{ httpPort: number; httpsPort: number }> {
  return { httpPort: await freePort(), httpsPort: await freePort() };
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(500, () => done(false));
    s.once("error", () => done(false));
    s.once("connect", () => done(true));
  });
}

/**
 * nginx in the foreground on the rendered shipped site, with its pid file, logs and temp files in
 * a directory of its own. `proxyBind`: the local address nginx connects to the processes from (a
 * test tells nginx's address apart from the client's with it).
 */
export async function startNginx(opts: { processes: string[]; ports: { httpPort: number; httpsPort: number }; proxyBind?: string }): Promise<TestNginx> {
  const dir = mkdtempSync(join(tmpdir(), "plaza-nginx-"));
  mkdirSync(join(dir, "tmp"));
  mkdirSync(join(dir, "acme"));
  // nginx's workers run as the user the main nginx.conf names; as root, root (the temp dir is 0700).
  chmodSync(dir, 0o755);
  const tls = selfSignedCertificate(dir);
  const host = "127.0.0.1";
  const site = renderSite(readFileSync(SHIPPED_SITE, "utf8"), { processes: opts.processes, host, ...opts.ports, cert: tls.cert, key: tls.key, acmeDir: join(dir, "acme") });
  writeFileSync(join(dir, "plaza.conf"), site);
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${join(dir, "tmp", t)};`).join("\n");
  // What /etc/nginx/nginx.conf would hold, reduced: the site is included as it is.
  writeFileSync(join(dir, "nginx.conf"), [
    "daemon off;",
    process.getuid?.() === 0 ? "user root;" : "",
    "worker_processes 1;",
    `pid ${join(dir, "nginx.pid")};`,
    "events { worker_connections 1024; }",
    "http {",
    `  access_log ${join(dir, "access.log")};`,
    temp,
    opts.proxyBind ? `  proxy_bind ${opts.proxyBind};` : "",
    `  include ${join(dir, "plaza.conf")};`,
    "}",
    "",
  ].join("\n"));
  trustCertificate(tls.pem);

  const child = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", "stderr"], { stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (b: Buffer) => { tail = (tail + b.toString()).slice(-4000); };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = false;
  const exit = new Promise<void>((r) => child.once("exit", () => { exited = true; r(); }));
  child.once("error", (err) => { tail += String(err); exited = true; });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM"); // fast shutdown
      if (!(await Promise.race([exit.then(() => true), sleep(5000).then(() => false)]))) child.kill("SIGKILL");
    }
    process.off("exit", killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!(await portAnswers(host, opts.ports.httpsPort))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not start on ${host}:${opts.ports.httpsPort}:\n${tail}`);
    }
    await sleep(50);
  }
  return { url: `https://${host}:${opts.ports.httpsPort}`, httpUrl: `http://${host}:${opts.ports.httpPort}`, httpsPort: opts.ports.httpsPort, site, stop, output: () => tail };
}

/** The nginx route (`p1`, `p2`…) a room's WebSocket went through: which process hosts it. */
export function routeOf(room: TestRoom): string {
  const url = (room.connection.transport as unknown as { ws: { url: string } }).ws.url;
  return new URL(url).pathname.split("/")[1];
}

/** Joins a space through nginx like the browser does (HTTPS page origin; the SDK follows the seat's PUBLIC_ADDRESS). */
export async function joinThrough(url: string, spaceId: string, name: string, opts: { resume?: string; token?: string; headers?: Record<string, string>; secureSocket?: boolean } = {}): Promise<TestRoom> {
  // secureSocket: a join asked of a process directly over plain HTTP whose WebSocket still goes to
  // its PUBLIC_ADDRESS behind nginx (TLS), which the SDK would otherwise dial as ws://.
  const urlBuilder = opts.secureSocket ? (u: URL) => (u.protocol === "ws:" ? u.toString().replace(/^ws:/, "wss:") : u.toString()) : undefined;
  const client = new Client(url, { headers: opts.headers, urlBuilder });
  if (opts.token) client.auth.token = opts.token;
  const room = asSpaceRoom(await client.joinOrCreate(SPACE_ROOM, {
    protocol: PROTOCOL_VERSION, spaceId, name, look: 0, client: "bot", ...(opts.resume ? { resume: opts.resume } : {}),
  }, SpaceState)) as TestRoom;
  const self = learnSelf(room); // IM10
  prepareForFailover(room);
  // As for a session older than the SDK's 5 s minimum: a drop goes through its reconnection first.
  room.reconnection.minUptime = 0;
  listen(room, {
    welcome: (w) => { room.welcome = w; },
    ...ignore("peers", "signal", "chat", "chatHistory", "located", "built", "announcement", "ack", "correction", "notice", "av", "knock", "knockOutcome", "free"),
  });
  await self;
  await until(() => room.state.avatars?.get(selfOf(room)) !== undefined, `${name} sees own avatar`, 15_000);
  return room;
}

/** Someone in a space who, like the browser, continues through nginx when their process goes away. */
export class Visitor {
  room!: TestRoom;
  /** Close codes of the rooms left, in order. */
  codes: number[] = [];
  /** Routes (`p1`…) of every room this visitor was in, in order. */
  routes: string[] = [];
  constructor(readonly url: string, readonly spaceId: string, readonly name: string, readonly token?: string) {}

  async enter(): Promise<this> {
    this.attach(await joinThrough(this.url, this.spaceId, this.name, { token: this.token }));
    return this;
  }

  private attach(room: TestRoom): void {
    this.room = room;
    this.routes.push(routeOf(room));
    room.onLeave((code: number) => {
      this.codes.push(code);
      if (!isMoveCode(code)) return;
      void rejoinSpace(
        (resume) => joinThrough(this.url, this.spaceId, this.name, { resume, token: this.token }),
        room.welcome?.resume ?? room.sessionId,
        { deadlineMs: 45_000 },
      ).then((r) => this.attach(r), () => {});
    });
  }

  /** True once this visitor is in a room again after `moves` moves, seeing `people` people. */
  settled(moves: number, people: number): boolean {
    return this.routes.length === moves + 1 && this.room.connection.isOpen && this.room.state.people?.size === people;
  }
}
