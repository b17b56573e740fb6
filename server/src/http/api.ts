/**
 * The stateless HTTP tier: JSON API, metrics, the maps and the built client. Holds no state of
 * its own; anything it answers comes from the catalog or the process metrics.
 */
import express, { type Application, type NextFunction, type Request, type Response } from "express";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { spaceIdSchema } from "../../../shared/protocol.ts";
import { MAPS_DIR, type MapCatalog } from "../space/MapCatalog.ts";
import { registry } from "../metrics.ts";
import type { IceServers } from "../config.ts";

export const CLIENT_DIST = fileURLToPath(new URL("../../../client/dist/", import.meta.url));

/** Stable error codes of the JSON API. */
export const ApiErrorCode = {
  INVALID_SPACE_ID: "invalid_space_id",
  NOT_FOUND: "not_found",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  BAD_REQUEST: "bad_request",
  INTERNAL: "internal",
} as const;

function apiError(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ error: { code, message } });
}

export function mountHttp(app: Application, deps: { maps: MapCatalog; iceServers: IceServers }) {
  app.disable("x-powered-by");
  app.use("/api", express.json({ limit: "64kb" }));

  app.get("/api/health", (_req, res) => {
    res.json({ ok: true, uptimeS: Math.round(process.uptime()) });
  });

  /** What the browser client needs to know about this deployment. */
  app.get("/api/config", (_req, res) => {
    res.json({ iceServers: deps.iceServers });
  });

  app.get("/api/spaces/:spaceId/map", (req, res) => {
    const id = spaceIdSchema.safeParse(req.params.spaceId);
    if (!id.success) return apiError(res, 400, ApiErrorCode.INVALID_SPACE_ID, "space id: lower-case letters, digits and dashes, at most 40");
    res.set("Cache-Control", "no-cache");
    res.json(deps.maps.mapFor(id.data).tmj);
  });

  app.get("/metrics", async (_req, res) => {
    res.set("Content-Type", registry.contentType);
    res.send(await registry.metrics());
  });

  // Tilesets referenced by maps ("image": "office-tiles.png") resolve next to the map URL.
  app.use("/api/spaces/:spaceId", express.static(MAPS_DIR, { index: false, fallthrough: true }));
  app.use("/api", (_req, res) => apiError(res, 404, ApiErrorCode.NOT_FOUND, "no such endpoint"));
  app.use("/maps", express.static(MAPS_DIR, { index: false }));

  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST, { index: "index.html" }));
    // Client-side routes (/ and /s/<spaceId>) all load the single-page app.
    app.get(["/", "/s/{*rest}"], (_req, res) => res.sendFile("index.html", { root: CLIENT_DIST }));
  } else {
    app.get("/", (_req, res) => res.status(503).type("text/plain").send("Client not built: run `npm run build` (npm start does it for you)."));
  }

  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const e = err as { type?: string; status?: number };
    if (e.type === "entity.too.large") return apiError(res, 413, ApiErrorCode.PAYLOAD_TOO_LARGE, "request body too large");
    if (e.type === "entity.parse.failed") return apiError(res, 400, ApiErrorCode.BAD_REQUEST, "malformed JSON body");
    apiError(res, 500, ApiErrorCode.INTERNAL, "internal error");
  });
}
