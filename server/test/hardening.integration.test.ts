/**
 * Safe on the open internet (SPEC SE rules), against a real server: every path into a room is
 * authorized against the room's own space, clients cannot open rooms, access taken away reaches
 * people already seated, seats per address are bounded, a closed tab leaves no ghost, and pings
 * pay into the message budget.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@colyseus/sdk";
import type { PlazaProcess } from "../src/app.ts";
import { addMember, api, createSpace, joinAs, joinWithToken, signUp, sleep, startTestServer, until, type TestRoom, type TestUser } from "./harness.ts";
import { PROTOCOL_VERSION, SPACE_ROOM } from "../../shared/protocol.ts";
import { JoinErrorCode, PlazaCloseCode } from "../../shared/codes.ts";
import { SpaceState } from "../../shared/state.ts";
import { Protocol } from "@colyseus/core";
import WebSocket from "ws";
import { selfOf } from "../../shared/net/typedRoom.ts";

let server: PlazaProcess;
let owner: TestUser;
beforeAll(async () => {
  server = await startTestServer({ PLAZA_AUTO_SPACES: false });
  owner = await signUp(server, "Olive");
  await createSpace(server, owner, "se-private");
  await createSpace(server, owner, "se-public", { visibility: "public" });
  await server.access.ready();
}, 60_000);
afterAll(async () => { await server?.close(); });

const ws = (r: TestRoom) => (r.connection.transport as unknown as { ws: { close(code?: number): void; send(b: Uint8Array): void; terminate?(): void } }).ws;
const options = (spaceId: string, name: string) => ({ protocol: PROTOCOL_VERSION, spaceId, name, look: 0 });

/**
 * A seat taken the way the SDK does it, on a `ws` socket of our own: Node's built-in WebSocket
 * (which the SDK uses) may not send 1001, the code a browser closes with when a page goes away.
 */
async function rawSeat(spaceId: string, name: string): Promise<{ sessionId: string; socket: WebSocket }> {
  const res = await fetch(`${server.url}/matchmake/joinOrCreate/${SPACE_ROOM}`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(options(spaceId, name)),
  });
  const seat = await res.json() as { sessionId: string; roomId: string; processId: string };
  const socket = new WebSocket(`${server.url.replace("http", "ws")}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}`);
  await new Promise<void>((resolve, reject) => {
    socket.once("message", () => { socket.send(new Uint8Array([Protocol.JOIN_ROOM])); resolve(); });
    socket.once("error", reject);
  });
  return { sessionId: seat.sessionId, socket };
}

describe("SE2 admission is decided against the room's own space", () => {
  it("SE2 joinById a private space's room while naming a public space is refused; nothing of the private room is seen", async () => {
    const member = await signUp(server, "Mia");
    await addMember(server, owner, "se-private", member, "member");
    const inside = await joinWithToken(server, "se-private", member);
    const stranger = new Client(server.url);
    await expect(stranger.joinById(inside.roomId, options("se-public", "Eve"), SpaceState)).rejects.toMatchObject({ code: JoinErrorCode.FORBIDDEN });
    // A signed-in non-member, with their own token, is refused the same way.
    const other = await signUp(server, "Oscar");
    const otherClient = new Client(server.url);
    otherClient.auth.token = other.token;
    await expect(otherClient.joinById(inside.roomId, options("se-public", "Oscar"), SpaceState)).rejects.toMatchObject({ code: JoinErrorCode.FORBIDDEN });
    // `join` by room name with a claimed space goes to that space's own room, never this one.
    await sleep(100);
    expect([...inside.state.people.values()].map((p) => p.name)).toEqual(["Mia"]);
    await inside.leave();
  });
});

