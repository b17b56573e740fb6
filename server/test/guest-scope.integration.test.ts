/**
 * SPEC AZ6: a guest link admits to its own space only. The team has two private spaces and a
 * public one; guests let into one private space are refused the other (HTTP and room), are
 * visitors in the public one, see only their space on the dashboard and only the spaces they may
 * enter in the team's online list, and lose their space when the link is revoked or they are
 * removed. Members keep their team-wide role, whatever link they accept.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Room } from "@colyseus/sdk";
import type { PlazaProcess } from "../src/app.ts";
import type { AcceptInviteResponse, MeResponse, TeamOnlineResponse } from "../../shared/api.ts";
import { JoinErrorCode } from "../../shared/codes.ts";
import { addMember, api, createSpace, joinWithToken, signUp, sleep, startTestServer, until, type TestUser } from "./harness.ts";

let server: PlazaProcess;
let owner: TestUser;
let member: TestUser;
let teamId = "";
const rooms: Room[] = [];

async function guestLink(spaceId: string): Promise<string> {
  const inv = await api(server, "POST", `/api/spaces/${spaceId}/invites`, { role: "guest" }, owner.token);
  expect(inv.status).toBe(201);
  return inv.body.code as string;
}

/** Accepts a guest link signed out, with a display name: a guest account and its token. */
async function guestVia(code: string, name: string): Promise<TestUser> {
  const r = await api<AcceptInviteResponse>(server, "POST", `/api/invites/${code}/accept`, { name });
  expect([r.status, r.body.role]).toEqual([200, "guest"]);
  return { token: r.body.token!, id: r.body.user!.id, name };
}

/** The join outcome: "joined" (left again at once unless kept) or the refusal code. */
async function tryJoin(spaceId: string, user: TestUser, keep = false): Promise<string | number> {
  try {
    const room = await joinWithToken(server, spaceId, user);
    if (keep) rooms.push(room);
    else await room.leave();
    return "joined";
  } catch (err) {
    return (err as { code: number }).code;
  }
}

const status = (path: string, user: TestUser) => api(server, "GET", path, undefined, user.token).then((r) => r.status);
const mySpaces = async (user: TestUser) => (await api<MeResponse>(server, "GET", "/api/me", undefined, user.token)).body.spaces.map((s) => `${s.id}:${s.role}`).sort();

beforeAll(async () => {
  server = await startTestServer({ PLAZA_AUTO_SPACES: false });
  owner = await signUp(server, "Olive");
  member = await signUp(server, "Max");
  await createSpace(server, owner, "gs-lobby", { name: "Lobby" });
  await createSpace(server, owner, "gs-board", { name: "Board room" });
  await createSpace(server, owner, "gs-open", { name: "Open", visibility: "public" });
  await addMember(server, owner, "gs-lobby", member, "member");
  teamId = (await api<MeResponse>(server, "GET", "/api/me", undefined, owner.token)).body.teams.find((t) => t.role === "owner")!.id;
}, 60_000);

afterAll(async () => {
  await Promise.all(rooms.map((r) => (r.connection.isOpen ? r.leave().catch(() => {}) : undefined)));
  await server?.close();
});

