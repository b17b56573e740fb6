/**
 * The stateless HTTP tier: JSON API, the maps and the built client (health and metrics: ops.ts). Holds no state of
 * its own; anything it answers comes from the catalog or the process metrics.
 */
import express, { type Application, type NextFunction, type Request, type Response } from "express";
import expressStaticGzip from "express-static-gzip";
import { existsSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiErrorCode } from "../../../shared/api.ts";
import { MAPS_DIR } from "../maps/MapCatalog.ts";
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
import { mountPasswordReset, type PasswordReset } from "./passwordReset.ts";

const staticMaps = express.static(MAPS_DIR, { index: false, fallthrough: true });

export const CLIENT_DIST = fileURLToPath(new URL("../../../client/dist/", import.meta.url));

/** UX8: built assets carry a content hash in their name (Vite): cache them for a year, never revalidate. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** UX8: the page itself is revalidated on every load, so a deploy reaches everyone at once. */
export const REVALIDATE = "no-cache";

/**
 * The built client (UX8): precompressed `.br`/`.gz` siblings (written by the build, see
 * client/vite.config.ts) are sent to browsers that accept them, hashed assets are immutable and
 * index.html is revalidated.
 */
function clientAssets() {
  return expressStaticGzip(CLIENT_DIST, {
    enableBrotli: true,
    orderPreference: ["br", "gzip"],
    index: "index.html",
    serveStatic: {
      setHeaders: (res: ServerResponse, path: string) => {
        const hashed = /[\\/]assets[\\/]/.test(path);
        res.setHeader("Cache-Control", hashed ? IMMUTABLE : basename(path).startsWith("index.html") ? REVALIDATE : "public, max-age=3600");
      },
    },
  });
}

export { ApiErrorCode };

export function mountHttp(app: Application, deps: { directory: SpaceDirectory; iceServers: IceServers; storeKind: string; config: Pick<Partial<PlazaConfig>, "TRUST_PROXY">; limits: AuthLimits; team: TeamPresence; access: AccessEvents; passwordReset: PasswordReset }) {
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
  mountPasswordReset(app, deps.directory, deps.passwordReset);
  mountAccountDeletion(app, deps.directory);

  // Tilesets referenced by maps ("image": "office-tiles.png") resolve next to the map URL:
  // the templates' shared tileset from disk, an imported one from the store (spaces.ts).
  app.use("/api/spaces/:spaceId", (req, res, next) => (req.method === "GET" && /^\/[a-z0-9-]+\.png$/.test(req.path) ? staticMaps(req, res, next) : next()));
  mountSpaces(app, deps.directory, deps.access);
  mountTeams(app, deps.directory, deps.team);
  app.use("/api", (_req, res) => apiError(res, 404, ApiErrorCode.NOT_FOUND, "no such endpoint"));
  app.use("/maps", express.static(MAPS_DIR, { index: false }));

  if (existsSync(CLIENT_DIST)) {
    app.use(clientAssets());
    // Client-side routes (/ and /s/<spaceId>) all load the single-page app.
    app.get(["/", "/s/{*rest}", "/i/{*rest}", "/reset"], (_req, res) => res.sendFile("index.html", { root: CLIENT_DIST, headers: { "Cache-Control": REVALIDATE } }));
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
