/**
 * BM9 Tiled import over HTTP: a good map becomes an enterable space whose tileset is served under
 * a name derived from its bytes; bad maps, wrong images and oversize uploads are refused with a
 * readable JSON error and create nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { unzipSync, zipSync } from "fflate";
import { parseTiledMap } from "../../shared/map.ts";
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

describe("MP6–MP9 real Tiled maps: several files or a zip, the report, export and back", () => {
  const dir = new URL("../../tools/maps/fixtures/wa-office/", import.meta.url);
  const fixture = () => readdirSync(dir).map((name) => ({ name, bytes: new Uint8Array(readFileSync(new URL(name, dir))) }));
  const upload = async (name: string, files: Array<{ name: string; bytes: Uint8Array }>) => {
    const form = new FormData();
    form.set("name", name);
    for (const f of files) form.append("files", new Blob([f.bytes as Uint8Array<ArrayBuffer>]), f.name);
    const res = await fetch(`${server.url}/api/spaces/import`, { method: "POST", headers: { Authorization: `Bearer ${ada.token}` }, body: form });
    return { status: res.status, body: await res.json() };
  };
  const baseOf = async (id: string) => parseTiledMap((await api(server, "GET", `/api/spaces/${id}/map`, undefined, ada.token)).body);
  const exportOf = async (id: string) => {
    const res = await fetch(`${server.url}/api/spaces/${id}/export`, { headers: { Authorization: `Bearer ${ada.token}` } });
    expect([res.status, res.headers.get("content-type")]).toEqual([200, "application/zip"]);
    return new Uint8Array(await res.arrayBuffer());
  };

  it("the fixture office (4 tilesets, one .tsx, one .tsj) imports from several files with a report, and people spawn on its start tiles", async () => {
    const r = await upload("WA office", fixture());
    expect(r.status).toBe(201);
    expect(r.body.report.imported).toMatchObject({ tilesets: 4, meetingRooms: 2, silentZones: 1, stages: 1, spawns: 10 });
    expect(r.body.report.ignored.map((i: { what: string }) => i.what)).toEqual(expect.arrayContaining(["property `script`", "property `openWebsite`", "property `listenerMegaphone`"]));
    const map = await baseOf(r.body.id);
    expect(map.tilesets).toHaveLength(4);
    for (const t of map.tilesets) {
      const img = await fetch(`${server.url}/api/spaces/${r.body.id}/${t.image}`);
      expect([t.image, img.status]).toEqual([t.image, 200]);
    }
    // Same walls as the office the fixture was drawn from (the nested group offsets cancel out).
    const office = parseTiledMap(tmj);
    expect(Array.from(map.blocked)).toEqual(Array.from(office.blocked));
    const room = await joinWithToken(server, r.body.id, ada);
    expect(room.state.spawnPoints.size).toBe(10);
    await room.leave();
  });

  it("a .zip of the map folder imports the same; a missing external tileset is refused with how to fix it", async () => {
    // Built first: zipping 25 MB takes a while on a busy machine, and an idle keep-alive socket may close meanwhile.
    const bombZip = zipSync({ "big.png": new Uint8Array(25 * 1024 * 1024) });
    const files = fixture();
    const zipped = zipSync(Object.fromEntries(files.map((f) => [`office/${f.name}`, f.bytes])));
    const r = await upload("Zipped", [{ name: "office.zip", bytes: zipped }]);
    expect([r.status, r.body.report?.imported.tilesets]).toEqual([201, 4]);
    const missing = await upload("Missing", files.filter((f) => f.name !== "walls.tsx"));
    expect([missing.status, missing.body.error.code, missing.body.error.detail]).toEqual([422, "invalid_map", "map_external_tileset"]);
    expect(missing.body.error.message).toMatch(/tileset `walls.tsx` is external: add it to the upload/);
    const noImage = await upload("No image", files.filter((f) => f.name !== "furniture.png"));
    expect([noImage.status, noImage.body.error.detail]).toEqual([422, "map_image_missing"]);
    const none = await upload("None", [{ name: "notes.txt", bytes: new TextEncoder().encode("hello") }]);
    expect([none.status, none.body.error.detail]).toEqual([422, "map_no_map_file"]);
    const bomb = await upload("Bomb", [{ name: "x.zip", bytes: bombZip }]);
    expect([bomb.status, bomb.body.error.detail]).toEqual([413, "map_upload_too_large"]);
  });

  it("MP9 export → import gives the same collision, spawns, areas, stages, silent zones and furniture", async () => {
    const first = await upload("Round trip", fixture());
    const zip1 = await exportOf(first.body.id);
    const again = await upload("Round trip again", [{ name: "export.zip", bytes: zip1 }]);
    expect(again.status).toBe(201);
    const [a, b] = [await baseOf(first.body.id), await baseOf(again.body.id)];
    expect(Array.from(b.blocked)).toEqual(Array.from(a.blocked));
    expect(b.silentZones).toEqual(a.silentZones);
    // Content (furniture, meeting rooms, stages, spawn points) as exported from both spaces is identical.
    const objectLayers = (zip: Uint8Array) => {
      const m = JSON.parse(new TextDecoder().decode(unzipSync(zip)["map.tmj"]));
      return m.layers.filter((l: { type: string }) => l.type === "objectgroup");
    };
    const zip2 = await exportOf(again.body.id);
    expect(objectLayers(zip2)).toEqual(objectLayers(zip1));
    expect(objectLayers(zip1).find((l: { name: string }) => l.name === "spawns").objects).toHaveLength(10);
    // A template space exports too (its tileset comes from shared/maps).
    const t = await api(server, "POST", "/api/spaces", { name: "Plain", template: "open-plan" }, ada.token);
    const plain = unzipSync(await exportOf(t.body.id));
    expect(Object.keys(plain).sort()).toEqual(["map.tmj", "plaza-office-1.png", "plaza-office-1.tsj"]);
    const back = await upload("Plain again", [{ name: "plain.zip", bytes: zipSync(plain) }]);
    expect([back.status, back.body.report.imported.furniture]).toEqual([201, JSON.parse(new TextDecoder().decode(plain["map.tmj"])).layers.find((l: { name: string }) => l.name === "furniture").objects.length]);
  });
});
