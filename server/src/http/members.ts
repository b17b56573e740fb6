/**
 * A space's members over HTTP (SPEC AZ3, AZ7): list, change a role, remove or leave. Mounted by
 * mountSpaces; every change that lowers or takes away access is published on `access` (SE4).
 */
import type { Application } from "express";
import { ApiErrorCode, setRoleBody, type MemberInfo } from "../../../shared/api.ts";
import { can, canRemove, canSetRole } from "../../../shared/authz.ts";
import type { AccessEvents } from "../access/AccessEvents.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";
import type { Store } from "../store/Store.ts";
import { parseBody, route, signedIn } from "./respond.ts";
import { spaceIdParam } from "./spaceParams.ts";

export function mountMembers(app: Application, dir: SpaceDirectory, access: AccessEvents) {
  const store = dir.store;

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
    if (current === "owner" && body.role !== "owner") await keepAnOwner(store, space.teamId);
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
}

/** 409 unless the team has another owner besides the one about to step down. */
async function keepAnOwner(store: Store, teamId: string) {
  const owners = (await store.members(teamId)).filter((m) => m.role === "owner");
  if (owners.length <= 1) throw new AccessError(409, ApiErrorCode.CONFLICT, "a team needs an owner: make someone else owner first");
}