describe("SE3 one room per space; clients cannot create rooms", () => {
  it("SE3 POST /matchmake/create/space is refused and the space keeps its one room", async () => {
    const a = await joinAs(server, "se-public", "Ada");
    const res = await fetch(`${server.url}/matchmake/create/${SPACE_ROOM}`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(options("se-public", "Squatter")),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const b = await joinAs(server, "se-public", "Bob");
    expect(b.roomId).toBe(a.roomId);
    const rooms = await (await fetch(`${server.url}/healthz`)).json();
    expect(rooms.rooms).toBe(1);
    await a.leave();
    await b.leave();
  });
});

describe("SE4 access changes reach people already seated", () => {
  it("SE4 a removed member is told and closed with ACCESS_REVOKED; a demoted builder loses build mode at once", async () => {
    const mo = await signUp(server, "Mo");
    const bea = await signUp(server, "Bea");
    await addMember(server, owner, "se-private", mo, "member");
    await addMember(server, owner, "se-private", bea, "builder");
    const moRoom = await joinWithToken(server, "se-private", mo);
    const beaRoom = await joinWithToken(server, "se-private", bea);
    await until(() => beaRoom.welcome?.canBuild === true, "builder welcomed");
    expect((await api(server, "DELETE", `/api/spaces/se-private/members/${mo.id}`, undefined, owner.token)).status).toBe(204);
    await until(() => moRoom.left !== undefined, "removed member closed", 5000);
    expect(moRoom.left).toBe(PlazaCloseCode.ACCESS_REVOKED);
    expect(moRoom.notices.map((n) => n.code)).toContain("access_revoked");
    await until(() => !beaRoom.state.people.has(selfOf(moRoom)), "others see them go");
    expect((await api(server, "PATCH", `/api/spaces/se-private/members/${bea.id}`, { role: "member" }, owner.token)).status).toBe(200);
    await until(() => beaRoom.welcome?.canBuild === false, "demotion told in a new welcome");
    expect(beaRoom.left).toBeUndefined();
    await beaRoom.leave();
  });

  it("SE4 AZ6 revoking a guest link closes its guests where they stand", async () => {
    const inv = await api(server, "POST", "/api/spaces/se-private/invites", { role: "guest" }, owner.token);
    expect(inv.status).toBe(201);
    const acc = await api(server, "POST", `/api/invites/${inv.body.code}/accept`, { name: "Gus" });
    expect(acc.status).toBe(200);
    const gus = await joinAs(server, "se-private", "Gus", {}, acc.body.token);
    expect((await api(server, "DELETE", `/api/spaces/se-private/invites/${inv.body.code}`, undefined, owner.token)).status).toBeLessThan(300);
    await until(() => gus.left !== undefined, "the revoked link's guest is closed", 5000);
    expect(gus.left).toBe(PlazaCloseCode.ACCESS_REVOKED);
  });

  it("SE4 a space switched to private closes its anonymous visitors; its members stay", async () => {
    await createSpace(server, owner, "se-flip", { visibility: "public" });
    const visitor = await joinWithToken(server, "se-flip", null, "Vi");
    const me = await joinWithToken(server, "se-flip", owner);
    expect((await api(server, "PATCH", "/api/spaces/se-flip", { visibility: "private" }, owner.token)).status).toBe(200);
    await until(() => visitor.left !== undefined, "visitor closed", 5000);
    expect(visitor.left).toBe(PlazaCloseCode.ACCESS_REVOKED);
    await sleep(200);
    expect(me.left).toBeUndefined();
    await me.leave();
  });
});

describe("SE9 no ghosts", () => {
  it("SE9 a tab that closes (1001) leaves at once; a dropped one is held, and the same tab coming back replaces it", async () => {
    const watcher = await joinWithToken(server, "se-public", null, "Wat");
    const tab = await rawSeat("se-public", "Tab");
    const tabIn = () => [...watcher.state.people.values()].some((p) => p.name === "Tab");
    await until(tabIn, "the tab is in");
    tab.socket.close(1001);
    await until(() => !tabIn(), "the closed tab's avatar goes at once", 3000);

    const drop = await joinWithToken(server, "se-public", null, "Dee");
    await until(() => drop.welcome?.resume !== undefined, "resume token given");
    drop.reconnection.maxRetries = 0;
    ws(drop).close(4010); // a network drop the SDK does not come back from: the seat is held
    await sleep(300);
    expect(watcher.state.people.has(selfOf(drop))).toBe(true);
    const back = await joinAs(server, "se-public", "Dee", { resume: drop.welcome!.resume });
    await until(() => !watcher.state.people.has(selfOf(drop)), "the held seat is replaced", 5000);
    expect([...watcher.state.people.values()].filter((p) => p.name === "Dee")).toHaveLength(1);
    await back.leave();
    await watcher.leave();
  });
});

describe("BI1 pings pay into the message budget", () => {
  it("BI1 a ping flood is throttled and then closed (FLOODING); others keep walking", async () => {
    const flooder = await joinWithToken(server, "se-public", null, "Pinger");
    const calm = await joinWithToken(server, "se-public", null, "Calm");
    const frame = new Uint8Array([Protocol.PING]);
    for (let i = 0; i < 400 && flooder.left === undefined; i++) ws(flooder).send(frame);
    await until(() => flooder.left !== undefined, "ping flooder closed", 5000);
    expect(flooder.left).toBe(PlazaCloseCode.FLOODING);
    const at = calm.state.avatars.get(selfOf(calm))!;
    calm.send("move", { seq: 1, x: at.x, y: at.y, dir: 1 });
    await until(() => calm.ack?.[0] === 1, "the calm one is still answered");
    await calm.leave();
  });
});
