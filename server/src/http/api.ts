/**
 * The stateless HTTP tier: JSON API, metrics, the maps and the built client. Holds no state of
 * its own; anything it answers comes from the catalog or the process metrics.
 */
import express, { type Application, type NextFunction, type Request, type Response } from "express";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ApiErrorCode } from "../../../shared/api.ts";
import { MAPS_DIR } from "../maps/MapCatalog.ts";
import { registry } from "../metrics.ts";
import type { IceServers, PlazaConfig } from "../config.ts";
import { compileTrustProxy } from "../net/clientAddress.ts";
import type { SpaceDirectory } from "../access/directory.ts";
import type { AccessEvents } from "../access/AccessEvents.ts";
import { mountAccounts } from "./accounts.ts";
import { mountAccountDeletion } from "./accountDeletion.ts";
import { attachLimits, type AuthLimits } from "./limits.ts";
import { mountSpaces } from "./spaces.ts";
import { mountTeams } from "./teams.ts";
import type { TeamPresence } from "../team/TeamPresence.ts";
import { apiError } from "./respond.ts";

const staticMaps = express.static(MAPS_DIR, { index: false, fallthrough: true });

export const CLIENT_DIST = fileURLToPath(new URL("../../../client/dist/", import.meta.url));

export { ApiErrorCode };

export function mountHttp(app: Application, deps: { directory: SpaceDirectory; iceServers: IceServers; storeKind: string; config: Pick<Partial<PlazaConfig>, "TRUST_PROXY">; limits: AuthLimits; team: TeamPresence; access: AccessEvents }) {
  app.disable("x-powered-by");
  // req.ip is the client, not a proxy, only behind the proxies TRUST_PROXY names (SE8); rate limits key on it.
  app.set("trust proxy", compileTrustProxy(deps.config.TRUST_PROXY));
  attachLimits(app, deps.limits, deps.directory);
  // Tiled imports carry a map and a tileset: a bigger limit on that route only (body-parser skips parsed bodies).
  app.use("/api/spaces/import", express.json({ limit: "8mb" }));
  app.use("/api", express.json({ limit: "64kb" }));

  app.get("/api/health", (_req, res) => {
    res.json({ ok: true, uptimeS: Math.round(process.uptime()), store: deps.storeKind });
  });

  /** What the browser client needs to know about this deployment. */
  app.get("/api/config", (_req, res) => {
    res.json({ iceServers: deps.iceServers });
  });

  mountAccounts(app, deps.directory);
  mountAccountDeletion(app, deps.directory);

  app.get("/metrics", async (_req, res) => {
    res.set("Content-Type", registry.contentType);
    res.send(await registry.metrics());
  });

  // Tilesets referenced by maps ("image": "office-tiles.png") resolve next to the map URL:
  // the templates' shared tileset from disk, an imported one from the store (spaces.ts).
  app.use("/api/spaces/:spaceId", (req, res, next) => (req.method === "GET" && /^\/[a-z0-9-]+\.png$/.test(req.path) ? staticMaps(req, res, next) : next()));
  mountSpaces(app, deps.directory, deps.access);
  mountTeams(app, deps.directory, deps.team);
  app.use("/api", (_req, res) => apiError(res, 404, ApiErrorCode.NOT_FOUND, "no such endpoint"));
  app.use("/maps", express.static(MAPS_DIR, { index: false }));

  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST, { index: "index.html" }));
    // Client-side routes (/ and /s/<spaceId>) all load the single-page app.
    app.get(["/", "/s/{*rest}", "/i/{*rest}"], (_req, res) => res.sendFile("index.html", { root: CLIENT_DIST }));
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
