import { describe, expect, it } from "vitest";
import { Readiness, startMetricsServer } from "./ops.ts";

describe("Readiness", () => {
  it("is ready only when every check answers and the process is not draining", async () => {
    let draining = false;
    let dbUp = true;
    const r = new Readiness([
      { name: "database", check: async () => { if (!dbUp) throw new Error("connection refused"); } },
      { name: "redis", check: async () => {} },
    ], () => draining, 0);
    expect((await r.state()).ready).toBe(true);
    draining = true;
    const d = await r.state();
    expect(d.ready).toBe(false);
    expect(d.draining).toBe(true);
    draining = false;
    dbUp = false;
    const down = await r.state();
    expect(down.ready).toBe(false);
    expect(down.checks.database).toMatchObject({ ok: false, error: "connection refused" });
    expect(down.checks.redis!.ok).toBe(true);
  });

  it("counts a check that never answers as down", async () => {
    const r = new Readiness([{ name: "hung", check: () => new Promise(() => {}) }], () => false);
    const s = await r.state();
    expect(s.ready).toBe(false);
    expect(s.checks.hung!.error).toMatch(/did not answer/);
  });
});

describe("METRICS_PORT", () => {
  it("serves /metrics on a listener of its own, behind the token", async () => {
    const m = await startMetricsServer({ METRICS_PORT: 0, METRICS_HOST: "127.0.0.1", METRICS_TOKEN: "a-metrics-token-0123456789" });
    try {
      const url = `http://127.0.0.1:${m!.port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      const ok = await fetch(url, { headers: { Authorization: "Bearer a-metrics-token-0123456789" } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^process_cpu_seconds_total /m);
    } finally {
      await m!.close();
    }
  });
});
