/**
 * Build-mode art in a real (headless Chromium) canvas: every object kind at every rotation stays
 * inside its footprint and fills it visibly, at several tile sizes; painted floors and walls match
 * the office tileset pixel for pixel; odd input never throws. No server: the module is bundled with
 * Vite in memory and injected into a blank page. The sheet is saved to test-output/object-art.png,
 * and the larger templates (shared/maps/templates.json) drawn with their furniture to
 * test-output/template-<id>.png, for a person to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { build, type Rollup } from "vite";
import { PNG } from "pngjs";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { OUT } from "./browserHarness.ts";
import { OBJECT_KIND_NAMES, PAINTS, footprint, type Rot } from "../../shared/world.ts";

type Art = typeof import("../src/render/objectArt.ts");
declare global { interface Window { objectArt: Art } }

const ROTS: Rot[] = [0, 1, 2, 3];
/** Tileset ids of the tiles each paint must reproduce (shared/maps/tools/draw-tileset.ts TILE_IDS). */
const PAINT_TILES: Record<string, number> = { wood: 0, carpet: 1, tiles: 4, grass: 7, wall: 8 };

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const out = (await build({
    configFile: false,
    logLevel: "silent",
    build: {
      write: false,
      minify: false,
      lib: { entry: fileURLToPath(new URL("../src/render/objectArt.ts", import.meta.url)), formats: ["iife"], name: "objectArt" },
    },
  })) as Rollup.RollupOutput[];
  const code = out[0]!.output[0].code;
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--headless", "--disable-gpu"] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.setContent("<!doctype html><body style='margin:0;background:#151a24'><canvas id='c'></canvas></body>");
  await page.addScriptTag({ content: code });
});

afterAll(async () => {
  await browser?.close();
});

