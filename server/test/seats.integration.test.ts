/**
 * Seats per address (SPEC SE7, SE8), against a real server whose limit is 3: one address cannot
 * take a space's seats, members are never counted, and address headers from an untrusted peer
 * change nothing. (A file of its own: Colyseus's matchmaker is one per process.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@colyseus/sdk";
import type { PlazaProcess } from "../src/app.ts";
import { createSpace, joinWithToken, signUp, startTestServer, until, type TestRoom, type TestUser } from "./harness.ts";
import { PROTOCOL_VERSION, SPACE_ROOM } from "../../shared/protocol.ts";
import { JoinErrorCode } from "../../shared/codes.ts";
import { SpaceState } from "../../shared/state.ts";

let server: PlazaProcess;
let owner: TestUser;
beforeAll(async () => {
  server = await startTestServer({ PLAZA_AUTO_SPACES: false, SEATS_PER_ADDRESS: 3, JOINS_PER_ADDRESS: 12 });
  owner = await signUp(server, "Lou");
  await createSpace(server, owner, "se-seats", { visibility: "public" });
  await createSpace(server, owner, "se-spoof", { visibility: "public" });
  await createSpace(server, owner, "se-churn", { visibility: "public" });
}, 60_000);
afterAll(async () => { await server?.close(); });

const options = (spaceId: string, name: string) => ({ protocol: PROTOCOL_VERSION, spaceId, name, look: 0 });

describe("SE7 seats per address", () => {
  it("SE7 visitors from one address hold at most SEATS_PER_ADDRESS seats in a space; members are not counted; a freed seat is reusable", async () => {
    const visitors: TestRoom[] = [];
    for (let i = 0; i < 3; i++) visitors.push(await joinWithToken(server, "se-seats", null, `V${i}`));
    await expect(joinWithToken(server, "se-seats", null, "V3")).rejects.toMatchObject({ code: JoinErrorCode.TOO_MANY_FROM_ADDRESS });
    // Someone of the team comes in from the same address anyway.
    const me = await joinWithToken(server, "se-seats", owner);
    // A seat given back can be taken again.
    await visitors.shift()!.leave();
    await until(() => me.state.people.size === 3, "a visitor left");
    visitors.push(await joinWithToken(server, "se-seats", null, "V4"));
    for (const v of visitors) await v.leave();
    await me.leave();
  });

  it("SE8 X-Forwarded-For and X-Real-IP from an untrusted peer do not create new addresses", async () => {
    const rooms: TestRoom[] = [];
    for (let i = 0; i < 3; i++) rooms.push(await joinWithToken(server, "se-spoof", null, `S${i}`));
    const spoofer = new Client(server.url, { headers: { "X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.10" } } as never);
    await expect(spoofer.joinOrCreate(SPACE_ROOM, options("se-spoof", "Spoof"), SpaceState)).rejects.toMatchObject({ code: JoinErrorCode.TOO_MANY_FROM_ADDRESS });
    for (const r of rooms) await r.leave();
  });

  it("SE7 joins per address: a visitor who keeps leaving and coming back is refused past JOINS_PER_ADDRESS a minute; members are not counted", async () => {
    // Every join from this address counts, those of the tests above too (12 a minute here).
    const outcomes: (number | "ok")[] = [];
    for (let i = 0; i < 8; i++) {
      try {
        const r = await joinWithToken(server, "se-churn", null, `C${i}`);
        outcomes.push("ok");
        await r.leave();
      } catch (err) {
        outcomes.push((err as { code: number }).code);
      }
    }
    expect(outcomes.filter((o) => o === "ok").length).toBeLessThan(8);
    expect(outcomes.at(-1)).toBe(JoinErrorCode.TOO_MANY_FROM_ADDRESS);
    const me = await joinWithToken(server, "se-churn", owner);
    await me.leave();
  });
});
