import { defineConfig, type Plugin } from "vite";
import { fileURLToPath } from "node:url";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** What is worth compressing: text assets over 1 kB (source maps are left as they are: only devtools load them). */
const COMPRESSIBLE = /\.(js|css|html|svg|json|tmj)$/;

/**
 * UX8: writes a brotli (`.br`, quality 11) and a gzip (`.gz`, level 9) copy beside every text asset
 * of the build, once, at build time; the server sends the one the browser accepts
 * (server/src/http/api.ts) and never compresses per request.
 */
function precompress(): Plugin {
  let outDir = "";
  return {
    name: "plaza-precompress",
    apply: "build",
    configResolved(c) { outDir = join(c.root, c.build.outDir); },
    closeBundle() {
      const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? walk(p) : [p];
      });
      for (const file of walk(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue;
        const body = readFileSync(file);
        if (body.length < 1024) continue;
        writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

// The client is a plain TypeScript + Canvas 2D app; no framework plugin needed.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [precompress()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:2567",
      "/maps": "http://127.0.0.1:2567",
      "/matchmake": { target: "http://127.0.0.1:2567", ws: true },
    },
  },
});
