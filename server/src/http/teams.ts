/**
 * A team over HTTP (SPEC TP2, TP4, TP5): who is online in which of its spaces, on any process,
 * and announcements to all of them. Roles come from the store (AZ4) and are checked with
 * shared/authz.ts like every other route.
 */
import type { Application, Request } from "express";
import { answerRateLimited, limitsOf, RateLimited } from "./limits.ts";
import { ApiErrorCode, announceBody, type TeamOnlinePerson, type TeamOnlineResponse } from "../../../shared/api.ts";
import { can, type Action, type Role } from "../../../shared/authz.ts";
import type { Identity } from "../auth/tokens.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";
import type { Team } from "../store/Store.ts";
import type { TeamEntry, TeamPresence } from "../team/TeamPresence.ts";
import { parseBody, route, signedIn } from "./respond.ts";

/** Team ids are the store's (UUIDs, "auto"); anything else is no team (and never reaches a presence key). */
const TEAM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function mountTeams(app: Application, dir: SpaceDirectory, team: TeamPresence) {
  const store = dir.store;

  /** 401 signed out, 404 no such team, 403 no role (or too low a role) in it. */
  async function authorizeTeam(req: Request, action: Action): Promise<{ who: Identity; team: Team; role: Role }> {
    const who = await signedIn(dir, req);
    const id = String(req.params.teamId);
    const t = TEAM_ID.test(id) ? await store.team(id) : null;
    if (!t) throw new AccessError(404, ApiErrorCode.NOT_FOUND, "there is no such team");
    const role = await store.roleIn(t.id, who.userId);
    if (role === null) throw new AccessError(403, ApiErrorCode.FORBIDDEN, "you are not a member of this team");
    if (!can(role, action)) throw new AccessError(403, ApiErrorCode.FORBIDDEN, `your role (${role}) may not do that in this team`);
    return { who, team: t, role };
  }

  /**
   * AZ6: a guest sees who is where only in the spaces they may enter (their granted ones, and the
   * team's public ones), as the directory answers for each; never the team's other private spaces.
   */
  async function enterableBy(who: Identity, entries: TeamEntry[]): Promise<TeamEntry[]> {
    const ids = [...new Set(entries.map((e) => e.spaceId))];
    const open = new Set<string>();
    await Promise.all(ids.map(async (id) => {
      const space = await store.space(id);
      if (space && can(await dir.roleIn(space, who), "space.enter", space.visibility)) open.add(id);
    }));
    return entries.filter((e) => open.has(e.spaceId));
  }

  app.get("/api/teams/:teamId/online", route(async (req, res) => {
    const { who, team: t, role } = await authorizeTeam(req, "team.online");
    const listing = await team.list(t.id);
    const guest = role === "guest";
    const entries = guest ? await enterableBy(who, listing.entries) : listing.entries;
    const people: TeamOnlinePerson[] = entries.map((e) => ({
      name: e.name, spaceId: e.spaceId, spaceName: e.spaceName, since: new Date(e.since).toISOString(), self: e.userId === who.userId,
    }));
    res.set("Cache-Control", "no-store");
    // A guest is not told how many more people there are elsewhere in the team.
    const more = guest ? 0 : listing.total - people.length;
    res.json({ teamId: t.id, teamName: t.name, people, more } satisfies TeamOnlineResponse);
  }));

  app.post("/api/teams/:teamId/announcements", route(async (req, res) => {
    const { who, team: t } = await authorizeTeam(req, "team.announce");
    const body = parseBody(announceBody, req.body);
    try {
      await limitsOf(req).announcement(t.id); // TP5, shared by all processes with REDIS_URL
    } catch (err) {
      if (err instanceof RateLimited) return answerRateLimited(res, err);
      throw err;
    }
    // The name people know now (the token keeps the one from sign-in).
    const from = (await store.userById(who.userId))?.name ?? who.name;
    const at = Date.now();
    await team.announce(t.id, { from, text: body.text, at });
    res.status(202).json({ from, text: body.text, at });
  }));
}
