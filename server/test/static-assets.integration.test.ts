/**
 * UX8: the built client goes out compressed (brotli for browsers that take it, gzip for the rest,
 * plain for the others), hashed assets are cached for good and the page itself is revalidated.
 * Needs the client built (`npm run build`; `npm test` does it first).
 */
import { request } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_DIST, IMMUTABLE, REVALIDATE } from "../src/http/api.ts";
import type { PlazaProcess } from "../src/app.ts";
import { startTestServer } from "./harness.ts";

let server: PlazaProcess;

beforeAll(async () => {
  if (!existsSync(`${CLIENT_DIST}index.html`)) throw new Error("client not built: run `npm run build` first (npm test does)");
  server = await startTestServer();
});
afterAll(async () => { await server?.close(); });

/** A GET with exactly these request headers (fetch would add and undo its own Accept-Encoding). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The page's own script (the entry chunk: a hashed name under /assets/). */
function entryScript(): string {
  const html = readFileSync(`${CLIENT_DIST}index.html`, "utf8");
  const src = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
  if (!src) throw new Error("no script in index.html");
  return src;
}

describe("UX8: compressed, cacheable client assets", () => {
  it("sends the entry script as brotli, gzip or plain as the browser accepts, immutable", async () => {
    const path = entryScript();
    expect(path).toMatch(/^\/assets\/.+-[A-Za-z0-9_-]{6,}\.js$/);
    const plain = readFileSync(`${CLIENT_DIST}${path.slice(1)}`);

    const br = await get(path, { "Accept-Encoding": "gzip, deflate, br" });
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["cache-control"]).toBe(IMMUTABLE);
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(br.headers["content-type"]).toMatch(/javascript/);
    expect(br.body.length).toBeLessThan(plain.length / 2);
    expect(brotliDecompressSync(br.body).equals(plain)).toBe(true);

    const gz = await get(path, { "Accept-Encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).equals(plain)).toBe(true);

    const none = await get(path);
    expect(none.headers["content-encoding"]).toBeUndefined();
    expect(none.body.equals(plain)).toBe(true);
    expect(none.headers["cache-control"]).toBe(IMMUTABLE);
  });

  it("revalidates the page itself on every load, at / and at a space's link", async () => {
    for (const path of ["/", "/s/some-space", "/index.html"]) {
      const res = await get(path, { "Accept-Encoding": "br" });
      expect(res.status, path).toBe(200);
      expect(res.headers["cache-control"], path).toBe(REVALIDATE);
      expect(res.headers["content-type"], path).toMatch(/html/);
    }
  });

  it("answers an unknown asset with 404, not the page", async () => {
    const res = await get("/assets/nothing-here-123.js", { "Accept-Encoding": "br" });
    expect(res.status).toBe(404);
  });
});
