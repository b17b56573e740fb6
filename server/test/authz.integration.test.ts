/**
 * The authorization matrix (SPEC AZ table, AZ1–AZ5): every subject × every API route and room
 * action, against a real server with a real store. Each row says who may; everyone else must be
 * refused with 401 (not signed in) or 403 (signed in without the role).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlazaProcess } from "../src/app.ts";
import { addMember, api, createSpace, freeSpots, joinWithToken, signUp, startTestServer, until, untyped, type TestRoom, type TestUser } from "./harness.ts";
import type { ServerMessages } from "../../shared/protocol.ts";
import { JoinErrorCode } from "../../shared/codes.ts";

const SUBJECTS = ["anonymous", "guest", "member", "builder", "admin", "owner", "otherTeam"] as const;
type Subject = (typeof SUBJECTS)[number];
/** Who is allowed, per route/action; the rest are refused. */
const ADMINS: Subject[] = ["admin", "owner"];
const MEMBERS: Subject[] = ["member", "builder", "admin", "owner"];
const BUILDERS: Subject[] = ["builder", "admin", "owner"];
const IN_TEAM: Subject[] = ["guest", ...MEMBERS];

let server: PlazaProcess;
const users = {} as Record<Exclude<Subject, "anonymous">, TestUser>;
let teamId = "";
const token = (s: Subject) => (s === "anonymous" ? undefined : users[s].token);

