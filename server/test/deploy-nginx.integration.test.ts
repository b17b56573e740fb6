/**
 * OP10–OP13: the shipped nginx site (deploy/nginx/plaza.conf, only its example values substituted)
 * run by Debian's nginx with a self-signed certificate, in front of two real Plaza processes that
 * share a real Redis and PostgreSQL. Clients are the SDK, as the browser uses it, over HTTPS/WSS
 * with the certificate verified.
 *
 * nginx connects to the processes from 127.0.0.2 (proxy_bind), the only proxy the processes trust
 * (TRUST_PROXY), while the test's clients come from 127.0.0.1: so "the address Plaza sees" tells
 * the client's address from nginx's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { parseEnv } from "node:util";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServerChild, type ServerChild } from "../../loadtest/serverProcess.ts";
import { configFromEnv } from "../src/config.ts";
import { JoinErrorCode, PlazaCloseCode } from "../../shared/codes.ts";
import { startTestRedis, type LocalRedis } from "./redis.ts";
import { startSharedDatabase } from "./postgres.ts";
import { addMember, api, createSpace, signUp, until } from "./harness.ts";
import { joinThrough, nginxPorts, nginxTestsEnabled, routeOf, SHIPPED_SITE, startNginx, Visitor, type TestNginx } from "./nginx.ts";

const NGINX_ADDRESS = "127.0.0.2";
const deployFile = (path: string) => readFileSync(new URL(`../../deploy/${path}`, import.meta.url), "utf8");

describe("OP16 the shipped deploy files agree with each other and with CI", () => {
  const site = readFileSync(SHIPPED_SITE, "utf8");
  const common = parseEnv(deployFile("systemd/common.env.example"));

  it.each(["p1", "p2"])("OP16 systemd instance %s: a valid configuration whose PUBLIC_ADDRESS path and PORT are its nginx route and upstream", (instance) => {
    const env = { ...common, ...parseEnv(deployFile(`systemd/${instance}.env.example`)) };
    const config = configFromEnv(env);
    expect(config.PUBLIC_ADDRESS).toMatch(new RegExp(`:443/${instance}$`));
    expect(site).toContain(`location /${instance}/ {\n        proxy_pass http://plaza_${instance}/;`);
    expect(site).toMatch(new RegExp(`upstream plaza_${instance} \\{\\s*server 127\\.0\\.0\\.1:${config.PORT};`));
    expect(deployFile("systemd/plaza.target")).toContain(`plaza@${instance}.service`);
  });

  it("OP16 a stop waits longer than the drain may take (systemd and compose)", () => {
    const drainMs = Number(common.DRAIN_GRACE_MS) + Number(common.SHUTDOWN_TIMEOUT_MS);
    const unitStopS = Number(/^TimeoutStopSec=(\d+)s$/m.exec(deployFile("systemd/plaza@.service"))?.[1]);
    const composeStopS = Number(/stop_grace_period: (\d+)s/.exec(deployFile("compose.yaml"))?.[1]);
    expect(unitStopS * 1000).toBeGreaterThan(drainMs);
    expect(composeStopS * 1000).toBeGreaterThan(drainMs);
  });

  it("OP16 the image is built with exactly the npm commands CI runs", () => {
    const ci = readFileSync(new URL("../../.ci/run", import.meta.url), "utf8");
    const steps = [...deployFile("Dockerfile").matchAll(/(?:RUN|&&) (npm [^\\\n&]+)/g)].map((m) => m[1].trim());
    expect(steps).toEqual(["npm ci --no-audit --no-fund", "npm run build"]);
    expect(ci).toContain(steps[0]);
    // npm test (CI) = typecheck, build, vitest: the build step is the same script.
    expect(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).scripts.test).toContain(steps[1]);
  });
});

const enabled = nginxTestsEnabled();
let redis: LocalRedis | undefined;
let shared: Awaited<ReturnType<typeof startSharedDatabase>>;
let nginx: TestNginx | undefined;
/** procs[0] is /p1/, procs[1] is /p2/. */
const procs: ServerChild[] = [];
const spool = mkdtempSync(join(tmpdir(), "plaza-deploy-spool-"));

const byRoute = (route: string) => procs[Number(route.slice(1)) - 1];

