/**
 * Spaces, members and invites over HTTP (SPEC AU/AZ). Every route authorizes through the space
 * directory — the same rules the room's onAuth uses — and validates its body with shared/api.ts.
 */
import type { Application, Request } from "express";
import { createHash, randomBytes } from "node:crypto";
import { matchMaker } from "@colyseus/core";
import {
  ApiErrorCode, IMPORT_MAX_TILESET_BYTES, acceptInviteBody, createInviteBody, createSpaceBody, importSpaceBody, setRoleBody, updateSpaceBody,
  type AcceptInviteResponse, type InviteInfo, type InvitePreview, type MemberInfo,
} from "../../../shared/api.ts";
import { RANK, can, canRemove, canSetRole, type Role } from "../../../shared/authz.ts";
import { MapFormatError, parseTiledMap } from "../../../shared/map.ts";
import { SPACE_ROOM, spaceIdSchema } from "../../../shared/protocol.ts";
import type { AccessEvents } from "../access/AccessEvents.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";
import type { Invite, SpaceRecord } from "../store/Store.ts";
import { spaceInfo, userInfo } from "./accounts.ts";
import { inviteAcceptLimited } from "./limits.ts";
import { apiError, bearer, BadRequest, parseBody, route, signedIn } from "./respond.ts";
import { logger } from "../log.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function slugOf(name: string): string {
  const s = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 32);
  return s || `space-${randomBytes(3).toString("hex")}`;
}

function spaceIdParam(req: Request): string {
  const id = spaceIdSchema.safeParse(req.params.spaceId);
  if (!id.success) throw new AccessError(400, ApiErrorCode.INVALID_SPACE_ID, "space id: lower-case letters, digits and dashes, at most 40");
  return id.data;
}

function inviteInfo(req: Request, i: Invite): InviteInfo {
  return {
    code: i.code, url: `${req.protocol}://${req.get("host")}/i/${i.code}`, role: i.role, createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt?.toISOString() ?? null, revoked: i.revokedAt !== null, uses: i.uses,
  };
}