beforeAll(async () => {
  // No auto-created spaces here: unknown ids must be 404.
  server = await startTestServer({ PLAZA_AUTO_SPACES: false });
  users.owner = await signUp(server, "Olive");
  for (const s of ["guest", "member", "builder", "admin", "otherTeam"] as const) users[s] = await signUp(server, s);
  await createSpace(server, users.owner, "az-private");
  await createSpace(server, users.owner, "az-public", { visibility: "public" });
  for (const r of ["guest", "member", "builder", "admin"] as const) await addMember(server, users.owner, "az-private", users[r], r);
  teamId = (await api(server, "GET", "/api/me", undefined, users.owner.token)).body.teams.find((t: { role: string }) => t.role === "owner").id;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

/** Asserts that exactly `allowed` get `okStatus` and the rest 401 (anonymous) / 403 (signed in). */
async function matrix(what: string, allowed: Subject[], okStatus: number, call: (s: Subject) => Promise<{ status: number }>) {
  const got: Record<string, number> = {};
  const want: Record<string, number> = {};
  for (const s of SUBJECTS) {
    got[s] = (await call(s)).status;
    want[s] = allowed.includes(s) ? okStatus : s === "anonymous" ? 401 : 403;
  }
  expect({ what, ...got }).toEqual({ what, ...want });
}

describe("AZ1 HTTP routes × roles", () => {
  it("read a private space and its map: team members of any role", async () => {
    await matrix("GET space", IN_TEAM, 200, (s) => api(server, "GET", "/api/spaces/az-private", undefined, token(s)));
    await matrix("GET map", IN_TEAM, 200, (s) => api(server, "GET", "/api/spaces/az-private/map", undefined, token(s)));
  });

  it("a public space is readable by everyone, including signed-out visitors", async () => {
    for (const s of SUBJECTS) expect([s, (await api(server, "GET", "/api/spaces/az-public", undefined, token(s))).status]).toEqual([s, 200]);
  });

  it("members list: member and up", async () => {
    await matrix("GET members", MEMBERS, 200, (s) => api(server, "GET", "/api/spaces/az-private/members", undefined, token(s)));
  });

  it("AZ7 members' email addresses: admins and owners only; members and builders get the list without them", async () => {
    const seen: Record<string, string> = {};
    for (const s of MEMBERS) {
      const list = (await api<Array<{ userId: string; email: string | null }>>(server, "GET", "/api/spaces/az-private/members", undefined, token(s))).body;
      const emails = list.filter((m) => m.userId !== users[s as Exclude<Subject, "anonymous">].id).map((m) => m.email);
      seen[s] = emails.every((e) => e === null) ? "none" : emails.some((e) => e?.endsWith("@example.test")) ? "shown" : "mixed";
    }
    expect(seen).toEqual({ member: "none", builder: "none", admin: "shown", owner: "shown" });
  });

  it("rename and visibility: admins and owners", async () => {
    await matrix("PATCH space", ADMINS, 200, (s) => api(server, "PATCH", "/api/spaces/az-private", { name: `renamed by ${s}` }, token(s)));
  });

  it("invites: create, list, revoke — admins and owners", async () => {
    await matrix("POST invite", ADMINS, 201, (s) => api(server, "POST", "/api/spaces/az-private/invites", { role: "member" }, token(s)));
    await matrix("GET invites", ADMINS, 200, (s) => api(server, "GET", "/api/spaces/az-private/invites", undefined, token(s)));
    await matrix("DELETE invite", ADMINS, 204, async (s) => {
      const inv = await api(server, "POST", "/api/spaces/az-private/invites", { role: "guest" }, users.owner.token);
      return api(server, "DELETE", `/api/spaces/az-private/invites/${inv.body.code}`, undefined, token(s));
    });
  });

  it("change a member's role and remove a member: admins and owners", async () => {
    await matrix("PATCH role", ADMINS, 200, async (s) => {
      const target = await signUp(server, "Target");
      await addMember(server, users.owner, "az-private", target, "member");
      return api(server, "PATCH", `/api/spaces/az-private/members/${target.id}`, { role: "builder" }, token(s));
    });
    await matrix("DELETE member", ADMINS, 204, async (s) => {
      const target = await signUp(server, "Target");
      await addMember(server, users.owner, "az-private", target, "member");
      return api(server, "DELETE", `/api/spaces/az-private/members/${target.id}`, undefined, token(s));
    });
  });

  it("insights: admins and owners (503 here: past authorization, no ClickHouse configured)", async () => {
    await matrix("GET insights", ADMINS, 503, (s) => api(server, "GET", "/api/spaces/az-private/insights?from=2026-01-01&to=2026-01-02", undefined, token(s)));
  });

  it("create a space in the team: admins and owners", async () => {
    let n = 0;
    await matrix("POST space", ADMINS, 201, (s) => api(server, "POST", "/api/spaces", { id: `az-new-${++n}`, name: "New", template: "small-office", teamId }, token(s)));
  });

  it("delete a space: owners only", async () => {
    let n = 0;
    await matrix("DELETE space", ["owner"], 204, async (s) => {
      const id = `az-del-${++n}`;
      await createSpace(server, users.owner, id);
      return api(server, "DELETE", `/api/spaces/${id}`, undefined, token(s));
    });
    expect((await api(server, "GET", "/api/spaces/az-del-6", undefined, users.owner.token)).status).toBe(404);
  });

  it("AZ2 rank rules: admins cannot grant admin or touch owners; nobody changes their own role; the last owner stays", async () => {
    const target = await signUp(server, "Rank");
    await addMember(server, users.owner, "az-private", target, "member");
    const patch = (who: TestUser, id: string, role: string) => api(server, "PATCH", `/api/spaces/az-private/members/${id}`, { role }, who.token);
    expect((await patch(users.admin, target.id, "admin")).status).toBe(403);
    expect((await patch(users.admin, users.owner.id, "member")).status).toBe(403);
    expect((await patch(users.admin, users.admin.id, "owner")).status).toBe(403);
    expect((await patch(users.owner, users.owner.id, "member")).status).toBe(403);
    expect((await patch(users.owner, target.id, "admin")).status).toBe(200);
    // Owner leaving is refused; an admin may leave.
    expect((await api(server, "DELETE", `/api/spaces/az-private/members/${users.owner.id}`, undefined, users.owner.token)).status).toBe(403);
    expect((await api(server, "DELETE", `/api/spaces/az-private/members/${target.id}`, undefined, target.token)).status).toBe(204);
  });

  it("bad input: unknown space 404, malformed id 400, bad body 400, wrong token 401 — all JSON with codes", async () => {
    const unknown = await api(server, "GET", "/api/spaces/no-such-space", undefined, users.owner.token);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "not_found"]);
    const bad = await api(server, "GET", "/api/spaces/NOT_OK", undefined, users.owner.token);
    expect([bad.status, bad.body.error.code]).toEqual([400, "invalid_space_id"]);
    const body = await api(server, "PATCH", "/api/spaces/az-private", { name: "", extra: 1 }, users.owner.token);
    expect([body.status, body.body.error.code]).toEqual([400, "bad_request"]);
    const forged = await api(server, "GET", "/api/me", undefined, `${users.owner.token.slice(0, -4)}AAAA`);
    expect([forged.status, forged.body.error.code]).toEqual([401, "unauthenticated"]);
    const dup = await api(server, "POST", "/api/spaces", { id: "az-private", name: "Dup", template: "small-office" }, users.owner.token);
    expect([dup.status, dup.body.error.code]).toEqual([409, "conflict"]);
  });
});

