/**
 * Spaces, members and invites over HTTP (SPEC AU/AZ). Every route authorizes through the space
 * directory — the same rules the room's onAuth uses — and validates its body with shared/api.ts.
 */
import type { Application } from "express";
import { randomBytes } from "node:crypto";
import { matchMaker } from "@colyseus/core";
import { ApiErrorCode, createSpaceBody, updateSpaceBody } from "../../../shared/api.ts";
import { RANK } from "../../../shared/authz.ts";
import { SPACE_ROOM } from "../../../shared/protocol.ts";
import type { AccessEvents } from "../access/AccessEvents.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";
import type { SpaceRecord, Store } from "../store/Store.ts";
import { spaceInfo } from "./accounts.ts";
import { mountInviteAdmin, mountInviteLinks } from "./invites.ts";
import { mountMembers } from "./members.ts";
import { bearer, BadRequest, parseBody, route, signedIn } from "./respond.ts";
import { mountMapImport } from "./mapImport.ts";
import { storedImage } from "../maps/upload.ts";
import { spaceIdParam, teamNameOf } from "./spaceParams.ts";
import { logger } from "../log.ts";

function slugOf(name: string): string {
  const s = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 32);
  return s || `space-${randomBytes(3).toString("hex")}`;
}

/** Ends the live room of a deleted space, wherever it runs (remote call through the presence). */
async function closeLiveRoom(spaceId: string) {
  try {
    const rooms = await matchMaker.query({ name: SPACE_ROOM, spaceId } as never);
    for (const r of rooms) await matchMaker.remoteRoomCall(r.roomId, "closeForDeletion");
  } catch (err) {
    logger.warn({ err, spaceId }, "could not close the live room of a deleted space");
  }
}

/**
 * `access` hears about every change that can take access away or lower it (a role changed, a
 * member gone, a space renamed or made private, an invite revoked, a space deleted), published
 * after the store has it, so live rooms re-check their people (SPEC SE4).
 *
 * Mounted in this order: `/api/spaces/:spaceId/:file` comes last so it never shadows the others.
 */
export function mountSpaces(app: Application, dir: SpaceDirectory, access: AccessEvents) {
  mountSpaceCreation(app, dir);
  mountSpaceCrud(app, dir, access);
  mountMembers(app, dir, access);
  mountInviteAdmin(app, dir, access);
  mountInviteLinks(app, dir);
  mountTilesetFiles(app, dir);
}

/** The team a new space goes into: the given one, else the caller's own (the one they own). */
async function targetTeam(store: Store, userId: string, teamId: string | undefined): Promise<string> {
  const teams = await store.teamsOf(userId);
  const team = teamId ? teams.find((t) => t.id === teamId) : teams.find((t) => t.role === "owner");
  if (!team || RANK[team.role] < RANK.admin) throw new AccessError(403, ApiErrorCode.FORBIDDEN, "only a team's owners and admins can create spaces in it");
  return team.id;
}

/** New spaces: from a template, or a Tiled import. */
function mountSpaceCreation(app: Application, dir: SpaceDirectory) {
  const store = dir.store;

  app.post("/api/spaces", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const body = parseBody(createSpaceBody, req.body);
    const template = dir.templates.get(body.template);
    if (!template) throw new BadRequest(`template: unknown template "${body.template}"`);
    const teamId = await targetTeam(store, who.userId, body.teamId);
    const space = await dir.createSpace(body.id ?? slugOf(body.name), body.id !== undefined, (id) =>
      dir.newSpace({ id, teamId, name: body.name, visibility: body.visibility, template: template.id, tmj: template.tmj, tileset: null }));
    res.status(201).json(spaceInfo(space, await dir.roleIn(space, who), await teamNameOf(store, teamId)));
  }));

  // Tiled import and export (BM9, MP6–MP9): mapImport.ts.
  mountMapImport(app, dir, (userId, teamId) => targetTeam(store, userId, teamId), slugOf);
}

/** One space: read, rename or change visibility, delete, and its base map. */
function mountSpaceCrud(app: Application, dir: SpaceDirectory, access: AccessEvents) {
  const store = dir.store;

  app.get("/api/spaces/:spaceId", route(async (req, res) => {
    const who = await dir.identify(bearer(req));
    const { space, role } = await dir.authorize(spaceIdParam(req), who, "space.read");
    res.json(spaceInfo(space, role, await teamNameOf(store, space.teamId)));
  }));

  app.patch("/api/spaces/:spaceId", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const { space, role } = await dir.authorize(spaceIdParam(req), who, "space.rename");
    const body = parseBody(updateSpaceBody, req.body);
    const updated = (await store.updateSpace(space.id, body)) as SpaceRecord;
    access.changed({ spaceId: space.id });
    res.json(spaceInfo(updated, role, await teamNameOf(store, space.teamId)));
  }));

  app.delete("/api/spaces/:spaceId", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const { space } = await dir.authorize(spaceIdParam(req), who, "space.delete");
    await store.deleteSpace(space.id);
    dir.forget(space.id);
    await closeLiveRoom(space.id);
    access.changed({ spaceId: space.id });
    res.status(204).end();
  }));

  app.get("/api/spaces/:spaceId/map", route(async (req, res) => {
    const who = await dir.identify(bearer(req));
    const { space } = await dir.authorize(spaceIdParam(req), who, "space.read");
    const stored = await store.baseMap(space.id);
    if (!stored) throw new AccessError(404, ApiErrorCode.NOT_FOUND, "there is no such space");
    res.set("Cache-Control", "no-cache");
    res.json(stored.tmj);
  }));
}

/** An imported space's tileset images: each name is a hash of the bytes (only the map, which needs access, reveals it). */
function mountTilesetFiles(app: Application, dir: SpaceDirectory) {
  const store = dir.store;
  app.get("/api/spaces/:spaceId/:file", route(async (req, res) => {
    const file = String(req.params.file);
    if (!/^tileset-[0-9a-f]{24}\.png$/.test(file)) return res.status(404).end();
    const stored = await store.baseMap(spaceIdParam(req));
    const png = stored?.tileset ? storedImage(stored.tileset, file) : null;
    if (!png) return res.status(404).end();
    res.set("Cache-Control", "public, max-age=31536000, immutable").type("png").send(Buffer.from(png));
  }));
}
