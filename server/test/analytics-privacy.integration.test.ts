/**
 * Privacy (SPEC PV2–PV6) end to end on one server with the embedded engine: a member sees their
 * own activity and not the space's figures; opting out (a person, a space) stops recording;
 * deleting an account deletes its events; a breakdown below the group minimum is suppressed.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PlazaProcess } from "../src/app.ts";
import type { InsightsReport, MyActivity } from "../../shared/insights.ts";
import { addMember, api, createSpace, joinWithToken, signUp, startTestServer, type TestUser } from "./harness.ts";

let server: PlazaProcess;
let owner: TestUser;
let member: TestUser;
beforeAll(async () => {
  server = await startTestServer({ ANALYTICS_EMBEDDED: "on", ANALYTICS_FLUSH_MS: 100, INSIGHTS_MIN_GROUP: 2 });
  owner = await signUp(server, "Olive");
  member = await signUp(server, "Milo");
  await createSpace(server, owner, "pv");
  await addMember(server, owner, "pv", member, "member");
}, 60_000);
afterAll(async () => { await server?.close(); });

const today = () => new Date().toISOString().slice(0, 10);
const range = () => `from=${today()}&to=${today()}`;
const mine = async (u: TestUser) => (await api<MyActivity>(server, "GET", `/api/me/activity?${range()}`, undefined, u.token)).body;
const report = async (space: string) => (await api<InsightsReport>(server, "GET", `/api/spaces/${space}/insights?${range()}`, undefined, owner.token)).body;

/** One visit: join, leave, and wait until the rows are in the engine. */
async function visit(space: string, u: TestUser) {
  const room = await joinWithToken(server, space, u);
  await room.leave();
  await server.analytics.flush();
}

it("PV3 a member sees their own activity, not the space's figures; nobody sees another's", async () => {
  await visit("pv", member);
  await visit("pv", owner);
  const m = await mine(member);
  expect(m.spaces).toEqual([expect.objectContaining({ space: "pv", visits: 1 })]);
  expect(m.optedOut).toBe(false);
  const refused = await api(server, "GET", `/api/spaces/pv/insights?${range()}`, undefined, member.token);
  expect([refused.status, refused.body.error.code]).toEqual([403, "forbidden"]);
  expect((await api(server, "GET", `/api/me/activity?${range()}`)).status).toBe(401);
  expect((await report("pv")).visits.count).toBe(2);
});

it("PV2 breakdowns describing fewer people than INSIGHTS_MIN_GROUP are suppressed", async () => {
  await createSpace(server, owner, "pv-alone");
  await visit("pv-alone", owner);
  const r = await report("pv-alone");
  expect(r).toMatchObject({ suppressed: true, people: null, minGroup: 2, heatmap: [], visits: { count: 0 } });
});

it("PV6 a person who opts out and a space that opts out are not recorded", async () => {
  const optOut = await api(server, "PATCH", "/api/me/analytics", { optOut: true }, member.token);
  expect(optOut.body).toEqual({ optOut: true });
  expect((await api(server, "PATCH", "/api/me/analytics", { optOut: "yes" }, member.token)).status).toBe(400);
  const before = await mine(member);
  await visit("pv", member);
  expect(await mine(member)).toEqual({ ...before, optedOut: true });
  await api(server, "PATCH", "/api/me/analytics", { optOut: false }, member.token);

  expect((await api(server, "PATCH", "/api/spaces/pv/analytics", { off: true }, member.token)).status).toBe(403);
  expect((await api(server, "PATCH", "/api/spaces/pv/analytics", { off: true }, owner.token)).body).toEqual({ off: true });
  expect((await api(server, "GET", "/api/spaces/pv/analytics", undefined, owner.token)).body).toEqual({ off: true });
  const visits = (await report("pv")).visits.count;
  await visit("pv", owner);
  await visit("pv", member);
  expect((await report("pv")).visits.count).toBe(visits);
  await api(server, "PATCH", "/api/spaces/pv/analytics", { off: false }, owner.token);
  await visit("pv", member);
  expect((await report("pv")).visits.count).toBe(visits + 1);
});

it("PV5 deleting one's account (confirmed) deletes its events", async () => {
  const leaver = await signUp(server, "Lee");
  await addMember(server, owner, "pv", leaver, "member");
  await visit("pv", leaver);
  const visits = (await report("pv")).visits.count;
  expect((await mine(leaver)).spaces).toHaveLength(1);
  const unconfirmed = await api(server, "DELETE", "/api/account", {}, leaver.token);
  expect([unconfirmed.status, unconfirmed.body.error.code]).toEqual([400, "confirmation_required"]);
  // The owner of a team with other members must hand it over first.
  const sole = await api(server, "DELETE", "/api/account", { confirm: "delete my account" }, owner.token);
  expect([sole.status, sole.body.error.code]).toEqual([409, "sole_owner"]);
  expect((await api(server, "DELETE", "/api/account", { confirm: "delete my account" }, leaver.token)).status).toBe(204);
  expect((await report("pv")).visits.count).toBe(visits - 1);
});