describe("AZ1 room actions × roles", () => {
  async function tryJoin(s: Subject, spaceId: string): Promise<TestRoom | number> {
    try {
      return await joinWithToken(server, spaceId, s === "anonymous" ? null : users[s], s);
    } catch (err) {
      return (err as { code: number }).code;
    }
  }

  function build(room: TestRoom, op: unknown): Promise<ServerMessages["built"]> {
    const ref = Math.floor(Math.random() * 1e9);
    return new Promise((resolve) => {
      const off = room.onMessage("built", (b: ServerMessages["built"]) => { if (b.ref === ref) { off(); resolve(b); } });
      untyped(room).send("build", { ref, op });
    });
  }

  it("enter a private space: team members; signed-out 401, other team 403; unknown space 404", async () => {
    const got: Record<string, number | string> = {};
    for (const s of SUBJECTS) {
      const r = await tryJoin(s, "az-private");
      got[s] = typeof r === "number" ? r : "joined";
      if (typeof r !== "number") await r.leave();
    }
    expect(got).toEqual({ anonymous: JoinErrorCode.UNAUTHENTICATED, otherTeam: JoinErrorCode.FORBIDDEN, guest: "joined", member: "joined", builder: "joined", admin: "joined", owner: "joined" });
    expect(await tryJoin("owner", "no-such-space")).toBe(JoinErrorCode.UNKNOWN_SPACE);
  });

  it("build and claim in a public space: visitors may enter but neither build nor claim; builders build, members claim", async () => {
    const outcome: Record<string, string> = {};
    const spots = await freeSpots(server, "az-public", 8);
    // A free desk to claim, placed by the owner.
    const ownerRoom = (await tryJoin("owner", "az-public")) as TestRoom;
    const placed = await build(ownerRoom, { op: "place", kind: "desk", ...spots.pop()!, rot: 0 });
    expect(placed.ok).toBe(true);
    const deskId = placed.ok ? placed.created! : "";
    await ownerRoom.leave();
    for (const s of SUBJECTS) {
      const room = await tryJoin(s, "az-public");
      if (typeof room === "number") throw new Error(`${s} could not enter a public space (${room})`);
      const b = await build(room, { op: "place", kind: "plant", ...spots.pop()!, rot: 0 });
      const c = await build(room, { op: "claim", id: deskId });
      // Give it back for the next person (BM5: one claimer at a time).
      if (c.ok) expect((await build(room, { op: "claim", id: deskId, release: true })).ok).toBe(true);
      outcome[s] = `build:${b.ok ? "ok" : b.code} claim:${c.ok ? "ok" : c.code}`;
      await room.leave();
    }
    // The public space belongs to the owner's team, where these people have the roles from the private one.
    expect(outcome).toEqual({
      anonymous: "build:forbidden claim:forbidden",
      otherTeam: "build:forbidden claim:forbidden",
      guest: "build:forbidden claim:forbidden",
      member: "build:forbidden claim:ok",
      builder: "build:ok claim:ok",
      admin: "build:ok claim:ok",
      owner: "build:ok claim:ok",
    });
  });

  it("AZ4 a builder demoted while in the room cannot build from the next edit on", async () => {
    const demoted = await signUp(server, "Demoted");
    await addMember(server, users.owner, "az-private", demoted, "builder");
    const spots = await freeSpots(server, "az-private", 2);
    const room = (await tryJoin("owner", "az-private")) as TestRoom;
    const theirs = await joinWithToken(server, "az-private", demoted);
    await until(() => theirs.welcome !== undefined, "welcome");
    expect(theirs.welcome).toMatchObject({ role: "builder", canBuild: true });
    expect((await build(theirs, { op: "place", kind: "plant", ...spots[0], rot: 0 })).ok).toBe(true);
    expect((await api(server, "PATCH", `/api/spaces/az-private/members/${demoted.id}`, { role: "member" }, users.owner.token)).status).toBe(200);
    const after = await build(theirs, { op: "place", kind: "plant", ...spots[1], rot: 0 });
    expect(after).toMatchObject({ ok: false, code: "forbidden" });
    await theirs.leave();
    await room.leave();
  });
});
