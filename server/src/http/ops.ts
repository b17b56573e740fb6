/**
 * What operators and their tools talk to (SPEC OP): liveness, readiness, drain-aware health,
 * metrics and the Colyseus monitor.
 *
 *   GET /livez    200 while the process serves HTTP at all (restart it when this fails)
 *   GET /readyz   200 only when the database, Redis and the matchmaking driver each answered a
 *                 round-trip just now and the process is not draining; else 503 with what failed
 *                 (send no new traffic here while this fails)
 *   GET /healthz  the older drain-aware check (CL5): 503 while draining, with ccu/rooms/elu
 *   GET /metrics  Prometheus text; behind METRICS_TOKEN when set; on METRICS_PORT instead when set
 *   /monitor      the Colyseus monitor, only with OPERATOR_TOKEN (HTTP Basic auth, user `operator`)
 */
import express, { type Application, type Request, type Response, type NextFunction } from "express";
import basicAuth from "express-basic-auth";
import { matchMaker } from "@colyseus/core";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PlazaConfig } from "../config.ts";
import { registry, ready as readyGauge } from "../metrics.ts";
import { logger } from "../log.ts";

/** One dependency readiness asks about: a name and a round-trip. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface ReadinessState {
  ready: boolean;
  draining: boolean;
  checks: Record<string, { ok: boolean; ms: number; error?: string }>;
}

/** Each check must answer within this long, ms, or counts as down. */
const CHECK_TIMEOUT_MS = 2000;
/** Probes arriving within this long share one round of checks (many balancers probe often). */
const SHARE_MS = 500;

/**
 * Runs the checks (all at once, each bounded) at most once per SHARE_MS; concurrent probes share
 * the round in flight.
 */
export class Readiness {
  private last: { at: number; state: ReadinessState } | undefined;
  private inFlight: Promise<ReadinessState> | undefined;

  constructor(private readonly checks: ReadinessCheck[], private readonly isDraining: () => boolean, private readonly shareMs = SHARE_MS) {}

  async state(): Promise<ReadinessState> {
    const draining = this.isDraining();
    if (this.last && Date.now() - this.last.at < this.shareMs) return { ...this.last.state, draining, ready: this.last.state.ready && !draining };
    this.inFlight ??= this.run().finally(() => { this.inFlight = undefined; });
    return this.inFlight;
  }

  private async run(): Promise<ReadinessState> {
    const results = await Promise.all(this.checks.map(async (c) => {
      const t0 = performance.now();
      try {
        await withTimeout(c.check(), CHECK_TIMEOUT_MS, `${c.name} did not answer within ${CHECK_TIMEOUT_MS} ms`);
        return [c.name, { ok: true, ms: Math.round(performance.now() - t0) }] as const;
      } catch (err) {
        return [c.name, { ok: false, ms: Math.round(performance.now() - t0), error: err instanceof Error ? err.message : String(err) }] as const;
      }
    }));
    const checks = Object.fromEntries(results);
    const draining = this.isDraining();
    const ready = !draining && results.every(([, r]) => r.ok);
    const state = { ready, draining, checks };
    if (this.last && this.last.state.ready !== ready) {
      logger[ready ? "info" : "warn"]({ checks, draining }, ready ? "ready again" : "not ready");
    }
    readyGauge.set(ready ? 1 : 0);
    this.last = { at: Date.now(), state };
    return state;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); })]).finally(() => clearTimeout(timer));
}

/** GET /livez, /readyz and /healthz (see the top of this file). */
export function mountHealth(app: Application, deps: { readiness: Readiness; isDraining: () => boolean; elu: () => number }): void {
  app.get("/livez", (_req, res) => {
    res.json({ ok: true, processId: matchMaker.processId, pid: process.pid, uptimeS: Math.round(process.uptime()) });
  });
  app.get("/readyz", async (_req, res) => {
    const state = await deps.readiness.state();
    res.status(state.ready ? 200 : 503).json({ ...state, processId: matchMaker.processId });
  });
  // CL5: per-process health for load balancers; 503 while draining so they stop sending here.
  app.get("/healthz", (_req, res) => {
    const draining = deps.isDraining();
    const { ccu, roomCount } = matchMaker.stats.local;
    res.status(draining ? 503 : 200).json({ ok: !draining, draining, processId: matchMaker.processId, ccu, rooms: roomCount, elu: deps.elu() });
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

async function sendMetrics(req: Request, res: Response, token: string | undefined): Promise<void> {
  if (token !== undefined) {
    const header = req.get("authorization") ?? "";
    const given = header.startsWith("Bearer ") ? header.slice(7) : "";
    if (!given || !sameSecret(given, token)) {
      res.status(401).set("WWW-Authenticate", "Bearer").json({ error: { code: "unauthorized", message: "metrics need Authorization: Bearer <METRICS_TOKEN>" } });
      return;
    }
  }
  res.set("Content-Type", registry.contentType);
  res.send(await registry.metrics());
}

function metricsRoute(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => { sendMetrics(req, res, token).catch(next); };
}

/** /metrics on the main app (unless METRICS_PORT moves it) and /monitor when OPERATOR_TOKEN is set. */
export function mountOperatorEndpoints(app: Application, cfg: Pick<PlazaConfig, "METRICS_PORT" | "METRICS_TOKEN" | "OPERATOR_TOKEN">): void {
  if (cfg.METRICS_PORT === undefined) app.get("/metrics", metricsRoute(cfg.METRICS_TOKEN));
  if (cfg.OPERATOR_TOKEN !== undefined) {
    const password = cfg.OPERATOR_TOKEN;
    const auth = basicAuth({ authorizer: (user: string, pass: string) => sameSecret(user, "operator") && sameSecret(pass, password), challenge: true, realm: "Plaza operators" });
    // Loaded on an operator's first visit (OP17): not part of an idle server's memory.
    let monitor: Promise<express.RequestHandler> | undefined;
    app.use("/monitor", auth, (req, res, next) => {
      monitor ??= import("@colyseus/monitor").then((m) => m.monitor() as unknown as express.RequestHandler);
      monitor.then((handler) => handler(req, res, next), next);
    });
  }
}

/** With METRICS_PORT: /metrics on a listener of its own (METRICS_HOST); resolves to its port and a close. */
export async function startMetricsServer(cfg: Pick<PlazaConfig, "METRICS_PORT" | "METRICS_HOST" | "METRICS_TOKEN">): Promise<{ port: number; close(): Promise<void> } | undefined> {
  if (cfg.METRICS_PORT === undefined) return undefined;
  const own = express();
  own.disable("x-powered-by");
  own.get("/metrics", metricsRoute(cfg.METRICS_TOKEN));
  const server = await new Promise<Server>((resolve, reject) => {
    const s = own.listen(cfg.METRICS_PORT!, cfg.METRICS_HOST, () => resolve(s));
    s.once("error", reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
