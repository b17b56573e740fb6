/**
 * Insights API (README "Analytics"):
 *   GET /api/spaces/:spaceId/insights?from=YYYY-MM-DD&to=YYYY-MM-DD          → JSON report
 *   GET /api/spaces/:spaceId/insights/<chart>.csv?from=…&to=…                 → one chart as CSV
 *   GET|PATCH /api/spaces/:spaceId/analytics  {off}                            → the space's opt-out (PV6)
 *   GET /api/me/activity?from=…&to=…                                           → your own activity (PV3)
 *   GET|PATCH /api/me/analytics  {optOut}                                      → your opt-out (PV6)
 * Access (AZ1 `space.insights`): the space's owners and admins, with their session token as
 * `Authorization: Bearer <token>`; operators may also use the deployment-wide INSIGHTS_TOKEN.
 * Checked before anything else, so a stranger learns nothing about the deployment. /api/me/* is
 * for anyone signed in, about themselves only.
 */
import express, { type Application, type Request, type Response } from "express";
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { spaceIdSchema } from "../../../shared/protocol.ts";
import { CHARTS, chartCsv, dayStart, type Chart } from "../analytics/insights.ts";
import type { InsightsService } from "../analytics/service.ts";
import { compileWorld } from "../../../shared/world.ts";
import type { Area } from "../../../shared/map.ts";
import { SinkRejectedError } from "../analytics/sink.ts";
import { logger } from "../log.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";

/** Stable error codes of the insights API (the rest of the API's codes live in api.ts). */
export const InsightsErrorCode = {
  /** No `Authorization: Bearer …` header. */
  UNAUTHORIZED: "unauthorized",
  /** Wrong token, or INSIGHTS_TOKEN not set on the server. */
  FORBIDDEN: "forbidden",
  /** No engine answers queries: no CLICKHOUSE_URL and ANALYTICS_EMBEDDED off. */
  NOT_CONFIGURED: "analytics_not_configured",
  /** ClickHouse did not answer. */
  UNAVAILABLE: "analytics_unavailable",
  INVALID_SPACE_ID: "invalid_space_id",
  /** from/to missing, malformed, reversed or more than MAX_RANGE_DAYS apart. */
  INVALID_RANGE: "invalid_range",
  NOT_FOUND: "not_found",
  INTERNAL: "internal",
  /** A PATCH body that is not {off: boolean} / {optOut: boolean}. */
  INVALID_BODY: "invalid_body",
} as const;

export const MAX_RANGE_DAYS = 366;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((s) => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().startsWith(s);
  }, "not a calendar date");

export const rangeSchema = z
  .object({ from: day, to: day })
  .refine((r) => r.from <= r.to, "from must not be after to")
  .refine((r) => (dayStart(r.to) - dayStart(r.from)) / 86400 + 1 <= MAX_RANGE_DAYS, `at most ${MAX_RANGE_DAYS} days`);

export interface InsightsDeps {
  insights: InsightsService;
  /** INSIGHTS_TOKEN (operators); undefined = only space owners/admins. */
  token: string | undefined;
  directory: SpaceDirectory;
}

function fail(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ error: { code, message } });
}

const digest = (s: string) => createHash("sha256").update(s).digest();

const bearer = (req: Request) => /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "")?.[1];
const NOT_CONFIGURED = "insights are off on this server: set CLICKHOUSE_URL, or ANALYTICS_EMBEDDED=on, and restart Plaza";

function unavailable(res: Response, err: unknown) {
  if (err instanceof SinkRejectedError) {
    logger.error({ err }, "insights query failed");
    return fail(res, 500, InsightsErrorCode.INTERNAL, "insights query failed");
  }
  logger.warn({ error: (err as Error).message }, "insights: analytics database unavailable");
  fail(res, 503, InsightsErrorCode.UNAVAILABLE, "the analytics database did not answer; try again shortly");
}

