/**
 * `npm start` runs the server from a bundle (OP17): server/src/main.ts and the embedded analytics
 * thread, each with our own code in one ES module and every package left to node_modules. Running
 * the TypeScript through tsx instead costs a loader thread and its transformed sources: ~24 MB of
 * an idle server's RSS (BENCHMARKS "Memory"). Tests and `npm run dev`-style runs keep using tsx.
 * The bundle sits where the sources' relative paths (maps, client/dist) still resolve:
 * server/build/src/ is as deep as server/src/<dir>/.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * How `npm run serve` (and so `npm start`) runs the bundle, for whatever else starts the shipped
 * server (the memory bench, tests): package.json's "serve" script is exactly these (a test checks).
 *  - `--liftoff-only`: PGlite's WebAssembly runs on V8's baseline compiler only. Optimising it
 *    left ~57 MB of compiled code and compiler leftovers in an idle server, and the store's queries
 *    did not get measurably slower without (BENCHMARKS "Memory").
 *  - `MALLOC_ARENA_MAX=2`: glibc keeps at most two malloc arenas instead of one per thread that
 *    ever allocated (V8's compiler and GC threads).
 */
export const SERVE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2" };
export const SERVE_NODE_ARGS: readonly string[] = ["--liftoff-only"];
export const SERVE_ENTRY = "server/build/src/main.mjs";

let built: Promise<void> | undefined;
/** Builds the bundle once per process (for tools and tests that start the shipped server). */
export function ensureServerBuilt(): Promise<void> {
  built ??= buildServer();
  return built;
}

export async function buildServer(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: { main: "server/src/main.ts", embeddedWorker: "server/src/analytics/embeddedWorker.ts" },
    // The worker's bundle sits beside main.mjs, as embeddedWorker.ts sits beside embedded.ts.
    outdir: "server/build/src",
    outExtension: { ".js": ".mjs" },
    // What is imported dynamically (Redis, OP17) stays a chunk of its own, loaded only when used;
    // chunks sit beside main.mjs too, so every relative path resolves the same from each.
    splitting: true,
    chunkNames: "[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildServer();
