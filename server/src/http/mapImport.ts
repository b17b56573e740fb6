/**
 * Tiled import and export over HTTP (SPEC BM9, MP6–MP9).
 *
 * POST /api/spaces/import: multipart/form-data with the fields `name`, `id`, `visibility`, `teamId`
 * and the files (the .tmj, its .tsx/.tsj tilesets and images, or one .zip of them); or, as before
 * MP6, JSON `{ map, tilesetPngBase64 }`. Answers the space plus the import report.
 * GET /api/spaces/:spaceId/export: a .zip that opens in Tiled (map.tmj, one .tsj and .png per
 * tileset) and imports back to the same content.
 */
import type { Application, Request } from "express";
import type busboy from "busboy";
import { onFirstUse } from "../onFirstUse.ts";
import { ApiErrorCode, IMPORT_MAX_TILESET_BYTES, importSpaceBody, importSpaceFields } from "../../../shared/api.ts";
import { MAP_LIMITS, MapErrorCode, MapFormatError } from "../../../shared/maps/errors.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";
import { exportSpace } from "../maps/export.ts";
import { packImages, resolveUpload, type UploadFile } from "../maps/upload.ts";
import { logger } from "../log.ts";
import { spaceInfo } from "./accounts.ts";
import { bearer, parseBody, route, signedIn } from "./respond.ts";
import { spaceIdParam, teamNameOf } from "./spaceParams.ts";

const loadBusboy = onFirstUse<typeof busboy>("busboy");

/** The form of a multipart upload, read with bounded counts and bytes (MP8). */
function readMultipart(req: Request): Promise<{ fields: Record<string, string>; files: UploadFile[] }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = loadBusboy()({ headers: req.headers, limits: { files: MAP_LIMITS.files + 1, fileSize: MAP_LIMITS.uploadBytes, fields: 16, fieldSize: 1024, parts: MAP_LIMITS.files + 20 } });
    } catch {
      return reject(new MapFormatError(MapErrorCode.NOT_A_MAP, "the upload is not a multipart form: send the files as multipart/form-data"));
    }
    const fields: Record<string, string> = {};
    const files: UploadFile[] = [];
    let total = 0;
    let failed: MapFormatError | null = null;
    const tooLarge = () => new MapFormatError(MapErrorCode.UPLOAD_TOO_LARGE, `the upload is over ${MAP_LIMITS.uploadBytes / 1024 / 1024} MB: leave out files the map does not use, or shrink the tileset images`);
    bb.on("field", (k, v) => { fields[k] = v; });
    bb.on("file", (_field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => {
        total += c.length;
        if (total > MAP_LIMITS.uploadBytes) failed ??= tooLarge();
        else chunks.push(c);
      });
      stream.on("limit", () => { failed ??= tooLarge(); });
      stream.on("close", () => { files.push({ name: info.filename || "upload", bytes: new Uint8Array(Buffer.concat(chunks)) }); });
    });
    bb.on("filesLimit", () => { failed ??= new MapFormatError(MapErrorCode.TOO_MANY_FILES, `the upload holds more than ${MAP_LIMITS.files} files: only the map, its tilesets and their images`); });
    bb.on("error", () => reject(new MapFormatError(MapErrorCode.NOT_A_MAP, "the upload was cut off or malformed: try again")));
    bb.on("close", () => (failed ? reject(failed) : resolve({ fields, files })));
    req.pipe(bb);
  });
}

/** The pre-MP6 JSON body: one map with one embedded tileset and its PNG. */
function legacyFiles(body: { map: unknown; tilesetPngBase64: string }): UploadFile[] {
  const png = Buffer.from(body.tilesetPngBase64, "base64");
  if (png.length > IMPORT_MAX_TILESET_BYTES) throw new MapFormatError(MapErrorCode.UPLOAD_TOO_LARGE, `the tileset is over ${IMPORT_MAX_TILESET_BYTES / 1024 / 1024} MB`);
  const image = (body.map as { tilesets?: Array<{ image?: unknown }> } | null)?.tilesets?.[0]?.image;
  return [
    { name: "map.tmj", bytes: new TextEncoder().encode(JSON.stringify(body.map)) },
    { name: typeof image === "string" ? image : "tileset.png", bytes: new Uint8Array(png) },
  ];
}

export function mountMapImport(app: Application, dir: SpaceDirectory, targetTeam: (userId: string, teamId: string | undefined) => Promise<string>, slugOf: (name: string) => string) {
  const store = dir.store;

  app.post("/api/spaces/import", route(async (req, res) => {
    const who = await signedIn(dir, req);
    let meta, files: UploadFile[];
    try {
      if (req.is("multipart/form-data")) {
        const form = await readMultipart(req);
        meta = parseBody(importSpaceFields, form.fields);
        files = form.files;
      } else {
        const body = parseBody(importSpaceBody, req.body);
        meta = body;
        files = legacyFiles(body);
      }
    } catch (err) {
      if (err instanceof MapFormatError) return refuse(res, err);
      throw err;
    }
    let resolved;
    try {
      resolved = resolveUpload(files);
    } catch (err) {
      if (err instanceof MapFormatError) return refuse(res, err);
      throw err;
    }
    const teamId = await targetTeam(who.userId, meta.teamId);
    const space = await dir.createSpace(meta.id ?? slugOf(meta.name), meta.id !== undefined, (id) =>
      dir.newSpace({ id, teamId, name: meta.name, visibility: meta.visibility, template: "import", tmj: resolved.tmj, tileset: packImages(resolved.images) }));
    const { map } = resolved;
    logger.info({ space: space.id, width: map.width, height: map.height, tilesets: map.tilesets.length }, "map imported");
    res.status(201).json({ ...spaceInfo(space, await dir.roleIn(space, who), await teamNameOf(store, teamId)), report: map.report });
  }));

  app.get("/api/spaces/:spaceId/export", route(async (req, res) => {
    const who = await dir.identify(bearer(req));
    const { space } = await dir.authorize(spaceIdParam(req), who, "space.read");
    const loaded = await dir.load(space.id);
    const stored = await store.baseMap(space.id);
    if (!loaded || !stored) throw new AccessError(404, ApiErrorCode.NOT_FOUND, "there is no such space");
    const zip = await exportSpace(loaded.base, loaded.content, stored.tileset);
    res.set("Content-Disposition", `attachment; filename="${space.id}.zip"`).type("application/zip").send(Buffer.from(zip));
  }));
}

function refuse(res: import("express").Response, err: MapFormatError) {
  const status = err.code === MapErrorCode.UPLOAD_TOO_LARGE || err.code === MapErrorCode.TOO_MANY_FILES ? 413 : 422;
  res.status(status).json({ error: { code: status === 413 ? ApiErrorCode.PAYLOAD_TOO_LARGE : ApiErrorCode.INVALID_MAP, message: err.message, detail: err.code } });
}
