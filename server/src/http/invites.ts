/**
 * Invites over HTTP (SPEC AZ6, AC5): a space's managers list, create and revoke its invite links;
 * anyone holding a link previews and accepts it. Mounted by mountSpaces.
 */
import type { Application, Request } from "express";
import { randomBytes } from "node:crypto";
import {
  ApiErrorCode, acceptInviteBody, createInviteBody,
  type AcceptInviteResponse, type InviteInfo, type InvitePreview,
} from "../../../shared/api.ts";
import { RANK, type Role } from "../../../shared/authz.ts";
import type { AccessEvents } from "../access/AccessEvents.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";
import type { Invite, SpaceRecord, Store } from "../store/Store.ts";
import { userInfo } from "./accounts.ts";
import { inviteAcceptLimited } from "./limits.ts";
import { bearer, BadRequest, parseBody, route, signedIn } from "./respond.ts";
import { spaceIdParam, teamNameOf } from "./spaceParams.ts";

function inviteInfo(req: Request, i: Invite): InviteInfo {
  return {
    code: i.code, url: `${req.protocol}://${req.get("host")}/i/${i.code}`, role: i.role, createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt?.toISOString() ?? null, revoked: i.revokedAt !== null, uses: i.uses,
  };
}

/** A space's invite links, for those who may manage them; a revoke is published on `access`. */
export function mountInviteAdmin(app: Application, dir: SpaceDirectory, access: AccessEvents) {
  const store = dir.store;

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
}

/** A usable invite, or 404 (unknown) / 410 (revoked or expired). */
async function liveInvite(store: Store, code: string): Promise<{ invite: Invite; space: SpaceRecord }> {
  const invite = /^[A-Za-z0-9_-]{8,64}$/.test(code) ? await store.invite(code) : null;
  const space = invite ? await store.space(invite.spaceId) : null;
  if (!invite || !space) throw new AccessError(404, ApiErrorCode.NOT_FOUND, "this invite link is not valid");
  if (invite.revokedAt || (invite.expiresAt && invite.expiresAt.getTime() < Date.now())) {
    throw new AccessError(410, ApiErrorCode.GONE, "this invite link has expired or was revoked: ask for a new one");
  }
  return { invite, space };
}

/** An invite link as its holder sees it: a preview, and accepting it (signed in, or as a new guest). */
export function mountInviteLinks(app: Application, dir: SpaceDirectory) {
  const store = dir.store;

  app.get("/api/invites/:code", route(async (req, res) => {
    const { invite, space } = await liveInvite(store, String(req.params.code));
    const preview: InvitePreview = { spaceId: space.id, spaceName: space.name, teamName: await teamNameOf(store, space.teamId), role: invite.role, expiresAt: invite.expiresAt?.toISOString() ?? null };
    res.json(preview);
  }));

  app.post("/api/invites/:code/accept", route(async (req, res) => {
    if (await inviteAcceptLimited(req, res)) return; // AC5: a signed-out accept makes an account
    const { invite, space } = await liveInvite(store, String(req.params.code));
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
}
