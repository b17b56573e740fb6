/**
 * `npm start` builds the client only when its inputs changed since the last build (issue 20.6):
 * a SHA-256 over every file the bundle can depend on (client/ sources, shared/, the Vite config,
 * the lockfile) is kept beside the bundle in client/dist/.inputs-sha256. `--force` rebuilds anyway.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, existsSync, writeFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const stampFile = join(root, "client/dist/.inputs-sha256");
/** What the bundle is made from; tests and the built output are not. */
const INPUTS = ["client", "shared", "package-lock.json"];
const SKIP = new Set(["node_modules", "dist", "test"]);

function listFiles(path: string, out: string[]): void {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    out.push(path);
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.endsWith(".test.ts")) continue;
    listFiles(join(path, entry.name), out);
  }
}

export function inputsHash(): string {
  const files: string[] = [];
  for (const input of INPUTS) listFiles(join(root, input), files);
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

function main(): void {
  const hash = inputsHash();
  const force = process.argv.includes("--force");
  if (!force && existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === hash) {
    console.log("client: up to date (client/dist), not rebuilt");
    return;
  }
  const vite = join(root, "node_modules/.bin/vite");
  const run = spawnSync(vite, ["build", "--config", "client/vite.config.ts"], { cwd: root, stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
  writeFileSync(stampFile, `${hash}\n`);
}

main();
