/**
 * Insights API (README "Analytics"):
 *   GET /api/spaces/:spaceId/insights?from=YYYY-MM-DD&to=YYYY-MM-DD          → JSON report
 *   GET /api/spaces/:spaceId/insights/<chart>.csv?from=…&to=…                 → one chart as CSV
 * Access (AZ1 `space.insights`): the space's owners and admins, with their session token as
 * `Authorization: Bearer <token>`; operators may also use the deployment-wide INSIGHTS_TOKEN.
 * Checked before anything else, so a stranger learns nothing about the deployment.
 */
import type { Application, Request, Response } from "express";
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { spaceIdSchema } from "../../../shared/protocol.ts";
import { CHARTS, chartCsv, dayStart, type Chart, type Insights } from "../analytics/insights.ts";
import { SinkRejectedError } from "../analytics/sink.ts";
import { logger } from "../log.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";

/** Stable error codes of the insights API (the rest of the API's codes live in api.ts). */
export const InsightsErrorCode = {
  /** No `Authorization: Bearer …` header. */
  UNAUTHORIZED: "unauthorized",
  /** Wrong token, or INSIGHTS_TOKEN not set on the server. */
  FORBIDDEN: "forbidden",
  /** CLICKHOUSE_URL not set: there is nothing to query. */
  NOT_CONFIGURED: "analytics_not_configured",
  /** ClickHouse did not answer. */
  UNAVAILABLE: "analytics_unavailable",
  INVALID_SPACE_ID: "invalid_space_id",
  /** from/to missing, malformed, reversed or more than MAX_RANGE_DAYS apart. */
  INVALID_RANGE: "invalid_range",
  NOT_FOUND: "not_found",
  INTERNAL: "internal",
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
  /** Null when CLICKHOUSE_URL is unset. */
  insights: Insights | null;
  /** INSIGHTS_TOKEN (operators); undefined = only space owners/admins. */
  token: string | undefined;
  directory: SpaceDirectory;
}

function fail(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ error: { code, message } });
}

const digest = (s: string) => createHash("sha256").update(s).digest();

export function mountInsights(app: Application, deps: InsightsDeps) {
  const expected = deps.token ? digest(deps.token) : null;

  const handle = (csv: boolean) => async (req: Request, res: Response) => {
    res.set("Cache-Control", "no-store");
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
    if (!m) return fail(res, 401, InsightsErrorCode.UNAUTHORIZED, "sign in as an owner or admin of this space");
    const operator = expected !== null && timingSafeEqual(digest(m[1]), expected);
    if (!operator) {
      try {
        const who = await deps.directory.identify(m[1]);
        await deps.directory.authorize(String(req.params.spaceId), who, "space.insights");
      } catch (err) {
        if (err instanceof AccessError) return fail(res, err.status === 401 ? 401 : 403, err.status === 401 ? InsightsErrorCode.UNAUTHORIZED : InsightsErrorCode.FORBIDDEN, err.message);
        throw err;
      }
    }
    if (!deps.insights) return fail(res, 503, InsightsErrorCode.NOT_CONFIGURED, "Set CLICKHOUSE_URL (and restart Plaza) to enable insights; until then events are kept in the analytics spool");

    const chart = csv ? (req.params.chart as Chart) : null;
    if (chart !== null && !(CHARTS as readonly string[]).includes(chart)) return fail(res, 404, InsightsErrorCode.NOT_FOUND, `charts: ${CHARTS.join(", ")}`);
    const space = spaceIdSchema.safeParse(req.params.spaceId);
    if (!space.success) return fail(res, 400, InsightsErrorCode.INVALID_SPACE_ID, "space id: lower-case letters, digits and dashes, at most 40");
    const range = rangeSchema.safeParse({ from: req.query.from, to: req.query.to });
    if (!range.success) return fail(res, 400, InsightsErrorCode.INVALID_RANGE, `from/to: ${range.error.issues.map((i) => `${i.path.join(".") || "range"}: ${i.message}`).join("; ")}`);

    try {
      const report = await deps.insights.report(space.data, range.data.from, range.data.to);
      if (!chart) return res.json(report);
      res.type("text/csv; charset=utf-8");
      res.set("Content-Disposition", `attachment; filename="plaza-${space.data}-${chart}-${report.from}-${report.to}.csv"`);
      res.send(chartCsv(report, chart));
    } catch (err) {
      if (err instanceof SinkRejectedError) {
        logger.error({ err }, "insights query failed");
        return fail(res, 500, InsightsErrorCode.INTERNAL, "insights query failed");
      }
      logger.warn({ error: (err as Error).message }, "insights: ClickHouse unavailable");
      fail(res, 503, InsightsErrorCode.UNAVAILABLE, "the analytics database did not answer; try again shortly");
    }
  };

  app.get("/api/spaces/:spaceId/insights", handle(false));
  app.get("/api/spaces/:spaceId/insights/:chart.csv", handle(true));
}
