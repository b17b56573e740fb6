/** OP17: `npm run serve` runs the bundle exactly as the tools and tests that start the shipped server do. */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { SERVE_ENTRY, SERVE_ENV, SERVE_NODE_ARGS } from "./server.ts";

it("OP17 package.json's serve script is SERVE_ENV, SERVE_NODE_ARGS and SERVE_ENTRY", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> };
  const env = Object.entries(SERVE_ENV).map(([k, v]) => `${k}=${v}`);
  expect(pkg.scripts.serve).toBe([...env, "node", ...SERVE_NODE_ARGS, SERVE_ENTRY].join(" "));
  expect(pkg.scripts.start).toMatch(/npm run build:server && npm run serve$/);
});

it("OP17 the systemd unit and the image run the bundle the same way", () => {
  const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
  const env = Object.entries(SERVE_ENV);
  const unit = read("deploy/systemd/plaza@.service");
  expect(unit).toContain(`ExecStart=/opt/plaza/node_modules/.bin/node ${[...SERVE_NODE_ARGS, SERVE_ENTRY].join(" ")}\n`);
  for (const [k, v] of env) expect(unit).toContain(`Environment=${k}=${v}\n`);
  const image = read("deploy/Dockerfile");
  expect(image).toContain(`CMD ${JSON.stringify(["/opt/plaza/node_modules/.bin/node", ...SERVE_NODE_ARGS, SERVE_ENTRY]).replaceAll(",", ", ")}`);
  for (const [k, v] of env) expect(image).toMatch(new RegExp(`^\\s+${k}=${v} \\\\$`, "m"));
});