describe("object art (browser canvas)", () => {
  it("draws every kind at every rotation inside its footprint, at several tile sizes", async () => {
    for (const tile of [32, 48, 20]) {
      const cases = OBJECT_KIND_NAMES.flatMap((kind) => ROTS.map((rot) => ({ kind, rot, ...footprint(kind, rot) })));
      const results = await page.evaluate(
        ({ cases, tile }) => {
          // each case alone on a canvas with one empty tile of margin all round
          return cases.map(({ kind, rot, w, h }) => {
            const c = document.createElement("canvas");
            c.width = (w + 2) * tile;
            c.height = (h + 2) * tile;
            const g = c.getContext("2d")!;
            window.objectArt.drawObject(g, kind, rot, tile, tile, tile);
            const d = g.getImageData(0, 0, c.width, c.height).data;
            let inside = 0;
            let outside = 0;
            for (let y = 0; y < c.height; y++) {
              for (let x = 0; x < c.width; x++) {
                if (d[(y * c.width + x) * 4 + 3] === 0) continue;
                const within = x >= tile && y >= tile && x < (w + 1) * tile && y < (h + 1) * tile;
                if (within) inside++;
                else outside++;
              }
            }
            return { kind, rot, share: inside / (w * h * tile * tile), outside };
          });
        },
        { cases, tile },
      );
      for (const r of results) {
        expect(r.outside, `${r.kind} rot ${r.rot} at ${tile} px draws outside its footprint`).toBe(0);
        expect(r.share, `${r.kind} rot ${r.rot} at ${tile} px is barely visible`).toBeGreaterThan(0.15);
      }
    }
  });

  it("paints floors and walls exactly like the office tileset's tiles", async () => {
    const sheet = PNG.sync.read(readFileSync(new URL("../../shared/maps/office-tiles.png", import.meta.url)));
    for (const paint of PAINTS) {
      const id = PAINT_TILES[paint]!;
      const drawn = await page.evaluate((paint) => {
        const c = document.createElement("canvas");
        c.width = 32;
        c.height = 32;
        const g = c.getContext("2d")!;
        window.objectArt.drawPaint(g, paint, 0, 0, 32);
        return Array.from(g.getImageData(0, 0, 32, 32).data);
      }, paint);
      let differing = 0;
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const s = ((Math.floor(id / 8) * 32 + y) * sheet.width + (id % 8) * 32 + x) * 4;
          const d = (y * 32 + x) * 4;
          for (let k = 0; k < 4; k++) if (Math.abs(sheet.data[s + k]! - drawn[d + k]!) > 1) differing++;
        }
      }
      expect(differing, `${paint} differs from tileset tile ${id}`).toBe(0);
    }
  });

  it("never throws on odd input, and unknown kinds still draw", async () => {
    const visible = await page.evaluate(() => {
      const c = document.createElement("canvas");
      c.width = 64;
      c.height = 64;
      const g = c.getContext("2d")!;
      const a = window.objectArt;
      a.drawObject(g, "piano", 0, 0, 0, 32);
      const shown = g.getImageData(0, 0, 32, 32).data.some((v, i) => i % 4 === 3 && v > 0);
      a.drawObject(g, "desk", 7 as 0, 0, 0, 32, { ghost: true, invalid: true, selected: true, claimedBy: "<b>x</b>".repeat(20) });
      a.drawObject(g, "table", 1, Number.NaN, 0, 32);
      a.drawObject(g, "chair", 0, 0, 0, 0);
      a.drawPaint(g, "lava", 0, 0, 32);
      a.drawPaint(g, "wood", 0, 0, -1);
      a.drawPaletteIcon(g, "lava", 32);
      a.drawPaletteIcon(g, "constructor", 32);
      return shown;
    });
    expect(visible).toBe(true);
  });

  it("saves a sheet of every kind, rotation, variant and paint to look at", async () => {
    const dataUrl = await page.evaluate(
      ({ kinds, paints, sizes }) => {
        const a = window.objectArt;
        const T = 32;
        const Z = 2;
        const cols = 24;
        const rows = kinds.length * 3 + 6;
        const c = document.getElementById("c") as HTMLCanvasElement;
        c.width = cols * T * Z;
        c.height = rows * T * Z;
        const g = c.getContext("2d")!;
        g.imageSmoothingEnabled = false;
        g.scale(Z, Z);
        // a floor to stand on, with a faint tile grid
        for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) a.drawPaint(g, y % 6 < 3 ? "wood" : "carpet", x * T, y * T, T);
        g.fillStyle = "rgba(0,0,0,0.10)";
        for (let x = 0; x <= cols; x++) g.fillRect(x * T, 0, 0.5, rows * T);
        for (let y = 0; y <= rows; y++) g.fillRect(0, y * T, cols * T, 0.5);
        // one band per kind: rot 0, 1, 2, 3, then ghost, invalid, selected (+ claimed for the desk)
        kinds.forEach((kind: string, i: number) => {
          const y = i * 3 + 1;
          const [w, h] = sizes[i]!;
          let x = 1;
          const put = (rot: 0 | 1 | 2 | 3, opts = {}) => {
            a.drawObject(g, kind, rot, x * T, y * T, T, opts);
            x += (rot % 2 === 0 ? w : h) + 1;
          };
          for (const rot of [0, 1, 2, 3] as const) put(rot);
          put(0, { ghost: true });
          put(0, { invalid: true });
          put(0, { selected: true, claimedBy: kind === "desk" ? "Ada Lovelace" : null });
        });
        const y = kinds.length * 3 + 1;
        paints.forEach((p: string, i: number) => {
          for (let k = 0; k < 4; k++) a.drawPaint(g, p, (1 + i * 3 + (k % 2)) * T, (y + (k >> 1)) * T, T);
        });
        a.drawObject(g, "piano", 0, 17 * T, y * T, T);
        // palette icons at button size
        [...kinds, ...paints].forEach((k: string, i: number) => {
          g.setTransform(Z, 0, 0, Z, (1 + i * 1.5) * T * Z, (y + 3) * T * Z);
          g.fillStyle = "#232a38";
          g.fillRect(0, 0, 40, 40);
          a.drawPaletteIcon(g, k, 40);
        });
        return c.toDataURL("image/png");
      },
      {
        kinds: [...OBJECT_KIND_NAMES],
        paints: [...PAINTS],
        sizes: OBJECT_KIND_NAMES.map((k) => [footprint(k, 0).w, footprint(k, 0).h] as [number, number]),
      },
    );
    writeFileSync(`${OUT}object-art.png`, Buffer.from(dataUrl.split(",")[1]!, "base64"));
  });

  it("draws the templates' furniture over their tiles", async () => {
    const maps = new URL("../../shared/maps/", import.meta.url);
    const tileset = `data:image/png;base64,${readFileSync(new URL("office-tiles.png", maps)).toString("base64")}`;
    const templates = JSON.parse(readFileSync(new URL("templates.json", maps), "utf8")) as Array<{ id: string; file: string }>;
    for (const t of templates.filter((t) => t.file !== "office.tmj")) {
      const tmj: unknown = JSON.parse(readFileSync(new URL(t.file, maps), "utf8"));
      const dataUrl = await page.evaluate(
        async ({ tmj, tileset }) => {
          interface Obj { type: string; x: number; y: number; width: number; height: number; name: string; properties?: { name: string; value: number }[] }
          interface Layer { type: string; name: string; data?: number[]; objects?: Obj[] }
          const map = tmj as { width: number; height: number; tilewidth: number; layers: Layer[] };
          const img = new Image();
          img.src = tileset;
          await img.decode();
          const T = map.tilewidth;
          const c = document.getElementById("c") as HTMLCanvasElement;
          c.width = map.width * T;
          c.height = map.height * T;
          const g = c.getContext("2d")!;
          g.imageSmoothingEnabled = false;
          for (const l of map.layers) {
            if (l.type !== "tilelayer") continue;
            l.data!.forEach((gid, i) => {
              if (gid === 0) return;
              const id = gid - 1;
              g.drawImage(img, (id % 8) * T, Math.floor(id / 8) * T, T, T, (i % map.width) * T, Math.floor(i / map.width) * T, T, T);
            });
          }
          const objects = (name: string) => map.layers.find((l) => l.name === name)?.objects ?? [];
          for (const a of objects("areas")) {
            g.strokeStyle = "rgba(120, 80, 220, 0.7)";
            g.lineWidth = 2;
            g.strokeRect(a.x + 1, a.y + 1, a.width - 2, a.height - 2);
          }
          for (const s of objects("spotlights")) {
            g.fillStyle = "rgba(255, 220, 120, 0.25)";
            g.fillRect(s.x, s.y, s.width, s.height);
          }
          // back to front, as the world renderer would
          const furniture = [...objects("furniture")].sort((a, b) => a.y + a.height - (b.y + b.height) || a.x - b.x);
          for (const o of furniture) {
            const rot = (o.properties?.find((p) => p.name === "rot")?.value ?? 0) as 0 | 1 | 2 | 3;
            window.objectArt.drawObject(g, o.type, rot, o.x, o.y, T);
          }
          for (const s of objects("spawns")) {
            g.fillStyle = "rgba(31, 158, 143, 0.9)";
            g.beginPath();
            g.arc(s.x, s.y, 5, 0, Math.PI * 2);
            g.fill();
          }
          return c.toDataURL("image/png");
        },
        { tmj, tileset },
      );
      writeFileSync(`${OUT}template-${t.id}.png`, Buffer.from(dataUrl.split(",")[1]!, "base64"));
    }
  });
});
