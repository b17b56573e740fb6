/**
 * OP2, OP4, OP5: what operators' tools talk to, on a process backed by a real PostgreSQL.
 * Readiness does real round-trips (it fails while PostgreSQL is stopped and recovers when it is
 * back; liveness stays green), metrics sit behind their token with standard Node names and an
 * ELU that scraping does not reset, and the Colyseus monitor answers operators only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postgresBinDir } from "./postgres.ts";
import { startLocalPostgres, type LocalPostgres } from "../src/cluster/postgresServer.ts";
import { openPostgres } from "../src/store/postgres.ts";
import type { Store } from "../src/store/Store.ts";
import { startTestServer, until } from "./harness.ts";
import type { PlazaProcess } from "../src/app.ts";

const METRICS_TOKEN = "metrics-token-for-tests-0123456789";
const OPERATOR_TOKEN = "operator-token-for-tests-0123456789";

let pgDir: string | undefined;
let pg: LocalPostgres | undefined;
let store: Store | undefined;
let server: PlazaProcess | undefined;

beforeAll(async () => {
  if (!postgresBinDir()) {
    if (process.env.CI === "true") throw new Error("PostgreSQL is not installed (CI=true)");
    return;
  }
  pgDir = mkdtempSync(join(tmpdir(), "plaza-ops-pg-"));
  pg = await startLocalPostgres({ dataDir: pgDir, fast: true });
  store = await openPostgres(pg.url);
  server = await startTestServer({ store, METRICS_TOKEN, OPERATOR_TOKEN });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await store?.close().catch(() => {});
  await pg?.stop();
  if (pgDir) rmSync(pgDir, { recursive: true, force: true });
}, 60_000);

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server!.url}${path}`, { headers, signal: AbortSignal.timeout(10_000) });

describe("readiness and liveness", () => {
  it("readiness fails while PostgreSQL is stopped and recovers when it is back; liveness stays up", async (ctx) => {
    if (!server || !pg) return ctx.skip();
    const first = await get("/readyz");
    expect(first.status).toBe(200);
    expect((await first.json()).checks.database.ok).toBe(true);

    const port = Number(new URL(pg.url).port);
    await pg.stop();
    await until(async () => (await get("/readyz")).status === 503, "readiness fails with PostgreSQL stopped", 20_000);
    const down = await (await get("/readyz")).json();
    expect(down.checks.database.ok).toBe(false);
    expect(down.ready).toBe(false);
    expect((await get("/livez")).status).toBe(200);

    pg = await startLocalPostgres({ dataDir: pgDir, fast: true, port });
    await until(async () => (await get("/readyz")).status === 200, "readiness recovers with PostgreSQL back", 30_000);
  }, 90_000);
});

describe("metrics", () => {
  it("answer only with the token, with Node's standard names", async (ctx) => {
    if (!server) return ctx.skip();
    expect((await get("/metrics")).status).toBe(401);
    expect((await get("/metrics", { Authorization: "Bearer wrong-token-0123456789" })).status).toBe(401);
    const ok = await get("/metrics", { Authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "plaza_event_loop_utilization", "plaza_ready"]) {
      expect(text, name).toMatch(new RegExp(`^${name} `, "m"));
    }
  });

  it("report the same event-loop utilisation to two scrapers in a row (scraping does not reset it)", async (ctx) => {
    if (!server) return ctx.skip();
    const elu = async () => {
      const text = await (await get("/metrics", { Authorization: `Bearer ${METRICS_TOKEN}` })).text();
      return Number(/^plaza_event_loop_utilization (\S+)$/m.exec(text)![1]);
    };
    // Two scrapes inside one measuring window read one figure; retry if a window ended between them.
    await until(async () => (await elu()) === (await elu()), "two back-to-back scrapes agree", 10_000, 100);
  });
});

describe("the Colyseus monitor", () => {
  it("asks for operator credentials and answers with them", async (ctx) => {
    if (!server) return ctx.skip();
    const anonymous = await get("/monitor/api");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/Basic/);
    const wrong = await get("/monitor/api", { Authorization: `Basic ${Buffer.from("operator:nope").toString("base64")}` });
    expect(wrong.status).toBe(401);
    const ok = await get("/monitor/api", { Authorization: `Basic ${Buffer.from(`operator:${OPERATOR_TOKEN}`).toString("base64")}` });
    expect(ok.status).toBe(200);
  });
});
