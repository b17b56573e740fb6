/**
 * SPEC SE4, the HTTP half: every HTTP action that can take access away or lower it announces
 * where (`{teamId}` or `{spaceId}`) through the process's AccessEvents once the store has it, so
 * live rooms on every process re-check their people; refused actions announce nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlazaProcess } from "../src/app.ts";
import type { AccessChange } from "../src/access/AccessEvents.ts";
import type { MeResponse } from "../../shared/api.ts";
import { addMember, api, createSpace, signUp, startTestServer, until, type TestUser } from "./harness.ts";

let server: PlazaProcess;
let owner: TestUser;
let teamId = "";
const heard: AccessChange[] = [];

beforeAll(async () => {
  server = await startTestServer({ PLAZA_AUTO_SPACES: false });
  server.access.watch((c) => heard.push(c));
  await server.access.ready();
  owner = await signUp(server, "Olive");
  await createSpace(server, owner, "ae-office");
  teamId = (await api<MeResponse>(server, "GET", "/api/me", undefined, owner.token)).body.teams.find((t) => t.role === "owner")!.id;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

/** Runs `action` (expecting `status`) and waits until exactly `want` has been heard, in that order. */
async function announces(want: AccessChange[], status: number, action: () => Promise<{ status: number }>) {
  heard.length = 0;
  expect((await action()).status).toBe(status);
  await until(() => heard.length >= want.length, `heard ${JSON.stringify(want)}`);
  expect(heard.map((c) => ({ ...c }))).toEqual(want);
}

describe("SE4 HTTP actions that take access away announce it", () => {
  it("a member's role changed, a member removed, a member leaving: the team", async () => {
    const max = await signUp(server, "Max");
    await addMember(server, owner, "ae-office", max, "builder");
    await announces([{ teamId }], 200, () => api(server, "PATCH", `/api/spaces/ae-office/members/${max.id}`, { role: "member" }, owner.token));
    await announces([{ teamId }], 204, () => api(server, "DELETE", `/api/spaces/ae-office/members/${max.id}`, undefined, owner.token));
    const lea = await signUp(server, "Lea");
    await addMember(server, owner, "ae-office", lea, "member");
    await announces([{ teamId }], 204, () => api(server, "DELETE", `/api/spaces/ae-office/members/${lea.id}`, undefined, lea.token));
  });

  it("a space renamed or made private, an invite revoked, a space deleted: the space", async () => {
    await announces([{ spaceId: "ae-office" }], 200, () => api(server, "PATCH", "/api/spaces/ae-office", { visibility: "public" }, owner.token));
    await announces([{ spaceId: "ae-office" }], 200, () => api(server, "PATCH", "/api/spaces/ae-office", { name: "Office", visibility: "private" }, owner.token));
    const inv = await api(server, "POST", "/api/spaces/ae-office/invites", { role: "guest" }, owner.token);
    await announces([{ spaceId: "ae-office" }], 204, () => api(server, "DELETE", `/api/spaces/ae-office/invites/${inv.body.code}`, undefined, owner.token));
    await createSpace(server, owner, "ae-doomed");
    await announces([{ spaceId: "ae-doomed" }], 204, () => api(server, "DELETE", "/api/spaces/ae-doomed", undefined, owner.token));
  });

  it("a refused action announces nothing (the next announcement is the allowed one's)", async () => {
    const mel = await signUp(server, "Mel");
    await addMember(server, owner, "ae-office", mel, "member");
    heard.length = 0;
    expect((await api(server, "PATCH", "/api/spaces/ae-office", { visibility: "public" }, mel.token)).status).toBe(403);
    expect((await api(server, "DELETE", `/api/spaces/ae-office/members/${owner.id}`, undefined, mel.token)).status).toBe(403);
    expect((await api(server, "DELETE", "/api/spaces/ae-office", undefined, mel.token)).status).toBe(403);
    expect((await api(server, "PATCH", "/api/spaces/ae-office", { name: "Office 2" }, owner.token)).status).toBe(200);
    await until(() => heard.length > 0, "the allowed rename announced");
    expect(heard.map((c) => ({ ...c }))).toEqual([{ spaceId: "ae-office" }]);
  });
});