export function mountInsights(app: Application, deps: InsightsDeps) {
  const expected = deps.token ? digest(deps.token) : null;
  const service = deps.insights;
  const json = express.json({ limit: "4kb" });

  /** AU1: the operator token or an owner/admin of the space; false once an error was sent. */
  const admitted = async (req: Request, res: Response): Promise<boolean> => {
    const token = bearer(req);
    if (!token) return (fail(res, 401, InsightsErrorCode.UNAUTHORIZED, "sign in as an owner or admin of this space"), false);
    if (expected !== null && timingSafeEqual(digest(token), expected)) return true;
    try {
      const who = await deps.directory.identify(token);
      await deps.directory.authorize(String(req.params.spaceId), who, "space.insights");
      return true;
    } catch (err) {
      if (err instanceof AccessError) return (fail(res, err.status === 401 ? 401 : 403, err.status === 401 ? InsightsErrorCode.UNAUTHORIZED : InsightsErrorCode.FORBIDDEN, err.message), false);
      throw err;
    }
  };

  /** The signed-in person (any role, guests too), or null once a 401 was sent. */
  const person = async (req: Request, res: Response) => {
    const who = await deps.directory.identify(bearer(req));
    if (!who) fail(res, 401, InsightsErrorCode.UNAUTHORIZED, "sign in first");
    return who;
  };

  const range = (req: Request, res: Response) => {
    const r = rangeSchema.safeParse({ from: req.query.from, to: req.query.to });
    if (!r.success) fail(res, 400, InsightsErrorCode.INVALID_RANGE, `from/to: ${r.error.issues.map((i) => `${i.path.join(".") || "range"}: ${i.message}`).join("; ")}`);
    return r.success ? r.data : null;
  };

  /** The space's meeting rooms (private areas, drawn in build mode or in the map), for utilisation. */
  const roomsOf = async (spaceId: string): Promise<Area[]> => {
    const loaded = await deps.directory.load(spaceId).catch(() => null);
    return loaded ? compileWorld(loaded.base, loaded.content).areas : [];
  };

  const handle = (csv: boolean) => async (req: Request, res: Response) => {
    res.set("Cache-Control", "no-store");
    if (!(await admitted(req, res))) return;
    const insights = service.insights;
    if (!insights) return fail(res, 503, InsightsErrorCode.NOT_CONFIGURED, NOT_CONFIGURED);

    const chart = csv ? (req.params.chart as Chart) : null;
    if (chart !== null && !(CHARTS as readonly string[]).includes(chart)) return fail(res, 404, InsightsErrorCode.NOT_FOUND, `charts: ${CHARTS.join(", ")}`);
    const space = spaceIdSchema.safeParse(req.params.spaceId);
    if (!space.success) return fail(res, 400, InsightsErrorCode.INVALID_SPACE_ID, "space id: lower-case letters, digits and dashes, at most 40");
    const days = range(req, res);
    if (!days) return;

    try {
      const report = await insights.report(space.data, days.from, days.to, { minGroup: service.minGroup, rooms: await roomsOf(space.data) });
      if (!chart) return res.json(report);
      res.type("text/csv; charset=utf-8");
      res.set("Content-Disposition", `attachment; filename="plaza-${space.data}-${chart}-${report.from}-${report.to}.csv"`);
      res.send(chartCsv(report, chart));
    } catch (err) {
      unavailable(res, err);
    }
  };

  app.get("/api/spaces/:spaceId/insights", handle(false));
  app.get("/api/spaces/:spaceId/insights/:chart.csv", handle(true));

  // PV6: a space's opt-out, set by its owners and admins.
  app.get("/api/spaces/:spaceId/analytics", async (req, res) => {
    if (!(await admitted(req, res))) return;
    res.json({ off: service.privacy.spaceOff(String(req.params.spaceId)) });
  });
  app.patch("/api/spaces/:spaceId/analytics", json, async (req, res) => {
    if (!(await admitted(req, res))) return;
    const body = z.object({ off: z.boolean() }).safeParse(req.body);
    if (!body.success) return fail(res, 400, InsightsErrorCode.INVALID_BODY, "expected {\"off\": true|false}");
    const spaceId = String(req.params.spaceId);
    await service.store.setAnalyticsOptOut("space", spaceId, body.data.off);
    service.privacy.setSpace(spaceId, body.data.off);
    res.json({ off: body.data.off });
  });

  // PV3: your own time and conversations; PV6: your opt-out.
  app.get("/api/me/activity", async (req, res) => {
    res.set("Cache-Control", "no-store");
    const who = await person(req, res);
    if (!who) return;
    const days = range(req, res);
    if (!days) return;
    const insights = service.insights;
    if (!insights) return fail(res, 503, InsightsErrorCode.NOT_CONFIGURED, NOT_CONFIGURED);
    try {
      res.json(await insights.mine(who.userId, days.from, days.to, { optedOut: service.privacy.userOptedOut(who.userId) }));
    } catch (err) {
      unavailable(res, err);
    }
  });
  app.get("/api/me/analytics", async (req, res) => {
    const who = await person(req, res);
    if (who) res.json({ optOut: service.privacy.userOptedOut(who.userId) });
  });
  app.patch("/api/me/analytics", json, async (req, res) => {
    const who = await person(req, res);
    if (!who) return;
    const body = z.object({ optOut: z.boolean() }).safeParse(req.body);
    if (!body.success) return fail(res, 400, InsightsErrorCode.INVALID_BODY, "expected {\"optOut\": true|false}");
    await service.store.setAnalyticsOptOut("user", who.userId, body.data.optOut);
    service.privacy.setUser(who.userId, body.data.optOut);
    res.json({ optOut: body.data.optOut });
  });
}