/** The tileset file name of an imported space: derived from its bytes, so the URL is a capability. */
export function tilesetName(png: Uint8Array): string {
  return `tileset-${createHash("sha256").update(png).digest("hex").slice(0, 24)}.png`;
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
 */
export function mountSpaces(app: Application, dir: SpaceDirectory, access: AccessEvents) {
  const store = dir.store;
  const teamName = async (teamId: string) => (await store.team(teamId))?.name ?? "";

  /** The team a new space goes into: the given one, else the caller's own (the one they own). */
  async function targetTeam(userId: string, teamId: string | undefined): Promise<string> {
    const teams = await store.teamsOf(userId);
    const team = teamId ? teams.find((t) => t.id === teamId) : teams.find((t) => t.role === "owner");
    if (!team || RANK[team.role] < RANK.admin) throw new AccessError(403, ApiErrorCode.FORBIDDEN, "only a team's owners and admins can create spaces in it");
    return team.id;
  }

  app.post("/api/spaces", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const body = parseBody(createSpaceBody, req.body);
    const template = dir.templates.get(body.template);
    if (!template) throw new BadRequest(`template: unknown template "${body.template}"`);
    const teamId = await targetTeam(who.userId, body.teamId);
    const space = await dir.createSpace(body.id ?? slugOf(body.name), body.id !== undefined, (id) =>
      dir.newSpace({ id, teamId, name: body.name, visibility: body.visibility, template: template.id, tmj: template.tmj, tileset: null }));
    res.status(201).json(spaceInfo(space, await dir.roleIn(space, who), await teamName(teamId)));
  }));

  // Tiled import (BM9); api.ts gives this route a bigger body limit (8 MB) than the rest of /api (64 KB).
  app.post("/api/spaces/import", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const body = parseBody(importSpaceBody, req.body);
    const png = Buffer.from(body.tilesetPngBase64, "base64");
    if (png.length > IMPORT_MAX_TILESET_BYTES) return apiError(res, 413, ApiErrorCode.PAYLOAD_TOO_LARGE, `the tileset is over ${IMPORT_MAX_TILESET_BYTES / 1024 / 1024} MB`);
    if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) return apiError(res, 422, ApiErrorCode.INVALID_MAP, "the tileset must be a PNG image");
    let map;
    try {
      map = parseTiledMap(body.map);
    } catch (err) {
      if (err instanceof MapFormatError) return apiError(res, 422, ApiErrorCode.INVALID_MAP, err.message);
      throw err;
    }
    const ts = (body.map as { tilesets: Array<{ imagewidth: number; imageheight: number; image: string }> }).tilesets[0];
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    if (w !== ts.imagewidth || h !== ts.imageheight) return apiError(res, 422, ApiErrorCode.INVALID_MAP, `the tileset image is ${w}×${h} but the map expects ${ts.imagewidth}×${ts.imageheight}`);
    // Serve the tileset under a name of our own, whatever path the map had.
    const tmj = structuredClone(body.map) as { tilesets: Array<{ image: string }> };
    tmj.tilesets[0].image = tilesetName(png);
    const teamId = await targetTeam(who.userId, body.teamId);
    const space = await dir.createSpace(body.id ?? slugOf(body.name), body.id !== undefined, (id) =>
      dir.newSpace({ id, teamId, name: body.name, visibility: body.visibility, template: "import", tmj, tileset: png }));
    logger.info({ space: space.id, width: map.width, height: map.height }, "map imported");
    res.status(201).json(spaceInfo(space, await dir.roleIn(space, who), await teamName(teamId)));
  }));

  app.get("/api/spaces/:spaceId", route(async (req, res) => {
    const who = await dir.identify(bearer(req));
    const { space, role } = await dir.authorize(spaceIdParam(req), who, "space.read");
    res.json(spaceInfo(space, role, await teamName(space.teamId)));
  }));

  app.patch("/api/spaces/:spaceId", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const { space, role } = await dir.authorize(spaceIdParam(req), who, "space.rename");
    const body = parseBody(updateSpaceBody, req.body);
    const updated = (await store.updateSpace(space.id, body)) as SpaceRecord;
    access.changed({ spaceId: space.id });
    res.json(spaceInfo(updated, role, await teamName(space.teamId)));
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

  // ---- members ----

  app.get("/api/spaces/:spaceId/members", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const { space, role } = await dir.authorize(spaceIdParam(req), who, "members.list");
    // AZ7: email addresses are for those who manage members (admins and owners), not every member.
    const emails = can(role, "members.manage");
    const list: MemberInfo[] = (await store.members(space.teamId)).map((m) => (emails ? m : { ...m, email: null }));
    res.json(list);
  }));

  app.patch("/api/spaces/:spaceId/members/:userId", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const { space, role } = await dir.authorize(spaceIdParam(req), who, "members.manage");
    const body = parseBody(setRoleBody, req.body);
    const target = String(req.params.userId);
    const current = await store.roleIn(space.teamId, target);
    if (!current) throw new AccessError(404, ApiErrorCode.NOT_FOUND, "that person is not a member");
    if (!canSetRole(role, current, body.role, target === who.userId)) throw new AccessError(403, ApiErrorCode.FORBIDDEN, `a ${role} cannot make a ${current} a ${body.role}`);
    if (current === "owner" && body.role !== "owner") await keepAnOwner(space.teamId);
    await store.setRole(space.teamId, target, body.role);
    if (body.role !== current) access.changed({ teamId: space.teamId });
    const m = (await store.members(space.teamId)).find((x) => x.userId === target)!;
    res.json(m satisfies MemberInfo);
  }));

  app.delete("/api/spaces/:spaceId/members/:userId", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const spaceId = spaceIdParam(req);
    const target = String(req.params.userId);
    const self = target === who.userId;
    // Anyone may leave; removing others needs members.manage and rank (AZ3).
    const { space, role } = await dir.authorize(spaceId, who, self ? "space.read" : "members.manage");
    const current = await store.roleIn(space.teamId, target);
    if (!current) throw new AccessError(404, ApiErrorCode.NOT_FOUND, "that person is not a member");
    if (!canRemove(role, current, self)) throw new AccessError(403, ApiErrorCode.FORBIDDEN, self ? "an owner cannot leave: hand ownership to someone first" : `a ${role} cannot remove a ${current}`);
    await store.removeMember(space.teamId, target);
    access.changed({ teamId: space.teamId });
    res.status(204).end();
  }));

  async function keepAnOwner(teamId: string) {
    const owners = (await store.members(teamId)).filter((m) => m.role === "owner");
    if (owners.length <= 1) throw new AccessError(409, ApiErrorCode.CONFLICT, "a team needs an owner: make someone else owner first");
  }

  // ---- invites ----

  app.get("/api/spaces/:spaceId/invites", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const { space } = await dir.authorize(spaceIdParam(req), who, "invites.manage");
    res.json((await store.invitesOf(space.id)).map((i) => inviteInfo(req, i)));
  }));

  app.post("/api/spaces/:spaceId/invites", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const { space } = await dir.authorize(spaceIdParam(req), who, "invites.manage");
    const body = parseBody(createInviteBody, req.body);
    const invite = await store.createInvite({
      code: randomBytes(12).toString("base64url"), teamId: space.teamId, spaceId: space.id, role: body.role, createdBy: who.userId,
      expiresAt: body.expiresInHours ? new Date(Date.now() + body.expiresInHours * 3600_000) : null,
    });
    res.status(201).json(inviteInfo(req, invite));
  }));

  app.delete("/api/spaces/:spaceId/invites/:code", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const { space } = await dir.authorize(spaceIdParam(req), who, "invites.manage");
    const invite = await store.invite(String(req.params.code));
    if (!invite || invite.spaceId !== space.id) throw new AccessError(404, ApiErrorCode.NOT_FOUND, "no such invite");
    // Takes back the grants its guests hold too (AZ6).
    await store.revokeInvite(invite.code);
    access.changed({ spaceId: space.id });
    res.status(204).end();
  }));

  /** A usable invite, or 404 (unknown) / 410 (revoked or expired). */
  async function liveInvite(code: string): Promise<{ invite: Invite; space: SpaceRecord }> {
    const invite = /^[A-Za-z0-9_-]{8,64}$/.test(code) ? await store.invite(code) : null;
    const space = invite ? await store.space(invite.spaceId) : null;
    if (!invite || !space) throw new AccessError(404, ApiErrorCode.NOT_FOUND, "this invite link is not valid");
    if (invite.revokedAt || (invite.expiresAt && invite.expiresAt.getTime() < Date.now())) {
      throw new AccessError(410, ApiErrorCode.GONE, "this invite link has expired or was revoked: ask for a new one");
    }
    return { invite, space };
  }

  app.get("/api/invites/:code", route(async (req, res) => {
    const { invite, space } = await liveInvite(String(req.params.code));
    const preview: InvitePreview = { spaceId: space.id, spaceName: space.name, teamName: await teamName(space.teamId), role: invite.role, expiresAt: invite.expiresAt?.toISOString() ?? null };
    res.json(preview);
  }));

  app.post("/api/invites/:code/accept", route(async (req, res) => {
    if (await inviteAcceptLimited(req, res)) return; // AC5: a signed-out accept makes an account
    const { invite, space } = await liveInvite(String(req.params.code));
    const body = parseBody(acceptInviteBody, req.body);
    const who = await dir.identify(bearer(req));
    let answer: AcceptInviteResponse;
    if (who) {
      const current = await store.roleIn(space.teamId, who.userId);
      // Accepting never lowers a role someone already has.
      const role: Role = current && RANK[current] >= RANK[invite.role] ? current : invite.role;
      // A guest link admits to its space only (AZ6): a grant for it, never a team-wide role.
      if (role === "guest") await store.grantGuest(invite.code, who.userId);
      else if (role !== current) await store.setRole(space.teamId, who.userId, role);
      answer = { spaceId: space.id, role };
    } else {
      if (invite.role !== "guest") throw new AccessError(401, ApiErrorCode.UNAUTHENTICATED, `this link makes you a ${invite.role}: sign up or sign in to accept it`);
      if (!body.name) throw new BadRequest("name: enter the name others will see");
      const guest = await store.createGuest(body.name);
      await store.grantGuest(invite.code, guest.id);
      answer = { spaceId: space.id, role: "guest", token: await dir.tokens.sign({ userId: guest.id, name: guest.name, guest: true }), user: userInfo(guest) };
    }
    await store.useInvite(invite.code);
    res.json(answer);
  }));

  // An imported space's tileset: the name is a hash of the bytes (only the map, which needs access, reveals it).
  app.get("/api/spaces/:spaceId/:file", route(async (req, res) => {
    const file = String(req.params.file);
    if (!/^tileset-[0-9a-f]{24}\.png$/.test(file)) return res.status(404).end();
    const stored = await store.baseMap(spaceIdParam(req));
    if (!stored?.tileset || tilesetName(stored.tileset) !== file) return res.status(404).end();
    res.set("Cache-Control", "public, max-age=31536000, immutable").type("png").send(Buffer.from(stored.tileset));
  }));
}