describe.skipIf(!enabled)("behind nginx with TLS (two processes, Redis, PostgreSQL)", () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    shared = redis && (await startSharedDatabase());
    if (!redis || !shared) return;
    const ports = await nginxPorts();
    // Each child picks its own port (and picks again if another test took it first).
    procs.push(...(await Promise.all([0, 1].map((i) => startServerChild({
      env: {
        ...shared!.env, REDIS_URL: redis!.url, LOG_LEVEL: "error", ANALYTICS_SPOOL_DIR: join(spool, String(i)),
        // What deploy/systemd/p1.env sets, for this test's ports.
        PUBLIC_ADDRESS: `127.0.0.1:${ports.httpsPort}/p${i + 1}`,
        TRUST_PROXY: NGINX_ADDRESS,
        // One seat per address for visitors (members are never counted): OP12 counts seats.
        SEATS_PER_ADDRESS: "1",
        // Readiness fails this long before rooms drain, where the server supports it (OP13).
        DRAIN_GRACE_MS: "1500",
      },
    })))));
    nginx = await startNginx({ processes: procs.map((p) => `127.0.0.1:${p.port}`), ports, proxyBind: NGINX_ADDRESS });
  }, 120_000);

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(procs.map((p) => p.stop()));
    await redis?.stop();
    await shared?.stop();
    rmSync(spool, { recursive: true, force: true });
  }, 60_000);

  it("OP10 plain HTTP is redirected to HTTPS; the page, its assets, the API and each process's health answer over HTTPS", async () => {
    if (!nginx) return;
    const redirect = await fetch(`${nginx.httpUrl}/s/lobby?from=mail`, { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe(`${nginx.url}/s/lobby?from=mail`);

    const page = await fetch(`${nginx.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    const html = await page.text();
    expect(html).toContain("<title>Plaza");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${nginx.url}${script}`)).headers.get("content-type")).toMatch(/javascript/);

    // Accounts and spaces through whichever process nginx picks: one database behind both.
    const owner = await signUp(nginx, "Ada");
    await createSpace(nginx, owner, "tls-office");
    for (let i = 0; i < 4; i++) expect((await api(nginx, "GET", "/api/spaces/tls-office/map", undefined, owner.token)).status).toBe(200);

    // Per-process routes: /p1/healthz is process 1 only, /p2/healthz process 2 only.
    const ids = [];
    for (const route of ["p1", "p2"]) {
      const res = await fetch(`${nginx.url}/${route}/healthz`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { processId: string };
      const direct = (await (await fetch(`${byRoute(route).url}/healthz`)).json()) as { processId: string };
      expect(body.processId).toBe(direct.processId);
      ids.push(body.processId);
    }
    expect(new Set(ids).size).toBe(2);
    // Metrics stay on the private network.
    expect((await fetch(`${nginx.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${nginx.url}/p1/metrics`)).status).toBe(404);
  });

  it("OP11 CL1 WebSocket joins through nginx: each space's people meet in one room, on the process their seat named (wss via /pN/)", async () => {
    if (!nginx) return;
    // Members of the team (never counted per address: SEATS_PER_ADDRESS is 1 here).
    const people = await Promise.all(["Ada", "Bob", "Cy"].map((n) => signUp(nginx!, n)));
    const spaces = ["wss-a", "wss-b", "wss-c", "wss-d"];
    for (const s of spaces) await createSpace(nginx, people[0], s);
    for (const p of people.slice(1)) await addMember(nginx, people[0], spaces[0], p, "member");
    const rooms = await Promise.all(spaces.map((s) => Promise.all(people.map((p) => joinThrough(nginx!.url, s, p.name, { token: p.token })))));
    for (const group of rooms) {
      expect(new Set(group.map((r) => r.roomId)).size).toBe(1);
      expect(new Set(group.map(routeOf)).size).toBe(1);
      expect(["p1", "p2"]).toContain(routeOf(group[0]));
      await until(() => group.every((r) => r.state.people.size === 3), "all three see each other", 15_000);
    }
    // The room really is on the process the route names.
    const [first] = rooms;
    const health = (await (await fetch(`${byRoute(routeOf(first[0])).url}/healthz`)).json()) as { rooms: number };
    expect(health.rooms).toBeGreaterThan(0);
    await Promise.all(rooms.flat().map((r) => r.leave()));
  }, 60_000);

  it("OP12 SE8 Plaza counts a visitor behind nginx by the visitor's own address: not nginx's, not one the visitor claims", async () => {
    if (!nginx) return;
    // Visitors (no account) from 127.0.0.1 may hold one seat per space (SEATS_PER_ADDRESS=1).
    const first = await joinThrough(nginx.url, "addr", "Eve", { headers: { "X-Forwarded-For": "198.51.100.7", "X-Real-IP": "198.51.100.7" } });
    const host = byRoute(routeOf(first));
    // Claiming another address through nginx does not buy a second seat: nginx overwrites the claim.
    await expect(joinThrough(nginx.url, "addr", "Eve2", { headers: { "X-Forwarded-For": "198.51.100.8" } }))
      .rejects.toMatchObject({ code: JoinErrorCode.TOO_MANY_FROM_ADDRESS });
    // Asked of the process straight (untrusted peer 127.0.0.1): refused too, so the seat taken
    // through nginx was counted against 127.0.0.1 (the client), not 127.0.0.2 (nginx).
    await expect(joinThrough(host.url, "addr", "Eve3", { secureSocket: true })).rejects.toMatchObject({ code: JoinErrorCode.TOO_MANY_FROM_ADDRESS });
    await first.leave();
  }, 60_000);

  it("OP13 CL4 SIGTERM to the process hosting a space: its readiness fails through nginx, its people continue on the other process through nginx", async () => {
    if (!nginx) return;
    const [ada, bob] = await Promise.all(["Ada", "Bob"].map((n) => signUp(nginx!, n)));
    await createSpace(nginx, ada, "drain-office", { visibility: "public" });
    await addMember(nginx, ada, "drain-office", bob, "member");
    const visitors = [new Visitor(nginx.url, "drain-office", "Ada", ada.token), new Visitor(nginx.url, "drain-office", "Bob", bob.token)];
    for (const v of visitors) await v.enter();
    const route = visitors[0].routes[0];
    expect(visitors[1].routes[0]).toBe(route);
    const draining = byRoute(route);

    // What a load balancer's check of this process sees through nginx, from the SIGTERM on. With
    // /readyz, readiness fails for DRAIN_GRACE_MS before anyone moves: the check must see 503.
    // Without it, /healthz turns 503 only for the moment the rooms take to drain.
    const check = (await fetch(`${nginx.url}/${route}/readyz`)).status === 200 ? "readyz" : "healthz";
    const seen: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const res = await fetch(`${nginx!.url}/${route}/${check}`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
        seen.push(res?.status ?? 0);
        await res?.body?.cancel();
      }
    })();
    expect(await draining.kill("SIGTERM", 30_000)).toBe(true);
    // Gone: nginx answers for it with 502.
    await until(() => seen.at(-1) === 502, "the drained process's route answers 502", 10_000);
    polling = false;
    await poller;
    const failures = seen.filter((s) => s !== 200);
    console.log(`OP13: /${route}/${check} through nginx after SIGTERM: ${failures.filter((s) => s === 503).length} × 503, then 502`);
    // Not ready, then gone: never an error of nginx's own (no 504, no 500).
    expect(failures.every((s) => s === 503 || s === 502)).toBe(true);
    if (check === "readyz") expect(failures[0]).toBe(503);

    await until(() => visitors.every((v) => v.settled(1, 2)), "both continue in the space on the other process", 45_000);
    for (const v of visitors) {
      expect(v.codes[0]).toBe(PlazaCloseCode.MOVED);
      expect(v.routes[1]).not.toBe(route);
    }
    expect(visitors[0].room.roomId).toBe(visitors[1].room.roomId);
    // New joins keep working through nginx: they reach the surviving process.
    const cy = await joinThrough(nginx.url, "drain-office", "Cy");
    expect(routeOf(cy)).toBe(visitors[0].routes[1]);
    await until(() => cy.state.people.size === 3, "Cy meets them", 15_000);
    await Promise.all([cy, ...visitors.map((v) => v.room)].map((r) => r.leave()));
  }, 90_000);
});
