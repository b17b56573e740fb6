/**
 * BM9 Tiled import over HTTP: a good map becomes an enterable space whose tileset is served under
 * a name derived from its bytes; bad maps, wrong images and oversize uploads are refused with a
 * readable JSON error and create nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { PlazaProcess } from "../src/app.ts";
import { MAPS_DIR } from "../src/maps/MapCatalog.ts";
import { api, joinWithToken, signUp, startTestServer, type TestUser } from "./harness.ts";

const tmj = JSON.parse(readFileSync(`${MAPS_DIR}office.tmj`, "utf8")) as { width: number; tilesets: Array<{ image: string; imagewidth: number }> };
const png = readFileSync(`${MAPS_DIR}office-tiles.png`);
let server: PlazaProcess;
let ada: TestUser;

beforeAll(async () => {
  server = await startTestServer({ PLAZA_AUTO_SPACES: false });
  ada = await signUp(server, "Ada");
});
afterAll(async () => { await server?.close(); });

const importAs = (body: unknown, user = ada) => api(server, "POST", "/api/spaces/import", body, user.token);

describe("BM9 Tiled import", () => {
  it("a valid .tmj + tileset becomes a space: the map is served with a content-derived tileset name, and people can enter", async () => {
    const r = await importAs({ id: "imported-hq", name: "Imported HQ", map: tmj, tilesetPngBase64: png.toString("base64") });
    expect([r.status, r.body.id, r.body.template, r.body.role]).toEqual([201, "imported-hq", "import", "owner"]);
    const map = await api(server, "GET", "/api/spaces/imported-hq/map", undefined, ada.token);
    const image = map.body.tilesets[0].image as string;
    expect(image).toMatch(/^tileset-[0-9a-f]{24}\.png$/);
    const tiles = await fetch(`${server.url}/api/spaces/imported-hq/${image}`);
    expect([tiles.status, tiles.headers.get("content-type")]).toEqual([200, "image/png"]);
    expect(Buffer.from(await tiles.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(`${server.url}/api/spaces/imported-hq/tileset-000000000000000000000000.png`)).status).toBe(404);
    const room = await joinWithToken(server, "imported-hq", ada);
    expect(room.state.spawnPoints.size).toBeGreaterThan(0);
    await room.leave();
  });

  it("bad input is refused with a readable message and creates nothing", async () => {
    const cases: Array<[string, unknown, number, string]> = [
      ["not a Tiled map", { name: "Bad", map: { hello: "world" }, tilesetPngBase64: png.toString("base64") }, 422, "invalid_map"],
      ["too big", { name: "Huge", map: { ...tmj, width: 300 }, tilesetPngBase64: png.toString("base64") }, 422, "invalid_map"],
      ["not a PNG", { name: "Jpeg", map: tmj, tilesetPngBase64: Buffer.from("GIF89a not a png at all, really").toString("base64") }, 422, "invalid_map"],
      ["wrong image size", { name: "Size", map: { ...tmj, tilesets: [{ ...tmj.tilesets[0], imagewidth: 512 }] }, tilesetPngBase64: png.toString("base64") }, 422, "invalid_map"],
      ["tileset over 4 MB", { name: "Big", map: tmj, tilesetPngBase64: Buffer.alloc(4 * 1024 * 1024 + 10).toString("base64") }, 413, "payload_too_large"],
      ["missing fields", { name: "Nothing" }, 400, "bad_request"],
    ];
    for (const [what, body, status, code] of cases) {
      const r = await importAs(body);
      expect([what, r.status, r.body.error.code]).toEqual([what, status, code]);
      expect(r.body.error.message.length).toBeGreaterThan(5);
    }
    // A body over the route's 8 MB limit: 413 before anything is parsed.
    const huge = await fetch(`${server.url}/api/spaces/import`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${ada.token}` },
      body: JSON.stringify({ name: "Huge", map: tmj, tilesetPngBase64: "A".repeat(9 * 1024 * 1024) }),
    });
    expect([huge.status, (await huge.json()).error.code]).toEqual([413, "payload_too_large"]);
    // Elsewhere in the API the limit stays 64 KB.
    const big = await api(server, "POST", "/api/spaces", { name: "x".repeat(70 * 1024), template: "small-office" }, ada.token);
    expect(big.status).toBe(413);
    // Nothing was created by any of it.
    const me = await api(server, "GET", "/api/me", undefined, ada.token);
    expect(me.body.spaces.map((s: { id: string }) => s.id)).toEqual(["imported-hq"]);
  });

  it("signed out: 401; a guest (no team of their own to create in): 403", async () => {
    const anon = await api(server, "POST", "/api/spaces/import", { name: "Anon", map: tmj, tilesetPngBase64: png.toString("base64") });
    expect(anon.status).toBe(401);
    const inv = await api(server, "POST", "/api/spaces/imported-hq/invites", { role: "guest" }, ada.token);
    const guest = await api(server, "POST", `/api/invites/${inv.body.code}/accept`, { name: "Gus" });
    const r = await api(server, "POST", "/api/spaces/import", { name: "Gus's", map: tmj, tilesetPngBase64: png.toString("base64") }, guest.body.token);
    expect([r.status, r.body.error.code]).toEqual([403, "forbidden"]);
  });
});
