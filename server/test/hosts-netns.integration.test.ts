/**
 * OP14–OP15: Plaza on two hosts. Two network namespaces on one LAN stand for two machines, each
 * running one Plaza process on the same port (2567) of its own address; one Redis and one
 * PostgreSQL (in the root namespace, reached over the LAN) are shared; Debian's nginx runs the
 * shipped site (deploy/nginx/plaza.conf) in front with TLS. Clients join through nginx only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestRedis, type LocalRedis } from "./redis.ts";
import { startSharedDatabase } from "./postgres.ts";
import { until } from "./harness.ts";
import { joinThrough, nginxPorts, nginxTestsEnabled, routeOf, startNginx, Visitor, type TestNginx } from "./nginx.ts";
import { createLan, netnsTestsEnabled, startPlazaOn, type HostProcess, type Lan } from "./netns.ts";

const PORT = 2567;
const enabled = nginxTestsEnabled() && netnsTestsEnabled();
let redis: LocalRedis | undefined;
let shared: Awaited<ReturnType<typeof startSharedDatabase>>;
let lan: Lan | undefined;
let nginx: TestNginx | undefined;
/** hosts[0] is /p1/, hosts[1] is /p2/. */
const procs: HostProcess[] = [];
const data = mkdtempSync(join(tmpdir(), "plaza-hosts-"));

const byRoute = (route: string) => procs[Number(route.slice(1)) - 1];
const otherRoute = (route: string) => (route === "p1" ? "p2" : "p1");
const roomsOn = async (p: HostProcess) => ((await (await fetch(`${p.url}/healthz`, { signal: AbortSignal.timeout(5000) })).json()) as { rooms: number }).rooms;

describe.skipIf(!enabled)("two hosts (network namespaces) behind nginx, sharing Redis and PostgreSQL", () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    shared = redis && (await startSharedDatabase());
    if (!redis || !shared) return;
    lan = await createLan(2);
    // The database host's interface, as the two hosts see it.
    const redisAt = await lan.expose(redis.port);
    const db = new URL(shared.env.DATABASE_URL);
    db.host = await lan.expose(Number(db.port));
    const ports = await nginxPorts();
    procs.push(...(await Promise.all(lan.hosts.map((host, i) => startPlazaOn(host, PORT, {
      REDIS_URL: `redis://${redisAt}`,
      DATABASE_URL: db.toString(),
      PLAZA_SECRET: shared!.env.PLAZA_SECRET,
      PUBLIC_ADDRESS: `127.0.0.1:${ports.httpsPort}/p${i + 1}`,
      // nginx reaches the hosts from the LAN's root-namespace end.
      TRUST_PROXY: lan!.gateway,
      PLAZA_DATA_DIR: join(data, String(i)),
      ANALYTICS_SPOOL_DIR: join(data, String(i), "spool"),
      PLAZA_AUTO_SPACES: "1",
      LOG_LEVEL: "error",
    })))));
    nginx = await startNginx({ processes: lan.hosts.map((h) => `${h.address}:${PORT}`), ports });
  }, 120_000);

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(procs.map((p) => p.kill("SIGTERM", 10_000).then((ok) => ok || p.kill("SIGKILL", 5000))));
    await lan?.stop();
    await redis?.stop();
    await shared?.stop();
    rmSync(data, { recursive: true, force: true });
  }, 60_000);

  const people: Visitor[] = [];

  it("OP14 CL1 a space sticks to one process: people joining through nginx, whichever host answers their join, share one room on one host", async () => {
    if (!nginx) return;
    // nginx spreads the joins over both hosts (round robin); the seats all name the space's host.
    for (const name of ["Ada", "Bob", "Cy"]) people.push(await new Visitor(nginx.url, "two-hosts", name).enter());
    expect(new Set(people.map((p) => p.room.roomId)).size).toBe(1);
    const route = people[0].routes[0];
    expect(people.map((p) => p.routes[0])).toEqual([route, route, route]);
    await until(() => people.every((p) => p.room.state.people.size === 3), "all three see each other", 15_000);
    expect(await roomsOn(byRoute(route))).toBe(1);
    expect(await roomsOn(byRoute(otherRoute(route)))).toBe(0);
  }, 60_000);

  it("OP15 CL3 SIGKILL of the hosting process: the space continues on the other host, everyone back in it through nginx", async () => {
    if (!nginx || people.length === 0) return;
    const route = people[0].routes[0];
    const killedAt = Date.now();
    expect(await byRoute(route).kill("SIGKILL")).toBe(true);
    await until(() => people.every((p) => p.settled(1, 3)), "everyone back in the space", 60_000);
    console.log(`OP15: ${Date.now() - killedAt} ms from SIGKILL on one host to everyone back in the space on the other`);
    for (const p of people) expect(p.routes[1]).toBe(otherRoute(route));
    expect(new Set(people.map((p) => p.room.roomId)).size).toBe(1);
    expect(await roomsOn(byRoute(otherRoute(route)))).toBe(1);
    // Someone arriving now is sent to the surviving host too.
    const dee = await joinThrough(nginx.url, "two-hosts", "Dee");
    expect(routeOf(dee)).toBe(otherRoute(route));
    await until(() => dee.state.people.size === 4, "Dee meets them", 15_000);
    await Promise.all([dee, ...people.map((p) => p.room)].map((r) => r.leave()));
  }, 90_000);
});
