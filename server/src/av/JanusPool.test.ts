/** SF6 placement and SF21 public addresses of the Janus pool (no Janus needed: nothing answers). */
import { afterEach, describe, expect, it } from "vitest";
import { JanusPool } from "./JanusPool.ts";

// Port 9 (discard) on loopback: refused at once, so pings fail without waiting.
const urls = ["http://127.0.0.1:9/janus", "http://127.0.0.1:9/other/"];
const pools: JanusPool[] = [];
const pool = (opts: ConstructorParameters<typeof JanusPool>[0]) => { const p = new JanusPool(opts); pools.push(p); return p; };
afterEach(() => { for (const p of pools.splice(0)) p.close(); });

describe("JanusPool", () => {
  it("SF6 places each new meeting on the instance with the fewest (ties: first listed); a released one counts no more", () => {
    const p = pool({ urls });
    const [a, b, c] = [p.place()!, p.place()!, p.place()!];
    expect([a.url, b.url, c.url]).toEqual(["http://127.0.0.1:9/janus", "http://127.0.0.1:9/other", "http://127.0.0.1:9/janus"]);
    p.release(b);
    p.release(b);
    expect(p.load().map((m) => m.meetings)).toEqual([2, 0]);
    expect(p.place()).toBe(b);
  });

  it("SF21 browsers are told the public URL of an instance (same order), else its own", () => {
    const plain = pool({ urls });
    const i = plain.place()!;
    expect(plain.publicUrl(i)).toBe(i.url);
    const proxied = pool({ urls, publicUrls: ["https://plaza.example.org/janus/1/", "https://plaza.example.org/janus/2"] });
    const [x, y] = [proxied.place()!, proxied.place()!];
    expect(x.url).toBe("http://127.0.0.1:9/janus"); // the server keeps its own way in
    expect(proxied.publicUrl(x)).toBe("https://plaza.example.org/janus/1");
    expect(proxied.publicUrl(y)).toBe("https://plaza.example.org/janus/2");
    expect(() => new JanusPool({ urls, publicUrls: ["https://plaza.example.org/janus/1"] })).toThrow(/JANUS_PUBLIC_URLS names 1 URLs and JANUS_URLS 2/);
  });

  it("SF6 an instance that does not answer is unhealthy and takes no meetings; listeners hear of it", async () => {
    const p = pool({ urls: [urls[0]], healthMs: 60_000 });
    const down: string[] = [];
    p.onDown((url) => down.push(url));
    await p.check();
    expect(down).toEqual([urls[0]]);
    expect(p.load()[0].healthy).toBe(false);
    expect(p.place()).toBeUndefined();
  });
});