describe("AZ6 a guest link admits to its space only", () => {
  it("a signed-out guest enters the invited space, not the team's other private space; a visitor in its public one", async () => {
    const gus = await guestVia(await guestLink("gs-lobby"), "Gus");
    expect(await status("/api/spaces/gs-lobby", gus)).toBe(200);
    expect(await status("/api/spaces/gs-lobby/map", gus)).toBe(200);
    expect(await status("/api/spaces/gs-board", gus)).toBe(403);
    expect(await status("/api/spaces/gs-board/map", gus)).toBe(403);
    expect((await api(server, "GET", "/api/spaces/gs-lobby", undefined, gus.token)).body.role).toBe("guest");
    expect((await api(server, "GET", "/api/spaces/gs-open", undefined, gus.token)).body.role).toBeNull();

    expect(await tryJoin("gs-lobby", gus)).toBe("joined");
    expect(await tryJoin("gs-board", gus)).toBe(JoinErrorCode.FORBIDDEN);
    const visiting = await joinWithToken(server, "gs-open", gus);
    await until(() => visiting.welcome !== undefined, "welcome in the public space");
    expect(visiting.welcome).toMatchObject({ role: null, canBuild: false, canClaim: false });
    await visiting.leave();

    // The dashboard lists the one space; the team's member list stays with members.
    expect(await mySpaces(gus)).toEqual(["gs-lobby:guest"]);
    expect(await status("/api/spaces/gs-lobby/members", gus)).toBe(403);
  });

  it("a signed-in account accepting a guest link is a guest of that space only; a member accepting one stays a member everywhere", async () => {
    const gia = await signUp(server, "Gia");
    const code = await guestLink("gs-board");
    const accepted = await api<AcceptInviteResponse>(server, "POST", `/api/invites/${code}/accept`, {}, gia.token);
    expect([accepted.status, accepted.body.role]).toEqual([200, "guest"]);
    expect(await status("/api/spaces/gs-board", gia)).toBe(200);
    expect(await status("/api/spaces/gs-lobby", gia)).toBe(403);
    expect(await tryJoin("gs-lobby", gia)).toBe(JoinErrorCode.FORBIDDEN);
    expect(await mySpaces(gia)).toEqual(["gs-board:guest"]);

    const again = await api<AcceptInviteResponse>(server, "POST", `/api/invites/${code}/accept`, {}, member.token);
    expect([again.status, again.body.role]).toEqual([200, "member"]);
    expect(await mySpaces(member)).toEqual(["gs-board:member", "gs-lobby:member", "gs-open:member"]);
    expect(await tryJoin("gs-board", member)).toBe("joined");
  });

  it("a second guest link adds its space; revoking a link takes its space back, not the spaces of other links", async () => {
    const lobbyCode = await guestLink("gs-lobby");
    const boardCode = await guestLink("gs-board");
    const cy = await guestVia(lobbyCode, "Cy");
    expect((await api(server, "POST", `/api/invites/${boardCode}/accept`, {}, cy.token)).body.role).toBe("guest");
    expect(await mySpaces(cy)).toEqual(["gs-board:guest", "gs-lobby:guest"]);
    // Someone else who came by another link to the lobby keeps it.
    const dee = await guestVia(await guestLink("gs-lobby"), "Dee");

    expect((await api(server, "DELETE", `/api/spaces/gs-lobby/invites/${lobbyCode}`, undefined, owner.token)).status).toBe(204);
    expect(await status("/api/spaces/gs-lobby", cy)).toBe(403);
    expect(await tryJoin("gs-lobby", cy)).toBe(JoinErrorCode.FORBIDDEN);
    expect(await status("/api/spaces/gs-board", cy)).toBe(200);
    expect(await mySpaces(cy)).toEqual(["gs-board:guest"]);
    expect(await tryJoin("gs-lobby", dee)).toBe("joined");

    // Revoking the last link a guest came by leaves them no space in the team, nor a place in it.
    expect((await api(server, "DELETE", `/api/spaces/gs-board/invites/${boardCode}`, undefined, owner.token)).status).toBe(204);
    expect(await mySpaces(cy)).toEqual([]);
    const names = (await api(server, "GET", "/api/spaces/gs-lobby/members", undefined, owner.token)).body.map((m: { name: string }) => m.name);
    expect(names).not.toContain("Cy");
    expect(names).toContain("Dee");
  });

  it("removing a guest takes back their space, for good: a later link to another space does not bring it back", async () => {
    const eve = await guestVia(await guestLink("gs-lobby"), "Eve");
    expect((await api(server, "DELETE", `/api/spaces/gs-lobby/members/${eve.id}`, undefined, owner.token)).status).toBe(204);
    expect(await status("/api/spaces/gs-lobby", eve)).toBe(403);
    expect(await mySpaces(eve)).toEqual([]);
    expect((await api(server, "POST", `/api/invites/${await guestLink("gs-board")}/accept`, {}, eve.token)).body.role).toBe("guest");
    expect(await mySpaces(eve)).toEqual(["gs-board:guest"]);
    expect(await status("/api/spaces/gs-lobby", eve)).toBe(403);
  });

  it("TP2 a guest sees who is online in the spaces they may enter (theirs, and public ones), never in the other private ones", async () => {
    const fay = await guestVia(await guestLink("gs-lobby"), "Fay");
    const board = await joinWithToken(server, "gs-board", owner);
    const open = await joinWithToken(server, "gs-open", owner);
    const lobby = await joinWithToken(server, "gs-lobby", member);
    rooms.push(board, open, lobby);
    const online = (u: TestUser) => api<TeamOnlineResponse>(server, "GET", `/api/teams/${teamId}/online`, undefined, u.token);
    const where = (r: { body: TeamOnlineResponse }) => r.body.people.map((p) => `${p.name}@${p.spaceId}`).sort();
    const deadline = Date.now() + 10_000;
    while (where(await online(owner)).length < 3) {
      if (Date.now() > deadline) throw new Error("timed out waiting: three people listed for the owner");
      await sleep(100);
    }
    expect(where(await online(owner))).toEqual(["Max@gs-lobby", "Olive@gs-board", "Olive@gs-open"]);
    const seen = await online(fay);
    expect(seen.status).toBe(200);
    expect(where(seen)).toEqual(["Max@gs-lobby", "Olive@gs-open"]);
    expect(seen.body.more).toBe(0);
  });
});
